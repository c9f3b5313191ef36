"""Ops that read or write values at index positions: gather, scatter_add, scatter and
embedding lookups.

``gather`` reads ``x[..., index[i], ...]`` along one axis; its gradient is written back to the
positions read (repeats add up). ``scatter_add`` adds ``src`` into those positions; its
gradient reads the upstream gradient back from them. An embedding lookup gathers rows; its
gradient scatter-adds them back. (Indexing with ``x[key]`` is :class:`~minigrad.ops.GetItem`,
a shape op.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.backend import namespace, reshape
from minigrad.dims import IndexOutOfRangeError, ShapeError, normalize_axis
from minigrad.op import Op, format_param


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
        raise ShapeError(
            f"index has {host.ndim} dimensions but the input has {len(shape)}; they must match"
        )
    for axis, (n, m) in enumerate(zip(shape, host.shape, strict=True)):
        if axis != dim and m > n:
            raise ShapeError(f"index size {m} along axis {axis} exceeds the input's size {n} there")
    size = shape[dim]
    if host.size and (host.min() < -size or host.max() >= size):
        raise IndexOutOfRangeError(
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
        self.dim = normalize_axis(self.dim, x.ndim)
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
        self.dim = normalize_axis(self.dim, x.ndim)
        positions, index_shape = _positions_on(x, index, self.dim)
        if src.ndim != len(index_shape) or any(
            s < m for s, m in zip(src.shape, index_shape, strict=True)
        ):
            raise ShapeError(
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
        self.dim = normalize_axis(self.dim, x.ndim)
        positions, index_shape = _positions_on(x, index, self.dim)
        if src.ndim != len(index_shape) or any(
            s < m for s, m in zip(src.shape, index_shape, strict=True)
        ):
            raise ShapeError(
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


class Embedding(Op):
    """Row gather ``weight[indices]``; backward scatter-adds rows (repeated ids accumulate)."""

    name, symbol = "embedding", "lookup"
    linear_in = (0,)
    fresh_grads = True  # the scatter target is made in backward
    rule = "lookup routes: each used row gets the sum of the upstream rows that read it"
    local_rules = (
        "upstream rows summed into the rows of {0} that were read",
        "none: ids are not differentiable",
    )

    def forward(self, weight: Any, indices: Any) -> Any:
        xp = namespace(weight)
        if weight.ndim != 2:
            raise ShapeError(f"embedding weight must be 2-D (rows, features), got {weight.shape}")
        flat = reshape(indices, (-1,))
        if flat.shape[0]:
            low, high = int(backend.min(flat)), int(backend.max(flat))
            if low < 0 or high >= weight.shape[0]:
                raise IndexOutOfRangeError(
                    f"embedding indices must be in [0, {weight.shape[0]}), "
                    f"got values from {low} to {high}"
                )
        self.saved = (flat,)
        self.weight_shape = tuple(weight.shape)
        rows = xp.take(weight, flat, axis=0)
        return reshape(rows, (*indices.shape, weight.shape[1]))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        (flat,) = self.saved
        xp = namespace(grad)
        full = xp.zeros(self.weight_shape, dtype=grad.dtype)
        rows = reshape(grad, (-1, self.weight_shape[1]))
        return backend.scatter_add(full, flat, rows), None


class IndexPut(Op):
    """``x[key] = v`` as an op: a copy of ``x`` with ``v`` written at ``key`` (``v``
    broadcast to ``x[key]``'s shape). The in-place ``x[key] = v``, ``fill_`` and ``copy_``
    record it; the write into ``x`` itself is :mod:`minigrad.inplace`'s."""

    name, symbol = "index_put", "[ ]="
    params = ("key",)
    linear_in = (0, 1)
    rule = "index_put routes: the written positions send the upstream gradient to v, the rest to x"
    local_rules = (
        "upstream with the written positions zeroed",
        "upstream read at the written positions, summed over what v was broadcast along",
    )

    def __init__(self, key: Any) -> None:
        self.key = key
        items = key if isinstance(key, tuple) else (key,)
        # the Array API wants every axis named; a trailing Ellipsis means the same everywhere
        basic = all(k is Ellipsis or isinstance(k, (int, slice)) for k in items)
        self._key = items if not basic or Ellipsis in items else (*items, Ellipsis)

    def describe(self) -> str:
        return f"index_put[{format_param(self.key)}]"

    def forward(self, x: Any, v: Any) -> Any:
        xp = namespace(x)
        out = xp.asarray(x, copy=True)
        out[self._key] = v
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        xp = namespace(grad)
        grad_x = grad_v = None
        if self.needs[0]:
            grad_x = xp.asarray(grad, copy=True)
            grad_x[self._key] = 0
        if self.needs[1]:
            grad_v = grad[self._key]
        return grad_x, grad_v
