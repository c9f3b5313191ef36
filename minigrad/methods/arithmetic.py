"""Arithmetic methods and operators: ``+ - * / ** % //``, ``add``…``lerp``.

Operands of different dtypes (or Python numbers) promote as in PyTorch, see dtypes.py. The
hot path, two tensors of one dtype, checks only that and goes straight to apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import backend, ops
from minigrad import op as _op
from minigrad.dims import DTypeError, ShapeError
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
        if isinstance(other, _op.Tensor) and other.array.dtype is self.array.dtype:
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
        if isinstance(other, _op.Tensor) and other.array.dtype is self.array.dtype:
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
        if backend.dtype_name(self.dtype) == "bool":
            raise DTypeError("negation of a bool tensor is not defined; use ~ or logical_not()")
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
            return leaf(base_t.array**exponent.array)
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

    def div(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """``self / other``: true division (integers give the default float dtype), or with
        ``rounding_mode="floor"``/``"trunc"`` the quotient rounded down/toward 0, in the
        operands' dtype and with a zero gradient (as PyTorch).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([-7, 7])
        >>> x.div(2, rounding_mode="trunc").tolist(), x.div(2, rounding_mode="floor").tolist()
        ([-3, 3], [-4, 3])
        """
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self // other
        if rounding_mode != "trunc":
            raise ShapeError(
                f"div rounding_mode must be None, 'floor' or 'trunc', got {rounding_mode!r}"
            )
        a, b = promote(self, other)
        if backend.is_floating(a.dtype):
            return (a / b).trunc()
        quotient = a // b  # floor; one more where the exact quotient is negative and inexact
        inexact = (quotient * b != a) & ((a < 0) != (b < 0))
        return quotient + leaf(backend.namespace(a.array).astype(inexact.array, a.array.dtype))

    divide = div
    true_divide = __truediv__

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

    # -------------------------------------------------------- two-input math functions

    def atan2(self: Tensor, other: Any) -> Tensor:
        """The angle of the point ``(other, self)`` in radians, element-wise.

        Examples
        --------
        >>> import minigrad
        >>> round(minigrad.tensor([1.0]).atan2(minigrad.tensor([-1.0])).item(), 4)
        2.3562
        """
        return apply(ops.Atan2(), *_floating_pair(self, other))

    arctan2 = atan2

    def hypot(self: Tensor, other: Any) -> Tensor:
        """``√(self² + other²)``, element-wise, without overflow.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([3.0]).hypot(minigrad.tensor([4.0])).tolist()
        [5.0]
        """
        return apply(ops.Hypot(), *_floating_pair(self, other))

    def copysign(self: Tensor, other: Any) -> Tensor:
        """``|self|`` with the sign of ``other`` (``−0.0`` counts as negative); ``other``
        gets no gradient.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1.0, -2.0]).copysign(-0.0).tolist()
        [-1.0, -2.0]
        """
        return apply(ops.Copysign(), *_floating_pair(self, other))

    def logaddexp(self: Tensor, other: Any) -> Tensor:
        """``log(exp(self) + exp(other))`` without overflow.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1000.0]).logaddexp(minigrad.tensor([1000.0])).tolist()
        [1000.6931762695312]
        """
        return apply(ops.LogAddExp(), *_floating_pair(self, other))

    def logaddexp2(self: Tensor, other: Any) -> Tensor:
        """``log₂(2^self + 2^other)`` without overflow.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([3.0]).logaddexp2(minigrad.tensor([3.0])).tolist()
        [4.0]
        """
        return apply(ops.LogAddExp2(), *_floating_pair(self, other))

    def fmod(self: Tensor, other: Any) -> Tensor:
        """The remainder of ``self / other`` with the sign of ``self`` (C's ``fmod``;
        :meth:`remainder` takes the sign of ``other``).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([-3.0, 3.0]).fmod(2).tolist()
        [-1.0, 1.0]
        """
        return apply(ops.Fmod(), *promote(self, other))

    def xlogy(self: Tensor, other: Any) -> Tensor:
        """``self × log(other)``, and 0 where ``self`` is 0 (unless ``other`` is NaN).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([0.0, 2.0]).xlogy(minigrad.tensor([0.0, 1.0])).tolist()
        [0.0, 0.0]
        """
        return apply(ops.Xlogy(), *_floating_pair(self, other))

    def float_power(self: Tensor, exponent: Any) -> Tensor:
        """``self ** exponent`` computed in float64, as PyTorch's ``float_power``.

        Examples
        --------
        >>> import minigrad
        >>> str(minigrad.tensor([2, 3]).float_power(2).dtype)
        'float64'
        """
        base = cast(self, "float64")
        if isinstance(exponent, _op.Tensor):
            exponent = cast(exponent, "float64")
        elif isinstance(exponent, (bool, int)):
            exponent = float(exponent)
        return base**exponent

    def rsub(self: Tensor, other: Any, alpha: float = 1) -> Tensor:
        """``other − alpha × self`` (PyTorch's ``rsub``)."""
        return (self if alpha == 1 else self * alpha).__rsub__(other)


def _floating_pair(a: Tensor, b: Any) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` promoted as PyTorch promotes them, in a floating dtype (integers give
    the default float dtype, as PyTorch's floating functions do)."""
    left, right = promote(a, b)
    return floating(left), floating(right)
