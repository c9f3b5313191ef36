"""Indexing methods: ``x[key]``, gather, scatter, index_select, sort/argsort/topk, flip,
roll, diagonal, repeat_interleave; and :func:`embedding`.

Each is an op of the index family (GetItem, Gather, Scatter, ScatterAdd, Embedding) or a
short composition of them, so the gradient reaches the picked elements only.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend, ops
from minigrad import op as _op
from minigrad.dims import DTypeError, ShapeError, check_axes, check_axis, one_axis
from minigrad.methods._common import ValuesIndices, as_tensor_like, index_key, index_tensor, leaf
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def embedding(weight: Tensor, indices: Any) -> Tensor:
    """Rows of ``weight`` picked by integer ``indices`` (any shape); the result has shape
    ``indices.shape + (weight.shape[1],)``. Repeated indices accumulate in backward.

    Examples
    --------
    >>> import minigrad
    >>> w = minigrad.randn(5, 3, requires_grad=True)
    >>> minigrad.embedding(w, [[0, 4], [4, 4]]).shape
    (2, 2, 3)
    """
    idx = (
        indices if isinstance(indices, _op.Tensor) else as_tensor_like(np.asarray(indices), weight)
    )
    if backend.dtype_name(idx.dtype)[:3] not in ("int", "uin"):
        raise TypeError(f"embedding indices must be integers, got {backend.dtype_name(idx.dtype)}")
    return apply(ops.Embedding(), weight, idx)


def _is_int(k: Any) -> bool:
    return isinstance(k, (int, np.integer)) and not isinstance(k, bool)


def _is_array(k: Any) -> bool:
    return not (k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer)))


def _split_ints(key: Any) -> tuple[Any, Any]:
    """PyTorch's order for an index mixing integers and integer arrays that are not adjacent.

    NumPy counts the integers as array indices and, when slices separate them, moves every
    indexed axis to the front (``x[0, :, [0, 1]]`` of a (2, 3, 4) tensor is (2, 3)); PyTorch
    applies the integers first (giving (3, 2)). Returns ``(integers_key, rest_key)`` to apply
    one after the other, or ``(key, None)`` when NumPy and PyTorch agree.
    """
    items = key if isinstance(key, tuple) else (key,)
    picked = [i for i, k in enumerate(items) if _is_int(k) or _is_array(k)]
    arrays = [k for k in items if _is_array(k)]
    if (
        not arrays
        or not any(_is_int(k) for k in items)
        or picked == list(range(picked[0], picked[-1] + 1))
        or any(backend.dtype_name(k.dtype) == "bool" for k in arrays)
    ):
        return key, None
    first = tuple(slice(None) if _is_array(k) else k for k in items)
    rest = tuple(
        k if _is_array(k) or k is Ellipsis else slice(None) for k in items if not _is_int(k)
    )
    return first, rest


def _same_dtype(op: str, x: Tensor, src: Any) -> None:
    """PyTorch refuses to scatter a source of another dtype (nothing is promoted silently)."""
    if isinstance(src, _op.Tensor) and src.dtype != x.dtype:
        raise DTypeError(
            f"{op}: the source's dtype {src.dtype} differs from the tensor's {x.dtype}; "
            f"convert it first, e.g. src.to({str(x.dtype)!r})"
        )


class IndexMethods:
    """Picking elements by position, and putting them back.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    >>> x[1, ::2].tolist(), x.gather(1, [[2], [0]]).tolist()
    ([4.0, 6.0], [[3.0], [4.0]])
    """

    __slots__ = ()

    def __getitem__(self: Tensor, key: Any) -> Tensor:
        key = index_key(key, self)
        first, rest = _split_ints(key)
        if rest is not None:  # PyTorch applies integers first, then the array indices
            return apply(ops.GetItem(rest), apply(ops.GetItem(first), self))
        return apply(ops.GetItem(key), self)

    def gather(self: Tensor, dim: int, index: Any) -> Tensor:
        """``out[i][j] = self[i][index[i][j]]`` for ``dim=1`` (PyTorch's ``gather``).

        A 0-d tensor gathers along ``dim=0``/``-1`` as if it had one element; an empty index
        gives an empty result of its shape (as PyTorch).
        """
        index = index_tensor(index, self)
        if index.ndim and math.prod(index.shape) == 0:
            check_axis("gather", dim, self.shape)
            return self.reshape(-1)[:0].reshape(index.shape)
        if self.ndim == 0:
            check_axis("gather", dim, self.shape)
            out = self.reshape(1).gather(0, index.reshape(-1))
            return out.reshape(index.shape)
        return apply(ops.Gather(dim), self, index)

    def scatter_add(self: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
        """A copy with ``src`` added at ``index`` along ``dim`` (not in place)."""
        _same_dtype("scatter_add", self, src)
        index = index_tensor(index, self)
        if self.ndim == 0:  # one element: dim 0/-1 as if 1-D (as PyTorch)
            check_axis("scatter_add", dim, self.shape)
            flat = self.reshape(1).scatter_add(0, index.reshape(-1), src.reshape(-1))
            return flat.reshape(())
        return apply(ops.ScatterAdd(dim), self, index, src)

    def scatter(
        self: Tensor, dim: int, index: Any, src: Any, *, reduce: str | None = None
    ) -> Tensor:
        """A copy with ``src`` (a tensor or a number) written at ``index`` along ``dim`` (not
        in place; NumPy and CuPy). ``reduce="add"`` adds instead (:meth:`scatter_add`);
        ``reduce="multiply"`` multiplies (no gradient, as PyTorch).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.ones(3)
        >>> x.scatter(0, minigrad.tensor([0, 0]), 2.0, reduce="multiply").tolist()
        [4.0, 1.0, 1.0]
        """
        index = index_tensor(index, self)
        if self.ndim == 0:  # one element: dim 0/-1 as if 1-D (as PyTorch)
            check_axis("scatter", dim, self.shape)
            flat_src = src.reshape(-1) if isinstance(src, _op.Tensor) else src
            out = self.reshape(1).scatter(0, index.reshape(-1), flat_src, reduce=reduce)
            return out.reshape(())
        if reduce is not None:
            return _scatter_reduce(self, dim, index, src, reduce)
        if not isinstance(src, _op.Tensor):
            xp = backend.namespace(self.array)
            src = leaf(xp.full(index.shape, src, dtype=self.dtype))
        _same_dtype("scatter", self, src)
        return apply(ops.Scatter(dim), self, index, src)

    def index_select(self: Tensor, dim: int, index: Any) -> Tensor:
        """The slices a 1-D ``index`` names along ``dim``; repeated indices add their
        gradients."""
        key = index_key(index, self)
        if key.ndim > 1:
            raise ShapeError(f"index_select needs a 1-D index, got shape {tuple(key.shape)}")
        if self.ndim == 0:  # one element: the 0-d result PyTorch gives
            check_axis("index_select", dim, self.shape)
            return self.reshape(1)[key].reshape(())
        if key.ndim == 0:
            key = backend.namespace(key).reshape(key, (1,))
        return self[(*(slice(None),) * check_axis("index_select", dim, self.shape), key, Ellipsis)]

    def argsort(
        self: Tensor,
        dim: Any = None,
        descending: bool = False,
        *,
        axis: Any = None,
        stable: bool = False,
    ) -> Tensor:
        """Indices that sort along ``dim``/``axis`` (default: the last; not differentiable).
        The sort is always stable (equal values keep their order), so ``stable`` changes
        nothing."""
        data = self.array
        xp = backend.namespace(data)
        axis = one_axis("argsort", self.shape, dim, axis, default=-1)
        data = xp.reshape(data, (1,)) if data.ndim == 0 else data
        order = xp.argsort(-data if descending else data, axis=axis, stable=True)
        return leaf(xp.reshape(order, self.shape))

    def sort(
        self: Tensor,
        dim: Any = None,
        descending: bool = False,
        *,
        axis: Any = None,
        stable: bool = False,
    ) -> ValuesIndices:
        """``(values, indices)`` sorted along ``dim``/``axis`` (default: the last; always
        stable); the values are differentiable (each goes back to where it came from)."""
        axis = one_axis("sort", self.shape, dim, axis, default=-1)
        indices = self.argsort(axis, descending)
        return ValuesIndices(self.gather(axis, indices), indices)

    def topk(
        self: Tensor,
        k: int,
        dim: Any = None,
        largest: bool = True,
        sorted: bool = True,
        *,
        axis: Any = None,
    ) -> ValuesIndices:
        """``(values, indices)`` of the ``k`` largest (or smallest) along ``dim``/``axis``
        (default: the last), always in sorted order (``sorted=False`` gives the same)."""
        axis = one_axis("topk", self.shape, dim, axis, default=-1)
        size = self.shape[axis] if self.ndim else 1
        if not 0 <= k <= size:
            raise ShapeError(f"topk k={k} is out of range for a dimension of size {size}")
        if self.ndim == 0:  # one element: 0-d values and indices (k = 1), as PyTorch
            values, indices = self.reshape(1).topk(k, 0, largest, sorted)
            shape = () if k == 1 else (0,)
            return ValuesIndices(values.reshape(shape), leaf(indices.array.reshape(shape)))
        order = self.argsort(axis, descending=largest)
        key = (*(slice(None),) * axis, slice(0, k), Ellipsis)
        indices = leaf(order.array[key])
        return ValuesIndices(self.gather(axis, indices), indices)

    def flip(self: Tensor, *dims: Any) -> Tensor:
        """Reverse the order along ``dims`` (``x.flip(0, 1)`` or ``x.flip((0, 1))``)."""
        dims = dims[0] if len(dims) == 1 and not isinstance(dims[0], int) else dims
        axes = check_axes("flip", dims, self.shape)
        axes = range(self.ndim) if axes is None else axes
        return self[
            tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(self.ndim))
        ]

    def roll(self: Tensor, shifts: Any, dims: Any = None) -> Tensor:
        """Shift with wrap-around along ``dims`` (of the flattened tensor when None)."""
        if dims is None:
            return self.reshape(-1).roll(shifts, 0).reshape(self.shape)
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        if len(shifts) != len(dims):
            raise ShapeError(f"roll needs one shift per dim, got shifts={shifts} and dims={dims}")
        out = self
        for shift, dim in zip(shifts, dims, strict=True):
            n = self.shape[check_axis("roll", dim, self.shape)]
            out = out.index_select(dim, (np.arange(n) - shift) % n)
        return out

    def diagonal(self: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
        """The diagonal of the (``dim1``, ``dim2``) planes, as a new last axis (PyTorch's
        order)."""
        first, second = (check_axis("diagonal", d, self.shape) for d in (dim1, dim2))
        if first == second:
            raise ShapeError(f"diagonal needs two different dims, got {dim1} and {dim2}")
        rest = [i for i in range(self.ndim) if i not in (first, second)]
        moved = self.permute(*rest, first, second)
        rows, cols = self.shape[first], self.shape[second]
        length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
        start_row, start_col = max(-offset, 0), max(offset, 0)
        return moved[Ellipsis, np.arange(length) + start_row, np.arange(length) + start_col]

    def diag(self: Tensor, diagonal: int = 0) -> Tensor:
        """A 1-D tensor as the ``diagonal``-th diagonal of a square matrix (zeros elsewhere),
        or the ``diagonal``-th diagonal of a matrix as a 1-D tensor.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1.0, 2.0]).diag(1).tolist()
        [[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
        """
        if self.ndim == 2:
            return self.diagonal(diagonal)
        if self.ndim != 1:
            raise ShapeError(f"diag takes a 1-D or 2-D tensor, got shape {self.shape}")
        k, n = int(diagonal), self.shape[0]
        size = n + abs(k)
        xp = backend.namespace(self.array)
        zero = leaf(xp.zeros((), dtype=self.array.dtype))
        if n == 0:
            return leaf(xp.zeros((size, size), dtype=self.array.dtype))
        # row[j] = self[j - k] (clipped; the mask keeps only the diagonal's entries)
        row = self[np.clip(np.arange(size) - max(k, 0), 0, n - 1)].reshape(1, size)
        i, j = np.indices((size, size))
        mask = leaf(backend.asarray_on(xp, j - i == k, like=self.array))
        return apply(ops.Where(), mask, row, zero)

    def masked_select(self: Tensor, mask: Any) -> Tensor:
        """The values where ``mask`` (broadcast with ``self``) is true, as a 1-D tensor.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([[1.0, -2.0], [3.0, -4.0]])
        >>> x.masked_select(x > 0).tolist()
        [1.0, 3.0]
        """
        mask = as_tensor_like(mask, self)
        if backend.dtype_name(mask.dtype) != "bool":
            raise DTypeError(f"masked_select needs a bool mask, got {mask.dtype}")
        shape = tuple(np.broadcast_shapes(self.shape, mask.shape))
        values = self if self.shape == shape else self.broadcast_to(shape)
        keep = mask if mask.shape == shape else mask.broadcast_to(shape)
        return values.reshape(-1)[keep.reshape(-1)]

    def repeat_interleave(
        self: Tensor, repeats: Any, dim: Any = None, *, output_size: int | None = None
    ) -> Tensor:
        """Repeat each element ``repeats`` times along ``dim`` (of the flattened tensor when
        None); ``output_size``, when given, must be the length of the result."""
        t = self
        if dim is None:
            t, dim = self.reshape(-1), 0
        if isinstance(repeats, int):
            counts = np.asarray(repeats)
        else:
            counts = np.asarray(backend.to_numpy(index_key(repeats, t)))
        if counts.size and counts.min() < 0:
            raise ShapeError(f"repeat_interleave needs non-negative repeats, got {counts.tolist()}")
        positions = np.repeat(
            np.arange(t.shape[check_axis("repeat_interleave", dim, t.shape)]), counts
        )
        if output_size is not None and output_size != positions.shape[0]:
            raise ShapeError(
                f"repeat_interleave: output_size={output_size}, but the repeats give "
                f"{positions.shape[0]}"
            )
        return t.index_select(dim, positions)


def _scatter_reduce(t: Tensor, dim: int, index: Tensor, src: Any, reduce: str) -> Tensor:
    """``scatter(reduce="add" | "multiply")``: the add is scatter_add (differentiable), the
    multiply is computed on the host without a gradient."""
    if reduce not in ("add", "multiply"):
        raise ShapeError(f"scatter reduce must be 'add' or 'multiply', got {reduce!r}")
    xp = backend.namespace(t.array)
    if not isinstance(src, _op.Tensor):
        src = leaf(xp.full(index.shape, src, dtype=t.array.dtype))
    if reduce == "add":
        return t.scatter_add(dim, index, src)
    axis = check_axis("scatter", dim, t.shape)
    out = backend.to_numpy(t.array).copy()
    ids = backend.to_numpy(index.array)
    values = backend.to_numpy(src.array)[tuple(slice(0, n) for n in ids.shape)]
    grid = list(np.indices(ids.shape, sparse=True))
    grid[axis] = ids
    np.multiply.at(out, tuple(grid), values.astype(out.dtype))
    return leaf(backend.asarray_on(xp, out, like=t.array))
