"""Every op minigrad knows, one small class each (forward, backward, name, symbol, rule).

The classes live in one module per family; code outside ``ops/`` uses them from here
(``from minigrad import ops`` … ``ops.Sin``):

* ``arithmetic``: add, sub, neg, mul, div, powers, remainder, floor division, lerp
* ``elementwise``: math functions of one input (exp, log, sqrt, trigonometry, erf, rounding…)
  and their base class ``OfX``, which needs only ``compute`` and ``derivative``
* ``activations``: tanh, sigmoid, the relu family, gelu, silu, softplus…, softmax, log softmax
* ``compare``: maximum, minimum, clip, where
* ``reduce``: sum, mean, max, min, logsumexp, prod, norm
* ``scan``: cumsum, cumprod
* ``shape``: reshape, permute, broadcast, indexing, concat, stack, dtype and device casts
* ``index``: gather, scatter_add, scatter, embedding lookups
* ``linalg``: matmul, linear, einsum

``__all__`` lists the op classes (what sweeps over every op iterate); the array functions
``sigmoid_array``, ``erf_array`` and ``softplus_array`` that nn's fused ops share are exported
too. A new element-wise function derives from ``minigrad.ops.elementwise.OfX``.
"""

from minigrad.ops.activations import (
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from minigrad.ops.activations import sigmoid_array as sigmoid_array
from minigrad.ops.activations import softplus_array as softplus_array
from minigrad.ops.arithmetic import (
    Add,
    Atan2,
    Copysign,
    Div,
    FloorDivide,
    Fmod,
    Hypot,
    Lerp,
    LogAddExp,
    LogAddExp2,
    Mul,
    Neg,
    Pow,
    PowScalar,
    Remainder,
    RPowScalar,
    Sub,
    Xlogy,
)
from minigrad.ops.compare import Clip, Fmax, Fmin, Maximum, Minimum, Where
from minigrad.ops.elementwise import (
    Abs,
    Acos,
    Asin,
    Atan,
    Ceil,
    Cos,
    Cosh,
    Erf,
    Exp,
    Exp2,
    Expm1,
    Floor,
    Log,
    Log1p,
    Log2,
    Log10,
    Reciprocal,
    Round,
    Rsqrt,
    Sign,
    Sin,
    Sinh,
    Sqrt,
    Square,
    Tan,
    Trunc,
)
from minigrad.ops.elementwise import erf_array as erf_array
from minigrad.ops.index import Embedding, Gather, Scatter, ScatterAdd
from minigrad.ops.linalg import Einsum, Linear, MatMul
from minigrad.ops.reduce import LogSumExp, Max, Mean, Min, Norm, Prod, Sum
from minigrad.ops.scan import Cumprod, Cumsum
from minigrad.ops.shape import (
    BroadcastTo,
    Cast,
    Concat,
    GetItem,
    Permute,
    Reshape,
    Stack,
    Transfer,
)

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "Abs",
    "Acos",
    "Add",
    "Asin",
    "Atan",
    "Atan2",
    "BroadcastTo",
    "Cast",
    "Ceil",
    "Clip",
    "Concat",
    "Copysign",
    "Cos",
    "Cosh",
    "Cumprod",
    "Cumsum",
    "Div",
    "Einsum",
    "Embedding",
    "Erf",
    "Exp",
    "Exp2",
    "Expm1",
    "Floor",
    "FloorDivide",
    "Fmax",
    "Fmin",
    "Fmod",
    "Gather",
    "GetItem",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "Hypot",
    "LeakyReLU",
    "Lerp",
    "Linear",
    "Log",
    "Log1p",
    "Log2",
    "Log10",
    "LogAddExp",
    "LogAddExp2",
    "LogSigmoid",
    "LogSoftmax",
    "LogSumExp",
    "MatMul",
    "Max",
    "Maximum",
    "Mean",
    "Min",
    "Minimum",
    "Mish",
    "Mul",
    "Neg",
    "Norm",
    "Permute",
    "Pow",
    "PowScalar",
    "Prod",
    "RPowScalar",
    "ReLU",
    "ReLU6",
    "Reciprocal",
    "Remainder",
    "Reshape",
    "Round",
    "Rsqrt",
    "Scatter",
    "ScatterAdd",
    "SiLU",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Softmax",
    "Softplus",
    "Softsign",
    "Sqrt",
    "Square",
    "Stack",
    "Sub",
    "Sum",
    "Tan",
    "Tanh",
    "Transfer",
    "Trunc",
    "Where",
    "Xlogy",
]
