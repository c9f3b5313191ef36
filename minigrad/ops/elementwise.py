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
from minigrad.op import Elementwise, as_mask


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


def erfc_array(x: Any) -> Any:
    """1 − erf(x), accurate where erf(x) is near 1 (host :func:`math.erfc`, as
    :func:`erf_array`)."""
    xp = namespace(x)
    if not isinstance(xp, types.ModuleType):
        return xp.erfc(x)
    host = np.vectorize(math.erfc, otypes=[np.float64])(backend.to_numpy(x))
    return xp.astype(backend.asarray_on(xp, host, like=x), x.dtype)


def _erfinv_host(y: np.ndarray) -> np.ndarray:
    """erf⁻¹ in float64: Giles' approximation refined by Newton steps on math.erfc."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = -np.log((1.0 - y) * (1.0 + y))
        small = w < 5.0
        ws, wl = w - 2.5, np.sqrt(w) - 3.0
        p_small = np.polyval(
            [
                2.81022636e-08,
                3.43273939e-07,
                -3.5233877e-06,
                -4.39150654e-06,
                0.00021858087,
                -0.00125372503,
                -0.00417768164,
                0.246640727,
                1.50140941,
            ],
            ws,
        )
        p_large = np.polyval(
            [
                -0.000200214257,
                0.000100950558,
                0.00134934322,
                -0.00367342844,
                0.00573950773,
                -0.0076224613,
                0.00943887047,
                1.00167406,
                2.83297682,
            ],
            wl,
        )
        x = np.abs(np.where(small, p_small, p_large) * y)
        # Newton on erf(x) = |y|; near 1 as erfc(x) = 1 − |y|, exact where erf(x) is not
        erf = np.vectorize(math.erf, otypes=[np.float64])
        erfc = np.vectorize(math.erfc, otypes=[np.float64])
        a = np.abs(y)
        tail = a > 0.5
        for _ in range(4):
            slope = 2 / math.sqrt(math.pi) * np.exp(-x * x)
            # in the tail, Newton on log erfc(x) = log(1 − |y|): nearly linear, fast from afar
            c = erfc(x)
            step = np.where(tail, (np.log(1.0 - a) - np.log(c)) * c / slope, (erf(x) - a) / slope)
            x = np.where(np.isfinite(step), x - step, x)
        x = np.copysign(x, y)
    x = np.where(y == 1, np.inf, np.where(y == -1, -np.inf, x))
    return np.where(np.abs(y) > 1, np.nan, x)


class Erfc(OfX):
    name, symbol = "erfc", "erfc"
    rule = "erfc: downstream = upstream × −2/sqrt(pi) · exp(−x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return erfc_array(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return (-2 / math.sqrt(math.pi)) * xp.exp(-(x * x))


class Erfinv(OfX):
    name, symbol = "erfinv", "erfinv"
    rule = "erfinv: downstream = upstream × sqrt(pi)/2 · exp(out²)"

    def compute(self, xp: Any, x: Any) -> Any:
        host = _erfinv_host(backend.to_numpy(x))
        return xp.astype(backend.asarray_on(xp, host, like=x), x.dtype)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return (math.sqrt(math.pi) / 2) * xp.exp(out * out)


class Acosh(OfX):
    name, symbol, rule = "acosh", "acosh", "acosh: downstream = upstream / √(x² − 1)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.acosh(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / xp.sqrt(x * x - 1)


class Asinh(OfX):
    name, symbol, rule = "asinh", "asinh", "asinh: downstream = upstream / √(x² + 1)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.asinh(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / xp.sqrt(x * x + 1)


class Atanh(OfX):
    name, symbol, rule = "atanh", "atanh", "atanh: downstream = upstream / (1 − x²)"

    def compute(self, xp: Any, x: Any) -> Any:
        return xp.atanh(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return 1 / (1 - x * x)


class Logit(OfX):
    """log(x / (1 − x)), with ``x`` first clamped to [eps, 1 − eps] when ``eps`` is given."""

    name, symbol = "logit", "logit"
    rule = "logit: downstream = upstream / (x(1 − x)) (0 outside [eps, 1 − eps])"
    params = ("eps",)

    def __init__(self, eps: float | None = None) -> None:
        self.eps = eps

    def _clamped(self, xp: Any, x: Any) -> Any:
        return x if self.eps is None else xp.clip(x, min=self.eps, max=1 - self.eps)

    def compute(self, xp: Any, x: Any) -> Any:
        z = self._clamped(xp, x)
        return xp.log(z / (1 - z))

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        local = 1 / (x * (1 - x))
        if self.eps is None:
            return local
        inside = (x >= self.eps) & (x <= 1 - self.eps)
        return xp.where(inside, local, xp.zeros_like(x))


class Sinc(OfX):
    name, symbol = "sinc", "sinc"
    rule = "sinc: downstream = upstream × (cos(pi·x) − sinc(x)) / x (0 at x = 0)"

    def compute(self, xp: Any, x: Any) -> Any:
        with np.errstate(divide="ignore", invalid="ignore"):
            px = math.pi * x
            return xp.where(x == 0, xp.ones_like(x), xp.sin(px) / px)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        zero = x == 0
        safe = xp.where(zero, xp.ones_like(x), x)
        return xp.where(zero, xp.zeros_like(x), (xp.cos(math.pi * x) - out) / safe)


class NanToNum(OfX):
    """NaN, +inf and −inf replaced by numbers; the gradient passes where ``x`` is finite."""

    name, symbol = "nan_to_num", "nan→num"
    rule = "nan_to_num routes: upstream passes where x is finite, else 0"
    params = ("nan", "posinf", "neginf")

    def __init__(self, nan: float, posinf: float, neginf: float) -> None:
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def compute(self, xp: Any, x: Any) -> Any:
        out = xp.where(xp.isnan(x), xp.full_like(x, self.nan), x)
        out = xp.where(out == math.inf, xp.full_like(x, self.posinf), out)
        return xp.where(out == -math.inf, xp.full_like(x, self.neginf), out)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return as_mask(xp.isfinite(x), x)


class Frac(OfX):
    name, symbol, rule = "frac", "frac", "frac: downstream = upstream (x − trunc(x) has slope 1)"

    def compute(self, xp: Any, x: Any) -> Any:
        return x - xp.trunc(x)

    def derivative(self, xp: Any, x: Any, out: Any) -> Any:
        return xp.ones_like(x)


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
