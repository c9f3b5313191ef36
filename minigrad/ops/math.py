"""Element-wise math beyond exp and log: trigonometry, logs and powers of other bases,
rounding, remainder and interpolation.

Each op declares only its local gradient; backward is derived as upstream × local. The
rounding family (``floor ceil round trunc sign``) and floor division are piecewise constant:
their local gradient is 0 everywhere, as in PyTorch (the jumps have no derivative).
"""

from __future__ import annotations

import math
from typing import Any

from minigrad.backend import namespace
from minigrad.op import PASSES, Elementwise


class OfX(Elementwise):
    """A function of one input whose local gradient is a function of ``x`` and the output.

    A subclass writes ``compute(xp, x)`` and ``derivative(xp, x, out)``; ``xp`` is the
    input's array library.

    Examples
    --------
    >>> import minigrad
    >>> from minigrad import apply
    >>> from minigrad.ops.math import OfX
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


class Remainder(Elementwise):
    """``a % b`` with the sign of ``b`` (Python's, NumPy's and PyTorch's ``remainder``)."""

    name, symbol = "remainder", "%"
    rule = "remainder: a gets upstream, b gets upstream × −floor(a/b)"

    def forward(self, a: Any, b: Any) -> Any:
        xp = namespace(a)
        self.saved = (xp.floor_divide(a, b),)
        return xp.remainder(a, b)

    def local_grads(self) -> tuple[Any, ...]:
        (quotient,) = self.saved
        return (PASSES if self.needs[0] else None), (-quotient if self.needs[1] else None)


class FloorDivide(Elementwise):
    """``a // b`` rounded toward −∞ (PyTorch's ``floor_divide`` since 1.13)."""

    name, symbol = "floor_divide", "//"
    rule = "floor division is flat: downstream = 0 for both inputs"

    def forward(self, a: Any, b: Any) -> Any:
        out = namespace(a).floor_divide(a, b)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        zeros = namespace(self.saved[0]).zeros_like(self.saved[0])
        return (zeros if self.needs[0] else None), (zeros if self.needs[1] else None)


class Lerp(Elementwise):
    """``start + weight × (end − start)``."""

    name, symbol = "lerp", "lerp"
    rule = "lerp: start gets upstream × (1 − w), end gets upstream × w, w gets × (end − start)"

    def forward(self, start: Any, end: Any, weight: Any) -> Any:
        self.saved = (start, end, weight)  # the inputs themselves, so gradient graphs follow
        return start + weight * (end - start)

    def local_grads(self) -> tuple[Any, ...]:
        start, end, weight = self.saved
        needs = self.needs
        return (
            (1 - weight) if needs[0] else None,
            weight if needs[1] else None,
            (end - start) if needs[2] else None,
        )
