"""Activation functions: tanh, sigmoid, the relu family, the smooth relus (elu, selu, gelu,
silu, softplus, mish), their hard approximations, softsign, and softmax / log softmax.

The element-wise ones declare only their local gradient f'(x); backward is derived as
upstream × f'(x). Where an activation has a kink, the local gradient there is the one PyTorch
uses (stated in each rule), so gradients match ``torch.autograd`` exactly. Softmax and log
softmax mix a whole axis, so they write their backward.
"""

from __future__ import annotations

import math
from typing import Any

from minigrad import backend
from minigrad.backend import namespace
from minigrad.dims import ShapeError, normalize_axes
from minigrad.op import Elementwise, Op, as_mask
from minigrad.ops.elementwise import OfX, erf_array
from minigrad.ops.reduce import stable_logsumexp

SELU_ALPHA = 1.6732632423543772848170429916717


SELU_SCALE = 1.0507009873554804934193349852946


def sigmoid_array(x: Any) -> Any:
    """Numerically stable logistic function: σ(x) = ½(1 + tanh(x/2)), no overflow."""
    return 0.5 * (namespace(x).tanh(0.5 * x) + 1)


def softplus_array(x: Any) -> Any:
    """log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|)."""
    xp = namespace(x)
    return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))


class Tanh(Elementwise):
    name, symbol = "tanh", "tanh"
    rule = "tanh: downstream = upstream × (1 − tanh²(x))"

    def forward(self, x: Any) -> Any:
        out = namespace(x).tanh(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        out = self.saved[0]
        return (1 - out * out,)


class Sigmoid(Elementwise):
    name, symbol = "sigmoid", "σ"
    rule = "sigmoid: downstream = upstream × σ(x)(1 − σ(x))"

    def forward(self, x: Any) -> Any:
        out = sigmoid_array(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        out = self.saved[0]
        return (out * (1 - out),)


class ReLU(Elementwise):
    name, symbol = "relu", "ReLU"
    rule = "relu routes: downstream = upstream where x > 0, else 0"

    def forward(self, x: Any) -> Any:
        positive = x > 0
        self.saved = (as_mask(positive, x),)
        # where, not x × mask: relu(−inf) is 0 (−inf × 0 is NaN) and relu(−1) is 0, not −0.
        return namespace(x).where(positive, x, 0)

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class LeakyReLU(Elementwise):
    name, symbol = "leaky_relu", "LReLU"
    rule = "leaky relu: downstream = upstream where x > 0, else slope × upstream"
    params = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Any:
        mask = as_mask(x > 0, x)
        local = mask + (1 - mask) * self.negative_slope
        self.saved = (local,)
        return x * local

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


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
            raise ShapeError(f"gelu approximate must be 'none' or 'tanh', got {approximate!r}")
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
            raise ShapeError(f"hardtanh needs min_val <= max_val, got {min_val} > {max_val}")
        self.min_val, self.max_val = min_val, max_val

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.clip(x, min=self.min_val, max=self.max_val)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return as_mask((x > self.min_val) & (x < self.max_val), x)


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
        return as_mask((x > -3) & (x < 3), x) / 6


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


class Hardshrink(OfX):
    name, symbol = "hardshrink", "hardshrink"
    rule = "hardshrink routes: upstream passes where |x| > λ, else 0"
    params = ("lambd",)

    def __init__(self, lambd: float = 0.5) -> None:
        self.lambd = lambd

    def _outside(self, x: Any) -> Any:
        return (x > self.lambd) | (x < -self.lambd)

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.where(self._outside(x), x, xp.zeros_like(x))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return as_mask(self._outside(x), x)


class Softshrink(Hardshrink):
    name, symbol = "softshrink", "softshrink"
    rule = "softshrink routes: upstream passes where |x| > λ, else 0"

    def __init__(self, lambd: float = 0.5) -> None:
        if lambd < 0:
            raise ShapeError(f"softshrink needs lambd >= 0, got {lambd}")
        self.lambd = lambd

    def compute(self, xp: Any, x: Any) -> Any:
        shrunk = x - xp.sign(x) * self.lambd
        return xp.where(self._outside(x), shrunk, xp.zeros_like(x))


class Threshold(OfX):
    name, symbol = "threshold", "threshold"
    rule = "threshold routes: upstream passes where x > threshold, else 0"
    params = ("threshold", "value")

    def __init__(self, threshold: float, value: float) -> None:
        self.threshold, self.value = threshold, value

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.where(x > self.threshold, x, xp.full_like(x, self.value))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return as_mask(x > self.threshold, x)


class CELU(OfX):
    name, symbol = "celu", "CELU"
    rule = "celu: downstream = upstream where x > 0, else upstream × exp(x/α)"
    params = ("alpha",)

    def __init__(self, alpha: float = 1.0) -> None:
        if alpha == 0:
            raise ShapeError("celu needs alpha != 0 (it divides by alpha)")
        self.alpha = alpha

    def compute(self, xp: Any, x: Any) -> Any:
        negative = self.alpha * xp.expm1(xp.minimum(x, xp.zeros_like(x)) / self.alpha)
        return xp.where(x > 0, x, negative)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.where(x > 0, xp.ones_like(x), out / self.alpha + 1)


class Tanhshrink(OfX):
    name, symbol = "tanhshrink", "tanhshrink"
    rule = "tanhshrink: downstream = upstream × tanh²(x)"

    def compute(self, xp: Any, x: Any) -> Any:
        return x - xp.tanh(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        tanh = x - out
        return tanh * tanh


class Softmax(Op):
    name, symbol = "softmax", "softmax"
    rule = "softmax: downstream = y ⊙ (upstream − Σ upstream ⊙ y)"
    local_rules = ("y ⊙ (upstream − Σ upstream ⊙ y), y = softmax({0})",)
    params = ("axis",)

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        axes = normalize_axes(self.axis, x.ndim)
        out = xp.exp(x - stable_logsumexp(x, axes))
        self.saved = (out, axes)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        out, axes = self.saved
        return (out * (grad - backend.sum(grad * out, axis=axes, keepdims=True)),)


class LogSoftmax(Op):
    name, symbol = "log_softmax", "log softmax"
    rule = "log softmax: downstream = upstream − softmax(x) × Σ upstream"
    local_rules = ("upstream − softmax({0}) × Σ upstream",)
    params = ("axis",)

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Any) -> Any:
        axes = normalize_axes(self.axis, x.ndim)
        out = x - stable_logsumexp(x, axes)
        self.saved = (out, axes)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        out, axes = self.saved
        xp = namespace(out)
        return (grad - xp.exp(out) * backend.sum(grad, axis=axes, keepdims=True),)
