"""Ops that compare and choose (maximum, minimum, clip, where, masked_fill) and the comparisons
and predicates, which are not differentiable: the gradient is routed to the chosen input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_helpers import (
    ANY,
    check_binary,
    check_case_gradcheck,
    check_case_matches_torch,
    check_unary,
)

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    broadcastable_tensors,
    to_backend,
)

# name: (minigrad fn, NumPy fn, element bounds and kinks to avoid)
UNARY = {
    "clip": (lambda x: x.clip(-1.0, 1.0), lambda a: np.clip(a, -1.0, 1.0), {"avoid": [-1.0, 1.0]}),
    "clip_low": (lambda x: x.clamp(min=0.5), lambda a: np.maximum(a, 0.5), {"avoid": [0.5]}),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradient_and_forward(name: str, backend: str, data: st.DataObject) -> None:
    check_unary(UNARY[name], backend, data)


# name: (minigrad fn, NumPy fn, bounds for the first and the second input)
BINARY = {
    "maximum": (lambda a, b: a.maximum(b), np.maximum, {}, {}),
    "minimum": (lambda a, b: minigrad.minimum(a, b), np.minimum, {}, {}),
    "fmax": (lambda a, b: a.fmax(b), np.fmax, {}, {}),
    "fmin": (lambda a, b: minigrad.fmin(a, b), np.fmin, {}, {}),
    "clamp_min_tensor": (lambda a, b: a.clamp_min(b), np.maximum, {}, {}),
    "clamp_max_tensor": (lambda a, b: minigrad.clamp_max(a, b), np.minimum, {}, {}),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_broadcasting_gradient_and_forward(
    name: str, backend: str, data: st.DataObject
) -> None:
    check_binary(BINARY[name], backend, data, avoid_ties=True)


# name: (fn(x, m, idx), shapes, element options); see op_helpers
CASES = {
    "masked_fill": (lambda x, m, idx: x.masked_fill(x > 0, 2.0), ANY, {"avoid": [0.0]}),
    # tensor bounds x² − 1 and 1 − x²: avoid where x meets a bound or the bounds meet
    "clamp_tensor_bounds": (
        lambda x, m, idx: m.clamp(x, x * x - 1, 1 - x * x),
        ANY,
        {"avoid": [-1.618, -1.0, -0.618, 0.618, 1.0, 1.618], "min_distance": 0.05},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


@given(data=st.data())
def test_where_routes_gradient_by_condition(backend: str, data: st.DataObject) -> None:
    c, a, b = data.draw(broadcastable_tensors(3, backend=backend))
    condition = c > 0
    assert_forward_matches(
        lambda x, y: minigrad.where(condition, x, y),
        lambda x, y: np.where(condition.numpy(), x, y),
        a,
        b,
    )
    assert_gradients_match(lambda x, y: minigrad.where(condition, x, y), a, b)


def test_maximum_ties_split_the_gradient(backend: str) -> None:
    a = minigrad.Tensor(to_backend([1.0, 2.0, 3.0], backend), requires_grad=True)
    b = minigrad.Tensor(to_backend([1.0, 5.0, 0.0], backend), requires_grad=True)
    a.maximum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0]
    assert b.grad.tolist() == [0.5, 1.0, 0.0]


def test_minimum_routes_to_the_smaller_input(backend: str) -> None:
    a = minigrad.Tensor(to_backend([1.0, 2.0], backend), requires_grad=True)
    b = minigrad.Tensor(to_backend([3.0, 0.0], backend), requires_grad=True)
    minigrad.minimum(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 0.0]
    assert b.grad.tolist() == [0.0, 1.0]


# ------------------------------------------------------------------------ comparisons, predicates


@given(data=st.data())
def test_comparisons_are_not_differentiable(backend: str, data: st.DataObject) -> None:
    a, b = data.draw(broadcastable_tensors(2, backend=backend))
    for op, ref in [
        (lambda x, y: x < y, np.less),
        (lambda x, y: x <= y, np.less_equal),
        (lambda x, y: x > y, np.greater),
        (lambda x, y: x >= y, np.greater_equal),
        (lambda x, y: x == y, np.equal),
        (lambda x, y: x != y, np.not_equal),
        (lambda x, y: x > 0.5, lambda p, q: p > 0.5),
    ]:
        out = op(a, b)
        assert not out.requires_grad and out.is_leaf
        assert str(out.dtype).endswith("bool")
        np.testing.assert_array_equal(out.numpy(), ref(a.numpy(), b.numpy()))


def test_comparison_result_cannot_require_grad() -> None:
    x = minigrad.tensor([1.0, -1.0], requires_grad=True)
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        (x > 0).requires_grad_()


def test_predicates_are_bool_and_not_differentiable() -> None:
    x = minigrad.tensor([1.0, float("nan"), float("inf"), -float("inf")], requires_grad=True)
    assert x.isnan().tolist() == [False, True, False, False]
    assert x.isinf().tolist() == [False, False, True, True]
    assert x.isfinite().tolist() == [True, False, False, False]
    assert not x.isnan().requires_grad


def test_fmax_and_fmin_ignore_nan_and_route_ties_to_the_first_input(backend: str) -> None:
    nan = float("nan")
    a = minigrad.Tensor(to_backend([nan, 1.0, 2.0, nan], backend), requires_grad=True)
    b = minigrad.Tensor(to_backend([3.0, nan, 2.0, nan], backend), requires_grad=True)
    out = a.fmax(b)
    assert np.array_equal(out.numpy(), [3.0, 1.0, 2.0, nan], equal_nan=True)
    out.sum().backward()
    assert a.grad.tolist() == [0.0, 1.0, 1.0, 1.0]
    assert b.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert np.array_equal(a.fmin(b).numpy(), [3.0, 1.0, 2.0, nan], equal_nan=True)


@given(data=st.data())
def test_logical_ops_are_bool_and_not_differentiable(backend: str, data: st.DataObject) -> None:
    a, b = data.draw(broadcastable_tensors(2, backend=backend))
    a, b = (a > 0.3) * a, (b < -0.2) * b  # zeros among the values: they count as false
    for name in ("logical_and", "logical_or", "logical_xor"):
        out = getattr(minigrad, name)(a, b)
        assert str(out.dtype).endswith("bool") and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), getattr(np, name)(a.numpy(), b.numpy()))
    np.testing.assert_array_equal(a.logical_not().numpy(), np.logical_not(a.numpy()))
    np.testing.assert_array_equal((~(a > 0)).numpy(), ~(a.numpy() > 0))


def test_heaviside_steps_and_takes_the_value_at_zero(backend: str) -> None:
    x = minigrad.Tensor(to_backend([-2.0, 0.0, 3.0, 0.0], backend))
    values = minigrad.Tensor(to_backend([9.0, 0.5, 9.0, 0.25], backend))
    assert x.heaviside(values).tolist() == [0.0, 0.5, 1.0, 0.25]
    with pytest.raises(RuntimeError, match="dtype"):
        x.heaviside(minigrad.tensor([1, 2, 3, 4]))


def test_named_comparisons_are_the_operators() -> None:
    a, b = minigrad.tensor([1.0, 2.0, 3.0]), minigrad.tensor([2.0, 2.0, 2.0])
    for name, ref in [
        ("eq", np.equal),
        ("ne", np.not_equal),
        ("lt", np.less),
        ("le", np.less_equal),
        ("gt", np.greater),
        ("ge", np.greater_equal),
    ]:
        np.testing.assert_array_equal(getattr(a, name)(b).numpy(), ref(a.numpy(), b.numpy()))
        np.testing.assert_array_equal(getattr(minigrad, name)(a, 2).numpy(), ref(a.numpy(), 2))
