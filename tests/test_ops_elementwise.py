"""Element-wise math functions (exp, log, sqrt, abs, trigonometry, other bases, erf, rounding):
gradcheck over generated shapes on every backend, forward against NumPy, and forward and
gradient against PyTorch (also at the jumps of the rounding family)."""

from __future__ import annotations

import math

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
from minigrad.testing import to_backend

_INTEGERS = [float(k) for k in range(-4, 5)]
_HALVES = [k + 0.5 for k in range(-4, 4)]

# name: (minigrad fn, NumPy fn, element bounds and kinks to avoid)
UNARY = {
    "exp": (lambda x: x.exp(), np.exp, {}),
    "log": (lambda x: x.log(), np.log, {"min_value": 0.1, "max_value": 5.0}),
    "sqrt": (lambda x: x.sqrt(), np.sqrt, {"min_value": 0.1, "max_value": 5.0}),
    "abs": (lambda x: x.abs(), np.abs, {"avoid": [0.0]}),
    "abs_builtin": (abs, np.abs, {"avoid": [0.0]}),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradient_and_forward(name: str, backend: str, data: st.DataObject) -> None:
    check_unary(UNARY[name], backend, data)


# name: (minigrad fn, torch fn name, element bounds and kinks to avoid)
UNARY_VS_TORCH = {
    "sin": (lambda x: x.sin(), "sin", {}),
    "cos": (lambda x: x.cos(), "cos", {}),
    "tan": (lambda x: x.tan(), "tan", {"min_value": -1.3, "max_value": 1.3}),
    "asin": (lambda x: x.asin(), "asin", {"min_value": -0.9, "max_value": 0.9}),
    "acos": (lambda x: x.acos(), "acos", {"min_value": -0.9, "max_value": 0.9}),
    "atan": (lambda x: x.atan(), "atan", {}),
    "sinh": (lambda x: x.sinh(), "sinh", {}),
    "erf": (lambda x: x.erf(), "erf", {}),
    "cosh": (lambda x: x.cosh(), "cosh", {}),
    "log1p": (lambda x: x.log1p(), "log1p", {"min_value": -0.9}),
    "expm1": (lambda x: x.expm1(), "expm1", {}),
    "log2": (lambda x: x.log2(), "log2", {"min_value": 0.1}),
    "log10": (lambda x: x.log10(), "log10", {"min_value": 0.1}),
    "exp2": (lambda x: x.exp2(), "exp2", {}),
    "rsqrt": (lambda x: x.rsqrt(), "rsqrt", {"min_value": 0.2}),
    "reciprocal": (lambda x: x.reciprocal(), "reciprocal", {"avoid": [0.0], "min_distance": 0.3}),
    "square": (lambda x: x.square(), "square", {}),
    "sign": (lambda x: x.sign(), "sign", {"avoid": [0.0]}),
    "floor": (lambda x: x.floor(), "floor", {"avoid": _INTEGERS}),
    "ceil": (lambda x: x.ceil(), "ceil", {"avoid": _INTEGERS}),
    "round": (lambda x: x.round(), "round", {"avoid": _HALVES}),
    "trunc": (lambda x: x.trunc(), "trunc", {"avoid": _INTEGERS}),
    "acosh": (lambda x: x.acosh(), "acosh", {"min_value": 1.2, "max_value": 5.0}),
    "asinh": (lambda x: minigrad.asinh(x), "asinh", {}),
    "atanh": (lambda x: x.atanh(), "atanh", {"min_value": -0.9, "max_value": 0.9}),
    "erfc": (lambda x: x.erfc(), "erfc", {}),
    "erfinv": (lambda x: x.erfinv(), "erfinv", {"min_value": -0.9, "max_value": 0.9}),
    "logit": (lambda x: x.logit(), "logit", {"min_value": 0.1, "max_value": 0.9}),
    "logit_eps": (
        lambda x: minigrad.logit(x, 0.2),
        lambda t, fn: t.logit(0.2),
        {"min_value": 0.05, "max_value": 0.95, "avoid": [0.2, 0.8]},
    ),
    "sinc": (lambda x: x.sinc(), "sinc", {"avoid": [0.0], "min_distance": 0.1}),
    "nan_to_num": (lambda x: x.nan_to_num(), "nan_to_num", {}),
    "frac": (lambda x: x.frac(), "frac", {"avoid": _INTEGERS}),
    "deg2rad": (lambda x: x.deg2rad(), "deg2rad", {}),
    "rad2deg": (lambda x: minigrad.rad2deg(x), "rad2deg", {}),
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
        ("sign", [0.0]),
        ("round", [0.5, 1.5]),
        ("floor", [1.0]),
    ],
)
def test_gradients_at_kinks_are_pytorchs(name: str, points: list[float]) -> None:
    check_unary_at_points(UNARY_VS_TORCH[name], points)


def test_special_values_are_pytorchs(backend: str) -> None:
    inf, nan = math.inf, math.nan
    x = minigrad.Tensor(to_backend([nan, inf, -inf, -0.0, 0.0, 2.5], backend), requires_grad=True)
    big = float(np.finfo(np.float64).max)
    assert x.nan_to_num().tolist() == [0.0, big, -big, -0.0, 0.0, 2.5]
    assert x.nan_to_num(1.0, 2.0, -3.0).tolist() == [1.0, 2.0, -3.0, -0.0, 0.0, 2.5]
    x.nan_to_num().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]  # only finite values pass
    assert x.signbit().tolist() == [False, False, True, True, False, False]
    assert x.isposinf().tolist() == [False, True, False, False, False, False]
    assert x.isneginf().tolist() == [False, False, True, False, False, False]
    assert x.sinc().tolist()[3:5] == [1.0, 1.0]
    assert minigrad.tensor([1, -1]).erfinv().tolist() == [inf, -inf]
    assert str(minigrad.tensor([1, 2]).acosh().dtype) == "float32"


def test_erfinv_inverts_erf_to_double_precision() -> None:
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 2001), [1 - 1e-15, 1e-300]])
    x = minigrad.tensor(y, dtype="float64").erfinv().numpy()
    back = np.array([math.erf(v) for v in x])
    tail = np.abs(y) > 0.5  # there erf loses the digits: compare 1 − erf through erfc
    gap = np.array([math.erfc(abs(v)) for v in x])
    np.testing.assert_allclose(back[~tail], y[~tail], rtol=1e-14, atol=0)
    np.testing.assert_allclose(gap[tail], 1 - np.abs(y[tail]), rtol=1e-12)
