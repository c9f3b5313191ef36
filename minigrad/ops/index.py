"""Ops that read or write values at index positions along an axis, and einsum.

``gather`` reads ``x[..., index[i], ...]`` along one axis; its gradient is written back to the
positions read (repeats add up). ``scatter_add`` adds ``src`` into those positions; its
gradient reads the upstream gradient back from them. ``einsum``'s gradient is an einsum too.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.backend import namespace, reshape
from minigrad.op import Op
from minigrad.ops.reduce import normalize_axes


def along_axis_positions(shape: tuple[int, ...], index: Any, dim: int) -> np.ndarray:
    """Flat (row-major) positions in an array of ``shape`` that ``gather(dim, index)`` reads.

    ``index`` may be smaller than ``shape`` in the other axes (PyTorch's rule); its values
    must lie in ``[-shape[dim], shape[dim])``.

    Examples
    --------
    >>> along_axis_positions((2, 3), np.array([[2], [0]]), 1).tolist()
    [[2], [3]]
    """
    host = np.asarray(backend.to_numpy(index))
    if host.dtype.kind not in "iu":
        raise TypeError(f"index must hold integers, got dtype {host.dtype}")
    if host.ndim != len(shape):
        raise ValueError(
            f"index has {host.ndim} dimensions but the input has {len(shape)}; they must match"
        )
    for axis, (n, m) in enumerate(zip(shape, host.shape, strict=True)):
        if axis != dim and m > n:
            raise ValueError(f"index size {m} along axis {axis} exceeds the input's size {n} there")
    size = shape[dim]
    if host.size and (host.min() < -size or host.max() >= size):
        raise IndexError(
            f"index values must be in [{-size}, {size}) for axis {dim}, "
            f"got values from {host.min()} to {host.max()}"
        )
    grid = list(np.indices(host.shape, sparse=True))
    grid[dim] = host % size if size else host
    return np.ravel_multi_index(tuple(grid), shape) if host.size else host.astype(np.intp)


def _positions_on(x: Any, index: Any, dim: int) -> tuple[Any, tuple[int, ...]]:
    positions = along_axis_positions(tuple(x.shape), index, dim)
    xp = namespace(x)
    return backend.asarray_on(xp, positions.reshape(-1), like=x), positions.shape


class Gather(Op):
    name, symbol = "gather", "gather"
    rule = "gather routes: each read element gets the upstream gradient, repeats add up"
    local_rules = ("upstream added back at the positions of {0} that were read", "none: ids")
    params = ("dim",)
    fresh_grads = True
    linear_in = (0,)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any, index: Any) -> Any:
        self.dim = normalize_axes(self.dim, max(x.ndim, 1))[0]
        self.in_shape = tuple(x.shape)
        positions, out_shape = _positions_on(x, index, self.dim)
        self.saved = (positions,)
        return reshape(namespace(x).take(reshape(x, (-1,)), positions, axis=0), out_shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        (positions,) = self.saved
        xp = namespace(grad)
        full = xp.zeros((math.prod(self.in_shape),), dtype=grad.dtype)
        summed = backend.scatter_add(full, positions, reshape(grad, (-1,)))
        return reshape(summed, self.in_shape), None


class ScatterAdd(Op):
    """``out = x`` with ``src`` added at the positions ``index`` names along ``dim``."""

    name, symbol = "scatter_add", "scatter+"
    rule = "scatter add: x gets upstream; src gets upstream read back at its target positions"
    local_rules = ("upstream", "none: ids", "upstream read at the positions {2} was added to")
    params = ("dim",)
    linear_in = (0, 2)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any, index: Any, src: Any) -> Any:
        self.dim = normalize_axes(self.dim, max(x.ndim, 1))[0]
        positions, index_shape = _positions_on(x, index, self.dim)
        if src.ndim != len(index_shape) or any(
            s < m for s, m in zip(src.shape, index_shape, strict=True)
        ):
            raise ValueError(
                f"src of shape {tuple(src.shape)} must be at least as large as index "
                f"{index_shape} in every axis"
            )
        xp = namespace(x)
        used = src[tuple(slice(0, m) for m in index_shape)]
        self.saved = (positions, index_shape, tuple(src.shape))
        flat = xp.asarray(reshape(x, (-1,)), copy=True)
        added = backend.scatter_add(flat, positions, reshape(used, (-1,)))
        return reshape(added, tuple(x.shape))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        positions, index_shape, src_shape = self.saved
        grad_src = None
        if self.needs[2]:
            xp = namespace(grad)
            read = reshape(xp.take(reshape(grad, (-1,)), positions, axis=0), index_shape)
            grad_src = xp.zeros(src_shape, dtype=grad.dtype)
            grad_src[tuple(slice(0, m) for m in index_shape)] = read
        return grad, None, grad_src


def parse_einsum(equation: str, ndims: list[int]) -> tuple[list[str], str]:
    """The operands' subscripts and the output's, with the implicit output made explicit.

    Examples
    --------
    >>> parse_einsum("ij,jk", [2, 2])
    (['ij', 'jk'], 'ik')
    """
    equation = equation.replace(" ", "")
    if "." in equation:
        raise ValueError(f"einsum {equation!r}: write every axis out; '...' is not supported")
    inputs, arrow, output = equation.partition("->")
    subscripts = inputs.split(",")
    if len(subscripts) != len(ndims):
        raise ValueError(
            f"einsum {equation!r} names {len(subscripts)} operands but got {len(ndims)}"
        )
    for sub, ndim in zip(subscripts, ndims, strict=True):
        if len(sub) != ndim or not sub.isalpha():
            raise ValueError(f"einsum {equation!r}: subscripts {sub!r} for a {ndim}-D operand")
        if len(set(sub)) != len(sub):
            raise ValueError(
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


class Scatter(Op):
    """``out = x`` with ``src`` written at the positions ``index`` names along ``dim``.

    Where ``index`` repeats a position, which ``src`` value lands there is unspecified (as in
    PyTorch); the gradient of ``src`` is upstream read back at its target positions.
    """

    name, symbol = "scatter", "scatter"
    rule = "scatter: x gets upstream except where overwritten; src gets upstream read back"
    local_rules = (
        "upstream with 0 at the overwritten positions of {0}",
        "none: ids",
        "upstream read at the positions {2} was written to",
    )
    params = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any, index: Any, src: Any) -> Any:
        xp = namespace(x)
        if not backend.has_fancy_indexing(xp):
            raise TypeError(
                f"scatter needs NumPy or CuPy arrays, got {backend.library_name(xp)}; "
                "use scatter_add, which works on every backend"
            )
        self.dim = normalize_axes(self.dim, max(x.ndim, 1))[0]
        positions, index_shape = _positions_on(x, index, self.dim)
        if src.ndim != len(index_shape) or any(
            s < m for s, m in zip(src.shape, index_shape, strict=True)
        ):
            raise ValueError(
                f"src of shape {tuple(src.shape)} must be at least as large as index "
                f"{index_shape} in every axis"
            )
        self.saved = (positions, index_shape, tuple(src.shape))
        flat = xp.asarray(reshape(x, (-1,)), copy=True)
        flat[positions] = reshape(src[tuple(slice(0, m) for m in index_shape)], (-1,))
        return reshape(flat, tuple(x.shape))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        positions, index_shape, src_shape = self.saved
        xp = namespace(grad)
        flat = reshape(grad, (-1,))
        grad_x = grad_src = None
        if self.needs[0]:
            kept = xp.asarray(flat, copy=True)
            kept[positions] = 0
            grad_x = reshape(kept, tuple(grad.shape))
        if self.needs[2]:
            read = reshape(xp.take(flat, positions, axis=0), index_shape)
            grad_src = xp.zeros(src_shape, dtype=grad.dtype)
            grad_src[tuple(slice(0, m) for m in index_shape)] = read
        return grad_x, None, grad_src
