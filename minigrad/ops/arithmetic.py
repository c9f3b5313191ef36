"""The four rules of arithmetic and powers: add passes, mul swaps."""

from __future__ import annotations

import math
from typing import Any

from minigrad.backend import namespace
from minigrad.op import Op


class Add(Op):
    name, symbol = "add", "+"
    rule = "add passes: each input gets the upstream gradient unchanged"

    def forward(self, a: Any, b: Any) -> Any:
        return a + b

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return grad, grad

    def local_grads(self) -> tuple[Any, ...]:
        return 1.0, 1.0


class Sub(Op):
    name, symbol = "sub", "−"
    rule = "sub: the first input gets the upstream gradient, the second gets its negative"

    def forward(self, a: Any, b: Any) -> Any:
        return a - b

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return grad, (-grad if self.needs[1] else None)

    def local_grads(self) -> tuple[Any, ...]:
        return 1.0, -1.0


class Neg(Op):
    name, symbol = "neg", "−x"
    rule = "neg: downstream = −upstream"

    def forward(self, a: Any) -> Any:
        return -a

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (-grad,)

    def local_grads(self) -> tuple[Any, ...]:
        return (-1.0,)


class Mul(Op):
    name, symbol = "mul", "×"
    rule = "mul swaps: each input gets upstream × the other input"

    def forward(self, a: Any, b: Any) -> Any:
        self.saved = (a, b)
        return a * b

    def backward(self, grad: Any) -> tuple[Any, ...]:
        a, b = self.saved
        needs = self.needs
        return (grad * b if needs[0] else None), (grad * a if needs[1] else None)

    def local_grads(self) -> tuple[Any, ...]:
        a, b = self.saved
        return b, a


class Div(Op):
    name, symbol = "div", "÷"
    rule = "div: a gets upstream / b, b gets −upstream × a / b²"

    def forward(self, a: Any, b: Any) -> Any:
        out = a / b
        self.saved = (b, out)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        b, out = self.saved
        grad_a = grad / b
        return (grad_a if self.needs[0] else None), (-grad_a * out if self.needs[1] else None)

    def local_grads(self) -> tuple[Any, ...]:
        b, out = self.saved
        return 1.0 / b, -out / b


class PowScalar(Op):
    """``x ** p`` for a constant exponent ``p``."""

    name, symbol = "pow", "xᵖ"
    rule = "power: downstream = upstream × p·x^(p−1)"

    def __init__(self, exponent: float) -> None:
        self.exponent = exponent

    def describe(self) -> str:
        return f"pow({self.exponent:g})"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return x**self.exponent

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad * self._local(),)

    def _local(self) -> Any:
        (x,) = self.saved
        p = self.exponent
        if p == 2:
            return 2 * x
        if p == 1:
            return namespace(x).ones_like(x)
        return p * x ** (p - 1)

    def local_grads(self) -> tuple[Any, ...]:
        return (self._local(),)


class RPowScalar(Op):
    """``c ** x`` for a constant positive base ``c``."""

    name, symbol = "rpow", "cˣ"
    rule = "exponential: downstream = upstream × cˣ·ln c"

    def __init__(self, base: float) -> None:
        if base <= 0:
            raise ValueError(f"{base} ** tensor needs a positive base to be differentiable")
        self.base = base

    def describe(self) -> str:
        return f"{self.base:g}**x"

    def forward(self, x: Any) -> Any:
        out = namespace(x).exp(x * math.log(self.base))
        self.saved = (out,)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        (out,) = self.saved
        return (grad * out * math.log(self.base),)


class Pow(Op):
    """``a ** b`` with both a tensor."""

    name, symbol = "pow", "aᵇ"
    rule = "power: a gets upstream × b·a^(b−1), b gets upstream × aᵇ·ln a"

    def forward(self, a: Any, b: Any) -> Any:
        out = a**b
        self.saved = (a, b, out)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        a, b, out = self.saved
        xp = namespace(a)
        grad_a = grad_b = None
        if self.needs[0]:
            # PyTorch's convention: b = 0 gives gradient 0, also at a = 0 (not 0 × ∞ = NaN).
            local = xp.where(b == 0, xp.zeros_like(out), b * a ** (b - 1))
            grad_a = grad * local
        if self.needs[1]:
            # 0 ** b with b ≥ 0 has no useful log: PyTorch's zero; for b < 0, ∞ × log 0 = −∞.
            zero_base = (a == 0) & (b >= 0)
            safe_log = xp.log(xp.where(zero_base, xp.ones_like(a), a))
            grad_b = grad * xp.where(zero_base, xp.zeros_like(out), out * safe_log)
        return grad_a, grad_b
