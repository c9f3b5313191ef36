"""Element-wise math methods: exp, log, sqrt, abs, the trigonometric and hyperbolic
functions, logarithms and powers of 2 and 10, rounding, sign and erf.

Floating functions of an integer or bool tensor compute in the default float dtype.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from minigrad import backend, ops
from minigrad.methods._common import floating, leaf
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


class ElementwiseMethods:
    """Math functions applied element by element; each is one op of ``ops``.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    >>> x.sin().sum().backward()
    >>> [round(g, 4) for g in x.grad.tolist()]
    [1.0, 0.5403]
    """

    __slots__ = ()

    def exp(self: Tensor) -> Tensor:
        """e ** x, element-wise."""
        return apply(ops.Exp(), self if self.requires_grad else floating(self))

    def log(self: Tensor) -> Tensor:
        """Natural logarithm, element-wise."""
        return apply(ops.Log(), self if self.requires_grad else floating(self))

    def sqrt(self: Tensor) -> Tensor:
        """Square root, element-wise."""
        return apply(ops.Sqrt(), self if self.requires_grad else floating(self))

    def abs(self: Tensor) -> Tensor:
        """Absolute value, element-wise."""
        return apply(ops.Abs(), self)

    def __abs__(self: Tensor) -> Tensor:
        return apply(ops.Abs(), self)

    def sin(self: Tensor) -> Tensor:
        """sin(x); local gradient cos(x)."""
        return apply(ops.Sin(), floating(self))

    def cos(self: Tensor) -> Tensor:
        """cos(x); local gradient −sin(x)."""
        return apply(ops.Cos(), floating(self))

    def tan(self: Tensor) -> Tensor:
        """tan(x); local gradient 1 + tan²(x)."""
        return apply(ops.Tan(), floating(self))

    def asin(self: Tensor) -> Tensor:
        """arcsin(x) for −1 < x < 1; local gradient 1/√(1 − x²)."""
        return apply(ops.Asin(), floating(self))

    def acos(self: Tensor) -> Tensor:
        """arccos(x) for −1 < x < 1; local gradient −1/√(1 − x²)."""
        return apply(ops.Acos(), floating(self))

    def atan(self: Tensor) -> Tensor:
        """arctan(x); local gradient 1/(1 + x²)."""
        return apply(ops.Atan(), floating(self))

    def erf(self: Tensor) -> Tensor:
        """The error function; local gradient 2/√π · exp(−x²)."""
        return apply(ops.Erf(), floating(self))

    def sinh(self: Tensor) -> Tensor:
        """sinh(x); local gradient cosh(x)."""
        return apply(ops.Sinh(), floating(self))

    def cosh(self: Tensor) -> Tensor:
        """cosh(x); local gradient sinh(x)."""
        return apply(ops.Cosh(), floating(self))

    def log1p(self: Tensor) -> Tensor:
        """log(1 + x), accurate near 0; local gradient 1/(1 + x)."""
        return apply(ops.Log1p(), floating(self))

    def expm1(self: Tensor) -> Tensor:
        """eˣ − 1, accurate near 0; local gradient eˣ."""
        return apply(ops.Expm1(), floating(self))

    def log2(self: Tensor) -> Tensor:
        """log₂(x); local gradient 1/(x ln 2)."""
        return apply(ops.Log2(), floating(self))

    def log10(self: Tensor) -> Tensor:
        """log₁₀(x); local gradient 1/(x ln 10)."""
        return apply(ops.Log10(), floating(self))

    def exp2(self: Tensor) -> Tensor:
        """2ˣ; local gradient 2ˣ ln 2."""
        return apply(ops.Exp2(), floating(self))

    def rsqrt(self: Tensor) -> Tensor:
        """1/√x; local gradient −½ x^(−3/2)."""
        return apply(ops.Rsqrt(), floating(self))

    def reciprocal(self: Tensor) -> Tensor:
        """1/x; local gradient −1/x²."""
        return apply(ops.Reciprocal(), floating(self))

    def square(self: Tensor) -> Tensor:
        """x²; local gradient 2x."""
        return apply(ops.Square(), self)

    def sign(self: Tensor) -> Tensor:
        """−1, 0 or 1; zero gradient (as PyTorch)."""
        return apply(ops.Sign(), self)

    def floor(self: Tensor) -> Tensor:
        """Round down; zero gradient (as PyTorch)."""
        return apply(ops.Floor(), self)

    def ceil(self: Tensor) -> Tensor:
        """Round up; zero gradient (as PyTorch)."""
        return apply(ops.Ceil(), self)

    def round(self: Tensor, decimals: int = 0) -> Tensor:
        """Round half to even (to ``decimals`` places: negative rounds to tens, hundreds…);
        zero gradient (as PyTorch).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1.2345, 1250.0], dtype="float64").round(2).tolist()
        [1.23, 1250.0]
        >>> minigrad.tensor([1250.0, 1350.0]).round(decimals=-2).tolist()
        [1200.0, 1400.0]
        """
        if decimals == 0 or not backend.is_floating(self.dtype):
            return apply(ops.Round(), self)
        scale = 10.0 ** abs(decimals)
        if decimals > 0:  # as PyTorch: round(x · 10ᵈ) / 10ᵈ
            return apply(ops.Round(), self * scale) / scale
        return apply(ops.Round(), self / scale) * scale

    def trunc(self: Tensor) -> Tensor:
        """Round toward 0; zero gradient (as PyTorch)."""
        return apply(ops.Trunc(), self)

    def acosh(self: Tensor) -> Tensor:
        """arcosh(x) for x ≥ 1; local gradient 1/√(x² − 1)."""
        return apply(ops.Acosh(), floating(self))

    arccosh = acosh

    def asinh(self: Tensor) -> Tensor:
        """arsinh(x); local gradient 1/√(x² + 1)."""
        return apply(ops.Asinh(), floating(self))

    arcsinh = asinh

    def atanh(self: Tensor) -> Tensor:
        """artanh(x) for −1 < x < 1; local gradient 1/(1 − x²)."""
        return apply(ops.Atanh(), floating(self))

    arctanh = atanh

    def erfc(self: Tensor) -> Tensor:
        """1 − erf(x), accurate for large x; local gradient −2/√π · exp(−x²)."""
        return apply(ops.Erfc(), floating(self))

    def erfinv(self: Tensor) -> Tensor:
        """The inverse of erf on (−1, 1) (±inf at ±1); local gradient √π/2 · exp(out²).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([0.0, 0.5], dtype="float64")
        >>> [round(v, 6) for v in x.erfinv().erf().tolist()]
        [0.0, 0.5]
        """
        return apply(ops.Erfinv(), floating(self))

    def logit(self: Tensor, eps: float | None = None) -> Tensor:
        """log(x / (1 − x)), the inverse of sigmoid; with ``eps``, x is first clamped to
        [eps, 1 − eps] (and gets no gradient outside it).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([0.5, 1.0]).logit(eps=0.25).tolist()
        [0.0, 1.0986123085021973]
        """
        return apply(ops.Logit(eps), floating(self))

    def sinc(self: Tensor) -> Tensor:
        """sin(πx)/(πx), and 1 at x = 0 (the normalised sinc).

        Examples
        --------
        >>> import minigrad
        >>> [round(v, 4) for v in minigrad.tensor([0.0, 0.5]).sinc().tolist()]
        [1.0, 0.6366]
        """
        return apply(ops.Sinc(), floating(self))

    def nan_to_num(
        self: Tensor,
        nan: float = 0.0,
        posinf: float | None = None,
        neginf: float | None = None,
    ) -> Tensor:
        """NaN, +inf and −inf replaced by ``nan``, ``posinf`` and ``neginf`` (by default 0 and
        the dtype's largest and lowest finite values); the gradient passes where x is finite.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([float("nan"), float("inf"), 1.0]).nan_to_num(posinf=9.0).tolist()
        [0.0, 9.0, 1.0]
        """
        if not backend.is_floating(self.dtype):
            return self
        info = np.finfo(backend.dtype_name(self.dtype))
        high = float(info.max) if posinf is None else posinf
        low = float(info.min) if neginf is None else neginf
        return apply(ops.NanToNum(nan, high, low), self)

    def frac(self: Tensor) -> Tensor:
        """x − trunc(x) (with the sign of x); local gradient 1.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([-1.5, 2.25]).frac().tolist()
        [-0.5, 0.25]
        """
        return apply(ops.Frac(), self)

    def deg2rad(self: Tensor) -> Tensor:
        """Degrees to radians: x × π/180."""
        return floating(self) * (math.pi / 180)

    def rad2deg(self: Tensor) -> Tensor:
        """Radians to degrees: x × 180/π."""
        return floating(self) * (180 / math.pi)

    def signbit(self: Tensor) -> Tensor:
        """Where the sign bit is set (also for −0.0): a bool tensor, no gradient.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([-0.0, 0.0, -2.0]).signbit().tolist()
        [True, False, True]
        """
        xp = backend.namespace(self.array)
        if not backend.is_floating(self.dtype):
            return leaf(self.array < 0)
        return leaf(xp.signbit(self.array))

    def isposinf(self: Tensor) -> Tensor:
        """Where the values are +inf (a bool tensor, no gradient)."""
        return leaf(self.array == math.inf)

    def isneginf(self: Tensor) -> Tensor:
        """Where the values are −inf (a bool tensor, no gradient)."""
        return leaf(self.array == -math.inf)
