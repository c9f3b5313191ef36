"""Tensor constructors and the ops that take several tensors (stack, concat, where, …)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import backend, ops
from minigrad.dtypes import get_default_dtype
from minigrad.tensor import Tensor, _lift, _shape_arg, apply


def tensor(
    data: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Make a tensor from a number, nested list or array (PyTorch's ``torch.tensor``).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.tensor([[1.0, 2.0]], requires_grad=True).shape
    (1, 2)
    """
    return Tensor(data, requires_grad=requires_grad, name=name, dtype=dtype, device=device)


def _filled(
    fill: float,
    shape: tuple[Any, ...],
    dtype: Any,
    requires_grad: bool,
    device: str | None,
    name: str | None,
) -> Tensor:
    dtype_name = backend.dtype_name(dtype) if dtype is not None else get_default_dtype()
    array = np.full(_shape_arg(shape), fill, dtype=dtype_name)
    return Tensor(array, requires_grad=requires_grad, device=device, name=name)


def zeros(
    *shape: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """A tensor of zeros (``zeros(2, 3)`` or ``zeros((2, 3))``).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.zeros(2, 3).shape
    (2, 3)
    """
    return _filled(0.0, shape, dtype, requires_grad, device, name)


def ones(
    *shape: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """A tensor of ones.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.ones(3).tolist()
    [1.0, 1.0, 1.0]
    """
    return _filled(1.0, shape, dtype, requires_grad, device, name)


def zeros_like(t: Tensor, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """Zeros with ``t``'s shape, dtype and backend."""
    xp = backend.namespace(t.data)
    return Tensor(xp.zeros_like(t.data), requires_grad=requires_grad, name=name)


def ones_like(t: Tensor, requires_grad: bool = False, name: str | None = None) -> Tensor:
    """Ones with ``t``'s shape, dtype and backend."""
    xp = backend.namespace(t.data)
    return Tensor(xp.ones_like(t.data), requires_grad=requires_grad, name=name)


def randn(
    *shape: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Standard-normal samples (seed with :func:`minigrad.manual_seed`).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.manual_seed(0)
    >>> minigrad.randn(2, 2).shape
    (2, 2)
    """
    dtype_name = backend.dtype_name(dtype) if dtype is not None else get_default_dtype()
    device = backend.normalize_device(device)
    array = backend.random_normal(_shape_arg(shape), dtype_name, device)
    return Tensor(array, requires_grad=requires_grad, name=name)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: Any = None,
    device: str | None = None,
) -> Tensor:
    """Evenly spaced values in [start, stop) (NumPy's ``arange``).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.arange(3).tolist()
    [0, 1, 2]
    """
    if stop is None:
        start, stop = 0, start
    array = np.arange(start, stop, step)
    if array.dtype.kind == "f" and dtype is None:
        array = array.astype(get_default_dtype())
    return Tensor(array, dtype=dtype, device=device)


def _tensors(tensors: Sequence[Any], op_name: str) -> list[Tensor]:
    items = list(tensors)
    if not items:
        raise ValueError(f"{op_name} needs at least one tensor")
    like = next((t for t in items if isinstance(t, Tensor)), None)
    if like is None:
        like = Tensor(items[0])
    return [_lift(t, like) for t in items]


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.stack([minigrad.ones(2), minigrad.zeros(2)]).shape
    (2, 2)
    """
    items = _tensors(tensors, "stack")
    shapes = {t.shape for t in items}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape, got shapes {sorted(shapes)}")
    return apply(ops.Stack(axis), *items)


def concat(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.concat([minigrad.ones(2), minigrad.zeros(3)]).shape
    (5,)
    """
    items = _tensors(tensors, "concat")
    return apply(ops.Concat(axis), *items)


cat = concat


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcasting); the condition gets no gradient.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([-1.0, 2.0])
    >>> minigrad.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    like = next((v for v in (a, b, condition) if isinstance(v, Tensor)), None)
    if like is None:
        like = Tensor(a)
    a_t, b_t = _lift(a, like), _lift(b, like)
    cond = _lift(condition, like)
    xp = backend.namespace(cond.data)
    if backend.dtype_name(cond.dtype) != "bool":
        cond = Tensor._make(xp.astype(cond.data, xp.bool), False, None)
    return apply(ops.Where(), cond, a_t, b_t)


def maximum(a: Any, b: Any) -> Tensor:
    """Element-wise maximum; ties split the gradient."""
    like = a if isinstance(a, Tensor) else _lift(b, Tensor(a))
    return apply(ops.Maximum(), _lift(a, like), _lift(b, like))


def minimum(a: Any, b: Any) -> Tensor:
    """Element-wise minimum; ties split the gradient."""
    like = a if isinstance(a, Tensor) else _lift(b, Tensor(a))
    return apply(ops.Minimum(), _lift(a, like), _lift(b, like))


def split(x: Tensor, split_size_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Split ``x`` along ``axis`` into pieces of one size (the last may be smaller) or of sizes.

    Examples
    --------
    >>> import minigrad
    >>> [p.shape for p in minigrad.split(minigrad.ones(5), 2)]
    [(2,), (2,), (1,)]
    """
    length = x.shape[axis]
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections <= 0:
            raise ValueError(f"split size must be positive, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (length // split_size_or_sections)
        if length % split_size_or_sections:
            sizes.append(length % split_size_or_sections)
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != length:
            raise ValueError(
                f"split sizes {sizes} add up to {sum(sizes)}, not to axis length {length}"
            )
    lead = (slice(None),) * (axis % x.ndim)
    pieces, start = [], 0
    for size in sizes:
        pieces.append(x[(*lead, slice(start, start + size), Ellipsis)])
        start += size
    return pieces


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
    idx = indices if isinstance(indices, Tensor) else _lift(np.asarray(indices), weight)
    if backend.dtype_name(idx.dtype)[:3] not in ("int", "uin"):
        raise TypeError(f"embedding indices must be integers, got {backend.dtype_name(idx.dtype)}")
    return apply(ops.Embedding(), weight, idx)
