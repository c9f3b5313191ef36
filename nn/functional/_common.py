"""What the losses share: the reduction check and reduction, the shape check, and targets,
weights and other values as tensors beside the input."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad
from minigrad import ShapeError, Tensor, backend

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(reduction: str, who: str) -> None:
    """Raise a ValueError naming ``who`` unless ``reduction`` is one of :data:`REDUCTIONS`."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {REDUCTIONS}, got {reduction!r}")


def reduce_losses(losses: Tensor, reduction: str) -> Tensor:
    """``losses`` averaged (``mean``), summed (``sum``) or as they are (``none``)."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def check_same_shape(input: Tensor, target: Tensor, who: str) -> None:
    """Raise a ValueError naming ``who`` unless ``input`` and ``target`` have one shape."""
    if tuple(input.shape) != tuple(target.shape):
        raise ShapeError(
            f"{who}: input shape {tuple(input.shape)} and target shape "
            f"{tuple(target.shape)} differ; reshape one so they match (no silent broadcasting)"
        )


def as_data_beside(value: Any, like: Tensor) -> Tensor:
    """``value`` (a target, a weight) as a Tensor on ``like``'s backend and device.

    Tensors and arrays go through :func:`minigrad.as_tensor` with ``like=``. Python numbers,
    lists and tuples are data here, not operands: an int stays an integer class id (where
    ``as_tensor(1, like=logits)`` would give a float, as ``logits + 1`` does), and floats take
    the input's dtype.
    """
    if isinstance(value, (bool, int, float, list, tuple)):
        value = np.asarray(value)
        if value.dtype.kind == "f":
            value = value.astype(backend.dtype_name(like.dtype))
    return minigrad.as_tensor(value, like=like)
