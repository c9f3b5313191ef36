"""Arithmetic: the four rules, powers, remainder, floor division and interpolation.

Add passes, mul swaps. Each op declares only its local gradients; backward is derived as
upstream × local. Floor division is piecewise constant: its local gradient is 0 everywhere, as
in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad.backend import namespace
from minigrad.dims import ShapeError
from minigrad.op import NEGATES, PASSES, Elementwise


class Add(Elementwise):
    name, symbol = "add", "+"
    rule = "add passes: each input gets the upstream gradient unchanged"

    def forward(self, a: Any, b: Any) -> Any:
        return a + b

    def local_grads(self) -> tuple[Any, ...]:
        return PASSES, PASSES


class Sub(Elementwise):
    name, symbol = "sub", "−"
    rule = "sub: the first input gets the upstream gradient, the second gets its negative"

    def forward(self, a: Any, b: Any) -> Any:
        return a - b

    def local_grads(self) -> tuple[Any, ...]:
        return PASSES, (NEGATES if self.needs[1] else None)


class Neg(Elementwise):
    name, symbol = "neg", "−x"
    rule = "neg: downstream = −upstream"

    def forward(self, a: Any) -> Any:
        return -a

    def local_grads(self) -> tuple[Any, ...]:
        return (NEGATES,)


class Mul(Elementwise):
    name, symbol = "mul", "×"
    rule = "mul swaps: each input gets upstream × the other input"
    saved_for = ((1,), (0,))

    def forward(self, a: Any, b: Any) -> Any:
        self.saved = (a, b)
        return a * b

    def local_grads(self) -> tuple[Any, ...]:
        a, b = self.saved
        needs = self.needs
        return (b if needs[0] else None), (a if needs[1] else None)


class Div(Elementwise):
    name, symbol = "div", "÷"
    rule = "div: a gets upstream / b, b gets −upstream × a / b²"

    def forward(self, a: Any, b: Any) -> Any:
        out = a / b
        self.saved = (b, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        b, out = self.saved
        inverse = 1.0 / b
        return (inverse if self.needs[0] else None), (-out * inverse if self.needs[1] else None)


class PowScalar(Elementwise):
    """``x ** p`` for a constant exponent ``p``."""

    name, symbol = "pow", "xᵖ"
    rule = "power: downstream = upstream × p·x^(p−1)"
    params = ("exponent",)

    def __init__(self, exponent: float) -> None:
        self.exponent = exponent

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return x**self.exponent

    def local_grads(self) -> tuple[Any, ...]:
        (x,) = self.saved
        p = self.exponent
        if p == 2:
            return (2 * x,)
        if p == 1 or p == 0:  # x⁰ is constant: zero gradient everywhere, also at x = 0
            return (namespace(x).full_like(x, float(p)),)
        return (p * x ** (p - 1),)


class RPowScalar(Elementwise):
    """``c ** x`` for a constant positive base ``c``."""

    name, symbol = "rpow", "cˣ"
    rule = "exponential: downstream = upstream × cˣ·ln c"
    params = ("base",)

    def __init__(self, base: float) -> None:
        if base <= 0:
            raise ShapeError(f"{base} ** tensor needs a positive base to be differentiable")
        self.base = base

    def forward(self, x: Any) -> Any:
        out = namespace(x).exp(x * math.log(self.base))
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        (out,) = self.saved
        return (out * math.log(self.base),)


class Pow(Elementwise):
    """``a ** b`` with both a tensor."""

    name, symbol = "pow", "aᵇ"
    rule = "power: a gets upstream × b·a^(b−1), b gets upstream × aᵇ·ln a"

    def forward(self, a: Any, b: Any) -> Any:
        out = a**b
        self.saved = (a, b, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        a, b, out = self.saved
        xp = namespace(a)
        local_a = local_b = None
        with np.errstate(divide="ignore", invalid="ignore"):  # the where()s pick finite values
            if self.needs[0]:
                # PyTorch's convention: b = 0 gives gradient 0, also at a = 0 (not 0 × ∞ = NaN)
                local_a = xp.where(b == 0, xp.zeros_like(out), b * a ** (b - 1))
            if self.needs[1]:
                # 0 ** b with b ≥ 0 has no useful log: PyTorch's zero; for b < 0, ∞ × log 0 = −∞
                zero_base = (a == 0) & (b >= 0)
                safe_log = xp.log(xp.where(zero_base, xp.ones_like(a), a))
                local_b = xp.where(zero_base, xp.zeros_like(out), out * safe_log)
        return local_a, local_b


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


# ------------------------------------------------------------ two-input math functions


class Atan2(Elementwise):
    """The angle of the point ``(b, a)``: ``atan2(a, b)``."""

    name, symbol = "atan2", "atan2"
    rule = "atan2: a gets upstream × b/(a² + b²), b gets upstream × −a/(a² + b²)"

    def forward(self, a: Any, b: Any) -> Any:
        self.saved = (a, b)
        return namespace(a).atan2(a, b)

    def local_grads(self) -> tuple[Any, ...]:
        a, b = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            square = a * a + b * b
            return (b / square if self.needs[0] else None), (-a / square if self.needs[1] else None)


class Hypot(Elementwise):
    """``√(a² + b²)`` without overflow."""

    name, symbol = "hypot", "hypot"
    rule = "hypot: a gets upstream × a/out, b gets upstream × b/out"

    def forward(self, a: Any, b: Any) -> Any:
        out = namespace(a).hypot(a, b)
        self.saved = (a, b, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        a, b, out = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            return (a / out if self.needs[0] else None), (b / out if self.needs[1] else None)


class Copysign(Elementwise):
    """``|a|`` with the sign of ``b`` (also of ``b = −0.0``)."""

    name, symbol = "copysign", "copysign"
    rule = "copysign: a gets upstream × sign(a)·sign(out) (0 at a = 0), b gets nothing"

    def forward(self, a: Any, b: Any) -> Any:
        out = namespace(a).copysign(a, b)
        self.saved = (a, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        a, out = self.saved
        xp = namespace(a)
        return (xp.sign(a) * xp.sign(out) if self.needs[0] else None), (
            xp.zeros_like(out) if self.needs[1] else None
        )


class LogAddExp(Elementwise):
    """``log(eᵃ + eᵇ)`` without overflow."""

    name, symbol = "logaddexp", "logaddexp"
    rule = "logaddexp: a gets upstream × exp(a − out), b gets upstream × exp(b − out)"

    def forward(self, a: Any, b: Any) -> Any:
        out = namespace(a).logaddexp(a, b)
        self.saved = (a, b, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        a, b, out = self.saved
        xp = namespace(a)
        with np.errstate(invalid="ignore"):
            return (xp.exp(a - out) if self.needs[0] else None), (
                xp.exp(b - out) if self.needs[1] else None
            )


class LogAddExp2(Elementwise):
    """``log₂(2ᵃ + 2ᵇ)`` without overflow."""

    name, symbol = "logaddexp2", "logaddexp2"
    rule = "logaddexp2: a gets upstream × 2^(a − out), b gets upstream × 2^(b − out)"

    def forward(self, a: Any, b: Any) -> Any:
        ln2 = math.log(2)
        out = namespace(a).logaddexp(a * ln2, b * ln2) / ln2
        self.saved = (a, b, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        a, b, out = self.saved
        xp, ln2 = namespace(a), math.log(2)
        with np.errstate(invalid="ignore"):
            return (xp.exp((a - out) * ln2) if self.needs[0] else None), (
                xp.exp((b - out) * ln2) if self.needs[1] else None
            )


class Fmod(Elementwise):
    """``a − b·trunc(a/b)``: the remainder with the sign of ``a`` (C's ``fmod``)."""

    name, symbol = "fmod", "fmod"
    rule = "fmod: a gets upstream, b gets upstream × −trunc(a/b)"

    def forward(self, a: Any, b: Any) -> Any:
        xp = namespace(a)
        self.saved = (a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            floored = xp.remainder(a, b)  # the sign of b; move it to a's side where they differ
            return xp.where((floored != 0) & ((floored < 0) != (a < 0)), floored - b, floored)

    def local_grads(self) -> tuple[Any, ...]:
        a, b = self.saved
        with np.errstate(divide="ignore", invalid="ignore"):
            return (PASSES if self.needs[0] else None), (
                -namespace(a).trunc(a / b) if self.needs[1] else None
            )


class Xlogy(Elementwise):
    """``a·log(b)``, and 0 where ``a = 0`` (unless ``b`` is NaN), as PyTorch's ``xlogy``."""

    name, symbol = "xlogy", "x·log y"
    rule = "xlogy: a gets upstream × log(b) (0 where a = 0), b gets upstream × a/b"

    def forward(self, a: Any, b: Any) -> Any:
        xp = namespace(a)
        self.saved = (a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            zero = (a == 0) & ~xp.isnan(b)
            return xp.where(zero, xp.zeros_like(a), a * xp.log(b))

    def local_grads(self) -> tuple[Any, ...]:
        a, b = self.saved
        xp = namespace(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            local_a = xp.where(a == 0, xp.zeros_like(a), xp.log(b)) if self.needs[0] else None
            return local_a, (a / b if self.needs[1] else None)
