"""Comparisons, masks and the ops that choose between values: ``< <= > >= == !=``,
``& | ^ ~``, isnan/isinf/isfinite, maximum/minimum, clip, where, masked_fill, tril/triu.

Comparisons and masks carry no gradient; maximum, minimum, clip and where pass it to the
values they chose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend, ops
from minigrad import op as _op
from minigrad.dims import DTypeError, ShapeError
from minigrad.methods._common import (
    as_tensor_like,
    cast,
    is_tensor,
    leaf,
    promote,
    promote_all,
)
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def _compare(a: Tensor, b: Any, fn: Callable[[Any, Any], Any]) -> Tensor:
    left, right = promote(a.detach(), b.detach() if isinstance(b, _op.Tensor) else b)
    return leaf(fn(left.array, right.array))


def _predicate(t: Tensor, name: str) -> Tensor:
    return leaf(getattr(backend.namespace(t.array), name)(t.array))


def _logical(a: Any, b: Any, name: str) -> Tensor:
    """A bitwise/logical op on bool or integer tensors: a result without a gradient."""
    a_is = isinstance(a, _op.Tensor)
    left = a.array if a_is else a
    right = b.array if isinstance(b, _op.Tensor) else b
    xp = backend.namespace(left if a_is else right)
    return leaf(getattr(xp, name)(left, right))


def _truth(value: Any, like: Tensor | None = None) -> Tensor:
    """``value`` (a tensor or number) as a bool tensor: true where nonzero."""
    t = value if isinstance(value, _op.Tensor) else as_tensor_like(value, like)
    xp = backend.namespace(t.array)
    return t if t.array.dtype == xp.bool else leaf(t.array != 0)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``input`` where ``condition`` holds, else ``other`` (broadcasting); the condition gets
    no gradient.

    ``input`` and ``other`` promote as in PyTorch: ``where(c, 1, 3)`` gives integers,
    ``where(c, 1.5, 3)`` the default float dtype.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([-1.0, 2.0])
    >>> minigrad.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    like = next((v for v in (input, other, condition) if isinstance(v, _op.Tensor)), None)
    if like is None:
        like = _op.Tensor(condition)
    a_t, b_t = promote_all([input, other], "where", like)
    cond = as_tensor_like(condition, like)
    xp = backend.namespace(cond.array)
    if backend.dtype_name(cond.dtype) != "bool":
        cond = leaf(xp.astype(cond.array, xp.bool))
    return apply(ops.Where(), cond, a_t, b_t)


def maximum(input: Any, other: Any) -> Tensor:
    """Element-wise maximum; ties split the gradient.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.maximum(minigrad.tensor([1.0, 5.0]), 2).tolist()
    [2.0, 5.0]
    """
    return apply(ops.Maximum(), *promote_all([input, other], "maximum"))


def minimum(input: Any, other: Any) -> Tensor:
    """Element-wise minimum; ties split the gradient.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.minimum(minigrad.tensor([1.0, 5.0]), 2).tolist()
    [1.0, 2.0]
    """
    return apply(ops.Minimum(), *promote_all([input, other], "minimum"))


def _triangle(t: Tensor, keep: Callable[[Any], Any]) -> Tensor:
    if t.ndim < 2:
        raise ShapeError(f"tril/triu need at least 2 dimensions, got shape {t.shape}")
    mask = keep(np.ones(t.shape[-2:], dtype=bool))
    xp = backend.namespace(t.array)
    kind = t.array.dtype
    zero = 0.0 if backend.is_floating(kind) else (False if kind == xp.bool else 0)
    return where(leaf(backend.asarray_on(xp, mask, like=t.array)), t, zero)  # bool stays bool


class CompareMethods:
    """Comparisons (bool tensors), masks, and choosing between values.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 3.0])
    >>> (x > 2).tolist(), x.clip(0, 2).tolist()
    ([False, True], [1.0, 2.0])
    """

    __slots__ = ()

    def __lt__(self: Tensor, other: Any) -> Tensor:
        return _compare(self, other, lambda a, b: a < b)

    def __le__(self: Tensor, other: Any) -> Tensor:
        return _compare(self, other, lambda a, b: a <= b)

    def __gt__(self: Tensor, other: Any) -> Tensor:
        return _compare(self, other, lambda a, b: a > b)

    def __ge__(self: Tensor, other: Any) -> Tensor:
        return _compare(self, other, lambda a, b: a >= b)

    def __eq__(self: Tensor, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(self, other, lambda a, b: a == b)

    def __ne__(self: Tensor, other: Any) -> Tensor:  # type: ignore[override]
        return _compare(self, other, lambda a, b: a != b)

    __hash__ = object.__hash__  # __eq__ is element-wise, identity stays the hash

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

    def maximum(self: Tensor, other: Any) -> Tensor:
        """Element-wise maximum with ``other``."""
        return apply(ops.Maximum(), *promote(self, other))

    def minimum(self: Tensor, other: Any) -> Tensor:
        """Element-wise minimum with ``other``."""
        return apply(ops.Minimum(), *promote(self, other))

    def clip(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
        """Limit values to [min, max]; the gradient is 0 where a bound was applied.

        As in PyTorch's ``clamp``, ``min > max`` sets every value to ``max``. The bounds are
        numbers or tensors (broadcasting; a tensor bound gets the gradient where it was
        chosen).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([-2.0, 0.5, 3.0])
        >>> x.clamp(minigrad.tensor([0.0, 0.0, 0.0]), 1.0).tolist()
        [0.0, 0.5, 1.0]
        """
        if not isinstance(min, _op.Tensor) and not isinstance(max, _op.Tensor):
            return apply(ops.Clip(min, max), self)
        out = self if min is None else self.clamp_min(min)
        return out if max is None else out.clamp_max(max)

    clamp = clip

    def clamp_min(self: Tensor, min: Any) -> Tensor:
        """``max(self, min)`` where ``min`` is a number or a tensor; ``self`` gets the
        gradient where ``self >= min`` (NaN stays NaN), ``min`` where it was chosen.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([-1.0, 2.0]).clamp_min(0).tolist()
        [0.0, 2.0]
        """
        if not isinstance(min, _op.Tensor):
            return apply(ops.Clip(min, None), self)
        a, bound = promote(self, min)
        return where((a.detach() >= bound.detach()) | a.isnan(), a, bound)

    def clamp_max(self: Tensor, max: Any) -> Tensor:
        """``min(self, max)`` where ``max`` is a number or a tensor (see :meth:`clamp_min`).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([-1.0, 2.0]).clamp_max(0).tolist()
        [-1.0, 0.0]
        """
        if not isinstance(max, _op.Tensor):
            return apply(ops.Clip(None, max), self)
        a, bound = promote(self, max)
        return where((a.detach() <= bound.detach()) | a.isnan(), a, bound)

    def fmax(self: Tensor, other: Any) -> Tensor:
        """Element-wise maximum that ignores NaN (NaN only where both are); ``self`` gets the
        gradient at ties.

        Examples
        --------
        >>> import minigrad
        >>> nan = float("nan")
        >>> minigrad.tensor([nan, 1.0]).fmax(minigrad.tensor([2.0, nan])).tolist()
        [2.0, 1.0]
        """
        return apply(ops.Fmax(), *promote(self, other))

    def fmin(self: Tensor, other: Any) -> Tensor:
        """Element-wise minimum that ignores NaN (see :meth:`fmax`).

        Examples
        --------
        >>> import minigrad
        >>> nan = float("nan")
        >>> minigrad.tensor([nan, 1.0]).fmin(minigrad.tensor([2.0, nan])).tolist()
        [2.0, 1.0]
        """
        return apply(ops.Fmin(), *promote(self, other))

    def heaviside(self: Tensor, values: Any) -> Tensor:
        """The step function: 0 where ``self < 0``, 1 where ``self > 0``, ``values`` where
        ``self == 0`` (no gradient; ``values`` must have the dtype of ``self``, as in PyTorch).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([-1.0, 0.0, 2.0]).heaviside(minigrad.tensor(0.5)).tolist()
        [0.0, 0.5, 1.0]
        """
        if is_tensor(values) and backend.dtype_name(values.dtype) != backend.dtype_name(self.dtype):
            raise DTypeError(
                f"heaviside needs values of the input's dtype: input {self.dtype}, values "
                f"{values.dtype}; convert one with .to()"
            )
        a, v = promote(self.detach(), values.detach() if is_tensor(values) else values)
        xp = backend.namespace(a.array)
        step = xp.astype(a.array > 0, a.array.dtype)
        return leaf(xp.where(a.array == 0, v.array, step))

    def logical_and(self: Tensor, other: Any) -> Tensor:
        """Where both are nonzero (a bool tensor, no gradient).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([0.0, 2.0]).logical_and(minigrad.tensor([1, 1])).tolist()
        [False, True]
        """
        return _logical(_truth(self), _truth(other, self), "logical_and")

    def logical_or(self: Tensor, other: Any) -> Tensor:
        """Where either is nonzero (a bool tensor, no gradient)."""
        return _logical(_truth(self), _truth(other, self), "logical_or")

    def logical_xor(self: Tensor, other: Any) -> Tensor:
        """Where exactly one is nonzero (a bool tensor, no gradient)."""
        return _logical(_truth(self), _truth(other, self), "logical_xor")

    def logical_not(self: Tensor) -> Tensor:
        """Where the values are zero (a bool tensor, no gradient).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([0.0, 2.0]).logical_not().tolist()
        [True, False]
        """
        return _predicate(_truth(self), "logical_not")

    def eq(self: Tensor, other: Any) -> Tensor:
        """``self == other`` (a bool tensor)."""
        return self == other

    def ne(self: Tensor, other: Any) -> Tensor:
        """``self != other`` (a bool tensor)."""
        return self != other

    def lt(self: Tensor, other: Any) -> Tensor:
        """``self < other`` (a bool tensor)."""
        return self < other

    def le(self: Tensor, other: Any) -> Tensor:
        """``self <= other`` (a bool tensor)."""
        return self <= other

    def gt(self: Tensor, other: Any) -> Tensor:
        """``self > other`` (a bool tensor)."""
        return self > other

    def ge(self: Tensor, other: Any) -> Tensor:
        """``self >= other`` (a bool tensor)."""
        return self >= other

    greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne

    def masked_fill(self: Tensor, mask: Any, value: float) -> Tensor:
        """``value`` where ``mask`` is true, else the tensor's own values (whose gradient is
        0 where filled).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([1.0, 2.0])
        >>> x.masked_fill(x > 1.5, 0.0).tolist()
        [1.0, 0.0]
        """
        if not isinstance(value, (bool, int, float)) and getattr(value, "ndim", 0) != 0:
            raise ShapeError(
                f"masked_fill takes a number or a 0-d tensor as value, got shape "
                f"{tuple(value.shape)}; use where(mask, value, x) to fill from a tensor"
            )
        out = where(mask, value, self)
        return out if out.dtype == self.dtype else cast(out, backend.dtype_name(self.dtype))

    def tril(self: Tensor, diagonal: int = 0) -> Tensor:
        """The lower triangle (on and below ``diagonal``) of the last two axes; 0 elsewhere."""
        return _triangle(self, lambda ones: np.tril(ones, diagonal))

    def triu(self: Tensor, diagonal: int = 0) -> Tensor:
        """The upper triangle (on and above ``diagonal``) of the last two axes; 0 elsewhere."""
        return _triangle(self, lambda ones: np.triu(ones, diagonal))
