"""Tensor methods for the common ops (math, remainder, predicates, reductions, indexing).

:class:`TensorOps` is a mixin of :class:`minigrad.Tensor`: each method is one call of an op
from :mod:`minigrad.ops` (or of a free function in :mod:`minigrad.ops_functions`), kept
apart from ``tensor.py`` so the core class stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import ops

if TYPE_CHECKING:
    from minigrad.tensor import Tensor


def _apply(op: Any, *inputs: Any) -> Tensor:
    from minigrad.tensor import _lift, apply

    return apply(op, inputs[0], *(_lift(x, inputs[0]) for x in inputs[1:]))


def _predicate(t: Tensor, name: str) -> Tensor:
    from minigrad.backend import namespace
    from minigrad.tensor import Tensor

    return Tensor._make(getattr(namespace(t.data), name)(t.data), False, None)


class TensorOps:
    """Element-wise math, remainder and floor division, and NaN/Inf predicates.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([0.0, 1.0], requires_grad=True)
    >>> x.sin().sum().backward()
    >>> [round(g, 4) for g in x.grad.tolist()]
    [1.0, 0.5403]
    >>> (minigrad.tensor([-3.0, 5.0]) % 2).tolist()
    [1.0, 1.0]
    """

    __slots__ = ()

    def sin(self: Tensor) -> Tensor:
        """sin(x); local gradient cos(x)."""
        return _apply(ops.Sin(), self)

    def cos(self: Tensor) -> Tensor:
        """cos(x); local gradient −sin(x)."""
        return _apply(ops.Cos(), self)

    def tan(self: Tensor) -> Tensor:
        """tan(x); local gradient 1 + tan²(x)."""
        return _apply(ops.Tan(), self)

    def asin(self: Tensor) -> Tensor:
        """arcsin(x) for −1 < x < 1; local gradient 1/√(1 − x²)."""
        return _apply(ops.Asin(), self)

    def acos(self: Tensor) -> Tensor:
        """arccos(x) for −1 < x < 1; local gradient −1/√(1 − x²)."""
        return _apply(ops.Acos(), self)

    def atan(self: Tensor) -> Tensor:
        """arctan(x); local gradient 1/(1 + x²)."""
        return _apply(ops.Atan(), self)

    def sinh(self: Tensor) -> Tensor:
        """sinh(x); local gradient cosh(x)."""
        return _apply(ops.Sinh(), self)

    def cosh(self: Tensor) -> Tensor:
        """cosh(x); local gradient sinh(x)."""
        return _apply(ops.Cosh(), self)

    def log1p(self: Tensor) -> Tensor:
        """log(1 + x), accurate near 0; local gradient 1/(1 + x)."""
        return _apply(ops.Log1p(), self)

    def expm1(self: Tensor) -> Tensor:
        """eˣ − 1, accurate near 0; local gradient eˣ."""
        return _apply(ops.Expm1(), self)

    def log2(self: Tensor) -> Tensor:
        """log₂(x); local gradient 1/(x ln 2)."""
        return _apply(ops.Log2(), self)

    def log10(self: Tensor) -> Tensor:
        """log₁₀(x); local gradient 1/(x ln 10)."""
        return _apply(ops.Log10(), self)

    def exp2(self: Tensor) -> Tensor:
        """2ˣ; local gradient 2ˣ ln 2."""
        return _apply(ops.Exp2(), self)

    def rsqrt(self: Tensor) -> Tensor:
        """1/√x; local gradient −½ x^(−3/2)."""
        return _apply(ops.Rsqrt(), self)

    def reciprocal(self: Tensor) -> Tensor:
        """1/x; local gradient −1/x²."""
        return _apply(ops.Reciprocal(), self)

    def square(self: Tensor) -> Tensor:
        """x²; local gradient 2x."""
        return _apply(ops.Square(), self)

    def sign(self: Tensor) -> Tensor:
        """−1, 0 or 1; zero gradient (as PyTorch)."""
        return _apply(ops.Sign(), self)

    def floor(self: Tensor) -> Tensor:
        """Round down; zero gradient (as PyTorch)."""
        return _apply(ops.Floor(), self)

    def ceil(self: Tensor) -> Tensor:
        """Round up; zero gradient (as PyTorch)."""
        return _apply(ops.Ceil(), self)

    def round(self: Tensor) -> Tensor:
        """Round half to even; zero gradient (as PyTorch). No ``decimals`` argument."""
        return _apply(ops.Round(), self)

    def trunc(self: Tensor) -> Tensor:
        """Round toward 0; zero gradient (as PyTorch)."""
        return _apply(ops.Trunc(), self)

    def remainder(self: Tensor, other: Any) -> Tensor:
        """``self % other`` with the divisor's sign (PyTorch's ``remainder``)."""
        return _apply(ops.Remainder(), self, other)

    def floor_divide(self: Tensor, other: Any) -> Tensor:
        """``self // other`` rounded toward −∞; zero gradient."""
        return _apply(ops.FloorDivide(), self, other)

    def __mod__(self: Tensor, other: Any) -> Tensor:
        return _apply(ops.Remainder(), self, other)

    def __rmod__(self: Tensor, other: Any) -> Tensor:
        from minigrad.tensor import _lift

        return _apply(ops.Remainder(), _lift(other, self), self)

    def __floordiv__(self: Tensor, other: Any) -> Tensor:
        return _apply(ops.FloorDivide(), self, other)

    def __rfloordiv__(self: Tensor, other: Any) -> Tensor:
        from minigrad.tensor import _lift

        return _apply(ops.FloorDivide(), _lift(other, self), self)

    def lerp(self: Tensor, end: Any, weight: Any) -> Tensor:
        """``self + weight × (end − self)``; ``weight`` is a number or a tensor."""
        return _apply(ops.Lerp(), self, end, weight)

    def isnan(self: Tensor) -> Tensor:
        """Where the values are NaN (a bool tensor, not differentiable)."""
        return _predicate(self, "isnan")

    def isinf(self: Tensor) -> Tensor:
        """Where the values are ±inf (a bool tensor, not differentiable)."""
        return _predicate(self, "isinf")

    def isfinite(self: Tensor) -> Tensor:
        """Where the values are neither NaN nor ±inf (a bool tensor, not differentiable)."""
        return _predicate(self, "isfinite")
