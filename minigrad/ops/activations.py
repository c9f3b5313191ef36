"""Activation functions beyond relu, tanh and sigmoid, with PyTorch's gradients at the kinks.

Each op declares only its local gradient f'(x); backward is derived as upstream × f'(x).
Where an activation has a kink, the local gradient there is the one PyTorch uses (stated in
each rule), so gradients match ``torch.autograd`` exactly.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.backend import namespace
from minigrad.ops.math import OfX
from minigrad.ops.unary import sigmoid_array

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _as(condition: Any, like: Any) -> Any:
    return namespace(like).astype(condition, like.dtype)


def erf_array(x: Any) -> Any:
    """The error function, element-wise (computed on the host with :func:`math.erf`: the
    Array API has no ``erf``, and NumPy none without SciPy). On a Tensor (a gradient graph
    being recorded) it is the differentiable :class:`Erf` op."""
    if not hasattr(x, "__array_namespace__") and type(x).__name__ == "Tensor":
        from minigrad.tensor import apply

        return apply(Erf(), x)
    xp = namespace(x)
    host = np.vectorize(math.erf, otypes=[np.float64])(backend.to_numpy(x))
    return xp.astype(backend.asarray_on(xp, host, like=x), x.dtype)


def softplus_array(x: Any) -> Any:
    """log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|)."""
    xp = namespace(x)
    return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))


class Erf(OfX):
    name, symbol = "erf", "erf"
    rule = "erf: downstream = upstream × 2/sqrt(pi) · exp(−x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return erf_array(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return (2 / math.sqrt(math.pi)) * xp.exp(-(x * x))


class ELU(OfX):
    name, symbol = "elu", "ELU"
    rule = "elu: downstream = upstream where x > 0, else upstream × α·eˣ (α at 0)"
    params = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.where(x > 0, x, self.alpha * xp.expm1(xp.minimum(x, xp.zeros_like(x))))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.where(x > 0, xp.ones_like(x), out + self.alpha)


class SELU(OfX):
    name, symbol = "selu", "SELU"
    rule = "selu: downstream = upstream × λ where x > 0, else upstream × λα·eˣ"

    def compute(self, xp: Any, x: Any) -> Any:
        negative = SELU_ALPHA * xp.expm1(xp.minimum(x, xp.zeros_like(x)))
        return SELU_SCALE * xp.where(x > 0, x, negative)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.where(x > 0, xp.full_like(x, SELU_SCALE), out + SELU_SCALE * SELU_ALPHA)


class GELU(OfX):
    """x·Φ(x) (exact, with erf) or its tanh approximation (``approximate="tanh"``)."""

    name, symbol = "gelu", "GELU"
    rule = "gelu: downstream = upstream × (cdf(x) + x·pdf(x)), normal cdf and pdf"
    params = ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def describe(self) -> str:
        return "gelu(approximate='tanh')" if self.approximate == "tanh" else "gelu"

    def compute(self, xp: Any, x: Any) -> Any:
        if self.approximate == "tanh":
            inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
            return 0.5 * x * (1 + xp.tanh(inner))
        return 0.5 * x * (1 + erf_array(x / math.sqrt(2)))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        if self.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = xp.tanh(k * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)
        cdf = 0.5 * (1 + erf_array(x / math.sqrt(2)))
        return cdf + x * xp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


class SiLU(OfX):
    name, symbol = "silu", "SiLU"
    rule = "silu: downstream = upstream × σ(x)(1 + x(1 − σ(x)))"

    def compute(self, xp: Any, x: Any) -> Any:
        return x * sigmoid_array(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        s = sigmoid_array(x)
        return s * (1 + x * (1 - s))


class Softplus(OfX):
    name, symbol = "softplus", "softplus"
    rule = "softplus: downstream = upstream × σ(βx) (1 where βx > threshold)"
    params = ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        self.beta, self.threshold = beta, threshold

    def compute(self, xp: Any, x: Any) -> Any:
        scaled = self.beta * x
        return xp.where(scaled > self.threshold, x, softplus_array(scaled) / self.beta)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        scaled = self.beta * x
        return xp.where(scaled > self.threshold, xp.ones_like(x), sigmoid_array(scaled))


class LogSigmoid(OfX):
    name, symbol = "logsigmoid", "log σ"
    rule = "logsigmoid: downstream = upstream × σ(−x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return -softplus_array(-x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return sigmoid_array(-x)


class Hardtanh(OfX):
    name, symbol = "hardtanh", "hardtanh"
    rule = "hardtanh routes: upstream passes where min < x < max (strictly), else 0"
    params = ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        if min_val > max_val:
            raise ValueError(f"hardtanh needs min_val <= max_val, got {min_val} > {max_val}")
        self.min_val, self.max_val = min_val, max_val

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.clip(x, min=self.min_val, max=self.max_val)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return _as((x > self.min_val) & (x < self.max_val), x)


class ReLU6(Hardtanh):
    name, symbol = "relu6", "ReLU6"
    rule = "relu6 routes: upstream passes where 0 < x < 6, else 0"
    params = ()

    def __init__(self) -> None:
        super().__init__(0.0, 6.0)


class Hardsigmoid(OfX):
    name, symbol = "hardsigmoid", "hardσ"
    rule = "hardsigmoid: downstream = upstream / 6 where −3 < x < 3, else 0"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.clip(x / 6 + 0.5, min=0.0, max=1.0)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return _as((x > -3) & (x < 3), x) / 6


class Hardswish(OfX):
    name, symbol = "hardswish", "hardswish"
    rule = "hardswish: downstream = upstream × (0 if x ≤ −3, 1 if x ≥ 3, else x/3 + ½)"

    def compute(self, xp: Any, x: Any) -> Any:
        return x * xp.clip(x / 6 + 0.5, min=0.0, max=1.0)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        middle = xp.where(x >= 3, xp.ones_like(x), x / 3 + 0.5)
        return xp.where(x <= -3, xp.zeros_like(x), middle)


class Mish(OfX):
    name, symbol = "mish", "mish"
    rule = "mish: downstream = upstream × (tanh(sp) + x·σ(x)(1 − tanh²(sp))), sp = softplus(x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return x * xp.tanh(softplus_array(x))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        t = xp.tanh(softplus_array(x))
        return t + x * sigmoid_array(x) * (1 - t * t)


class Softsign(OfX):
    name, symbol = "softsign", "softsign"
    rule = "softsign: downstream = upstream / (1 + |x|)²"

    def compute(self, xp: Any, x: Any) -> Any:
        return x / (1 + xp.abs(x))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        denominator = 1 + xp.abs(x)
        return 1 / (denominator * denominator)
