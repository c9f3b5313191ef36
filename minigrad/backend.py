"""Array backends: which array library a tensor's data lives in, and on which device.

Ops reach array functions through the namespace of their arrays (the Array API standard),
never through a hard-coded ``numpy.``. NumPy (CPU) and CuPy (GPU) are the real backends;
``array_api_strict`` is a test backend that refuses anything outside the standard, so code
that passes on it also runs on CuPy.

The few things outside the standard live here, each with a NumPy, a CuPy and a generic
version: scatter-add (the backward of gathers), random numbers, and device transfers.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

_NAMESPACES: dict[type, types.ModuleType] = {np.ndarray: np}
for _t in (
    np.float16,
    np.float32,
    np.float64,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.bool_,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
):
    _NAMESPACES[_t] = np


def namespace(array: Any) -> types.ModuleType:
    """Return the Array API namespace of ``array`` (NumPy itself for NumPy arrays).

    Cached by array type, so the per-op cost is one dictionary lookup.

    Examples
    --------
    >>> import numpy as np
    >>> namespace(np.zeros(2)) is np
    True
    """
    try:
        return _NAMESPACES[type(array)]
    except KeyError:
        pass
    if isinstance(array, (np.ndarray, np.generic)):
        xp: types.ModuleType = np
    else:
        import array_api_compat

        try:
            xp = array_api_compat.array_namespace(array)
        except TypeError as exc:
            raise TypeError(
                f"minigrad cannot use data of type {type(array).__name__}: "
                "pass a number, a nested list, a NumPy/CuPy array or an Array API array"
            ) from exc
    _NAMESPACES[type(array)] = xp
    return xp


def register_namespace(array_type: type, xp: Any) -> None:
    """Make :func:`namespace` answer ``xp`` for values of ``array_type`` (used for Tensors,
    whose namespace records ops, so backward formulas can build gradient graphs)."""
    _NAMESPACES[array_type] = xp


def reshape(array: Any, shape: tuple[int, ...]) -> Any:
    """``xp.reshape(array, shape)`` in any namespace; NumPy's method directly.

    ``np.reshape`` goes through a Python dispatch wrapper that costs more than the reshape
    itself; the hot ops (fused RNNs, linear, losses) reshape a dozen times per train step.

    Examples
    --------
    >>> import numpy as np
    >>> reshape(np.arange(6), (2, 3)).shape
    (2, 3)
    """
    if type(array) is np.ndarray:
        return array.reshape(shape)
    return namespace(array).reshape(array, shape)


def sum(array: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``xp.sum``; NumPy's method directly (see :func:`reshape` for why).

    >>> sum(np.ones((2, 3)), axis=0).tolist()
    [2.0, 2.0, 2.0]
    """
    if type(array) is np.ndarray:
        return array.sum(axis=axis, keepdims=keepdims)
    return namespace(array).sum(array, axis=axis, keepdims=keepdims)


