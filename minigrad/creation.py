"""Making tensors: from data (:func:`tensor`, :func:`as_tensor`, :func:`from_numpy`, the
legacy constructors :class:`FloatTensor` …), filled (:func:`zeros`,
:func:`ones`, :func:`full`, :func:`eye`, the ``*_like`` forms), ranges (:func:`arange`,
:func:`linspace`) and random samples (:func:`rand`, :func:`randint`, :func:`randn`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import backend
from minigrad.dtypes import get_default_dtype
from minigrad.methods._common import as_tensor_like, shape_arg
from minigrad.tensor import Tensor, _to_array

__all__ = [
    "BoolTensor",
    "ByteTensor",
    "DoubleTensor",
    "FloatTensor",
    "IntTensor",
    "LongTensor",
    "arange",
    "as_tensor",
    "eye",
    "from_numpy",
    "full",
    "full_like",
    "linspace",
    "ones",
    "ones_like",
    "rand",
    "randint",
    "randn",
    "randn_like",
    "tensor",
    "zeros",
    "zeros_like",
]


def tensor(
    data: Any,
    dtype: Any = None,
    requires_grad: bool = False,
    device: str | None = None,
    name: str | None = None,
) -> Tensor:
    """Make a tensor from a number, nested list, array or tensor (PyTorch's ``torch.tensor``).

    The values are always copied, as ``torch.tensor`` copies: an in-place change of the
    tensor never reaches the array it came from. :func:`as_tensor`, :func:`from_numpy` and
    the ``Tensor(array)`` constructor share the array instead (as their PyTorch namesakes).

    Examples
    --------
    >>> import numpy as np
    >>> import minigrad
    >>> minigrad.tensor([[1.0, 2.0]], requires_grad=True).shape
    (1, 2)
    >>> a = np.zeros(2, np.float32)
    >>> minigrad.tensor(a).array is a, minigrad.Tensor(a).array is a
    (False, True)
    """
    source = data.array if isinstance(data, Tensor) else data
    made = Tensor(
        _to_array(data, dtype, infer=True), requires_grad=requires_grad, name=name, device=device
    )
    if made.array is source:
        # NumPy and CuPy arrays copy themselves; the Array API spells it asarray(copy=True)
        copy = getattr(source, "copy", None)
        made.array = copy() if copy else backend.namespace(source).asarray(source, copy=True)
    return made


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
        return as_tensor_like(data, like)
    if isinstance(data, Tensor):
        if dtype is not None and backend.dtype_name(dtype) != backend.dtype_name(data.dtype):
            data = data.to(backend.dtype_name(dtype))
        return data if device is None or data.device == device else data.to(device)
    return Tensor(data, dtype=dtype, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor that shares ``array``'s memory (``torch.from_numpy``): writing into one shows
    in the other. The dtype is the array's; the tensor needs no gradient.

    Examples
    --------
    >>> import numpy as np, minigrad
    >>> a = np.arange(3)
    >>> t = minigrad.from_numpy(a)
    >>> t.array is a, t.dtype
    (True, dtype('int64'))
    """
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a NumPy array, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"from_numpy: cannot share an array of dtype {array.dtype}; minigrad holds bool, "
            "integer and floating-point arrays"
        )
    return Tensor.from_array(array)


class _LegacyTensorType(type):
    """The metaclass of :class:`FloatTensor` …: calling one makes a Tensor, and
    ``isinstance(t, minigrad.FloatTensor)`` asks about ``t``'s dtype, as in PyTorch."""

    dtype: str

    def __instancecheck__(cls, obj: Any) -> bool:
        return (
            isinstance(obj, Tensor)
            and backend.dtype_name(obj.dtype) == cls.dtype
            and obj.device == "cpu"
        )

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:  # type: ignore[override]
        if all(isinstance(n, int) and not isinstance(n, bool) for n in args):
            return full(args or (0,), 0, dtype=cls.dtype, device=device)  # () → no elements
        if len(args) != 1:
            raise TypeError(
                f"{cls.__name__}() takes sizes (ints) or one sequence of data, got {args!r}"
            )
        return tensor(args[0], dtype=cls.dtype, device=device)


class FloatTensor(metaclass=_LegacyTensorType):
    """PyTorch's legacy constructor for float32: ``FloatTensor([1, 2])`` holds the data,
    ``FloatTensor(2, 3)`` is a 2 × 3 tensor (of zeros: PyTorch leaves it uninitialised).
    ``isinstance(t, minigrad.FloatTensor)`` holds for float32 tensors on the CPU.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.FloatTensor([1, 2]).tolist(), minigrad.LongTensor(2, 3).shape
    ([1.0, 2.0], (2, 3))
    >>> isinstance(minigrad.ones(2), minigrad.FloatTensor)
    True
    """

    dtype = "float32"


class DoubleTensor(metaclass=_LegacyTensorType):
    """Legacy constructor for float64 (see :class:`FloatTensor`)."""

    dtype = "float64"


class LongTensor(metaclass=_LegacyTensorType):
    """Legacy constructor for int64 (see :class:`FloatTensor`); floats are truncated."""

    dtype = "int64"


class IntTensor(metaclass=_LegacyTensorType):
    """Legacy constructor for int32 (see :class:`FloatTensor`)."""

    dtype = "int32"


class BoolTensor(metaclass=_LegacyTensorType):
    """Legacy constructor for bool (see :class:`FloatTensor`)."""

    dtype = "bool"


class ByteTensor(metaclass=_LegacyTensorType):
    """Legacy constructor for uint8 (see :class:`FloatTensor`)."""

    dtype = "uint8"


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
        shape_arg(size), 0.0, dtype=_float_dtype(dtype), **_where(requires_grad, device, name)
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
        shape_arg(size), 1.0, dtype=_float_dtype(dtype), **_where(requires_grad, device, name)
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
    array = np.full(shape_arg(size), fill_value, dtype=_fill_dtype(fill_value, dtype))
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
    xp = backend.namespace(t.array)
    dtype = backend.dtype_of(xp, backend.dtype_name(dtype if dtype is not None else t.dtype))
    array = backend.asarray_on(xp, xp.full(t.array.shape, fill_value, dtype=dtype), like=t.array)
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
    array = backend.random_normal(shape_arg(size), _float_dtype(dtype), device)
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
    array = backend.random_uniform(shape_arg(size), 0.0, 1.0, _float_dtype(dtype))
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
    shape = (size,) if isinstance(size, int) else shape_arg(tuple(size))
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
