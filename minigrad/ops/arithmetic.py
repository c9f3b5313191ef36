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
