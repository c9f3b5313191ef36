"""minigrad.testing.check_op: one call passes right ops and names the property a broken op
fails — one deliberately broken op per property."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minigrad import Elementwise
from minigrad.backend import namespace
from minigrad.testing import PROPERTIES, OpCheckError, available_backends, check_op


class Softplus(Elementwise):
    name, symbol, rule = "softplus", "softplus", "softplus: downstream = upstream × σ(x)"

    def forward(self, x):
        xp = namespace(x)
        self.saved = (x,)
        return xp.log1p(xp.exp(-xp.abs(x))) + xp.where(x > 0, x, xp.zeros_like(x))

    def local_grads(self):
        (x,) = self.saved
        return (1 / (1 + namespace(x).exp(-x)),)


class Hypot(Elementwise):
    """Two inputs: √(a² + b²)."""

    name, symbol, rule = "hypot", "hypot", "hypot: ∂/∂a = a / out, ∂/∂b = b / out"

    def forward(self, a, b):
        out = namespace(a).sqrt(a * a + b * b)
        self.saved = (a, b, out)
        return out

    def local_grads(self):
        a, b, out = self.saved
        return (a / out, b / out)


def test_a_right_op_passes_every_property() -> None:
    report = check_op(Softplus)
    expected = [p for p in PROPERTIES if p != "broadcasting"]
    if "array_api_strict" not in available_backends():
        expected.remove("array_api_strict")
    assert report.checked == expected
    assert "broadcasting" in report.skipped


def test_a_right_two_input_op_passes_broadcasting_too() -> None:
    report = check_op(Hypot, min_value=0.5, max_value=3.0)
    assert "broadcasting" in report.checked and "local gradient" in report.checked


def test_functions_and_reductions() -> None:
    assert "local gradient" in check_op(lambda a, b: a * b).checked
    report = check_op(lambda x: x.sum(axis=-1) if x.ndim else x * 1.0)
    assert report.skipped["local gradient"] == "not an element-wise op"


@given(st.data())
def test_check_op_works_inside_given(data: st.DataObject) -> None:
    check_op(Hypot, data=data, min_value=0.5, max_value=3.0)


# ---------------------------------------------------------------------- one broken op each


class WrongGradient(Elementwise):
    """x², local gradient x instead of 2x."""

    name, symbol, rule = "square", "x²", "square: downstream = upstream × 2x"

    def forward(self, x):
        self.saved = (x,)
        return x * x

    def local_grads(self):
        (x,) = self.saved
        return (x,)


class WrongBackward(Elementwise):
    """Declares the right local gradient 2x, but overrides backward with 3x: stepping would
    show 2x while create_graph and callers of op.backward get 3x."""

    name, symbol, rule = "square", "x²", "square: downstream = upstream × 2x"

    def forward(self, x):
        self.saved = (x,)
        return x * x

    def local_grads(self):
        (x,) = self.saved
        return (2 * x,)

    def backward(self, grad):
        (x,) = self.saved
        return (grad * 3 * x,)


class SameShapeOnly(Elementwise):
    """a · b, but forward reshapes b to a's shape: right until the shapes differ."""

    name, symbol, rule = "mul", "×", "mul swaps"

    def forward(self, a, b):
        b = namespace(b).reshape(b, a.shape)
        self.saved = (a, b)
        return a * b

    def local_grads(self):
        a, b = self.saved
        return (b, a)


class RowByRow(Elementwise):
    """2x, computed row by row: a 0-d input has no rows."""

    name, symbol, rule = "double", "2x", "double"

    def forward(self, x):
        return namespace(x).stack([2 * row for row in x])

    def local_grads(self):
        return (2.0,)


class NormalisedByMax(Elementwise):
    """2x, with a sanity check that reads max(x): an empty input has no max."""

    name, symbol, rule = "double", "2x", "double"

    def forward(self, x):
        xp = namespace(x)
        if not bool(xp.max(xp.abs(x)) < 1e6):
            raise ValueError("too large")
        return 2 * x

    def local_grads(self):
        return (2.0,)


class WidensToFloat64(Elementwise):
    """2x, returned in float64 whatever came in."""

    name, symbol, rule = "double", "2x", "double"

    def forward(self, x):
        xp = namespace(x)
        return xp.astype(2 * x, xp.float64)

    def local_grads(self):
        return (2.0,)


class NumPyOnly(Elementwise):
    """tanh through numpy itself (np.tanh), not the inputs' namespace."""

    name, symbol, rule = "tanh", "tanh", "tanh: downstream = upstream × (1 − out²)"

    def forward(self, x):
        out = np.tanh(np.asarray(x))
        self.saved = (out,)
        return out

    def local_grads(self):
        (out,) = self.saved
        return (1 - out * out,)


class ConstantSecondDerivative(Elementwise):
    """x³ with local gradient 3x² computed from a copy of x: right once, but under
    create_graph the copy is a constant, so the second derivative is lost."""

    name, symbol, rule = "cube", "cube", "cube: downstream = upstream × 3x²"

    def forward(self, x):
        self.saved = (namespace(x).asarray(x, copy=True),)
        return x * x * x

    def local_grads(self):
        (x,) = self.saved
        return (3 * x * x,)


BROKEN = [
    (WrongGradient, "gradient", {}),
    (WrongBackward, "local gradient", {}),
    (SameShapeOnly, "broadcasting", {}),
    (RowByRow, "0-d inputs", {}),
    (NormalisedByMax, "zero-size inputs", {}),
    (WidensToFloat64, "float32 forward", {}),
    (NumPyOnly, "array_api_strict", {}),
    (ConstantSecondDerivative, "second derivatives", {}),
]


@pytest.mark.parametrize(("op", "prop", "kwargs"), BROKEN, ids=[p for _, p, _ in BROKEN])
def test_a_broken_op_fails_the_property_it_breaks(op: type, prop: str, kwargs: dict) -> None:
    if prop == "array_api_strict" and prop not in available_backends():
        pytest.skip("array_api_strict is not installed")
    with pytest.raises(OpCheckError) as caught:
        check_op(op, **kwargs)
    assert caught.value.prop == prop
    message = str(caught.value)
    assert message.startswith(f"check_op({op.__name__}): property '{prop}' failed")
    assert "input 0: shape" in message


def test_every_property_has_a_broken_op() -> None:
    assert sorted(p for _, p, _ in BROKEN) == sorted(PROPERTIES)


def test_the_gradient_failure_shows_the_jacobian_entries() -> None:
    with pytest.raises(OpCheckError, match="Jacobian entries disagree"):
        check_op(WrongGradient)


def test_skip_and_bad_arguments() -> None:
    report = check_op(ConstantSecondDerivative, skip=["second derivatives"])
    assert report.skipped["second derivatives"] == "skip= asked for it"
    with pytest.raises(ValueError, match="unknown properties"):
        check_op(Softplus, skip=["speed"])
    with pytest.raises(TypeError, match="not an instance"):
        check_op(Softplus())
    with pytest.raises(TypeError, match="arity="):
        check_op(lambda *xs: xs[0])
    assert check_op(lambda *xs: xs[0] * xs[1], arity=2).checked[0] == "gradient"


def test_an_op_that_needs_arguments_is_checked_through_a_function() -> None:
    from minigrad import apply, ops

    report = check_op(lambda x: apply(ops.Clip(-1.0, 1.0), x), avoid=[-1.0, 1.0])
    assert "gradient" in report.checked and "local gradient" in report.checked
