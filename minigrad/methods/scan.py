"""Scans: running sums and products along one axis (``dim`` or ``axis``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import ops
from minigrad.dims import one_axis
from minigrad.methods._common import with_dtype
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
