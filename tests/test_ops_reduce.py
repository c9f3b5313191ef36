"""Reductions and normalisations: every axis form (None, int, negative, tuple) and keepdims."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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


def _softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@given(data=st.data())
def test_softmax_family(name: str, backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(shapes(min_dims=1), backend=backend, min_value=-5, max_value=5))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    if name == "softmax":
        fn, ref = (lambda t: t.softmax(axis)), (lambda a: _softmax(a, axis))
    else:
        fn, ref = (lambda t: t.log_softmax(axis)), (lambda a: np.log(_softmax(a, axis)))
    assert_forward_matches(fn, ref, x, rtol=1e-6, atol=1e-9)
    assert_gradients_match(fn, x)


def test_softmax_and_logsumexp_do_not_overflow(backend: str) -> None:
    x = minigrad.Tensor(to_backend([1000.0, 1000.0, -1000.0], backend), requires_grad=True)
    assert np.allclose(x.softmax().numpy(), [0.5, 0.5, 0.0])
    assert np.isclose(x.logsumexp().item(), 1000.0 + np.log(2.0))
    x.log_softmax()[0].backward()
    assert np.allclose(x.grad.numpy(), [0.5, -0.5, 0.0])


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
