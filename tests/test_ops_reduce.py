"""Reductions (sum, mean, max, min, logsumexp, prod, norm, and var and std built on them):
every axis form (None, int, negative, tuple) and keepdims, gradcheck on every backend, and
forward and gradient against PyTorch, also at zeros and ties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_helpers import (
    ANY,
    DISTINCT,
    LONG,
    VECTORS,
    check_case_at_values,
    check_case_gradcheck,
    check_case_matches_torch,
)

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    assume_well_separated,
    shapes,
    tensors,
    to_backend,
)


def _logsumexp(a, axis=None, keepdims=False):
    shift = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - shift), axis=axis, keepdims=True)) + shift
    return out if keepdims else np.squeeze(out, axis=axis)


REDUCTIONS = {
    "sum": (lambda x, **k: x.sum(**k), np.sum),
    "mean": (lambda x, **k: x.mean(**k), np.mean),
    "max": (lambda x, **k: x.max(**k), np.max),
    "min": (lambda x, **k: x.min(**k), np.min),
    "logsumexp": (lambda x, **k: x.logsumexp(**k), _logsumexp),
}


@st.composite
def _axis(draw: st.DrawFn, ndim: int):
    """None, an int (possibly negative) or a tuple of distinct axes."""
    kind = draw(st.sampled_from(["none", "int", "tuple"]) if ndim else st.just("none"))
    if kind == "none":
        return None
    if kind == "int":
        return draw(st.integers(-ndim, ndim - 1))
    return draw(hnp.valid_tuple_axes(ndim, min_size=1))


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@given(data=st.data())
def test_reduction_gradient_and_forward(name: str, backend: str, data: st.DataObject) -> None:
    fn, reference = REDUCTIONS[name]
    # max/min route to the extreme element: distinct values keep it unique (differentiable).
    x = data.draw(tensors(backend=backend, unique=name in ("max", "min")), label="x")
    if name in ("max", "min"):
        assume_well_separated(x, 1e-3)
    axis = data.draw(_axis(x.ndim), label="axis")
    keepdims = data.draw(st.booleans(), label="keepdims")

    def mg_fn(t):
        return fn(t, axis=axis, keepdims=keepdims)

    assert_forward_matches(mg_fn, lambda a: reference(a, axis=axis, keepdims=keepdims), x)
    assert_gradients_match(mg_fn, x)


# name: (fn(x, m, idx), shapes, element options); see op_helpers
CASES = {
    "norm_half": (lambda x, m, idx: x.norm(0.5, dim=-1), VECTORS, {"avoid": [0.0]}),
    "norm_negative": (lambda x, m, idx: x.norm(-1.5), ANY, {"avoid": [0.0], "min_distance": 0.2}),
    "norm_minus_inf": (lambda x, m, idx: x.norm(float("-inf"), 0), VECTORS, DISTINCT),
    "amax": (lambda x, m, idx: x.amax(), ANY, DISTINCT),
    "amin_dims": (
        lambda x, m, idx: m.amin(x, (0, -1) if x.ndim > 1 else 0, keepdim=True),
        VECTORS,
        DISTINCT,
    ),
    "prod": (lambda x, m, idx: x.prod(), ANY, {}),
    "prod_dim": (lambda x, m, idx: x.prod(-1, keepdim=True), VECTORS, {}),
    "var": (lambda x, m, idx: x.var(0), LONG, {}),
    "var_all_biased": (lambda x, m, idx: x.var(correction=0), LONG, {}),
    "std": (lambda x, m, idx: x.std(-1, keepdim=True), LONG, DISTINCT),
    "std_unbiased_false": (lambda x, m, idx: x.std(0, unbiased=False), LONG, DISTINCT),
    "norm_2": (lambda x, m, idx: x.norm(), ANY, {"avoid": [0.0], "min_distance": 0.1}),
    "norm_1": (lambda x, m, idx: x.norm(1, dim=-1), VECTORS, {"avoid": [0.0]}),
    "norm_3": (lambda x, m, idx: x.norm(3, dim=0), VECTORS, {"avoid": [0.0], "min_distance": 0.1}),
    "norm_inf": (
        lambda x, m, idx: x.norm(float("inf"), dim=-1),
        VECTORS,
        {**DISTINCT, "avoid": [0.0], "separated_abs": True},  # |x| ties are kinks too
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


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("prod", [[2.0, 0.0, 3.0], [0.0, 0.0, 4.0]]),
        ("prod_dim", [[2.0, 0.0, 3.0], [0.0, 0.0, 4.0]]),
        ("norm_2", [[0.0, 0.0], [0.0, 0.0]]),
        ("norm_inf", [[1.0, -3.0, 3.0], [0.0, 0.0, 0.0]]),
        ("norm_1", [[1.0, 0.0, -2.0], [0.0, 0.0, 0.0]]),
    ],
)
def test_gradients_at_zeros_and_ties_are_pytorchs(name: str, values: list) -> None:
    check_case_at_values(CASES[name], values)


def test_max_ties_share_the_gradient(backend: str) -> None:
    x = minigrad.Tensor(to_backend([[3.0, 1.0, 3.0], [0.0, 2.0, 1.0]], backend), requires_grad=True)
    x.max(axis=1).sum().backward()
    assert x.grad.tolist() == [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]


def test_bad_axis_is_a_clear_error() -> None:
    x = minigrad.ones(2, 3)
    with pytest.raises(
        IndexError, match=r"sum: axis 2 is out of range for a tensor of shape \(2, 3\)"
    ):
        x.sum(axis=2)
    with pytest.raises(ValueError, match="repeats an axis"):
        x.sum(axis=(1, -1))


@given(data=st.data())
def test_norm_zero_counts_nonzeros_with_a_zero_gradient(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(shapes(min_dims=1), backend=backend))
    x = (x * (x > 0.2)).detach().requires_grad_()
    out = x.norm(0, dim=-1)
    np.testing.assert_array_equal(out.numpy(), (x.numpy() != 0).sum(-1))
    out.sum().backward()
    assert not x.grad.numpy().any()


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (2, 3, 2)])
def test_nuclear_norm_matches_pytorch(shape: tuple) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    a = np.random.default_rng(1).normal(size=shape)
    dims = None if len(shape) == 2 else (0, 2)
    x = minigrad.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    out = x.norm("nuc", dims, keepdim=True)
    theirs = torch.norm(tx, "nuc", dims, keepdim=True)
    np.testing.assert_allclose(out.numpy(), theirs.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    assert_gradients_match(lambda t: t.norm("nuc", dims), minigrad.tensor(a, requires_grad=True))
