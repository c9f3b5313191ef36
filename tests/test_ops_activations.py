"""Activation ops (tanh, sigmoid, the relu family, elu … softsign, softmax, log softmax):
gradcheck over generated shapes on every backend, forward against NumPy, and forward and
gradient against PyTorch, also at the kinks, where the gradient must be PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_helpers import (
    check_case_gradcheck,
    check_case_matches_torch,
    check_unary,
    check_unary_at_points,
    check_unary_gradcheck,
    check_unary_matches_torch,
)

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    shapes,
    tensors,
    to_backend,
)
from nn import functional as F  # noqa: N812 (PyTorch's name)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


# name: (minigrad fn, NumPy fn, element bounds and kinks to avoid)
UNARY = {
    "tanh": (lambda x: x.tanh(), np.tanh, {}),
    "sigmoid": (lambda x: x.sigmoid(), _sigmoid, {"min_value": -6.0, "max_value": 6.0}),
    "relu": (lambda x: x.relu(), lambda a: np.maximum(a, 0), {"avoid": [0.0]}),
    "leaky_relu": (
        lambda x: x.leaky_relu(0.1),
        lambda a: np.where(a > 0, a, 0.1 * a),
        {"avoid": [0.0]},
    ),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradient_and_forward(name: str, backend: str, data: st.DataObject) -> None:
    check_unary(UNARY[name], backend, data)


# name: (minigrad fn, torch fn callable(t, F), element bounds and kinks to avoid)
UNARY_VS_TORCH = {
    "elu": (lambda x: F.elu(x, 0.7), lambda t, fn: fn.elu(t, 0.7), {"avoid": [0.0]}),
    "selu": (F.selu, lambda t, fn: fn.selu(t), {"avoid": [0.0]}),
    "gelu": (F.gelu, lambda t, fn: fn.gelu(t), {}),
    "gelu_tanh": (
        lambda x: F.gelu(x, approximate="tanh"),
        lambda t, fn: fn.gelu(t, approximate="tanh"),
        {},
    ),
    "silu": (F.silu, lambda t, fn: fn.silu(t), {}),
    "softplus": (
        lambda x: F.softplus(x, beta=2.0, threshold=3.0),
        lambda t, fn: fn.softplus(t, beta=2.0, threshold=3.0),
        {"avoid": [1.5]},  # the switch to the linear regime is a (tiny) jump
    ),
    "logsigmoid": (F.logsigmoid, lambda t, fn: fn.logsigmoid(t), {}),
    "hardtanh": (
        lambda x: F.hardtanh(x, -0.5, 2.0),
        lambda t, fn: fn.hardtanh(t, -0.5, 2.0),
        {"avoid": [-0.5, 2.0]},
    ),
    "relu6": (F.relu6, lambda t, fn: fn.relu6(t), {"avoid": [0.0, 6.0], "max_value": 7.0}),
    "hardsigmoid": (
        F.hardsigmoid,
        lambda t, fn: fn.hardsigmoid(t),
        {"avoid": [-3.0, 3.0], "min_value": -4.0, "max_value": 4.0},
    ),
    "hardswish": (
        F.hardswish,
        lambda t, fn: fn.hardswish(t),
        {"avoid": [-3.0, 3.0], "min_value": -4.0, "max_value": 4.0},
    ),
    "mish": (F.mish, lambda t, fn: fn.mish(t), {}),
    "softsign": (F.softsign, lambda t, fn: fn.softsign(t), {"avoid": [0.0]}),
    "hardshrink": (
        lambda x: F.hardshrink(x, 0.4),
        lambda t, fn: fn.hardshrink(t, 0.4),
        {"avoid": [-0.4, 0.4]},
    ),
    "softshrink": (F.softshrink, lambda t, fn: fn.softshrink(t), {"avoid": [-0.5, 0.5]}),
    "threshold": (
        lambda x: F.threshold(x, 0.3, -2.0),
        lambda t, fn: fn.threshold(t, 0.3, -2.0),
        {"avoid": [0.3]},
    ),
    "celu": (lambda x: F.celu(x, 1.7), lambda t, fn: fn.celu(t, 1.7), {"avoid": [0.0]}),
    "tanhshrink": (F.tanhshrink, lambda t, fn: fn.tanhshrink(t), {}),
    "rrelu_eval": (
        lambda x: F.rrelu(x, 0.1, 0.3),
        lambda t, fn: fn.rrelu(t, 0.1, 0.3),
        {"avoid": [0.0]},
    ),
}


def _functional(m):
    return F if m is minigrad else m.nn.functional


# name: (fn(x, m, idx), shapes, element options), as op_helpers' method tables: the
# activations that mix elements along an axis
CASES = {
    "glu": (
        lambda x, m, idx: _functional(m).glu(m.cat([x, x.sin()], -1), -1),
        shapes(min_dims=1),
        {},
    ),
    "glu_dim0": (
        lambda x, m, idx: _functional(m).glu(m.cat([x, x * 0.5], 0), 0),
        shapes(min_dims=1),
        {},
    ),
    "softmin": (lambda x, m, idx: _functional(m).softmin(x, -1), shapes(min_dims=1), {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_axis_activations_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_axis_activations_match_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


@given(data=st.data())
def test_prelu_gradcheck_with_one_slope_or_one_per_channel(
    backend: str, data: st.DataObject
) -> None:
    x = data.draw(tensors(shapes(min_dims=2, max_dims=3), backend=backend, avoid=[0.0]))
    channels = data.draw(st.sampled_from([1, x.shape[1]]), label="slopes")
    w = data.draw(tensors((channels,), backend=backend), label="w")
    assert_gradients_match(F.prelu, x, w)
    if x.ndim == 2:  # (N, C): the slopes run along the rows
        a = x.numpy()
        reference = np.where(a > 0, a, w.numpy().reshape(1, -1) * a)
        np.testing.assert_allclose(F.prelu(x, w).numpy(), reference)


def test_prelu_rejects_a_slope_count_that_is_not_the_channels() -> None:
    with pytest.raises(RuntimeError, match="2 slopes for 3 channels"):
        F.prelu(minigrad.ones(4, 3), minigrad.ones(2))


def test_rrelu_in_training_draws_slopes_in_the_bounds() -> None:
    minigrad.manual_seed(0)
    x = minigrad.tensor(-np.ones(1000), requires_grad=True)
    out = F.rrelu(x, 0.1, 0.3, training=True)
    slopes = -out.numpy()
    assert slopes.min() >= 0.1 and slopes.max() < 0.3 and slopes.std() > 0.01
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes)  # the gradient is the drawn slope
    assert F.rrelu(minigrad.tensor([2.0]), training=True).tolist() == [2.0]


def test_glu_needs_an_even_axis() -> None:
    with pytest.raises(RuntimeError, match="odd size 3"):
        F.glu(minigrad.ones(2, 3))


@pytest.mark.parametrize("name", sorted(UNARY_VS_TORCH))
@given(data=st.data())
def test_unary_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_unary_gradcheck(UNARY_VS_TORCH[name], backend, data)


@pytest.mark.parametrize("name", sorted(UNARY_VS_TORCH))
@given(data=st.data())
def test_unary_matches_torch(name: str, data: st.DataObject) -> None:
    check_unary_matches_torch(UNARY_VS_TORCH[name], data)


@pytest.mark.parametrize(
    ("name", "points"),
    [
        ("elu", [0.0]),
        ("selu", [0.0]),
        ("hardtanh", [-0.5, 2.0]),
        ("relu6", [0.0, 6.0]),
        ("hardsigmoid", [-3.0, 3.0]),
        ("hardswish", [-3.0, 3.0]),
        ("softplus", [1.5]),
        ("hardshrink", [-0.4, 0.4]),
        ("softshrink", [-0.5, 0.5]),
        ("threshold", [0.3]),
    ],
)
def test_gradients_at_kinks_are_pytorchs(name: str, points: list[float]) -> None:
    check_unary_at_points(UNARY_VS_TORCH[name], points)


def test_gelu_rejects_an_unknown_approximation() -> None:
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        F.gelu(minigrad.tensor([1.0]), approximate="erf")


def test_hardtanh_rejects_reversed_bounds() -> None:
    with pytest.raises(ValueError, match="min_val <= max_val"):
        F.hardtanh(minigrad.tensor([1.0]), 2.0, -2.0)


# ------------------------------------------------------------------------ softmax, log softmax


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
