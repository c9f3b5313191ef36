"""Linear algebra: ``@``/matmul, and :func:`einsum`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import op as _op
from minigrad import ops
from minigrad.dims import ShapeError
from minigrad.methods._common import promote
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation (``"ij,jk->ik"``); its backward is an einsum per operand.

    ``...`` stands for the remaining axes (broadcast from the right); a letter repeated in one
    operand takes that operand's diagonal first (``"ii->i"``), so both differentiate.

    Examples
    --------
    >>> import minigrad
    >>> a, b = minigrad.ones(2, 3), minigrad.ones(3, 4)
    >>> minigrad.einsum("ij,jk->ik", a, b).shape
    (2, 4)
    >>> minigrad.einsum("ii", minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])).item()
    5.0
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    equation, operands = _explicit(equation, list(operands))
    return apply(ops.Einsum(equation), *operands)


def _explicit(equation: str, operands: list[Any]) -> tuple[str, list[Any]]:
    """``equation`` with ``...`` written out as letters, an explicit output, and no letter
    twice in one operand (that operand replaced by its diagonal)."""
    equation = equation.replace(" ", "")
    lhs, arrow, out = equation.partition("->")
    inputs = lhs.split(",")
    if "..." not in equation and all(len(set(i)) == len(i) for i in inputs):
        return equation, operands
    if len(inputs) != len(operands):
        raise ShapeError(f"einsum {equation!r} names {len(inputs)} operands, got {len(operands)}")
    used = set(equation) - set(".,->")
    spare = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    widths = [
        getattr(t, "ndim", 0) - (len(sub) - 3) if "..." in sub else 0
        for sub, t in zip(inputs, operands, strict=True)
    ]
    ellipsis = "".join(spare[: max(widths, default=0)])
    inputs = [
        sub.replace("...", ellipsis[len(ellipsis) - w :] if w else "")
        for sub, w in zip(inputs, widths, strict=True)
    ]
    if arrow:
        out = out.replace("...", ellipsis)
    else:  # NumPy's implicit output: the ellipsis, then the letters used once, sorted
        letters = "".join(inputs)
        out = ellipsis + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1 and c not in ellipsis)
        )
    for k, sub in enumerate(inputs):
        while len(set(sub)) != len(sub):
            letter = next(c for c in sub if sub.count(c) > 1)
            first = sub.index(letter)
            second = sub.index(letter, first + 1)
            operands[k] = operands[k].diagonal(0, first, second)  # the pair becomes the last axis
            sub = sub[:first] + sub[first + 1 : second] + sub[second + 1 :] + letter
        inputs[k] = sub
    return ",".join(inputs) + "->" + out, operands


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
        if isinstance(other, _op.Tensor) and other.array.dtype is self.array.dtype:
            return apply(ops.MatMul(), self, other)
        return apply(ops.MatMul(), *promote(self, other))

    def __rmatmul__(self: Tensor, other: Any) -> Tensor:
        b, a = promote(self, other)
        return apply(ops.MatMul(), a, b)

    def matmul(self: Tensor, other: Any) -> Tensor:
        """``self @ other``."""
        return self @ other

    def mm(self: Tensor, mat2: Any) -> Tensor:
        """The product of two matrices (both 2-D, no broadcasting).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(2, 3).mm(minigrad.ones(3, 4)).shape
        (2, 4)
        """
        _check_dims("mm", (self, 2), (mat2, 2))
        return self @ mat2

    def bmm(self: Tensor, mat2: Any) -> Tensor:
        """Batched matrix products: ``(b, n, m) @ (b, m, p)`` (both 3-D, one batch size).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(5, 2, 3).bmm(minigrad.ones(5, 3, 4)).shape
        (5, 2, 4)
        """
        _check_dims("bmm", (self, 3), (mat2, 3))
        if self.shape[0] != mat2.shape[0]:
            raise ShapeError(f"bmm needs one batch size, got {self.shape} and {mat2.shape}")
        return self @ mat2

    def mv(self: Tensor, vec: Any) -> Tensor:
        """Matrix × vector: ``(n, m) @ (m,)``.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(2, 3).mv(minigrad.ones(3)).tolist()
        [3.0, 3.0]
        """
        _check_dims("mv", (self, 2), (vec, 1))
        return self @ vec

    def dot(self: Tensor, other: Any) -> Tensor:
        """The inner product of two 1-D tensors of one length.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1.0, 2.0]).dot(minigrad.tensor([3.0, 4.0])).item()
        11.0
        """
        _check_dims("dot", (self, 1), (other, 1))
        return self @ other

    def outer(self: Tensor, vec2: Any) -> Tensor:
        """The outer product of two 1-D tensors: ``out[i, j] = self[i] × vec2[j]``.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1.0, 2.0]).outer(minigrad.tensor([3.0, 4.0])).tolist()
        [[3.0, 4.0], [6.0, 8.0]]
        """
        _check_dims("outer", (self, 1), (vec2, 1))
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer


def _check_dims(name: str, *pairs: tuple[Any, int]) -> None:
    for i, (t, ndim) in enumerate(pairs):
        if not isinstance(t, _op.Tensor):
            raise TypeError(f"{name} takes tensors, got {type(t).__name__} as operand {i}")
        if t.ndim != ndim:
            raise ShapeError(
                f"{name} needs {', '.join(f'{n}-D' for _, n in pairs)} tensors; operand {i} "
                f"has shape {t.shape}"
            )
