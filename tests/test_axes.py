"""Axis arguments: every axis-taking method and function takes PyTorch's ``dim``/``keepdim``
and NumPy's ``axis``/``keepdims`` through the one parser in minigrad/dims.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad

X = np.array([[1.0, 2.0, 4.0], [7.0, -1.0, 3.0]])


def _x() -> minigrad.Tensor:
    return minigrad.tensor(X, dtype="float64")


@pytest.mark.parametrize(
    "name", ["sum", "mean", "prod", "var", "std", "norm", "logsumexp", "argmax", "argmin"]
)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_reductions_take_axis_and_keepdims_as_dim_and_keepdim(name: str, axis: int) -> None:
    method = getattr(_x(), name)
    by_dim = method(dim=axis, keepdim=True)
    by_axis = method(axis=axis, keepdims=True)
    assert by_axis.shape == by_dim.shape
    np.testing.assert_allclose(by_axis.numpy(), by_dim.numpy())
    function = getattr(minigrad, name)
    np.testing.assert_allclose(function(_x(), axis=axis, keepdims=True).numpy(), by_dim.numpy())


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "softmax", "log_softmax"])
def test_one_axis_methods_take_axis(name: str) -> None:
    by_dim = getattr(_x(), name)(dim=0)
    np.testing.assert_allclose(getattr(_x(), name)(axis=0).numpy(), by_dim.numpy())
    np.testing.assert_allclose(getattr(minigrad, name)(_x(), axis=0).numpy(), by_dim.numpy())


def test_prod_cumsum_var_take_axis() -> None:
    x = _x()
    assert x.prod(axis=0).tolist() == [7.0, -2.0, 12.0]
    assert x.cumsum(axis=0).tolist() == [[1.0, 2.0, 4.0], [8.0, 1.0, 7.0]]
    np.testing.assert_allclose(x.var(axis=0).numpy(), X.var(axis=0, ddof=1))
    np.testing.assert_allclose(
        x.std(axis=1, keepdims=True).numpy(), X.std(1, ddof=1, keepdims=True)
    )


def test_sorting_takes_axis() -> None:
    x = _x()
    assert x.sort(axis=0).indices.tolist() == x.sort(dim=0).indices.tolist()
    assert x.argsort(axis=0).tolist() == [[0, 1, 1], [1, 0, 0]]
    assert x.topk(1, axis=0).values.tolist() == [[7.0, 2.0, 4.0]]
    assert [p.shape for p in x.chunk(3, axis=1)] == [(2, 1), (2, 1), (2, 1)]


def test_a_positional_bool_is_unbiased_as_in_pytorch() -> None:
    x = minigrad.tensor([1.0, 2.0, 4.0, 7.0])
    assert x.var(False).item() == pytest.approx(5.25)  # torch.tensor(...).var(False)
    assert x.var(True).item() == pytest.approx(7.0)
    assert x.std(False).item() == pytest.approx(math.sqrt(5.25))
    assert x.std(True).item() == pytest.approx(math.sqrt(7.0))
    assert minigrad.var(x, False).item() == pytest.approx(5.25)
    assert minigrad.std(x, True).item() == pytest.approx(math.sqrt(7.0))


def test_positional_bool_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    values = [1.0, 2.0, 4.0, 7.0]
    for unbiased in (False, True):
        ours, theirs = minigrad.tensor(values), torch.tensor(values)
        assert ours.var(unbiased).item() == pytest.approx(theirs.var(unbiased).item())
        assert ours.std(unbiased).item() == pytest.approx(theirs.std(unbiased).item())


def test_unbiased_given_twice_is_an_error() -> None:
    with pytest.raises(TypeError):
        minigrad.tensor([1.0, 2.0]).var(True, unbiased=False)


@pytest.mark.parametrize("name", ["sum", "prod", "var", "cumsum", "softmax", "sort"])
def test_dim_and_axis_together_are_an_error(name: str) -> None:
    with pytest.raises(TypeError, match="same argument"):
        getattr(_x(), name)(dim=0, axis=0)


@pytest.mark.parametrize("name", ["sum", "prod", "var", "cumsum", "softmax", "sort", "argmax"])
def test_an_axis_out_of_range_is_an_axis_error(name: str) -> None:
    with pytest.raises(minigrad.AxisError, match=name):
        getattr(_x(), name)(axis=2)


def test_cumsum_needs_an_axis() -> None:
    with pytest.raises(TypeError, match="needs an axis"):
        _x().cumsum()


def test_one_named_tuple_for_values_and_indices() -> None:
    assert minigrad.SortResult is minigrad.ValuesIndices
    x = _x()
    assert type(x.max(dim=1)) is type(x.sort()) is type(x.topk(1)) is minigrad.ValuesIndices