def max(array: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``xp.max``; NumPy's method directly (see :func:`reshape` for why).

    >>> max(np.array([[1, 5], [7, 2]]), axis=1, keepdims=True).tolist()
    [[5], [7]]
    """
    if type(array) is np.ndarray:
        return array.max(axis=axis, keepdims=keepdims)
    return namespace(array).max(array, axis=axis, keepdims=keepdims)


def min(array: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """``xp.min``; NumPy's method directly (see :func:`reshape` for why).

    >>> int(min(np.array([3, 1, 2])))
    1
    """
    if type(array) is np.ndarray:
        return array.min(axis=axis, keepdims=keepdims)
    return namespace(array).min(array, axis=axis, keepdims=keepdims)


def matrix_transpose(array: Any) -> Any:
    """``xp.matrix_transpose`` (swap the last two axes); NumPy's ``.mT`` directly.

    ``np.matrix_transpose`` costs ten times the view it makes (see :func:`reshape`); every
    matmul backward transposes twice.

    >>> matrix_transpose(np.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    if type(array) is np.ndarray:
        return array.mT
    return namespace(array).matrix_transpose(array)


def library_name(xp: types.ModuleType) -> str:
    """Short name of an array library namespace: ``numpy``, ``cupy``, ``array_api_strict``."""
    name = xp.__name__
    if name.startswith("array_api_compat."):
        name = name.split(".", 1)[1]
    return name.split(".")[0]


class device(str):  # noqa: N801 (PyTorch's name)
    """Where a tensor lives, as ``torch.device``: ``device("cpu")``, ``device("cuda", 0)``,
    ``device("cuda:0")``.

    A ``device`` is a string too (``"cpu"``, ``"cuda"``, ``"cuda:0"``), so it is accepted
    wherever a device string is and compares equal to that string. As in PyTorch,
    ``device("cuda")`` (the current GPU, ``index`` None) and ``device("cuda:0")`` are not
    equal, though both place tensors on GPU 0.

    Examples
    --------
    >>> import minigrad
    >>> d = minigrad.device("cuda", 1)
    >>> d, d.type, d.index, d == "cuda:1"
    (device(type='cuda', index=1), 'cuda', 1, True)
    >>> minigrad.tensor([1.0]).device == minigrad.device("cpu") == "cpu"
    True
    """

    __slots__ = ()

    def __new__(cls, type: Any, index: int | None = None) -> device:
        if isinstance(type, device) and index is None:
            return type
        if not isinstance(type, str):
            raise TypeError(
                f"device() needs a string such as 'cpu' or 'cuda:0', got {type.__class__.__name__}"
            )
        kind, colon, number = type.partition(":")
        if colon:
            if index is not None:
                raise ValueError(
                    f"device({type!r}, {index!r}): give the index once, in the string or apart"
                )
            if not number.isdigit():
                raise ValueError(f"device {type!r} is not valid: use 'cpu', 'cuda' or 'cuda:N'")
            index = int(number)
        if kind not in ("cpu", "cuda"):
            raise ValueError(f"device {type!r} is not valid: use 'cpu', 'cuda' or 'cuda:N'")
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int) or index < 0:
                raise ValueError(f"device index must be a non-negative int, got {index!r}")
            if kind == "cpu" and index != 0:
                raise ValueError(f"device 'cpu' has only index 0, got {index}")
        text = kind if index is None else f"{kind}:{index}"
        return str.__new__(cls, text)

    @property
    def type(self) -> str:
        """``"cpu"`` or ``"cuda"``."""
        return str.__str__(self).partition(":")[0]

    @property
    def index(self) -> int | None:
        """The GPU number (``None`` for ``"cpu"`` and for ``"cuda"`` without one)."""
        number = str.__str__(self).partition(":")[2]
        return int(number) if number else None

    def __repr__(self) -> str:
        index = self.index
        if index is None:
            return f"device(type={self.type!r})"
        return f"device(type={self.type!r}, index={index})"

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (device, (str(self),))


_DEVICES: dict[str, device] = {}


def as_device(text: str) -> device:
    """The (shared) :class:`device` object for a device string."""
    try:
        return _DEVICES[text]
    except KeyError:
        made = _DEVICES[text] = device(text)
        return made


def device_of(array: Any) -> device:
    """``device("cpu")`` for host arrays, ``device("cuda:N")`` for CuPy arrays on GPU ``N``
    (a :class:`device` is a string: it equals ``"cpu"`` / ``"cuda:N"``)."""
    xp = namespace(array)
    if xp is np:
        return as_device("cpu")
    if library_name(xp) == "cupy":
        return as_device(f"cuda:{array.device.id}")
    return as_device("cpu")


def normalize_device(device: str | None) -> str:
    """Validate a device (a string or :class:`device`); ``"cuda"`` means ``"cuda:0"``."""
    if device is None or device == "cpu" or device == "cpu:0":
        return "cpu"
    if isinstance(device, str) and (device == "cuda" or device.startswith("cuda:")):
        index = device.partition(":")[2] or "0"
        if not index.isdigit():
            raise ValueError(f"device {device!r} is not valid: use 'cpu', 'cuda' or 'cuda:N'")
        return f"cuda:{int(index)}"
    raise ValueError(f"device {device!r} is not valid: use 'cpu', 'cuda' or 'cuda:N'")


def cupy_module() -> types.ModuleType:
    """Import CuPy, or say exactly why the GPU backend cannot be used here."""
    try:
        import cupy
    except ImportError as exc:
        raise RuntimeError(
            "device 'cuda' needs CuPy, which is not installed: on a machine with an NVIDIA GPU "
            "run `pip install 'minigrad[cuda]'` (or the cupy-cudaXXx wheel for your CUDA "
            "version), or keep tensors on device='cpu'"
        ) from exc
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as exc:  # CUDA driver missing or broken
        raise RuntimeError(
            f"CuPy is installed but no CUDA GPU is usable ({exc}); keep tensors on device='cpu'"
        ) from exc
    if count == 0:
        raise RuntimeError("CuPy is installed but no CUDA GPU is visible; use device='cpu'")
    return cupy


def to_numpy(array: Any) -> np.ndarray:
    """Copy (or view) any backend array as a NumPy array on the host."""
    if isinstance(array, np.ndarray):
        return array
    if isinstance(array, np.generic):
        return np.asarray(array)
    xp = namespace(array)
    if library_name(xp) == "cupy":
        return array.get()
    return np.from_dlpack(array)


def to_device(array: Any, device: str) -> Any:
    """Return ``array`` on ``device`` (a copy when it moves, the same array when it does not)."""
    device = normalize_device(device)
    if device == "cpu":
        return to_numpy(array)
    cupy = cupy_module()
    index = int(device.split(":")[1])
    with cupy.cuda.Device(index):
        return cupy.asarray(to_numpy(array) if not _is_cupy(array) else array)


def _is_cupy(array: Any) -> bool:
    return library_name(namespace(array)) == "cupy"


def has_fancy_indexing(xp: types.ModuleType) -> bool:
    """True for libraries with NumPy's advanced indexing (NumPy, CuPy), not the bare Array API."""
    return xp is np or library_name(xp) == "cupy"


def asarray_on(xp: types.ModuleType, value: Any, dtype: Any = None, like: Any = None) -> Any:
    """``xp.asarray`` on the same device as ``like`` (CuPy keeps the current device)."""
    if like is not None and xp is not np and library_name(xp) == "cupy":
        with like.device:
            return xp.asarray(value, dtype=dtype)
    return xp.asarray(value, dtype=dtype)


def dtype_of(xp: types.ModuleType, name: str) -> Any:
    """The dtype object called ``name`` (``"float32"`` …) in namespace ``xp``."""
    return getattr(xp, name)


# NumPy's dtype.name is computed in Python (~2 µs); dtype checks run on every op with a
# Python-number operand, so names are remembered per dtype object. Keys carry the dtype's
# type: array_api_strict dtypes hash like NumPy's, and comparing the two warns.
_DTYPE_NAMES: dict[tuple[type, Any], str] = {}


def dtype_name(dtype: Any) -> str:
    """``"float32"`` for any library's float32 dtype object."""
    if isinstance(dtype, str):
        return dtype
    key = (type(dtype), dtype)
    try:
        return _DTYPE_NAMES[key]
    except (KeyError, TypeError):  # not seen yet, or unhashable
        pass
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        name = np.dtype(dtype).name
    else:
        name = getattr(dtype, "name", None)
        if not isinstance(name, str):
            name = str(dtype).rsplit(".", 1)[-1].strip("'>")
    try:
        _DTYPE_NAMES[key] = name
    except TypeError:
        pass
    return name


def is_floating(dtype: Any) -> bool:
    """True for floating-point dtypes of any backend."""
    try:
        return _FLOATING[type(dtype), dtype]
    except KeyError:
        floating = _FLOATING[type(dtype), dtype] = dtype_name(dtype).startswith(("float", "bfloat"))
        return floating
    except TypeError:  # an unhashable dtype (none known): no caching
        return dtype_name(dtype).startswith(("float", "bfloat"))


_FLOATING: dict[tuple[type, Any], bool] = {}
"""Per dtype object (keyed with its type, as :data:`_DTYPE_NAMES`): asked on every op with a
Python-number operand."""


# ---------------------------------------------------------------- outside the Array API


def scatter_add(target: Any, index: Any, values: Any) -> Any:
    """Add ``values`` into ``target`` at ``index``; repeated indices accumulate.

    On NumPy and CuPy ``index`` is any advanced index and ``target`` is updated in place; on
    other Array API libraries ``index`` is one integer array over axis 0 and a new array is
    made. Always use the returned array.
    """
    xp = namespace(target)
    if xp is np:
        if _whole_rows(target, index, values):
            _add_rows_flat(target, index, values)
        else:
            np.add.at(target, index, values)
        return target
    if library_name(xp) == "cupy":
        import cupyx

        cupyx.scatter_add(target, index, values)
        return target
    if index.shape[0] == 0:  # nothing to add, and reshaping no rows to (0, -1) is ambiguous
        return target
    return _generic_scatter_add_rows(xp, target, index, values)


def take_along_rows(source: Any, columns: Any) -> Any:
    """``source[i, columns[i]]`` for every row ``i`` of a 2-D ``source``: shape ``(M,)``.

    Fancy indexing on NumPy and CuPy (NumPy's ``take_along_axis`` is Python-level and ~3×
    slower on small arrays); ``take_along_axis`` elsewhere.

    Examples
    --------
    >>> import numpy as np
    >>> take_along_rows(np.arange(6).reshape(2, 3), np.array([2, 0])).tolist()
    [2, 3]
    """
    xp = namespace(source)
    if xp is np or library_name(xp) == "cupy":
        return source[xp.arange(source.shape[0]), columns]
    return xp.take_along_axis(source, reshape(columns, (-1, 1)), axis=1)[:, 0]


def add_along_rows(target: Any, columns: Any, values: Any) -> Any:
    """``target[i, columns[i]] += values[i]`` for every row ``i`` of a 2-D ``target``.

    One position per row, so no index repeats: NumPy and CuPy update ``target`` in place by
    fancy indexing; other Array API libraries (no index assignment) get a new array through a
    one-hot mask. Always use the returned array.

    Examples
    --------
    >>> import numpy as np
    >>> add_along_rows(np.zeros((2, 3)), np.array([2, 0]), np.array([1.0, 5.0])).tolist()
    [[0.0, 0.0, 1.0], [5.0, 0.0, 0.0]]
    """
    xp = namespace(target)
    if xp is np or library_name(xp) == "cupy":
        target[xp.arange(target.shape[0]), columns] += values
        return target
    classes = xp.arange(target.shape[1], dtype=columns.dtype)
    one_hot = xp.reshape(columns, (-1, 1)) == xp.reshape(classes, (1, -1))
    return target + xp.astype(one_hot, target.dtype) * xp.reshape(values, (-1, 1))


def _whole_rows(target: Any, index: Any, values: Any) -> bool:
    """Whether ``index`` is one array of non-negative row ids of a contiguous ``target`` and
    ``values`` holds one whole row per id (the embedding case)."""
    return (
        type(index) is np.ndarray
        and type(values) is np.ndarray
        and index.ndim == 1
        and index.dtype.kind in "iu"
        and values.shape == index.shape + target.shape[1:]
        and target.ndim >= 2
        and target.flags.c_contiguous
        and index.shape[0] > 0
        and int(index.min()) >= 0
    )


def _add_rows_flat(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``np.add.at(target, index, values)`` as one ``add.at`` over the flat elements.

    ``np.add.at`` has a fast loop for one-dimensional indexing only: adding whole rows
    through the flat positions of their elements was 2.5–5× faster than row indexing (25 to
    1,600 rows of 64, vocabularies of 65 and 1,000), and faster than sorting the ids for a
    segment sum. Repeats still add up in order, and a NaN stays in its own row.
    """
    width = values[0].size
    positions = index.astype(np.intp)[:, None] * width + np.arange(width)  # no uint8 overflow
    np.add.at(target.reshape(-1), positions.reshape(-1), values.reshape(-1))


def _generic_scatter_add_rows(xp: types.ModuleType, target: Any, index: Any, values: Any) -> Any:
    """Scatter-add over axis 0 with one integer index array, via a one-hot matmul.

    The Array API has no scatter-add; a one-hot matrix product is the portable equivalent.
    Callers on such libraries always pass a single index array: ``GetItem`` gathers through
    flat positions there, and ``Embedding`` flattens its indices.
    """
    flat_index = xp.reshape(index, (-1,))
    rows = target.shape[0]
    one_hot = xp.astype(
        xp.reshape(flat_index, (-1, 1)) == xp.reshape(xp.arange(rows), (1, -1)), target.dtype
    )
    flat_values = xp.reshape(values, (flat_index.shape[0], -1))
    summed = xp.matrix_transpose(one_hot) @ flat_values
    return target + xp.reshape(summed, target.shape)


class _Random:
    """One seeded generator per process, used for every backend (CuPy seeds its own)."""

    def __init__(self) -> None:
        self.generator = np.random.default_rng()

    def seed(self, seed: int) -> None:
        self.generator = np.random.default_rng(seed)
        try:
            import cupy

            cupy.random.seed(seed)
        except Exception:
            pass


RANDOM = _Random()


def default_generator() -> np.random.Generator:
    """The NumPy generator behind minigrad's random numbers (``randn``, initialisation,
    dropout); :func:`manual_seed` replaces it, so ask for it each time rather than keep it.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.manual_seed(0)
    >>> a = minigrad.default_generator().random()
    >>> minigrad.manual_seed(0)
    >>> a == minigrad.default_generator().random()
    True
    """
    return RANDOM.generator


def get_rng_state() -> dict[str, Any]:
    """The state of :func:`default_generator`, as ``torch.get_rng_state``: save it in a
    checkpoint, give it to :func:`set_rng_state` to resume the same random stream.

    Examples
    --------
    >>> import minigrad
    >>> state = minigrad.get_rng_state()
    >>> a = minigrad.randn(3).tolist()
    >>> minigrad.set_rng_state(state)
    >>> a == minigrad.randn(3).tolist()
    True
    """
    return RANDOM.generator.bit_generator.state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore a state from :func:`get_rng_state` (a copy is taken; ``state`` is not kept)."""
    RANDOM.generator.bit_generator.state = state


def manual_seed(seed: int) -> None:
    """Seed minigrad's random numbers (``randn``, initialisation, dropout).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.manual_seed(0)
    """
    RANDOM.seed(seed)


def random_normal(shape: tuple[int, ...], dtype_name_: str, device: str) -> Any:
    """Standard-normal samples of ``shape`` on ``device``."""
    if device == "cpu":
        return RANDOM.generator.standard_normal(shape, dtype=np.float64).astype(dtype_name_)
    cupy = cupy_module()
    with cupy.cuda.Device(int(device.split(":")[1])):
        return cupy.random.standard_normal(shape, dtype=cupy.float64).astype(dtype_name_)


def random_uniform(
    shape: tuple[int, ...], low: float, high: float, dtype_name_: str, like: Any = None
) -> Any:
    """Uniform samples in [low, high) on the device (and library) of ``like``."""
    host = RANDOM.generator.uniform(low, high, size=shape).astype(dtype_name_)
    if like is None:
        return host
    xp = namespace(like)
    if xp is np:
        return host
    if library_name(xp) == "cupy":
        with like.device:
            return xp.random.uniform(low, high, size=shape).astype(dtype_name_)
    return xp.asarray(host)


def random_integers(shape: tuple[int, ...], low: int, high: int, dtype_name_: str) -> Any:
    """Integers drawn uniformly from [low, high), on the host (NumPy)."""
    return RANDOM.generator.integers(low, high, size=shape).astype(dtype_name_)
