"""Every element-wise op obeys the lecture's rule: downstream = upstream × local.

One table names an input generator for each registered element-wise op; the property test
checks that ``op.backward(g)`` is ``g × local_grads()`` and that stepping shows exactly that
local gradient and that downstream for the op's node. A new element-wise op must join the table.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import apply, backward_steps, ops
from minigrad.op import NEGATES, PASSES, Elementwise
from minigrad.testing import tensors
from nn.functional import BCEOp, BCEWithLogitsOp

WIDE: dict = {}
POSITIVE = {"min_value": 0.2}
UNIT = {"min_value": -0.9, "max_value": 0.9}
NONZERO = {"avoid": [0.0], "min_distance": 0.3}
CONDITION = "condition"

# op class: (how to make the op, bounds of each input; CONDITION is a bool mask)
TABLE = {
    ops.Abs: (ops.Abs, [WIDE]),
    ops.Acos: (ops.Acos, [UNIT]),
    ops.Add: (ops.Add, [WIDE, WIDE]),
    ops.Asin: (ops.Asin, [UNIT]),
    ops.Atan: (ops.Atan, [WIDE]),
    ops.Ceil: (ops.Ceil, [WIDE]),
    ops.Clip: (lambda: ops.Clip(-1.0, 1.0), [WIDE]),
    ops.Cos: (ops.Cos, [WIDE]),
    ops.Cosh: (ops.Cosh, [WIDE]),
    ops.Div: (ops.Div, [WIDE, NONZERO]),
    ops.ELU: (ops.ELU, [WIDE]),
    ops.Erf: (ops.Erf, [WIDE]),
    ops.Exp: (ops.Exp, [WIDE]),
    ops.Exp2: (ops.Exp2, [WIDE]),
    ops.Expm1: (ops.Expm1, [WIDE]),
    ops.Floor: (ops.Floor, [WIDE]),
    ops.FloorDivide: (ops.FloorDivide, [WIDE, NONZERO]),
    ops.GELU: (ops.GELU, [WIDE]),
    ops.Hardsigmoid: (ops.Hardsigmoid, [WIDE]),
    ops.Hardswish: (ops.Hardswish, [WIDE]),
    ops.Hardtanh: (ops.Hardtanh, [WIDE]),
    ops.LeakyReLU: (ops.LeakyReLU, [WIDE]),
    ops.Lerp: (ops.Lerp, [WIDE, WIDE, UNIT]),
    ops.Log: (ops.Log, [POSITIVE]),
    ops.Log10: (ops.Log10, [POSITIVE]),
    ops.Log1p: (ops.Log1p, [UNIT]),
    ops.Log2: (ops.Log2, [POSITIVE]),
    ops.LogSigmoid: (ops.LogSigmoid, [WIDE]),
    ops.Maximum: (ops.Maximum, [WIDE, WIDE]),
    ops.Minimum: (ops.Minimum, [WIDE, WIDE]),
    ops.Mish: (ops.Mish, [WIDE]),
    ops.Mul: (ops.Mul, [WIDE, WIDE]),
    ops.Neg: (ops.Neg, [WIDE]),
    ops.Pow: (ops.Pow, [POSITIVE, WIDE]),
    ops.PowScalar: (lambda: ops.PowScalar(3.0), [WIDE]),
    ops.RPowScalar: (lambda: ops.RPowScalar(2.0), [WIDE]),
    ops.Reciprocal: (ops.Reciprocal, [NONZERO]),
    ops.ReLU: (ops.ReLU, [WIDE]),
    ops.ReLU6: (ops.ReLU6, [WIDE]),
    ops.Remainder: (ops.Remainder, [WIDE, NONZERO]),
    ops.Round: (ops.Round, [WIDE]),
    ops.Rsqrt: (ops.Rsqrt, [POSITIVE]),
    ops.SELU: (ops.SELU, [WIDE]),
    ops.SiLU: (ops.SiLU, [WIDE]),
    ops.Sigmoid: (ops.Sigmoid, [WIDE]),
    ops.Sign: (ops.Sign, [WIDE]),
    ops.Sin: (ops.Sin, [WIDE]),
    ops.Sinh: (ops.Sinh, [WIDE]),
    ops.Softplus: (ops.Softplus, [WIDE]),
    ops.Softsign: (ops.Softsign, [WIDE]),
    ops.Sqrt: (ops.Sqrt, [POSITIVE]),
    ops.Square: (ops.Square, [WIDE]),
    ops.Sub: (ops.Sub, [WIDE, WIDE]),
    ops.Tan: (ops.Tan, [{"min_value": -1.3, "max_value": 1.3}]),
    ops.Tanh: (ops.Tanh, [WIDE]),
    ops.Trunc: (ops.Trunc, [WIDE]),
    ops.Where: (ops.Where, [CONDITION, WIDE, WIDE]),
    ops.Atan2: (ops.Atan2, [NONZERO, WIDE]),
    ops.Hypot: (ops.Hypot, [NONZERO, WIDE]),
    ops.Copysign: (ops.Copysign, [WIDE, WIDE]),
    ops.LogAddExp: (ops.LogAddExp, [WIDE, WIDE]),
    ops.LogAddExp2: (ops.LogAddExp2, [WIDE, WIDE]),
    ops.Fmod: (ops.Fmod, [WIDE, NONZERO]),
    ops.Xlogy: (ops.Xlogy, [WIDE, POSITIVE]),
    ops.Fmax: (ops.Fmax, [WIDE, WIDE]),
    ops.Fmin: (ops.Fmin, [WIDE, WIDE]),
    ops.CELU: (lambda: ops.CELU(1.5), [WIDE]),
    ops.Hardshrink: (ops.Hardshrink, [WIDE]),
    ops.Softshrink: (ops.Softshrink, [WIDE]),
    ops.Tanhshrink: (ops.Tanhshrink, [WIDE]),
    ops.Threshold: (lambda: ops.Threshold(0.1, -3.0), [WIDE]),
    ops.Acosh: (ops.Acosh, [{"min_value": 1.2, "max_value": 5.0}]),
    ops.Asinh: (ops.Asinh, [WIDE]),
    ops.Atanh: (ops.Atanh, [UNIT]),
    ops.Erfc: (ops.Erfc, [WIDE]),
    ops.Erfinv: (ops.Erfinv, [UNIT]),
    ops.Logit: (lambda: ops.Logit(0.2), [{"min_value": 0.05, "max_value": 0.95}]),
    ops.Sinc: (ops.Sinc, [WIDE]),
    ops.NanToNum: (lambda: ops.NanToNum(0.0, 1e30, -1e30), [WIDE]),
    ops.Frac: (ops.Frac, [WIDE]),
    BCEOp: (BCEOp, [{"min_value": 0.05, "max_value": 0.95}, {"min_value": 0.0, "max_value": 1.0}]),
    BCEWithLogitsOp: (BCEWithLogitsOp, [WIDE, {"min_value": 0.0, "max_value": 1.0}]),
}


def _registered_elementwise() -> set[type]:
    """The element-wise ops exported by minigrad.ops and the losses nn.functional defines."""
    import nn.functional

    return {
        cls
        for module in (ops, nn.functional)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Elementwise) and not inspect.isabstract(cls) and cls is not Elementwise
    }


def test_the_table_covers_every_registered_elementwise_op() -> None:
    missing = sorted(cls.__name__ for cls in _registered_elementwise() - set(TABLE))
    assert not missing, f"add these element-wise ops to TABLE in {__file__}: {missing}"


def _expected(upstream: np.ndarray, local: object, shape: tuple[int, ...]) -> np.ndarray:
    if local is PASSES:
        return upstream
    if local is NEGATES:
        return -upstream
    return np.broadcast_to(upstream * np.asarray(local), shape)


def _draw_inputs(data: st.DataObject, specs: list, shape: tuple[int, ...]) -> list:
    inputs = []
    for spec in specs:
        if spec == CONDITION:
            mask = data.draw(tensors(shape, requires_grad=False), label="condition") > 0
            inputs.append(mask)
        else:
            inputs.append(data.draw(tensors(shape, **spec), label="input"))
    return inputs


@pytest.mark.parametrize("cls", sorted(TABLE, key=lambda c: c.__name__), ids=lambda c: c.__name__)
@given(data=st.data())
def test_downstream_is_upstream_times_local(cls: type, data: st.DataObject) -> None:
    make, specs = TABLE[cls]
    shape = data.draw(st.sampled_from([(), (3,), (2, 3)]), label="shape")
    inputs = _draw_inputs(data, specs, shape)
    upstream = data.draw(tensors(shape, requires_grad=False), label="upstream").numpy()

    out = apply(make(), *inputs)
    op = out.node.op
    local = op.local_grads()
    direct = op.backward(upstream)
    (step,) = list(backward_steps(out, grad=minigrad.tensor(upstream)))

    assert step.local is not None and len(step.local) == len(inputs)
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            assert direct[i] is None and local[i] is None
            continue
        expected = _expected(upstream, local[i], shape)
        np.testing.assert_allclose(np.asarray(direct[i]), expected, rtol=1e-12, atol=0)
        np.testing.assert_allclose(np.asarray(step.local[i]), np.asarray(local[i]), rtol=1e-12)
        np.testing.assert_allclose(np.asarray(step.downstream[i]), expected, rtol=1e-12, atol=0)
        np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("cls", sorted(TABLE, key=lambda c: c.__name__), ids=lambda c: c.__name__)
@given(data=st.data(), dtype=st.sampled_from(["float32", "float64"]))
def test_a_scalar_upstream_gives_what_a_0d_array_upstream_gives(
    cls: type, data: st.DataObject, dtype: str
) -> None:
    # Mid-graph, a 0-d upstream gradient is a NumPy scalar (NumPy returns 0-d results as
    # scalars) and the driver multiplies 0-d locals as scalars too: same values, same dtypes.
    make, specs = TABLE[cls]
    inputs = [
        t if spec == CONDITION else t.to(dtype)
        for t, spec in zip(_draw_inputs(data, specs, ()), specs, strict=True)
    ]
    upstream = data.draw(tensors((), dtype=dtype, requires_grad=False), label="upstream")
    as_array, as_scalar = upstream.numpy(), upstream.numpy()[()]
    assert type(as_array) is np.ndarray and isinstance(as_scalar, np.generic)

    op = apply(make(), *inputs).node.op
    for from_array, from_scalar in zip(op.backward(as_array), op.backward(as_scalar), strict=True):
        if from_array is None:
            assert from_scalar is None
            continue
        assert np.asarray(from_scalar).dtype == np.asarray(from_array).dtype
        np.testing.assert_array_equal(np.asarray(from_scalar), np.asarray(from_array))
