"""Element-wise ops: gradcheck over generated shapes (with broadcasting) and forward vs NumPy,
on every backend."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    broadcastable_tensors,
    tensors,
)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


# name: (minigrad fn, NumPy fn, element bounds and kinks to avoid)
UNARY = {
    "neg": (lambda x: -x, lambda a: -a, {}),
    "exp": (lambda x: x.exp(), np.exp, {}),
    "log": (lambda x: x.log(), np.log, {"min_value": 0.1, "max_value": 5.0}),
    "sqrt": (lambda x: x.sqrt(), np.sqrt, {"min_value": 0.1, "max_value": 5.0}),
    "abs": (lambda x: x.abs(), np.abs, {"avoid": [0.0]}),
    "abs_builtin": (abs, np.abs, {"avoid": [0.0]}),
    "tanh": (lambda x: x.tanh(), np.tanh, {}),
    "sigmoid": (lambda x: x.sigmoid(), _sigmoid, {"min_value": -6.0, "max_value": 6.0}),
    "relu": (lambda x: x.relu(), lambda a: np.maximum(a, 0), {"avoid": [0.0]}),
    "leaky_relu": (
        lambda x: x.leaky_relu(0.1),
        lambda a: np.where(a > 0, a, 0.1 * a),
        {"avoid": [0.0]},
    ),
    "pow_int": (lambda x: x**3, lambda a: a**3, {}),
    "pow_square": (lambda x: x**2, lambda a: a**2, {}),
    "pow_frac": (lambda x: x**2.5, lambda a: a**2.5, {"min_value": 0.1}),
    "pow_neg": (lambda x: x**-1.0, lambda a: a**-1.0, {"min_value": 0.2}),
    "rpow": (lambda x: 2.0**x, lambda a: 2.0**a, {}),
    "clip": (lambda x: x.clip(-1.0, 1.0), lambda a: np.clip(a, -1.0, 1.0), {"avoid": [-1.0, 1.0]}),
    "clip_low": (lambda x: x.clamp(min=0.5), lambda a: np.maximum(a, 0.5), {"avoid": [0.5]}),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradient_and_forward(name: str, backend: str, data: st.DataObject) -> None:
    fn, reference, bounds = UNARY[name]
    x = data.draw(tensors(backend=backend, **bounds), label="x")
    assert_forward_matches(fn, reference, x)
    assert_gradients_match(fn, x)


# name: (minigrad fn, NumPy fn, bounds for the first and the second input)
BINARY = {
    "add": (lambda a, b: a + b, np.add, {}, {}),
    "sub": (lambda a, b: a - b, np.subtract, {}, {}),
    "mul": (lambda a, b: a * b, np.multiply, {}, {}),
    "div": (lambda a, b: a / b, np.divide, {}, {"avoid": [0.0], "min_distance": 0.3}),
    "pow": (lambda a, b: a**b, np.power, {"min_value": 0.2}, {"min_value": -2.0, "max_value": 2.0}),
    "maximum": (lambda a, b: a.maximum(b), np.maximum, {}, {}),
    "minimum": (lambda a, b: minigrad.minimum(a, b), np.minimum, {}, {}),
}


def _draw_pair(data: st.DataObject, backend: str, first: dict, second: dict) -> tuple:
    a, b = data.draw(broadcastable_tensors(2, backend=backend), label="shapes")
    # Redraw with per-input bounds, keeping the broadcast-compatible shapes.
    a = data.draw(tensors(a.shape, backend=backend, **first), label="a")
    b = data.draw(tensors(b.shape, backend=backend, **second), label="b")
    return a, b


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_broadcasting_gradient_and_forward(
    name: str, backend: str, data: st.DataObject
) -> None:
    fn, reference, first, second = BINARY[name]
    a, b = _draw_pair(data, backend, first, second)
    if name in ("maximum", "minimum"):
        # Ties are the non-differentiable points of max/min.
        assume(np.min(np.abs(a.numpy() - b.numpy()), initial=1.0) > 1e-2)
    assert_forward_matches(fn, reference, a, b, rtol=1e-6)
    assert_gradients_match(fn, a, b)


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
    from minigrad.testing import to_backend

    a = minigrad.Tensor(to_backend([1.0, 2.0, 3.0], backend), requires_grad=True)
    b = minigrad.Tensor(to_backend([1.0, 5.0, 0.0], backend), requires_grad=True)
    a.maximum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0]
    assert b.grad.tolist() == [0.5, 1.0, 0.0]


def test_minimum_routes_to_the_smaller_input(backend: str) -> None:
    from minigrad.testing import to_backend

    a = minigrad.Tensor(to_backend([1.0, 2.0], backend), requires_grad=True)
    b = minigrad.Tensor(to_backend([3.0, 0.0], backend), requires_grad=True)
    minigrad.minimum(a, b).sum().backward()
    assert a.grad.tolist() == [1.0, 0.0]
    assert b.grad.tolist() == [0.0, 1.0]


@given(data=st.data())
def test_python_scalars_and_numpy_arrays_mix_in(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors((2, 3), backend=backend, avoid=[0.0], min_distance=0.3))
    row = np.array([1.0, -2.0, 0.5])

    def mixed(t):
        return (2 * t - 1) / 3.0 + 1 / t + t**2 * row + row * t - row / t + 0.5**t

    def reference(a):
        return (2 * a - 1) / 3.0 + 1 / a + a**2 * row + row * a - row / a + 0.5**a

    assert_forward_matches(mixed, reference, x, rtol=1e-6)
    assert_gradients_match(mixed, x)
    out = mixed(x)
    assert isinstance(out, minigrad.Tensor)
    assert out.dtype == x.dtype


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
