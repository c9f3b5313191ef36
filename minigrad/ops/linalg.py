"""Linear algebra: matrix multiplication (NumPy's batched and 1-D conventions), the fused
linear layer ``x Wᵀ + b``, and einsum (whose gradient is an einsum too).
"""

from __future__ import annotations

import math
from typing import Any

from minigrad import backend
from minigrad.backend import matrix_transpose, namespace, reshape
from minigrad.dims import ShapeError
from minigrad.op import Op
from minigrad.threads import for_product


def _multiply_adds(a: Any, b: Any) -> int:
    """Multiply-adds of ``a @ b`` (for the BLAS thread policy; exact unless ``b`` is the
    broadcast side of a batched product)."""
    return _size(a) * (b.shape[-1] if b.ndim > 1 else 1)


def _size(array: Any) -> int:
    size = array.size
    if type(size) is not int:  # a Tensor (under create_graph), whose size is a method
        size = math.prod(array.shape)
    return size


class MatMul(Op):
    name, symbol = "matmul", "@"
    fresh_grads = True  # each gradient is a new matmul result
    rule = "matmul: A gets upstream @ Bᵀ, B gets Aᵀ @ upstream"
    local_rules = ("upstream @ {1}ᵀ", "{0}ᵀ @ upstream")
    saved_for = ((1,), (0,))  # (a, b): A's gradient uses B and B's uses A

    def forward(self, a: Any, b: Any) -> Any:
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError("matmul needs tensors with at least one dimension; use * for scalars")
        if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
            inner_b = b.shape[-2] if b.ndim > 1 else b.shape[0]
            raise ShapeError(
                f"inner dimensions differ: {tuple(a.shape)} @ {tuple(b.shape)} "
                f"({a.shape[-1]} vs {inner_b}); the last axis of the left operand must equal "
                "the second-to-last axis of the right one"
            )
        self.saved = (a, b)
        for_product(a.size * b.shape[-1] if b.ndim > 1 else a.size)  # forward sees arrays
        return a @ b

    def backward(self, grad: Any) -> tuple[Any, ...]:
        a, b = self.saved
        xp = namespace(grad)
        for_product(_multiply_adds(a, b))  # each gradient is a product of the same size
        if a.ndim >= 2 and b.ndim == 2:
            # Rows times one matrix, the common case (a Linear layer, also on a sequence):
            # fold any leading axes, so each gradient is one 2-D matmul; B's would otherwise
            # be a batched matmul of outer products summed afterwards (~40× slower at T=25).
            grad_a, grad_b = _rows_backward(xp, a, b, grad, self.needs[0], self.needs[1])
            return grad_a, grad_b
        # Promote 1-D operands to matrices (as NumPy does), differentiate, then drop the axis.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = grad
        if a.ndim == 1:
            g2 = xp.expand_dims(g2, axis=-2 if b.ndim > 1 else -1)
        if b.ndim == 1:
            g2 = xp.expand_dims(g2, axis=-1)
        grad_a = grad_b = None
        if self.needs[0]:
            grad_a = g2 @ matrix_transpose(b2)
            if a.ndim == 1:
                grad_a = grad_a[..., 0, :]
        if self.needs[1]:
            grad_b = matrix_transpose(a2) @ g2
            if b.ndim == 1:
                grad_b = grad_b[..., 0]
        return grad_a, grad_b


def _fold(xp: Any, x: Any) -> Any:
    """``x`` as 2-D rows ``(-1, last)``; a no-op for a matrix."""
    # The row count is spelled out: -1 is ambiguous when the last axis has size 0.
    return x if x.ndim == 2 else reshape(x, (math.prod(x.shape[:-1]), x.shape[-1]))


def _rows_backward(
    xp: Any, a: Any, b: Any, grad: Any, need_a: bool, need_b: bool
) -> tuple[Any, Any]:
    """Gradients of ``a (…, k) @ b (k, n)`` with ``a``'s leading axes folded into rows."""
    grad_rows = _fold(xp, grad)
    grad_a = grad_b = None
    if need_a:
        grad_a = grad_rows @ matrix_transpose(b)
        if a.ndim != 2:
            grad_a = reshape(grad_a, a.shape)
    if need_b:
        grad_b = matrix_transpose(_fold(xp, a)) @ grad_rows
    return grad_a, grad_b


