"""Free functions for the common reductions, sorting and indexing ops (``minigrad.gather``,
``minigrad.einsum``, ``minigrad.sort`` …), with PyTorch's names and signatures.

Each is one op from :mod:`minigrad.ops` or a short composition of existing ops, so its
gradient follows from rules already checked (``repeat`` is reshape + expand: copies sum).
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from minigrad import backend, ops
from minigrad.ops.reduce import normalize_axes
from minigrad.tensor import Tensor, _index_key, _shape_arg, apply


class SortResult(NamedTuple):
    """What :func:`sort` and :func:`topk` return: ``values`` (differentiable) and ``indices``."""

    values: Tensor
    indices: Tensor


def _index_tensor(index: Any, like: Tensor) -> Tensor:
    return Tensor._make(_index_key(index, like), False, None)


def _axis(dim: int, x: Tensor) -> int:
    return normalize_axes(dim, max(x.ndim, 1))[0]


def gather(input: Tensor, dim: int, index: Any) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (PyTorch's ``gather``).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    >>> y = minigrad.gather(x, 1, [[2, 2], [0, 1]])
    >>> y.tolist()
    [[3.0, 3.0], [4.0, 5.0]]
    >>> y.sum().backward(); x.grad.tolist()
    [[0.0, 0.0, 2.0], [1.0, 1.0, 0.0]]
    """
    return apply(ops.Gather(dim), input, _index_tensor(index, input))


