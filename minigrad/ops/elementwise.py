"""Element-wise math functions of one input: exp and log (and their other bases), roots,
powers, trigonometry, erf, and the rounding family.

Each op declares only its local gradient f'(x); backward is derived as upstream × f'(x). Most
derive from :class:`OfX`, which needs only ``compute`` and ``derivative``. The rounding family
(``floor ceil round trunc sign``) is piecewise constant: its local gradient is 0 everywhere, as
in PyTorch (the jumps have no derivative).
"""

from __future__ import annotations

import math
import types
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.backend import namespace
from minigrad.op import Elementwise


class OfX(Elementwise):
    """A function of one input whose local gradient is a function of ``x`` and the output.

    A subclass writes ``compute(xp, x)`` and ``derivative(xp, x, out)``; ``xp`` is the
    input's array library.

    Examples
    --------
    >>> import minigrad
    >>> from minigrad import apply
    >>> from minigrad.ops.elementwise import OfX
    >>> class Cube(OfX):
    ...     name, symbol, rule = "cube", "x³", "cube: downstream = upstream × 3x²"
    ...     def compute(self, xp, x):
    ...         return x * x * x
    ...     def derivative(self, xp, x, out):
    ...         return 3 * x * x
    >>> x = minigrad.tensor([2.0], requires_grad=True)
    >>> apply(Cube(), x).sum().backward()
    >>> x.grad.tolist()
    [12.0]
    """

    def compute(self, xp: Any, x: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define compute(xp, x)")

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define derivative(xp, x, out)")

    def forward(self, x: Any) -> Any:
        out = self.compute(namespace(x), x)
        self.saved = (x, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        x, out = self.saved
        return (self.derivative(namespace(x), x, out),)


class Exp(Elementwise):
    name, symbol = "exp", "exp"
    rule = "exp: downstream = upstream × exp(x) (the output itself)"

    def forward(self, x: Any) -> Any:
        out = namespace(x).exp(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class Log(Elementwise):
    name, symbol = "log", "log"
    rule = "log: downstream = upstream / x"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return namespace(x).log(x)

    def local_grads(self) -> tuple[Any, ...]:
        return (1.0 / self.saved[0],)


class Sqrt(Elementwise):
    name, symbol = "sqrt", "√"
    rule = "sqrt: downstream = upstream / (2·√x)"

    def forward(self, x: Any) -> Any:
        out = namespace(x).sqrt(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        return (1.0 / (2 * self.saved[0]),)


class Abs(Elementwise):
    name, symbol = "abs", "|x|"
    rule = "abs: downstream = upstream × sign(x) (0 at x = 0)"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return namespace(x).abs(x)

    def local_grads(self) -> tuple[Any, ...]:
        return (namespace(self.saved[0]).sign(self.saved[0]),)


class Sin(OfX):
    name, symbol, rule = "sin", "sin", "sin: downstream = upstream × cos(x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.sin(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.cos(x)


class Cos(OfX):
    name, symbol, rule = "cos", "cos", "cos: downstream = upstream × −sin(x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.cos(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return -xp.sin(x)


class Tan(OfX):
    name, symbol, rule = "tan", "tan", "tan: downstream = upstream × (1 + tan²(x))"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.tan(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 + out * out


class Asin(OfX):
    name, symbol, rule = "asin", "asin", "asin: downstream = upstream / √(1 − x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.asin(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / xp.sqrt(1 - x * x)


class Acos(OfX):
    name, symbol, rule = "acos", "acos", "acos: downstream = −upstream / √(1 − x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.acos(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return -1 / xp.sqrt(1 - x * x)


class Atan(OfX):
    name, symbol, rule = "atan", "atan", "atan: downstream = upstream / (1 + x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.atan(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / (1 + x * x)


class Sinh(OfX):
    name, symbol, rule = "sinh", "sinh", "sinh: downstream = upstream × cosh(x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.sinh(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.cosh(x)


class Cosh(OfX):
    name, symbol, rule = "cosh", "cosh", "cosh: downstream = upstream × sinh(x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.cosh(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.sinh(x)


class Log1p(OfX):
    name, symbol, rule = "log1p", "log1p", "log1p: downstream = upstream / (1 + x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.log1p(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / (1 + x)


class Expm1(OfX):
    name, symbol, rule = "expm1", "expm1", "expm1: downstream = upstream × (out + 1)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.expm1(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return out + 1


class Log2(OfX):
    name, symbol, rule = "log2", "log₂", "log2: downstream = upstream / (x · ln 2)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.log2(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / (x * math.log(2))


class Log10(OfX):
    name, symbol, rule = "log10", "log10", "log10: downstream = upstream / (x · ln 10)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.log10(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / (x * math.log(10))


class Exp2(OfX):
    name, symbol, rule = "exp2", "2ˣ", "exp2: downstream = upstream × 2ˣ · ln 2"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.exp(x * math.log(2))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return out * math.log(2)


class Rsqrt(OfX):
    name, symbol, rule = "rsqrt", "1/√", "rsqrt: downstream = upstream × −½ · x^(−3/2)"

    def compute(self, xp: Any, x: Any) -> Any:
        return 1 / xp.sqrt(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return -0.5 * out * out * out


class Reciprocal(OfX):
    name, symbol, rule = "reciprocal", "1/x", "reciprocal: downstream = upstream × −out²"

    def compute(self, xp: Any, x: Any) -> Any:
        return 1 / x

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return -out * out


class Square(OfX):
    name, symbol, rule = "square", "x²", "square: downstream = upstream × 2x"

    def compute(self, xp: Any, x: Any) -> Any:
        return x * x

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 2 * x


def erf_array(x: Any) -> Any:
    """The error function, element-wise (computed on the host with :func:`math.erf`: the
    Array API has no ``erf``, and NumPy none without SciPy). On a Tensor (a gradient graph
    being recorded) its namespace gives the differentiable :class:`Erf` op instead."""
    xp = namespace(x)
    if not isinstance(xp, types.ModuleType):  # a Tensor's namespace, which records ops
        return xp.erf(x)
    host = np.vectorize(math.erf, otypes=[np.float64])(backend.to_numpy(x))
    return xp.astype(backend.asarray_on(xp, host, like=x), x.dtype)


class Erf(OfX):
    name, symbol = "erf", "erf"
    rule = "erf: downstream = upstream × 2/sqrt(pi) · exp(−x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return erf_array(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return (2 / math.sqrt(math.pi)) * xp.exp(-(x * x))


class _Flat(OfX):
    """A piecewise-constant function: its local gradient is 0 everywhere (PyTorch's choice)."""

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.zeros_like(x)


class Sign(_Flat):
    name, symbol, rule = "sign", "sign", "sign is flat: downstream = 0"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.sign(x)


class Floor(_Flat):
    name, symbol, rule = "floor", "floor", "floor is flat: downstream = 0"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.floor(x)


class Ceil(_Flat):
    name, symbol, rule = "ceil", "ceil", "ceil is flat: downstream = 0"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.ceil(x)


class Round(_Flat):
    """Round half to even, as PyTorch and NumPy do."""

    name, symbol, rule = "round", "round", "round is flat: downstream = 0"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.round(x)


class Trunc(_Flat):
    name, symbol, rule = "trunc", "trunc", "trunc is flat: downstream = 0"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.trunc(x)
