"""The default floating-point dtype (float32, like PyTorch; float64 on request)."""

from __future__ import annotations

from typing import Any

from minigrad.backend import dtype_name

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
