"""Tensor constructors and the ops that take several tensors (stack, concat, where, …)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from minigrad import backend, ops
from minigrad.dims import axis_arg, check_axis
from minigrad.dtypes import get_default_dtype, result_type
from minigrad.tensor import Tensor, _cast, _lift, _number, _shape_arg, apply


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


def as_tensor(
    data: Any, dtype: Any = None, device: str | None = None, *, like: Tensor | None = None
) -> Tensor:
    """``data`` as a Tensor, made only when it is not one already (``torch.as_tensor``).

    The one way nn, viz and user code turn numbers and arrays into tensors. With ``like``,
    ``data`` is made to combine with that tensor: a Python number takes the dtype PyTorch
    gives ``like <op> number`` (``2`` beside a float32 tensor is float32), an array moves to
    ``like``'s device; a Tensor is returned as it is. Without ``like``, a Tensor is returned
    as it is unless ``dtype`` or ``device`` asks for a change, and anything else goes
    through :func:`tensor`.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0])
    >>> minigrad.as_tensor(x) is x
    True
    >>> str(minigrad.as_tensor(3, like=x).dtype), str(minigrad.as_tensor(3).dtype)
    ('float32', 'int64')
    """
    if like is not None:
        return _lift(data, like)
    if isinstance(data, Tensor):
        if dtype is not None and backend.dtype_name(dtype) != backend.dtype_name(data.dtype):
            data = data.to(backend.dtype_name(dtype))
        return data if device is None or data.device == device else data.to(device)
    return tensor(data, dtype=dtype, device=device)


def _leaf(
    array: Any, requires_grad: bool, device: str | None, name: str | None, dtype: Any = None
) -> Tensor:
    """A new leaf tensor made from a NumPy array the caller built."""
    return Tensor(array, requires_grad=requires_grad, device=device, name=name, dtype=dtype)


def _float_dtype(dtype: Any) -> str:
    return backend.dtype_name(dtype) if dtype is not None else get_default_dtype()


def _fill_dtype(fill_value: Any, dtype: Any) -> str:
    """PyTorch's dtype for ``full``: ``dtype``, else that of the fill value."""
    if dtype is not None:
        return backend.dtype_name(dtype)
    if isinstance(fill_value, bool):
        return "bool"
    return "int64" if isinstance(fill_value, int) else get_default_dtype()