class Linear(Op):
    """``y = x Wᵀ + b`` over the last axis of ``x``, as one node (PyTorch's ``F.linear``).

    The same maths as ``x @ W.T + b`` (three nodes: transpose, matmul, add) in one op whose
    forward folds the leading axes of ``x`` into rows, so a ``(T, B, in)`` sequence costs one
    2-D matmul rather than T small ones. Inputs: ``x (…, in)``, ``weight (out, in)`` and,
    optionally, ``bias (out,)``.
    """

    name, symbol = "linear", "xWᵀ+b"
    fresh_grads = True  # new matmul and sum results
    rule = "linear: x gets upstream @ W, W gets upstreamᵀ @ x, b gets upstream summed over rows"
    local_rules = ("upstream @ {1}", "upstreamᵀ @ {0}", "upstream summed over rows")

    def forward(self, x: Any, weight: Any, bias: Any = None) -> Any:
        xp = namespace(x)
        if x.ndim == 0 or weight.ndim != 2 or x.shape[-1] != weight.shape[1]:
            raise ShapeError(
                f"linear: input of shape {tuple(x.shape)} does not fit a weight of shape "
                f"{tuple(weight.shape)}; the input's last axis must equal the weight's second"
            )
        if bias is not None and tuple(bias.shape) != (weight.shape[0],):
            raise ShapeError(
                f"linear: bias of shape {tuple(bias.shape)} does not fit a weight of shape "
                f"{tuple(weight.shape)}; it must be ({weight.shape[0]},)"
            )
        self.saved = (x, weight)
        rows = _fold(xp, x) if x.ndim > 1 else reshape(x, (1, -1))
        for_product(x.size * weight.shape[0])  # forward sees arrays
        out = rows @ weight.T
        if bias is not None:
            out += bias
        return reshape(out, (*x.shape[:-1], weight.shape[0]))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        x, weight = self.saved
        xp = namespace(grad)
        for_product(_size(x) * weight.shape[0])
        rows = _fold(xp, x) if x.ndim > 1 else reshape(x, (1, -1))
        grad_rows = _fold(xp, grad) if x.ndim > 1 else reshape(grad, (1, -1))
        grad_x = grad_w = grad_b = None
        if self.needs[0]:
            grad_x = reshape(grad_rows @ weight, x.shape)
        if self.needs[1]:
            grad_w = grad_rows.T @ rows
        if len(self.needs) < 3:
            return grad_x, grad_w
        if self.needs[2]:
            grad_b = backend.sum(grad_rows, axis=0)
        return grad_x, grad_w, grad_b


def parse_einsum(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """The operands' subscripts and the output's, with the implicit output made explicit.

    Examples
    --------
    >>> parse_einsum("ij,jk", [2, 2])
    (['ij', 'jk'], 'ik')
    """
    equation = equation.replace(" ", "")
    if "." in equation:
        raise ShapeError(f"einsum {equation!r}: write every axis out; '...' is not supported")
    inputs, arrow, output = equation.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) != len(ndims):
        raise ShapeError(
            f"einsum {equation!r} names {len(subscripts)} operands but got {len(ndims)}"
        )
    for sub, ndim in zip(subscripts, ndims, strict=True):
        if len(sub) != ndim or not sub.isalpha():
            raise ShapeError(f"einsum {equation!r}: subscripts {sub!r} for a {ndim}-D operand")
        if len(set(sub)) != len(sub):
            raise ShapeError(
                f"einsum {equation!r}: {sub!r} repeats a letter (a diagonal); use "
                "Tensor.diagonal first"
            )
    if not arrow:
        counts = {c: inputs.count(c) for c in set(inputs) if c != ","}
        output = "".join(sorted(c for c, k in counts.items() if k == 1))
    return subscripts, output


class Einsum(Op):
    name, symbol = "einsum", "einsum"
    rule = "einsum: each operand gets the einsum of upstream with the other operands"
    local_rules = ("einsum(upstream, the other operands) in the subscripts of {i}",)
    params = ("equation",)

    def __init__(self, equation: str) -> None:
        self.equation = equation

    def forward(self, *arrays: Any) -> Any:
        xp = namespace(arrays[0])
        if not hasattr(xp, "einsum"):
            raise TypeError(f"einsum needs NumPy or CuPy arrays, got {backend.library_name(xp)}")
        self.subscripts, self.output = parse_einsum(self.equation, [a.ndim for a in arrays])
        self.saved = arrays
        return xp.einsum(f"{','.join(self.subscripts)}->{self.output}", *arrays)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        xp = namespace(grad)
        grads = []
        for i, (target, operand) in enumerate(zip(self.subscripts, self.saved, strict=True)):
            if not self.needs[i]:
                grads.append(None)
                continue
            others = [s for j, s in enumerate(self.subscripts) if j != i]
            known = self.output + "".join(others)
            # Letters only this operand has were summed away: their gradient is a broadcast.
            present = "".join(c for c in target if c in known)
            arrays = [grad, *(a for j, a in enumerate(self.saved) if j != i)]
            spec = ",".join([self.output, *others]) + "->" + present
            partial = xp.einsum(spec, *arrays)
            sizes = zip(target, operand.shape, strict=True)
            shape = tuple(n if c in present else 1 for c, n in sizes)
            grads.append(xp.broadcast_to(xp.reshape(partial, shape), operand.shape))
        return tuple(grads)


class NuclearNorm(Op):
    """The sum of the singular values of the matrices in the last two axes."""

    name, symbol = "nuclear_norm", "‖x‖*"
    rule = "nuclear norm: the matrix gets upstream × U·Vᵀ (its singular vectors)"
    local_rules = ("upstream × U·Vᵀ, from the singular value decomposition of {0}",)

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        u, s, vh = xp.linalg.svd(x, full_matrices=False)
        self.saved = (xp.matmul(u, vh),)
        return xp.sum(s, axis=-1)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        (direction,) = self.saved
        xp = namespace(direction)
        return (xp.reshape(grad, (*grad.shape, 1, 1)) * direction,)

    def backward_graph(self, grad: Any, inputs: Any, output: Any) -> tuple[Any, ...]:
        raise NotImplementedError(
            "create_graph: the nuclear norm's second derivative (through the singular "
            "vectors) is not implemented"
        )
