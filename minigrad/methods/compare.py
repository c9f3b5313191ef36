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
from minigrad.dims import ShapeError
from minigrad.methods._common import as_tensor_like, cast, leaf, promote, promote_all
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def _compare(a: Tensor, b: Any, fn: Callable[[Any, Any], Any]) -> Tensor:
    left, right = promote(a.detach(), b.detach() if isinstance(b, _op.Tensor) else b)
    return leaf(fn(left.data, right.data))


def _predicate(t: Tensor, name: str) -> Tensor:
    return leaf(getattr(backend.namespace(t.data), name)(t.data))


def _logical(a: Any, b: Any, name: str) -> Tensor:
    """A bitwise/logical op on bool or integer tensors: a result without a gradient."""
    a_is = isinstance(a, _op.Tensor)
    left = a.data if a_is else a
    right = b.data if isinstance(b, _op.Tensor) else b
    xp = backend.namespace(left if a_is else right)
    return leaf(getattr(xp, name)(left, right))


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
    xp = backend.namespace(cond.data)
    if backend.dtype_name(cond.dtype) != "bool":
        cond = leaf(xp.astype(cond.data, xp.bool))
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
    xp = backend.namespace(t.data)
    kind = t.data.dtype
    zero = 0.0 if backend.is_floating(kind) else (False if kind == xp.bool else 0)
    return where(leaf(backend.asarray_on(xp, mask, like=t.data)), t, zero)  # bool stays bool


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

    def clip(self: Tensor, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit values to [min, max]; the gradient is 0 where a bound was applied.

        As in PyTorch's ``clamp``, ``min > max`` sets every value to ``max``.
        """
        return apply(ops.Clip(min, max), self)

    clamp = clip

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
