"""Regression losses: :func:`mse_loss`, :func:`l1_loss`, :func:`huber_loss` and
:func:`smooth_l1_loss`. Input and target must have one shape (no silent broadcasting)."""

from __future__ import annotations

from typing import Any

from minigrad import ShapeError, Tensor, where
from nn.functional._common import (
    as_data_beside,
    check_reduction,
    check_same_shape,
    reduce_losses,
)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error (input − target)², reduced by ``reduction``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.mse_loss(minigrad.tensor([1.0, 3.0]), minigrad.tensor([0.0, 1.0])).item()
    2.5
    """
    check_reduction(reduction, "mse_loss")
    target = as_data_beside(target, input)
    check_same_shape(input, target, "mse_loss")
    diff = input - target
    return reduce_losses(diff * diff, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """|input − target|, reduced; gradient sign(input − target) (0 at equality, as PyTorch).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.l1_loss(minigrad.tensor([1.0, 3.0]), minigrad.tensor([0.0, 1.0])).item()
    1.5
    """
    check_reduction(reduction, "l1_loss")
    target = as_data_beside(target, input)
    check_same_shape(input, target, "l1_loss")
    return reduce_losses((input - target).abs(), reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """½d² where |d| < delta, else delta·(|d| − ½delta), with d = input − target.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.huber_loss(minigrad.tensor([0.5, 3.0]), minigrad.zeros(2), reduction="none").tolist()
    [0.125, 2.5]
    """
    check_reduction(reduction, "huber_loss")
    if delta <= 0:
        raise ShapeError(f"huber_loss needs delta > 0, got {delta}")
    return reduce_losses(_huber(input, target, delta, "huber_loss"), reduction)


def smooth_l1_loss(
    input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """huber_loss / beta: ½d²/beta where |d| < beta, else |d| − ½beta (|d| when beta = 0).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.smooth_l1_loss(minigrad.tensor([0.5, 3.0]), minigrad.zeros(2), reduction="none").tolist()
    [0.125, 2.5]
    """
    check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise ShapeError(f"smooth_l1_loss needs beta >= 0, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction)
    return reduce_losses(_huber(input, target, beta, "smooth_l1_loss") / beta, reduction)


def _huber(input: Tensor, target: Any, delta: float, who: str) -> Tensor:
    target = as_data_beside(target, input)
    check_same_shape(input, target, who)
    diff = input - target
    size = diff.abs()
    return where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))