def scatter_add(input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (not in place).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.scatter_add(minigrad.zeros(3), 0, [0, 2, 0], minigrad.ones(3)).tolist()
    [2.0, 0.0, 1.0]
    """
    return apply(ops.ScatterAdd(dim), input, _index_tensor(index, input), src)


def scatter(input: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor or a number) written at ``index`` along
    ``dim`` (not in place; NumPy and CuPy).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.scatter(minigrad.zeros(3), 0, [2, 0], minigrad.tensor([5.0, 7.0])).tolist()
    [7.0, 0.0, 5.0]
    """
    index = _index_tensor(index, input)
    if not isinstance(src, Tensor):
        xp = backend.namespace(input.data)
        src = Tensor._make(xp.full(index.shape, src, dtype=input.dtype), False, None)
    return apply(ops.Scatter(dim), input, index, src)


def einsum(equation: str, *operands: Tensor) -> Tensor:
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


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Product of all elements, or along one ``dim``; exact gradients also at zeros.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.prod(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1).tolist()
    [2.0, 12.0]
    """
    return apply(ops.Prod(dim, keepdim), input)


def _correction(unbiased: bool | None, correction: float | None) -> float:
    if unbiased is not None and correction is not None:
        raise ValueError("pass either unbiased= or correction=, not both")
    if correction is not None:
        return float(correction)
    return 0.0 if unbiased is False else 1.0


def var(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """Σ(x − mean)² / (N − correction); ``correction=1`` (Bessel's, the default) or
    ``unbiased=False`` for ``correction=0``.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0, 3.0, 4.0])
    >>> minigrad.var(x).item(), minigrad.var(x, correction=0).item()
    (1.6666666269302368, 1.25)
    """
    count = math.prod(input.shape[a] for a in normalize_axes(dim, input.ndim))
    centered = input - input.mean(axis=dim, keepdims=True)
    squares = (centered * centered).sum(axis=dim, keepdims=keepdim)
    return squares / float(max(count - _correction(unbiased, correction), 0))


def std(
    input: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    *,
    correction: float | None = None,
) -> Tensor:
    """√var (see :func:`var`).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.std(minigrad.tensor([1.0, 3.0]), correction=0).item()
    1.0
    """
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()


def cumsum(input: Tensor, dim: int) -> Tensor:
    """Running sum along ``dim``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.cumsum(minigrad.tensor([1.0, 2.0, 3.0]), 0).tolist()
    [1.0, 3.0, 6.0]
    """
    return apply(ops.Cumsum(dim), input)


def cumprod(input: Tensor, dim: int) -> Tensor:
    """Running product along ``dim``; exact gradients also at zeros.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.cumprod(minigrad.tensor([1.0, 2.0, 3.0]), 0).tolist()
    [1.0, 2.0, 6.0]
    """
    return apply(ops.Cumprod(dim), input)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """Vector p-norm (p ≥ 1, ``inf``, or ``"fro"`` = 2 over ``dim``); gradient 0 at 0.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([3.0, -4.0])
    >>> minigrad.norm(x).item(), minigrad.norm(x, 1).item(), minigrad.norm(x, float("inf")).item()
    (5.0, 7.0, 4.0)
    """
    if p == "fro":
        p = 2.0
    if isinstance(p, str):
        raise ValueError(f"norm supports p = 'fro', a number >= 1 or inf; got {p!r}")
    return apply(ops.Norm(p, dim, keepdim), input)


def argsort(input: Tensor, dim: int = -1, descending: bool = False) -> Tensor:
    """Indices that sort ``input`` along ``dim`` (stable; not differentiable).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.argsort(minigrad.tensor([3.0, 1.0, 2.0])).tolist()
    [1, 2, 0]
    """
    data = input.data
    xp = backend.namespace(data)
    axis = _axis(dim, input)
    data = xp.reshape(data, (1,)) if data.ndim == 0 else data
    order = xp.argsort(-data if descending else data, axis=axis, stable=True)
    return Tensor._make(xp.reshape(order, input.shape), False, None)


def sort(input: Tensor, dim: int = -1, descending: bool = False) -> SortResult:
    """Sorted values (differentiable: each goes back to where it came from) and indices.

    Examples
    --------
    >>> import minigrad
    >>> values, indices = minigrad.sort(minigrad.tensor([3.0, 1.0, 2.0]), descending=True)
    >>> values.tolist(), indices.tolist()
    ([3.0, 2.0, 1.0], [0, 2, 1])
    """
    indices = argsort(input, dim, descending)
    return SortResult(gather(input, dim, indices), indices)


def topk(
    input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True
) -> SortResult:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, always in
    sorted order (``sorted=False`` is accepted and gives the same).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.topk(minigrad.tensor([1.0, 5.0, 3.0]), 2).values.tolist()
    [5.0, 3.0]
    """
    axis = _axis(dim, input)
    size = input.shape[axis] if input.ndim else 1
    if not 0 <= k <= size:
        raise ValueError(f"topk k={k} is out of range for a dimension of size {size}")
    order = argsort(input, axis, descending=largest)
    key = (*(slice(None),) * axis, slice(0, k), Ellipsis)
    indices = Tensor._make(order.data[key], False, None)
    return SortResult(gather(input, axis, indices), indices)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Indices of the minima (the first at ties; not differentiable).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.argmin(minigrad.tensor([[3.0, 1.0], [0.0, 2.0]]), dim=1).tolist()
    [1, 0]
    """
    xp = backend.namespace(input.data)
    if dim is None:
        return Tensor._make(xp.argmin(xp.reshape(input.data, (-1,))), False, None)
    return Tensor._make(xp.argmin(input.data, axis=dim, keepdims=keepdim), False, None)


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The slices ``index`` (1-D) names along ``dim``; repeated indices add their gradients.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.index_select(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, [1, 1]).tolist()
    [[2.0, 2.0], [4.0, 4.0]]
    """
    key = _index_key(index, input)
    if key.ndim != 1:
        raise ValueError(f"index_select needs a 1-D index, got shape {tuple(key.shape)}")
    return input[(*(slice(None),) * _axis(dim, input), key, Ellipsis)]


def masked_fill(input: Tensor, mask: Any, value: float) -> Tensor:
    """``value`` where ``mask`` is true, else ``input`` (whose gradient is 0 where filled).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0])
    >>> minigrad.masked_fill(x, x > 1.5, 0.0).tolist()
    [1.0, 0.0]
    """
    from minigrad.functions import where

    return where(mask, value, input)


def repeat(input: Tensor, *sizes: Any) -> Tensor:
    """Tile ``input`` ``sizes[i]`` times along each axis (PyTorch's ``Tensor.repeat``); the
    copies' gradients sum back (reshape + expand).

    Examples
    --------
    >>> import minigrad
    >>> repeat(minigrad.tensor([1.0, 2.0]), 2, 2).tolist()
    [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
    """
    sizes = _shape_arg(sizes)
    if len(sizes) < input.ndim:
        raise ValueError(
            f"repeat needs at least {input.ndim} sizes (one per axis), got {len(sizes)}"
        )
    shape = (1,) * (len(sizes) - input.ndim) + tuple(input.shape)
    spread = tuple(v for n in shape for v in (1, n))
    expanded = tuple(v for r, n in zip(sizes, shape, strict=True) for v in (r, n))
    copies = input.reshape(spread).broadcast_to(expanded)
    return copies.reshape(tuple(r * n for r, n in zip(sizes, shape, strict=True)))


