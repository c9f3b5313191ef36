"""Every op minigrad knows, one small class each (forward, backward, name, symbol, rule)."""

from minigrad.ops.arithmetic import Add, Div, Mul, Neg, Pow, PowScalar, RPowScalar, Sub
from minigrad.ops.compare import Clip, Maximum, Minimum, Where
from minigrad.ops.linalg import Linear, MatMul
from minigrad.ops.reduce import LogSoftmax, LogSumExp, Max, Mean, Min, Softmax, Sum
from minigrad.ops.shape import (
    BroadcastTo,
    Cast,
    Concat,
    Embedding,
    GetItem,
    Permute,
    Reshape,
    Stack,
    Transfer,
)
from minigrad.ops.unary import Abs, Exp, LeakyReLU, Log, ReLU, Sigmoid, Sqrt, Tanh

__all__ = [
    "Abs",
    "Add",
    "BroadcastTo",
    "Cast",
    "Clip",
    "Concat",
    "Div",
    "Embedding",
    "Exp",
    "GetItem",
    "LeakyReLU",
    "Linear",
    "Log",
    "LogSoftmax",
    "LogSumExp",
    "MatMul",
    "Max",
    "Maximum",
    "Mean",
    "Min",
    "Minimum",
    "Mul",
    "Neg",
    "Permute",
    "Pow",
    "PowScalar",
    "RPowScalar",
    "ReLU",
    "Reshape",
    "Sigmoid",
    "Softmax",
    "Sqrt",
    "Stack",
    "Sub",
    "Sum",
    "Tanh",
    "Transfer",
    "Where",
]
