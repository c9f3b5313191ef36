"""Arithmetic methods and operators: ``+ - * / ** % //``, ``add``…``lerp``.

Operands of different dtypes (or Python numbers) promote as in PyTorch, see dtypes.py. The
hot path, two tensors of one dtype, checks only that and goes straight to apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import backend, ops
from minigrad import op as _op
from minigrad.dtypes import result_type
from minigrad.methods._common import as_tensor_like, cast, floating, leaf, promote
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


class ArithmeticMethods:
    """``+ - * / ** % //`` and their named forms.

    Examples
    --------
    >>> import minigrad
    >>> (minigrad.tensor([-3.0, 5.0]) % 2).tolist(), (minigrad.tensor([1, 2]) / 2).tolist()
    ([1.0, 1.0], [0.5, 1.0])
    """

    __slots__ = ()

    def __add__(self: Tensor, other: Any) -> Tensor:
        if isinstance(other, _op.Tensor) and other.data.dtype is self.data.dtype:
            return apply(ops.Add(), self, other)
        return apply(ops.Add(), *promote(self, other))

    def __radd__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.Add(), a, b)

    def __sub__(self: Tensor, other: Any) -> Tensor:
        return apply(ops.Sub(), *promote(self, other))

    def __rsub__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.Sub(), a, b)

    def __mul__(self: Tensor, other: Any) -> Tensor:
        if isinstance(other, _op.Tensor) and other.data.dtype is self.data.dtype:
            return apply(ops.Mul(), self, other)
        return apply(ops.Mul(), *promote(self, other))

    def __rmul__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.Mul(), a, b)

    def __truediv__(self: Tensor, other: Any) -> Tensor:
        a, b = promote(self, other)
        return apply(ops.Div(), floating(a), floating(b))

    def __rtruediv__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.Div(), floating(a), floating(b))

    def __neg__(self: Tensor) -> Tensor:
        return apply(ops.Neg(), self)

    def __pos__(self: Tensor) -> Tensor:
        return self

    def __pow__(self: Tensor, exponent: Any) -> Tensor:
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            # A tensor that needs a gradient is floating: the number cannot change its dtype.
            base = self if self.requires_grad else cast(self, result_type(self, exponent))
            return apply(ops.PowScalar(exponent), base)
        return apply(ops.Pow(), *promote(self, exponent))

    def __rpow__(self: Tensor, base: Any) -> Tensor:
        exponent, base_t = promote(self, base)
        if not backend.is_floating(exponent.dtype):  # 2 ** int tensor: integers, no gradient
            return leaf(base_t.data**exponent.data)
        if isinstance(base, (int, float)) and not isinstance(base, bool) and base > 0:
            return apply(ops.RPowScalar(base), exponent)
        return apply(ops.Pow(), base_t, exponent)

    def __mod__(self: Tensor, other: Any) -> Tensor:
        return apply(ops.Remainder(), *promote(self, other))

    def __rmod__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.Remainder(), a, b)

    def __floordiv__(self: Tensor, other: Any) -> Tensor:
        return apply(ops.FloorDivide(), *promote(self, other))

    def __rfloordiv__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.FloorDivide(), a, b)

    def add(self: Tensor, other: Any, alpha: float = 1) -> Tensor:
        """``self + alpha × other`` (PyTorch's ``add``)."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self: Tensor, other: Any, alpha: float = 1) -> Tensor:
        """``self − alpha × other`` (PyTorch's ``sub``)."""
        return self - (other if alpha == 1 else other * alpha)

    def mul(self: Tensor, other: Any) -> Tensor:
        """``self × other``."""
        return self * other

    def div(self: Tensor, other: Any) -> Tensor:
        """``self / other`` (true division: integers give the default float dtype)."""
        return self / other

    def neg(self: Tensor) -> Tensor:
        """``−self``."""
        return -self

    def pow(self: Tensor, exponent: Any) -> Tensor:
        """``self ** exponent``."""
        return self**exponent

    def remainder(self: Tensor, other: Any) -> Tensor:
        """``self % other`` with the divisor's sign (PyTorch's ``remainder``)."""
        return self % other

    def floor_divide(self: Tensor, other: Any) -> Tensor:
        """``self // other`` rounded toward −∞; zero gradient."""
        return self // other

    def lerp(self: Tensor, end: Any, weight: Any) -> Tensor:
        """``self + weight × (end − self)``; ``weight`` is a number or a tensor.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([0.0]).lerp(minigrad.tensor([10.0]), 0.3).tolist()
        [3.0]
        """
        return apply(ops.Lerp(), self, as_tensor_like(end, self), as_tensor_like(weight, self))