def tile(input: Tensor, dims: Any) -> Tensor:
    """Like :func:`repeat`, with missing leading ``dims`` taken as 1.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.tile(minigrad.tensor([[1.0, 2.0]]), (2,)).tolist()
    [[1.0, 2.0, 1.0, 2.0]]
    """
    dims = _shape_arg((dims,) if isinstance(dims, int) else tuple(dims))
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def repeat_interleave(input: Tensor, repeats: Any, dim: int | None = None) -> Tensor:
    """Repeat each element (of the flattened input when ``dim`` is None) ``repeats`` times.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.repeat_interleave(minigrad.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    if dim is None:
        input, dim = input.reshape(-1), 0
    if isinstance(repeats, int):
        counts = np.asarray(repeats)
    else:
        counts = np.asarray(backend.to_numpy(_index_key(repeats, input)))
    if counts.size and counts.min() < 0:
        raise ValueError(f"repeat_interleave needs non-negative repeats, got {counts.tolist()}")
    positions = np.repeat(np.arange(input.shape[dim]), counts)
    return index_select(input, dim, positions)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> list[Tensor]:
    """Split into ``chunks`` pieces of ⌈n/chunks⌉ (fewer if that covers the axis already).

    Examples
    --------
    >>> import minigrad
    >>> [p.shape for p in minigrad.chunk(minigrad.ones(5), 3)]
    [(2,), (2,), (1,)]
    """
    from minigrad.functions import split

    if chunks <= 0:
        raise ValueError(f"chunk needs a positive number of chunks, got {chunks}")
    return split(input, max(math.ceil(input.shape[dim] / chunks), 1), dim)


def flip(input: Tensor, dims: Any) -> Tensor:
    """Reverse the order along each of ``dims``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.flip(minigrad.tensor([1.0, 2.0, 3.0]), (0,)).tolist()
    [3.0, 2.0, 1.0]
    """
    axes = normalize_axes(dims, input.ndim)
    return input[
        tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(input.ndim))
    ]


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements along ``dims`` with wrap-around (flattened first when ``dims`` is None).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.roll(minigrad.tensor([1.0, 2.0, 3.0]), 1).tolist()
    [3.0, 1.0, 2.0]
    """
    if dims is None:
        return roll(input.reshape(-1), shifts, 0).reshape(input.shape)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(shifts) != len(dims):
        raise ValueError(f"roll needs one shift per dim, got shifts={shifts} and dims={dims}")
    out = input
    for shift, dim in zip(shifts, dims, strict=True):
        n = input.shape[dim]
        out = index_select(out, dim, (np.arange(n) - shift) % n)
    return out


def _triangle(input: Tensor, keep: Any) -> Tensor:
    from minigrad.functions import where

    if input.ndim < 2:
        raise ValueError(f"tril/triu need at least 2 dimensions, got shape {input.shape}")
    mask = keep(np.ones(input.shape[-2:], dtype=bool))
    xp = backend.namespace(input.data)
    on_backend = Tensor._make(backend.asarray_on(xp, mask, like=input.data), False, None)
    return where(on_backend, input, 0.0)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below ``diagonal``) of the last two axes; 0 elsewhere.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.tril(minigrad.ones(2, 2)).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return _triangle(input, lambda ones: np.tril(ones, diagonal))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above ``diagonal``) of the last two axes; 0 elsewhere.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.triu(minigrad.ones(2, 2)).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return _triangle(input, lambda ones: np.triu(ones, diagonal))


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (``dim1``, ``dim2``) planes, as a new last axis (PyTorch's order).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.diagonal(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 4.0]
    """
    first, second = (normalize_axes(d, input.ndim)[0] for d in (dim1, dim2))
    if first == second:
        raise ValueError(f"diagonal needs two different dims, got {dim1} and {dim2}")
    rest = [i for i in range(input.ndim) if i not in (first, second)]
    moved = input.permute(*rest, first, second)
    rows, cols = input.shape[first], input.shape[second]
    length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
    start_row, start_col = max(-offset, 0), max(offset, 0)
    row_index = np.arange(length) + start_row
    col_index = np.arange(length) + start_col
    return moved[Ellipsis, row_index, col_index]


def lerp(input: Tensor, end: Any, weight: Any) -> Tensor:
    """``input + weight × (end − input)``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.lerp(minigrad.tensor([0.0]), minigrad.tensor([10.0]), 0.3).tolist()
    [3.0]
    """
    return input.lerp(end, weight)
