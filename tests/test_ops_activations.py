"""Activation ops (tanh, sigmoid, the relu family, elu … softsign, softmax, log softmax):
gradcheck over generated shapes on every backend, forward against NumPy, and forward and
gradient against PyTorch, also at the kinks, where the gradient must be PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_helpers import (
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
}


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
