"""What every family of Tensor methods shares: turning operands into tensors and dtypes.

The methods never import :mod:`minigrad.tensor` (it is built from them): they make tensors
through :func:`minigrad.op.apply` or through :func:`leaf`, which uses the class that
``minigrad.tensor`` bound in :mod:`minigrad.op`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from minigrad import backend, ops
from minigrad import op as _op
from minigrad.dims import DTypeError, ShapeError
from minigrad.dtypes import get_default_dtype, result_type
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor

_NUMBERS = (bool, int, float)


class ValuesIndices(NamedTuple):
    """``(values, indices)``: what ``max(dim)``, ``min(dim)``, ``sort`` and ``topk`` return,
    as PyTorch's ``torch.return_types``; ``values`` are differentiable, ``indices`` int64.

    ``minigrad.SortResult`` is another name for this class (the name ``sort`` and ``topk``
    documented first).
    """

    values: Tensor
    indices: Tensor


SortResult = ValuesIndices
"""Alias of :class:`ValuesIndices` (what :func:`minigrad.sort` and :func:`minigrad.topk` return)."""


def is_tensor(value: Any) -> bool:
    """Whether ``value`` is a minigrad Tensor."""
    return isinstance(value, _op.Tensor)


def leaf(array: Any) -> Tensor:
    """``array`` wrapped as a tensor that needs no gradient (no copy, no conversion)."""
    return _op.Tensor._make(array, False, None)


def as_tensor_like(value: Any, like: Tensor) -> Tensor:
    """``value`` (a Tensor, Python number or array) as a Tensor beside ``like``.

    A Python number becomes the dtype PyTorch would give ``like <op> value``; an array moves
    to ``like``'s backend and device; a Tensor is returned as it is. This is what
    :func:`minigrad.as_tensor` does with ``like=``.
    """
    if isinstance(value, _op.Tensor):
        return value
    xp = backend.namespace(like.array)
    if isinstance(value, _NUMBERS):
        return number(value, like, result_type(like, value))
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__"):
        if backend.namespace(value) is not xp:
            value = backend.asarray_on(xp, backend.to_numpy(value), like=like.array)
        return leaf(value)
    raise DTypeError(
        f"cannot combine a Tensor with {type(value).__name__}; use a number, an array or a Tensor"
    )


def number(value: bool | int | float, like: Tensor, dtype: Any) -> Tensor:
    """A Python number as a 0-d tensor of ``dtype`` on ``like``'s backend and device.

    On NumPy the 0-d array of a nonzero number is made once per (number, dtype) and shared:
    ops never write into their inputs, and ``x * 2.0`` in a loop then costs what a tensor
    constant costs (zeros are left out: 0.0 and -0.0 are equal keys but not equal values).
    """
    data = like.array
    if type(data) is np.ndarray or isinstance(data, np.generic):
        key = (value, type(value), dtype)
        array = _ZERO_D.get(key) if value else None
        if array is None:
            array = np.asarray(value, dtype=dtype)
            if value and len(_ZERO_D) < 4096:  # NaN keys never match: the cap bounds them
                _ZERO_D[key] = array
        return _op.Tensor._make(array, False, None)
    xp = backend.namespace(data)
    if isinstance(dtype, str):
        dtype = backend.dtype_of(xp, dtype)
    return leaf(backend.asarray_on(xp, value, dtype=dtype, like=data))


_ZERO_D: dict[tuple[Any, type, Any], Any] = {}


def promote(a: Tensor, b: Any) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` as tensors of PyTorch's result dtype (see :func:`dtypes.result_type`)."""
    if (type(b) is float or type(b) is int) and backend.is_floating(a.array.dtype):
        return a, number(b, a, a.array.dtype)  # x * 2.0: the tensor's dtype, no cast
    if isinstance(b, _op.Tensor) and b.array.dtype is a.array.dtype:
        return a, b
    other = as_tensor_like(b, a)
    name = result_type(a, b if isinstance(b, _NUMBERS) else other)
    return cast(a, name), cast(other, name)


def promote_all(values: Sequence[Any], op_name: str, like: Tensor | None = None) -> list[Tensor]:
    """``values`` (tensors, arrays, Python numbers) as tensors of PyTorch's result dtype, on
    the backend and device of the first tensor among them (or of ``like``)."""
    items = list(values)
    if not items:
        raise ShapeError(f"{op_name} needs at least one tensor")
    like = next((t for t in items if isinstance(t, _op.Tensor)), like)
    if like is None:
        like = _op.Tensor(items[0])
    lifted = [v if isinstance(v, _NUMBERS) else as_tensor_like(v, like) for v in items]
    name = result_type(*lifted)
    return [number(v, like, name) if isinstance(v, _NUMBERS) else cast(v, name) for v in lifted]


def cast(t: Tensor, name: str) -> Tensor:
    """``t`` as dtype ``name``: recorded when ``t`` needs a gradient, a plain copy otherwise."""
    if backend.dtype_name(t.array.dtype) == name:
        return t
    if t.requires_grad:
        return apply(ops.Cast(name), t)
    xp = backend.namespace(t.array)
    return leaf(xp.astype(t.array, backend.dtype_of(xp, name)))


def floating(t: Tensor) -> Tensor:
    """``t``, or an integer/bool ``t`` in the default float dtype (as PyTorch's float ops do)."""
    if backend.is_floating(t.array.dtype):
        return t
    return cast(t, get_default_dtype())


def shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """A shape given as ``f(2, 3)`` or ``f((2, 3))``, as a tuple of ints."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(n) for n in shape)


def index_key(key: Any, like: Tensor) -> Any:
    """Replace Tensors and lists in an index with arrays of ``like``'s backend."""
    if isinstance(key, tuple):
        return tuple(index_key(k, like) for k in key)
    if isinstance(key, _op.Tensor):
        key = key.array
    if isinstance(key, list):
        key = np.asarray(key)
    if isinstance(key, np.ndarray) or hasattr(key, "__array_namespace__"):
        xp = backend.namespace(like.array)
        if backend.namespace(key) is not xp:
            key = backend.asarray_on(xp, backend.to_numpy(key), like=like.array)
    return key


def index_tensor(index: Any, like: Tensor) -> Tensor:
    """An index (Tensor, list or array) as an index tensor on ``like``'s backend."""
    return leaf(index_key(index, like))


def with_dtype(t: Tensor, dtype: Any) -> Tensor:
    """``t`` cast to ``dtype`` (a name or a dtype) first, as PyTorch's ``dtype=`` argument of
    reductions, scans and softmax does; ``t`` itself when ``dtype`` is None."""
    if dtype is None:
        return t
    return cast(t, dtype if isinstance(dtype, str) else backend.dtype_name(dtype))
