"""Scans: running sums and products along one axis (``dim`` or ``axis``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend, ops
from minigrad.dims import one_axis
from minigrad.methods._common import ValuesIndices, leaf, with_dtype
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


class ScanMethods:
    """``cumsum`` and ``cumprod`` along ``dim``/``axis``.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([[1.0, 2.0, 3.0]])
    >>> x.cumsum(1).tolist(), x.cumprod(axis=-1).tolist()
    ([[1.0, 3.0, 6.0]], [[1.0, 2.0, 6.0]])
    """

    __slots__ = ()

    def cumsum(self: Tensor, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
        """Running sum along ``dim``/``axis`` (in ``dtype`` when given)."""
        x = with_dtype(self, dtype)
        return apply(ops.Cumsum(one_axis("cumsum", self.shape, dim, axis)), x)

    def cumprod(self: Tensor, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
        """Running product along ``dim``/``axis`` (in ``dtype`` when given); exact gradients
        also at zeros."""
        x = with_dtype(self, dtype)
        return apply(ops.Cumprod(one_axis("cumprod", self.shape, dim, axis)), x)

    def cummax(self: Tensor, dim: Any = None, *, axis: Any = None) -> ValuesIndices:
        """``(values, indices)`` of the running maximum along ``dim``/``axis``; a tie takes
        the later index, and each value's gradient goes to the element it came from.

        Examples
        --------
        >>> import minigrad
        >>> values, indices = minigrad.tensor([1.0, 3.0, 2.0, 3.0]).cummax(0)
        >>> values.tolist(), indices.tolist()
        ([1.0, 3.0, 3.0, 3.0], [0, 1, 1, 3])
        """
        return _running_extreme(self, "cummax", dim, axis, np.maximum)

    def cummin(self: Tensor, dim: Any = None, *, axis: Any = None) -> ValuesIndices:
        """``(values, indices)`` of the running minimum along ``dim``/``axis`` (see
        :meth:`cummax`)."""
        return _running_extreme(self, "cummin", dim, axis, np.minimum)

    def logcumsumexp(self: Tensor, dim: Any = None, *, axis: Any = None) -> Tensor:
        """``log(cumsum(exp(x)))`` along ``dim``/``axis``, shifted by the axis maximum so it
        does not overflow.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([1000.0, 1000.0])
        >>> [round(v, 4) for v in x.logcumsumexp(0).tolist()]
        [1000.0, 1000.6932]
        """
        axis = one_axis("logcumsumexp", self.shape, dim, axis)
        x = self.reshape(1) if self.ndim == 0 else self
        xp = backend.namespace(x.array)
        if x.shape[axis] == 0:
            return self * 1
        shift = xp.max(x.array, axis=axis, keepdims=True)
        shift = leaf(xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift)))
        out = (x - shift).exp().cumsum(axis).log() + shift
        return out.reshape(self.shape)


def _running_extreme(t: Tensor, name: str, dim: Any, axis: Any, pick: Any) -> ValuesIndices:
    axis = one_axis(name, t.shape, dim, axis)
    x = t.reshape(1) if t.ndim == 0 else t
    host = backend.to_numpy(x.detach().array)
    if host.size == 0:
        index = np.zeros(host.shape, dtype=np.int64)
    else:
        running = pick.accumulate(host, axis=axis)
        shape = [1] * host.ndim
        shape[axis] = host.shape[axis]
        positions = np.arange(host.shape[axis]).reshape(shape)
        sets = (host == running) | np.isnan(host)
        index = np.maximum.accumulate(np.where(sets, positions, 0), axis=axis)
    xp = backend.namespace(x.array)
    indices = leaf(backend.asarray_on(xp, index.astype(np.int64), like=x.array))
    values = x.gather(axis, indices)
    return ValuesIndices(values.reshape(t.shape), leaf(xp.reshape(indices.array, t.shape)))
