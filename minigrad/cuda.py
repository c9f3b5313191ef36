"""``minigrad.cuda``: whether the GPU backend (CuPy on an NVIDIA GPU) can be used here, with
PyTorch's names, so ``device = "cuda" if minigrad.cuda.is_available() else "cpu"`` works.

Examples
--------
>>> import minigrad
>>> minigrad.cuda.is_available() == (minigrad.cuda.device_count() > 0)
True
"""

from __future__ import annotations

from minigrad import backend

__all__ = ["device_count", "is_available"]


def device_count() -> int:
    """How many CUDA GPUs CuPy sees (0 without CuPy, a driver or a GPU).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.cuda.device_count() >= 0
    True
    """
    try:
        cupy = backend.cupy_module()
    except RuntimeError:
        return 0
    return int(cupy.cuda.runtime.getDeviceCount())


def is_available() -> bool:
    """True when tensors can be put on ``device="cuda"``.

    Examples
    --------
    >>> import minigrad
    >>> isinstance(minigrad.cuda.is_available(), bool)
    True
    """
    return device_count() > 0
