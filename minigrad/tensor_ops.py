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


class _LazyFunctions:
    """:mod:`minigrad.ops_functions`, imported on first use (it imports ``minigrad.tensor``,
    which imports this module)."""

    def __getattr__(self, name: str) -> Any:
        from minigrad import ops_functions

        return getattr(ops_functions, name)


F = _LazyFunctions()


def _apply(op: Any, *inputs: Any) -> Tensor:
    from minigrad.tensor import _lift, apply

    return apply(op, inputs[0], *(_lift(x, inputs[0]) for x in inputs[1:]))


def _predicate(t: Tensor, name: str) -> Tensor:
    from minigrad.backend import namespace
    from minigrad.tensor import Tensor

    return Tensor._make(getattr(namespace(t.data), name)(t.data), False, None)


def _logical(a: Any, b: Any, name: str) -> Tensor:
    """A bitwise/logical op on bool or integer tensors: a result without a gradient."""
    from minigrad.backend import namespace
    from minigrad.tensor import Tensor

    left = a.data if isinstance(a, Tensor) else a
    right = b.data if isinstance(b, Tensor) else b
    xp = namespace(left if isinstance(a, Tensor) else right)
    return Tensor._make(getattr(xp, name)(left, right), False, None)


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

    def erf(self: Tensor) -> Tensor:
        """The error function; local gradient 2/√π · exp(−x²)."""
        return _apply(ops.Erf(), self)

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

    def __and__(self: Tensor, other: Any) -> Tensor:
        """``a & b`` on bool or integer tensors (no gradient), e.g. two masks."""
        return _logical(self, other, "bitwise_and")

    def __rand__(self: Tensor, other: Any) -> Tensor:
        return _logical(other, self, "bitwise_and")

    def __or__(self: Tensor, other: Any) -> Tensor:
        """``a | b`` on bool or integer tensors (no gradient)."""
        return _logical(self, other, "bitwise_or")

    def __ror__(self: Tensor, other: Any) -> Tensor:
        return _logical(other, self, "bitwise_or")

    def __xor__(self: Tensor, other: Any) -> Tensor:
        """``a ^ b`` on bool or integer tensors (no gradient)."""
        return _logical(self, other, "bitwise_xor")

    def __rxor__(self: Tensor, other: Any) -> Tensor:
        return _logical(other, self, "bitwise_xor")

    def __invert__(self: Tensor) -> Tensor:
        """``~mask`` on bool or integer tensors (no gradient)."""
        return _predicate(self, "bitwise_invert")

    def isnan(self: Tensor) -> Tensor:
        """Where the values are NaN (a bool tensor, not differentiable)."""
        return _predicate(self, "isnan")

    def isinf(self: Tensor) -> Tensor:
        """Where the values are ±inf (a bool tensor, not differentiable)."""
        return _predicate(self, "isinf")

    def isfinite(self: Tensor) -> Tensor:
        """Where the values are neither NaN nor ±inf (a bool tensor, not differentiable)."""
        return _predicate(self, "isfinite")

    # ------------------------------------------------------- reductions, scans, sorting

    def prod(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Product of all elements or along ``dim`` (see :func:`minigrad.prod`)."""
        return F.prod(self, dim, keepdim)

    def var(self: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: float | None = None) -> Tensor:  # fmt: skip
        """Variance with Bessel's correction by default (see :func:`minigrad.var`)."""
        return F.var(self, dim, unbiased, keepdim, correction=correction)

    def std(self: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *,
            correction: float | None = None) -> Tensor:  # fmt: skip
        """Standard deviation, √var (see :func:`minigrad.std`)."""
        return F.std(self, dim, unbiased, keepdim, correction=correction)

    def cumsum(self: Tensor, dim: int) -> Tensor:
        """Running sum along ``dim``."""
        return F.cumsum(self, dim)

    def cumprod(self: Tensor, dim: int) -> Tensor:
        """Running product along ``dim``."""
        return F.cumprod(self, dim)

    def norm(self: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
        """Vector p-norm (see :func:`minigrad.norm`)."""
        return F.norm(self, p, dim, keepdim)

    def argmin(self: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
        """Indices of the minima (not differentiable)."""
        return F.argmin(self, dim, keepdim)

    def sort(self: Tensor, dim: int = -1, descending: bool = False) -> Any:
        """``(values, indices)`` sorted along ``dim``; values are differentiable."""
        return F.sort(self, dim, descending)

    def argsort(self: Tensor, dim: int = -1, descending: bool = False) -> Tensor:
        """Indices that sort along ``dim`` (stable)."""
        return F.argsort(self, dim, descending)

    def topk(self: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:
        """``(values, indices)`` of the ``k`` largest (or smallest) along ``dim``."""
        return F.topk(self, k, dim, largest, sorted)

    # ------------------------------------------------------------- indexing and shape

    def gather(self: Tensor, dim: int, index: Any) -> Tensor:
        """Values at ``index`` along ``dim`` (see :func:`minigrad.gather`)."""
        return F.gather(self, dim, index)

    def scatter_add(self: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
        """A copy with ``src`` added at ``index`` along ``dim`` (:func:`minigrad.scatter_add`)."""
        return F.scatter_add(self, dim, index, src)

    def scatter(self: Tensor, dim: int, index: Any, src: Any) -> Tensor:
        """A copy with ``src`` written at ``index`` along ``dim`` (:func:`minigrad.scatter`)."""
        return F.scatter(self, dim, index, src)

    def index_select(self: Tensor, dim: int, index: Any) -> Tensor:
        """The slices a 1-D ``index`` names along ``dim``."""
        return F.index_select(self, dim, index)

    def masked_fill(self: Tensor, mask: Any, value: float) -> Tensor:
        """``value`` where ``mask`` holds, else the tensor's own values."""
        return F.masked_fill(self, mask, value)

    def repeat(self: Tensor, *sizes: Any) -> Tensor:
        """Tile ``sizes[i]`` times along each axis; the copies' gradients sum back."""
        return F.repeat(self, *sizes)

    def tile(self: Tensor, *dims: Any) -> Tensor:
        """Like :meth:`repeat`, with missing leading counts taken as 1."""
        return F.tile(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)

    def repeat_interleave(self: Tensor, repeats: Any, dim: int | None = None) -> Tensor:
        """Repeat each element ``repeats`` times along ``dim`` (flattened when None)."""
        return F.repeat_interleave(self, repeats, dim)

    def chunk(self: Tensor, chunks: int, dim: int = 0) -> list[Tensor]:
        """Split into ``chunks`` nearly equal pieces along ``dim``."""
        return F.chunk(self, chunks, dim)

    def flip(self: Tensor, *dims: Any) -> Tensor:
        """Reverse the order along ``dims``."""
        return F.flip(self, dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims)

    def roll(self: Tensor, shifts: Any, dims: Any = None) -> Tensor:
        """Shift with wrap-around along ``dims`` (flattened when None)."""
        return F.roll(self, shifts, dims)

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """Lower triangle of the last two axes."""
        return F.tril(self, diagonal)

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """Upper triangle of the last two axes."""
        return F.triu(self, diagonal)

    def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal of the (dim1, dim2) planes as a new last axis."""
        return F.diagonal(self, offset, dim1, dim2)
