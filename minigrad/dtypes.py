"""The dtype objects (``minigrad.float32`` …), the default floating-point dtype (float32, like
PyTorch; float64 on request) and PyTorch's type promotion."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad.backend import dtype_name

# ---------------------------------------------------------------------- dtype objects
#
# NumPy's own dtype objects, so ``t.dtype == minigrad.float32`` holds for NumPy and CuPy
# tensors alike (CuPy arrays carry NumPy dtypes) and every place that takes a dtype name takes
# these too. PyTorch's aliases (``half float double short int long bool``) are bound in the
# package's ``__init__``: defining ``float`` or ``bool`` here would hide the builtins. NumPy has
# no bfloat16, so neither has minigrad.

float16 = np.dtype("float16")
float32 = np.dtype("float32")
float64 = np.dtype("float64")
int8 = np.dtype("int8")
int16 = np.dtype("int16")
int32 = np.dtype("int32")
int64 = np.dtype("int64")
uint8 = np.dtype("uint8")
bool_ = np.dtype("bool")

_FLOATS = ("float32", "float64")
_default = ["float32"]


def set_default_dtype(dtype: Any) -> None:
    """Set the dtype that floating-point Python numbers and lists become.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.set_default_dtype("float64")
    >>> minigrad.Tensor(1.0).dtype
    dtype('float64')
    >>> minigrad.set_default_dtype("float32")
    """
    name = dtype_name(dtype)
    if name not in _FLOATS:
        raise ValueError(f"default dtype must be one of {_FLOATS}, got {dtype!r}")
    _default[0] = name


def get_default_dtype() -> str:
    """The current default floating-point dtype's name (``"float32"`` unless changed).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.get_default_dtype()
    'float32'
    """
    return _default[0]


# ---------------------------------------------------------------------- type promotion
#
# PyTorch's rules, not NumPy's: the kinds rank bool < integer < floating. Operands form three
# groups: tensors with dimensions, 0-d tensors, and Python numbers. Within a group the usual
# promotion applies; a later group only matters when its kind ranks higher than the groups
# before it, and then a Python float counts as the default dtype. So a Python number never
# widens a tensor of its kind, float32 [n] + float64 0-d stays float32, and an integer tensor
# beside a float becomes the default float dtype (NumPy would give float64).


def kind_rank(name: str) -> int:
    """0 for bool, 1 for integers, 2 for floating-point dtype names.

    Examples
    --------
    >>> kind_rank("bool"), kind_rank("int32"), kind_rank("float64")
    (0, 1, 2)
    """
    if name == "bool":
        return 0
    if name.startswith(("int", "uint")):
        return 1
    if name.startswith(("float", "bfloat")):
        return 2
    raise TypeError(f"minigrad has no type promotion for dtype {name!r}")


def promote_types(a: str, b: str) -> str:
    """The dtype two tensor dtypes promote to (PyTorch's ``promote_types``): a higher kind wins
    outright (int64 with float32 is float32), the same kind gives the wider dtype.

    Examples
    --------
    >>> promote_types("int64", "float32"), promote_types("float32", "float64")
    ('float32', 'float64')
    """
    rank_a, rank_b = kind_rank(a), kind_rank(b)
    if rank_a != rank_b:
        return a if rank_a > rank_b else b
    return np.promote_types(a, b).name


def _scalar_dtype(value: bool | int | float) -> str:
    if isinstance(value, bool):
        return "bool"
    return "int64" if isinstance(value, int) else get_default_dtype()


def _join(a: str | None, b: str) -> str:
    return b if a is None else promote_types(a, b)


def _combine(higher: str | None, lower: str | None) -> str | None:
    """PyTorch's combine_categories: ``lower`` counts only where its kind ranks higher."""
    if higher is None:
        return lower
    if lower is None or kind_rank(lower) <= kind_rank(higher):
        return higher
    return promote_types(higher, lower)


def result_type(*operands: Any) -> str:
    """The dtype PyTorch gives an op on ``operands`` (tensors, arrays or Python numbers).

    Examples
    --------
    >>> import minigrad
    >>> result_type(minigrad.tensor([True, False]), 1)
    'int64'
    >>> result_type(minigrad.tensor([1, 2]), 0.5)
    'float32'
    >>> result_type(minigrad.ones(2), minigrad.tensor(1.0, dtype="float64"))
    'float32'
    """
    dims = zeros = numbers = None
    for value in operands:
        if isinstance(value, (bool, int, float)):
            numbers = _join(numbers, _scalar_dtype(value))
        elif value.ndim == 0:
            zeros = _join(zeros, dtype_name(value.dtype))
        else:
            dims = _join(dims, dtype_name(value.dtype))
    result = _combine(dims, _combine(zeros, numbers))
    if result is None:
        raise TypeError("result_type() needs at least one operand")
    return result
