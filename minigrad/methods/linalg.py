"""Linear algebra: ``@``/matmul, and :func:`einsum`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import op as _op
from minigrad import ops
from minigrad.methods._common import promote
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation (``"ij,jk->ik"``); its backward is an einsum per operand.

    No ``...`` and no repeated letter within one operand (take a ``diagonal`` first).

    Examples
    --------
    >>> import minigrad
    >>> a, b = minigrad.ones(2, 3), minigrad.ones(3, 4)
    >>> minigrad.einsum("ij,jk->ik", a, b).shape
    (2, 4)
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return apply(ops.Einsum(equation), *operands)


class LinalgMethods:
    """Matrix products.

    Examples
    --------
    >>> import minigrad
    >>> (minigrad.ones(2, 3) @ minigrad.ones(3)).tolist()
    [3.0, 3.0]
    """

    __slots__ = ()

    def __matmul__(self: Tensor, other: Any) -> Tensor:
        if isinstance(other, _op.Tensor) and other.data.dtype is self.data.dtype:
            return apply(ops.MatMul(), self, other)
        return apply(ops.MatMul(), *promote(self, other))

    def __rmatmul__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.MatMul(), a, b)

    def matmul(self: Tensor, other: Any) -> Tensor:
        """``self @ other``."""
        return self @ other
