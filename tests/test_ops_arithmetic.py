"""Arithmetic ops (add, sub, neg, mul, div, powers, remainder, floor division, lerp): gradcheck
over generated shapes with broadcasting and forward against NumPy on every backend; forward and
gradient against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from op_helpers import check_binary, check_unary, draw_pair

import minigrad
from minigrad.testing import assert_forward_matches, assert_gradients_match, tensors

# name: (minigrad fn, NumPy fn, element bounds and kinks to avoid)
UNARY = {
    "neg": (lambda x: -x, lambda a: -a, {}),
    "pow_int": (lambda x: x**3, lambda a: a**3, {}),
    "pow_square": (lambda x: x**2, lambda a: a**2, {}),
    "pow_frac": (lambda x: x**2.5, lambda a: a**2.5, {"min_value": 0.1}),
    "pow_neg": (lambda x: x**-1.0, lambda a: a**-1.0, {"min_value": 0.2}),
    "rpow": (lambda x: 2.0**x, lambda a: 2.0**a, {}),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradient_and_forward(name: str, backend: str, data: st.DataObject) -> None:
    check_unary(UNARY[name], backend, data)


# name: (minigrad fn, NumPy fn, bounds for the first and the second input)
BINARY = {
    "add": (lambda a, b: a + b, np.add, {}, {}),
    "sub": (lambda a, b: a - b, np.subtract, {}, {}),
    "mul": (lambda a, b: a * b, np.multiply, {}, {}),
    "div": (lambda a, b: a / b, np.divide, {}, {"avoid": [0.0], "min_distance": 0.3}),
    "pow": (lambda a, b: a**b, np.power, {"min_value": 0.2}, {"min_value": -2.0, "max_value": 2.0}),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_broadcasting_gradient_and_forward(
    name: str, backend: str, data: st.DataObject
) -> None:
    check_binary(BINARY[name], backend, data)


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


# ------------------------------------------------------------------------ against PyTorch

_NONZERO = {"avoid": [0.0], "min_distance": 0.3}
_NONZERO_HALF = {"avoid": [0.0], "min_distance": 0.5}

# name: (minigrad fn, torch fn, bounds of a, bounds of b)
BINARY_VS_TORCH = {
    "remainder": (
        lambda a, b: a % b,
        lambda a, b: a % b,
        {},
        {"avoid": [0.0], "min_distance": 0.5},
    ),
    "floor_divide": (
        lambda a, b: a // b,
        lambda a, b: a // b,
        {},
        {"avoid": [0.0], "min_distance": 0.5},
    ),
    "lerp": (lambda a, b: a.lerp(b, 0.3), lambda a, b: a.lerp(b, 0.3), {}, {}),
    "lerp_tensor_weight": (lambda a, b: a.lerp(a * b, b), lambda a, b: a.lerp(a * b, b), {}, {}),
    # the two-input math functions (the origin is where atan2 and hypot have no derivative)
    "atan2": (lambda a, b: a.atan2(b), lambda a, b: a.atan2(b), _NONZERO, {}),
    "hypot": (lambda a, b: minigrad.hypot(a, b), lambda a, b: a.hypot(b), _NONZERO, {}),
    "copysign": (lambda a, b: a.copysign(b), lambda a, b: a.copysign(b), _NONZERO, _NONZERO),
    "logaddexp": (lambda a, b: a.logaddexp(b), lambda a, b: a.logaddexp(b), {}, {}),
    "logaddexp2": (lambda a, b: a.logaddexp2(b), lambda a, b: a.logaddexp2(b), {}, {}),
    "xlogy": (lambda a, b: a.xlogy(b), lambda a, b: a.xlogy(b), _NONZERO, {"min_value": 0.2}),
    "fmod": (lambda a, b: a.fmod(b), lambda a, b: a.fmod(b), {}, _NONZERO_HALF),
    "float_power": (
        lambda a, b: a.float_power(b),
        lambda a, b: a.float_power(b),
        {"min_value": 0.2},
        {"min_value": -2.0, "max_value": 2.0},
    ),
}

# numpy reference of the two-input math functions, on every backend
BINARY_VS_NUMPY = {
    "atan2": (lambda a, b: a.atan2(b), np.arctan2, _NONZERO, {}),
    "hypot": (lambda a, b: a.hypot(b), np.hypot, _NONZERO, {}),
    "copysign": (lambda a, b: a.copysign(b), np.copysign, _NONZERO, _NONZERO),
    "logaddexp": (lambda a, b: a.logaddexp(b), np.logaddexp, {}, {}),
    "logaddexp2": (lambda a, b: a.logaddexp2(b), np.logaddexp2, {}, {}),
    "xlogy": (lambda a, b: a.xlogy(b), lambda a, b: a * np.log(b), _NONZERO, {"min_value": 0.2}),
}


@pytest.mark.parametrize("name", sorted(BINARY_VS_NUMPY))
@given(data=st.data())
def test_two_input_math_forward_and_gradient(name: str, backend: str, data: st.DataObject) -> None:
    check_binary(BINARY_VS_NUMPY[name], backend, data)


def _floor_jump_free(a: np.ndarray, b: np.ndarray) -> bool:
    """a / b is not near an integer, where remainder and floor division jump."""
    quotient = a / b
    return bool(np.all(np.abs(quotient - np.round(quotient)) > 1e-3))


@pytest.mark.parametrize("name", sorted(BINARY_VS_TORCH))
@given(data=st.data())
def test_binary_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    fn, _, first, second = BINARY_VS_TORCH[name]
    a, b = draw_pair(data, backend, first, second)
    if name in ("remainder", "floor_divide", "fmod"):
        assume(_floor_jump_free(a.numpy(), b.numpy()))
    assert_gradients_match(fn, a, b)


@pytest.mark.parametrize("name", sorted(BINARY_VS_TORCH))
@given(data=st.data())
def test_binary_matches_torch(name: str, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    fn, reference, first, second = BINARY_VS_TORCH[name]
    a, b = draw_pair(data, "numpy", first, second)
    ta = torch.tensor(a.numpy(), requires_grad=True)
    tb = torch.tensor(b.numpy(), requires_grad=True)
    ours, theirs = fn(a, b), reference(ta, tb)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-12)
    ours.sum().backward()
    if name == "floor_divide":
        # PyTorch refuses to differentiate floor_divide; minigrad gives it the zero gradient
        # of the rounding family, which is what PyTorch's remainder rule already assumes.
        assert not a.grad.numpy().any() and not b.grad.numpy().any()
        return
    theirs.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-7, atol=1e-12)


def test_remainder_and_floor_divide_follow_the_divisors_sign() -> None:
    a = minigrad.tensor([-7.0, 7.0, -7.0, 7.0])
    b = minigrad.tensor([2.0, -2.0, -2.0, 2.0])
    assert (a % b).tolist() == [1.0, -1.0, -1.0, 1.0]
    assert (a // b).tolist() == [-4.0, -4.0, 3.0, 3.0]
    assert (7.0 % minigrad.tensor([4.0])).tolist() == [3.0]
    assert (7.0 // minigrad.tensor([4.0])).tolist() == [1.0]


def test_fmod_keeps_the_dividends_sign_and_integers() -> None:
    a = minigrad.tensor([-7.0, 7.0, -7.0, 7.0])
    b = minigrad.tensor([2.0, -2.0, -2.0, 2.0])
    assert a.fmod(b).tolist() == [-1.0, 1.0, -1.0, 1.0]
    ints = minigrad.tensor([-7, 7]).fmod(3)
    assert ints.tolist() == [-1, 1] and str(ints.dtype) == "int64"


def test_two_input_math_promotes_integers_to_the_default_float() -> None:
    ints = minigrad.tensor([1, 2])
    for out in (ints.atan2(ints), ints.hypot(2), ints.logaddexp(ints), ints.xlogy(ints)):
        assert str(out.dtype) == "float32"
    assert str(ints.float_power(2).dtype) == "float64"


def test_xlogy_is_zero_where_x_is_zero_unless_y_is_nan() -> None:
    x = minigrad.tensor([0.0, 0.0, 2.0], dtype="float64", requires_grad=True)
    y = minigrad.tensor([0.0, float("nan"), 1.0], dtype="float64")
    out = x.xlogy(y)
    assert out.tolist()[0] == 0.0 and np.isnan(out.tolist()[1]) and out.tolist()[2] == 0.0
    out[0].backward()
    assert x.grad.tolist()[0] == 0.0  # PyTorch's rule: no log(0) where x = 0


def test_div_rounding_modes_round_in_the_operands_dtype_with_zero_gradient() -> None:
    a = minigrad.tensor([-7, 7, -6, 7])
    b = minigrad.tensor([2, -2, 3, 7])
    assert a.div(b, rounding_mode="trunc").tolist() == [-3, -3, -2, 1]
    assert a.div(b, rounding_mode="floor").tolist() == [-4, -4, -2, 1]
    x = minigrad.tensor([-7.5, 7.5], dtype="float64", requires_grad=True)
    out = x.div(2.0, rounding_mode="trunc")
    assert out.tolist() == [-3.0, 3.0]
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="rounding_mode"):
        x.div(2.0, rounding_mode="round")


def test_round_to_decimals_matches_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    values = [1.23456, -2.5e3, 0.125, 1249.9, 35.0]
    for decimals in (-2, -1, 1, 3):
        ours = minigrad.tensor(values, dtype="float64").round(decimals).tolist()
        theirs = torch.tensor(values, dtype=torch.float64).round(decimals=decimals).tolist()
        assert ours == theirs
