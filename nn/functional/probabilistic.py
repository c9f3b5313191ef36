"""Losses between probabilities: binary cross-entropy (of logits or of probabilities) and
the KL divergence."""

from __future__ import annotations

from typing import Any

from minigrad import ShapeError, Tensor, apply, backend, ops, where
from nn.functional._common import (
    REDUCTIONS,
    as_data_beside,
    check_reduction,
    check_same_shape,
    reduce_losses,
)
from nn.functional.loss_ops import BCEOp, BCEWithLogitsOp


def binary_cross_entropy_with_logits(
    logits: Tensor, target: Any, reduction: str = "mean", weight: Any = None, pos_weight: Any = None
) -> Tensor:
    """Binary cross-entropy of probabilities ``target`` under ``sigmoid(logits)``, stable.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> x = minigrad.tensor([0.0, 100.0, -100.0])
    >>> F.binary_cross_entropy_with_logits(x, minigrad.tensor([1.0, 1.0, 0.0]),
    ...                                    reduction="none").tolist()
    [0.6931, 0.0, 0.0]
    """
    check_reduction(reduction, "binary_cross_entropy_with_logits")
    target = as_data_beside(target, logits)
    check_same_shape(logits, target, "binary_cross_entropy_with_logits")
    if not backend.is_floating(target.dtype):
        target = target.to(backend.dtype_name(logits.dtype))
    if weight is not None or pos_weight is not None:
        losses = _weighted_bce_with_logits(logits, target, weight, pos_weight)
        return reduce_losses(losses, reduction)
    return reduce_losses(apply(BCEWithLogitsOp(), logits, target), reduction)


def _weighted_bce_with_logits(
    logits: Tensor, target: Tensor, weight: Any, pos_weight: Any
) -> Tensor:
    """(1 − y)·x − (1 + (pw − 1)·y)·log σ(x), times ``weight`` (PyTorch's stable form)."""
    log_sigmoid = apply(ops.LogSigmoid(), logits)
    if pos_weight is None:
        losses = (1 - target) * logits - log_sigmoid
    else:
        scale = 1 + (as_data_beside(pos_weight, logits) - 1) * target
        losses = (1 - target) * logits - scale * log_sigmoid
    return losses if weight is None else losses * as_data_beside(weight, logits)


def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """−[y·log p + (1 − y)·log(1 − p)] of probabilities ``input``; each log is clamped at
    −100, as PyTorch does, so p = 0 or 1 gives a finite loss.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> p = minigrad.tensor([0.5, 1.0])
    >>> [round(v, 4) for v in F.binary_cross_entropy(p, [1.0, 0.0], reduction="none").tolist()]
    [0.6931, 100.0]
    """
    check_reduction(reduction, "binary_cross_entropy")
    target = as_data_beside(target, input)
    check_same_shape(input, target, "binary_cross_entropy")
    probs = backend.to_numpy(input.array)
    if probs.size and (probs.min() < 0 or probs.max() > 1):
        raise ShapeError(
            "binary_cross_entropy: input must hold probabilities in [0, 1]; for logits use "
            "binary_cross_entropy_with_logits"
        )
    if not backend.is_floating(target.dtype):
        target = target.to(backend.dtype_name(input.dtype))
    losses = apply(BCEOp(), input, target)
    if weight is not None:
        losses = losses * as_data_beside(weight, input)
    return reduce_losses(losses, reduction)


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence with ``input`` as log-probabilities: target·(log target − input),
    0 where target = 0. ``reduction="batchmean"`` divides the sum by the batch size (the
    mathematically right one; ``"mean"`` averages over every element, as PyTorch does).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> logq = minigrad.tensor([[0.5, 0.5]]).log()
    >>> round(F.kl_div(logq, [[1.0, 0.0]], reduction="batchmean").item(), 4)
    0.6931
    """
    if reduction not in (*REDUCTIONS, "batchmean"):
        raise ShapeError(
            f"kl_div: reduction must be one of {(*REDUCTIONS, 'batchmean')}, got {reduction!r}"
        )
    target = as_data_beside(target, input)
    check_same_shape(input, target, "kl_div")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        positive = target > 0
        safe_log = where(positive, target, 1.0).log()
        losses = where(positive, target * (safe_log - input), 0.0)
    if reduction == "batchmean":
        return losses.sum() / (input.shape[0] if input.ndim else 1)
    return reduce_losses(losses, reduction)