def zeros(
    *size: Any,
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
    return full(
        _shape_arg(size), 0.0, dtype=_float_dtype(dtype), **_where(requires_grad, device, name)
    )


def ones(
    *size: Any,
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
    return full(
        _shape_arg(size), 1.0, dtype=_float_dtype(dtype), **_where(requires_grad, device, name)
    )


def full(
    size: Any,
    fill_value: float,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (its dtype follows the value, as in
    PyTorch: a float gives the default dtype, an int int64, a bool bool).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.full((2,), 7).tolist(), minigrad.full((2,), 0.5).dtype
    ([7, 7], dtype('float32'))
    """
    size = (size,) if isinstance(size, int) else tuple(size)
    array = np.full(_shape_arg(size), fill_value, dtype=_fill_dtype(fill_value, dtype))
    return _leaf(array, requires_grad, device, name)


def _where(requires_grad: bool, device: str | None, name: str | None) -> dict[str, Any]:
    return {"requires_grad": requires_grad, "device": device, "name": name}


def full_like(
    t: Tensor,
    fill_value: float,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """``fill_value`` in ``t``'s shape, with ``t``'s dtype and device unless given.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.full_like(minigrad.zeros(2, dtype="float64"), 3).tolist()
    [3.0, 3.0]
    """
    xp = backend.namespace(t.data)
    dtype = backend.dtype_of(xp, backend.dtype_name(dtype if dtype is not None else t.dtype))
    array = backend.asarray_on(xp, xp.full(t.data.shape, fill_value, dtype=dtype), like=t.data)
    return Tensor(array, requires_grad=requires_grad, device=device, name=name)


def zeros_like(
    t: Tensor,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Zeros with ``t``'s shape, and its dtype, backend and device unless given.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.zeros_like(minigrad.ones(2, 3)).shape
    (2, 3)
    """
    return full_like(t, 0, dtype=dtype, **_where(requires_grad, device, name))


def ones_like(
    t: Tensor,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Ones with ``t``'s shape, and its dtype, backend and device unless given.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.ones_like(minigrad.zeros(2)).tolist()
    [1.0, 1.0]
    """
    return full_like(t, 1, dtype=dtype, **_where(requires_grad, device, name))


def eye(
    n: int,
    m: int | None = None,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """The ``n × m`` identity matrix (``m = n`` by default).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.eye(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    array = np.eye(n, n if m is None else m, dtype=_float_dtype(dtype))
    return _leaf(array, requires_grad, device, name)


def linspace(
    start: float,
    end: float,
    steps: int,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end``, both included.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.linspace(0, 1, 3).tolist()
    [0.0, 0.5, 1.0]
    """
    if steps < 0:
        raise ValueError(f"linspace: steps must be non-negative, got {steps}")
    array = np.linspace(start, end, steps, dtype=np.float64).astype(_float_dtype(dtype))
    return _leaf(array, requires_grad, device, name)


def randn(
    *size: Any,
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
    device = backend.normalize_device(device)
    array = backend.random_normal(_shape_arg(size), _float_dtype(dtype), device)
    return Tensor(array, requires_grad=requires_grad, name=name)


def rand(
    *size: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Samples uniform in [0, 1) (seed with :func:`minigrad.manual_seed`).

    Examples
    --------
    >>> import minigrad
    >>> bool((minigrad.rand(100) < 1).all())
    True
    """
    array = backend.random_uniform(_shape_arg(size), 0.0, 1.0, _float_dtype(dtype))
    return _leaf(array, requires_grad, device, name)


def randint(
    low: int,
    high: int | None = None,
    size: Any = None,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    Examples
    --------
    >>> import minigrad
    >>> t = minigrad.randint(3, (10,))
    >>> t.dtype, bool((t >= 0).all() and (t < 3).all())
    (dtype('int64'), True)
    """
    if size is None:
        low, high, size = 0, low, high
    if size is None or high is None:
        raise TypeError("randint needs a size: randint(high, size) or randint(low, high, size)")
    if high <= low:
        raise ValueError(f"randint needs low < high, got low={low}, high={high}")
    shape = (size,) if isinstance(size, int) else _shape_arg(tuple(size))
    array = backend.random_integers(shape, low, high, backend.dtype_name(dtype or "int64"))
    return _leaf(array, requires_grad, device, name)


def randn_like(
    t: Tensor,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Standard-normal samples in ``t``'s shape, with its dtype and device unless given.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.randn_like(minigrad.zeros(2, 3)).shape
    (2, 3)
    """
    dtype = backend.dtype_name(dtype if dtype is not None else t.dtype)
    return randn(
        t.shape, dtype=dtype, requires_grad=requires_grad, device=device or t.device, name=name
    )


def arange(
    start: float,
    end: float | None = None,
    step: float = 1,
    *,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Evenly spaced values in [start, end) (integers give int64, floats the default dtype).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.arange(3).tolist()
    [0, 1, 2]
    """
    if end is None:
        start, end = 0, start
    array = np.arange(start, end, step)
    if array.dtype.kind == "f" and dtype is None:
        array = array.astype(get_default_dtype())
    return _leaf(array, requires_grad, device, name, dtype=dtype)


def _promoted(values: Sequence[Any], op_name: str, like: Tensor | None = None) -> list[Tensor]:
    """``values`` (tensors, arrays, Python numbers) as tensors of PyTorch's result dtype, on
    the backend and device of the first tensor among them (or of ``like``)."""
    items = list(values)
    if not items:
        raise ValueError(f"{op_name} needs at least one tensor")
    like = next((t for t in items if isinstance(t, Tensor)), like)
    if like is None:
        like = Tensor(items[0])
    numbers = (bool, int, float)
    lifted = [v if isinstance(v, numbers) else _lift(v, like) for v in items]
    name = result_type(*lifted)
    return [_number(v, like, name) if isinstance(v, numbers) else _cast(v, name) for v in lifted]


def stack(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join same-shaped tensors along a new axis ``dim``/``axis`` (default 0).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.stack([minigrad.ones(2), minigrad.zeros(2)], dim=1).shape
    (2, 2)
    """
    items = _promoted(tensors, "stack")
    shapes = {t.shape for t in items}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape, got shapes {sorted(shapes)}")
    axis = check_axis("stack", _given(axis_arg("stack", axis, dim)), items[0].shape, extra=1)
    return apply(ops.Stack(axis), *items)


def concat(tensors: Sequence[Any], dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing axis ``dim``/``axis`` (default 0).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.concat([minigrad.ones(2), minigrad.zeros(3)]).shape
    (5,)
    """
    items = _promoted(tensors, "concat")
    if items[0].ndim == 0:
        raise ValueError("concat needs tensors with at least one dimension; use stack")
    axis = check_axis("concat", _given(axis_arg("concat", axis, dim)), items[0].shape)
    return apply(ops.Concat(axis), *items)


cat = concat


def _given(axis: int | None) -> int:
    return 0 if axis is None else axis


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """``a`` where ``condition`` holds, else ``b`` (broadcasting); the condition gets no gradient.

    ``a`` and ``b`` promote as in PyTorch: ``where(c, 1, 3)`` gives integers,
    ``where(c, 1.5, 3)`` the default float dtype.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([-1.0, 2.0])
    >>> minigrad.where(x > 0, x, 0.0).tolist()
    [0.0, 2.0]
    """
    like = next((v for v in (a, b, condition) if isinstance(v, Tensor)), None)
    if like is None:
        like = Tensor(condition)
    a_t, b_t = _promoted([a, b], "where", like)
    cond = _lift(condition, like)
    xp = backend.namespace(cond.data)
    if backend.dtype_name(cond.dtype) != "bool":
        cond = Tensor._make(xp.astype(cond.data, xp.bool), False, None)
    return apply(ops.Where(), cond, a_t, b_t)


def maximum(a: Any, b: Any) -> Tensor:
    """Element-wise maximum; ties split the gradient."""
    return apply(ops.Maximum(), *_promoted([a, b], "maximum"))


def minimum(a: Any, b: Any) -> Tensor:
    """Element-wise minimum; ties split the gradient."""
    return apply(ops.Minimum(), *_promoted([a, b], "minimum"))


def split(
    x: Tensor,
    split_size_or_sections: int | Sequence[int],
    dim: int | None = None,
    *,
    axis: int | None = None,
) -> list[Tensor]:
    """Split ``x`` along ``dim``/``axis`` (default 0) into pieces of one size (the last may be
    smaller) or of the given sizes.

    Examples
    --------
    >>> import minigrad
    >>> [p.shape for p in minigrad.split(minigrad.ones(5), 2)]
    [(2,), (2,), (1,)]
    """
    if x.ndim == 0:
        raise ValueError("split needs a tensor with at least one dimension")
    axis = check_axis("split", _given(axis_arg("split", axis, dim)), x.shape)
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
    lead = (slice(None),) * axis
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
