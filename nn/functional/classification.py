"""Class-id losses: :func:`nll_loss` and :func:`cross_entropy`.

The usual case (integer targets, no class weights, no label smoothing) runs one op of
:mod:`.loss_ops`; class weights, label smoothing and probability targets are composed from
``log_softmax`` with PyTorch's formulas, including its weighted means.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import IndexOutOfRangeError, ShapeError, Tensor, apply, backend
from nn.functional._common import as_data_beside, check_reduction
from nn.functional.loss_ops import CrossEntropyOp, NLLLossOp, RowsLossOp, WeightedMeanOp


def _class_last(x: Tensor, axis: int, who: str) -> tuple[Tensor, tuple[int, ...]]:
    """Move the class axis of ``x`` last and flatten the rest: ``(M, C)`` and the rest's shape."""
    if x.ndim < 1:
        raise ShapeError(f"{who}: input must have a class axis, got a 0-d tensor")
    if x.ndim == 1:
        return x.reshape(1, -1), (1,)
    axis %= x.ndim
    if axis != x.ndim - 1:
        order = [a for a in range(x.ndim) if a != axis] + [axis]
        x = x.permute(*order)
    rest = tuple(x.shape[:-1])
    # (M, C) with the classes last is the common case: a reshape to itself would be one more
    # graph node for nothing.
    return (x if x.ndim == 2 else x.reshape(-1, x.shape[-1])), rest


def _check_target(
    target: Tensor,
    rest: tuple[int, ...],
    classes: int,
    ignore_index: int,
    input_shape: tuple[int, ...],
    who: str,
) -> bool:
    """Raise on a bad target; return whether any position holds ``ignore_index``."""
    name = backend.dtype_name(target.dtype)
    if not name.startswith(("int", "uint")):
        raise TypeError(
            f"{who}: target must hold integer class indices, got dtype {name}; convert it "
            "with target.to('int64') (for probabilities or 0/1 labels use "
            "binary_cross_entropy_with_logits)"
        )
    expected = rest if len(input_shape) > 1 else ()
    if tuple(target.shape) != expected:
        raise ShapeError(
            f"{who}: target shape {tuple(target.shape)} does not match input shape "
            f"{input_shape} without its class axis, {expected}; for (T, B, C) logits with "
            "(T, B) targets pass axis=-1"
        )
    ids = backend.to_numpy(target.array)
    if ids.size and ids.min() >= 0 and ids.max() < classes:
        # the usual case, without building masks of the bad ids
        return 0 <= ignore_index < classes and bool((ids == ignore_index).any())
    ignored = ids == ignore_index
    bad = ids[~ignored & ((ids < 0) | (ids >= classes))]
    if bad.size:
        raise IndexOutOfRangeError(
            f"{who}: target class ids must be in [0, {classes}) (or ignore_index="
            f"{ignore_index}); found {sorted(set(bad.tolist()))[:5]}"
        )
    return bool(ignored.any())


def _classify(
    op_type: type[RowsLossOp],
    input: Tensor,
    target: Any,
    ignore_index: int,
    reduction: str,
    axis: int,
    who: str,
) -> Tensor:
    """Run a ``(M, C)``-rows loss op on ``input`` with the classes on ``axis``.

    The shared front of :func:`nll_loss` and :func:`cross_entropy`: checks and flattening to
    rows (the op skips ``ignore_index`` rows), then the ``none`` output reshaped to the
    target's shape.
    """
    check_reduction(reduction, who)
    flat, rest = _class_last(input, axis, who)
    target = as_data_beside(target, input)
    classes = flat.shape[1]
    ignores = _check_target(target, rest, classes, ignore_index, tuple(input.shape), who)
    op = op_type(reduction, ignore_index if ignores else None)
    # Targets carry no gradient: flatten the array itself rather than add a graph node.
    out = apply(op, flat, Tensor.from_array(backend.reshape(target.array, (-1,))))
    if reduction != "none":
        return out
    shape = rest if input.ndim > 1 else ()
    return out if tuple(out.shape) == shape else out.reshape(shape)


def nll_loss(
    log_probs: Tensor,
    target: Any,
    ignore_index: int = -100,
    reduction: str = "mean",
    axis: int = 1,
    weight: Any = None,
) -> Tensor:
    """Negative log-likelihood of integer class ``target`` under ``log_probs``.

    Parameters
    ----------
    log_probs : Tensor
        Log-probabilities with the classes on ``axis`` (see the module notes on shapes).
    target : Tensor or array-like of int
        Class ids, the shape of ``log_probs`` without the class axis.
    ignore_index : int
        Positions with this target add nothing and are not counted by ``mean``.
    reduction : {"mean", "sum", "none"}
        ``mean`` averages over the counted positions; ``none`` returns the target's shape.
    axis : int
        The class axis: 1 (PyTorch) or −1 for ``(T, B, C)``.
    weight : Tensor or array-like, optional
        A ``(C,)`` weight per class: each position's loss is scaled by its target's weight,
        and ``mean`` divides by the sum of those weights (PyTorch's weighted mean).

    Returns
    -------
    Tensor
        A scalar, or per-position losses of the target's shape for ``reduction="none"``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> logp = minigrad.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> F.nll_loss(logp, [0, 1], reduction="none").tolist()
    [0.5, 0.1]
    """
    if weight is not None:
        return _weighted_nll(log_probs, target, weight, ignore_index, reduction, axis, "nll_loss")
    return _classify(NLLLossOp, log_probs, target, ignore_index, reduction, axis, "nll_loss")


def cross_entropy(
    logits: Tensor,
    target: Any,
    ignore_index: int = -100,
    reduction: str = "mean",
    axis: int = 1,
    weight: Any = None,
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of integer class ``target`` under unnormalised ``logits``.

    Equal to ``nll_loss(log_softmax(logits))`` but one graph node (:class:`CrossEntropyOp`)
    whose backward is softmax − one_hot; the log-softmax is shifted by each row's max, so
    large logits do not overflow. Shapes, ``ignore_index``, ``reduction`` and ``axis`` are as
    in :func:`nll_loss`.

    Parameters
    ----------
    logits : Tensor
        Unnormalised scores with the classes on ``axis``.
    target : Tensor or array-like of int
        Class ids, the shape of ``logits`` without the class axis.
    ignore_index : int
        Positions with this target add nothing and are not counted by ``mean``.
    reduction : {"mean", "sum", "none"}
        ``mean`` averages over the counted positions; ``none`` returns the target's shape.
    axis : int
        The class axis: 1 (PyTorch) or −1 for ``(T, B, C)``.
    weight : Tensor or array-like, optional
        A ``(C,)`` weight per class, as in :func:`nll_loss`.
    label_smoothing : float
        ε in [0, 1]: the target becomes (1 − ε)·one_hot + ε/C. ``target`` may also hold
        class probabilities, the shape of ``logits``.

    Returns
    -------
    Tensor
        A scalar, or per-position losses of the target's shape for ``reduction="none"``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> logits = minigrad.tensor([[1000.0, 0.0], [0.0, 0.0]])
    >>> F.cross_entropy(logits, [0, 1], reduction="none").tolist()
    [0.0, 0.6931]

    A character model's ``(T, B, C)`` output against ``(T, B)`` targets:

    >>> out = minigrad.zeros(5, 2, 3)
    >>> round(F.cross_entropy(out, minigrad.zeros(5, 2, dtype="int64"), axis=-1).item(), 4)
    1.0986
    """
    if weight is not None or label_smoothing or _holds_probabilities(target, logits):
        return _soft_cross_entropy(
            logits, target, ignore_index, reduction, axis, weight, label_smoothing
        )
    return _classify(CrossEntropyOp, logits, target, ignore_index, reduction, axis, "cross_entropy")


def _holds_probabilities(target: Any, logits: Tensor) -> bool:
    """True when ``target`` is floating point with the logits' shape: class probabilities."""
    if isinstance(target, Tensor):
        dtype, shape = target.dtype, tuple(target.shape)
    else:
        array = np.asarray(backend.to_numpy(target) if hasattr(target, "shape") else target)
        dtype, shape = array.dtype, array.shape
    return backend.is_floating(dtype) and shape == tuple(logits.shape)


def _rows(x: Tensor, target: Any, ignore_index: int, axis: int, who: str) -> tuple:
    """``x`` as ``(M, C)`` rows, the ``(M,)`` safe target ids, the kept mask, ``rest``."""
    flat, rest = _class_last(x, axis, who)
    target = as_data_beside(target, x)
    _check_target(target, rest, flat.shape[1], ignore_index, tuple(x.shape), who)
    xp = backend.namespace(flat.array)
    ids = backend.reshape(target.array, (-1,))
    kept = ids != ignore_index
    safe = xp.where(kept, ids, xp.zeros_like(ids))
    return flat, safe, xp.astype(kept, flat.dtype), rest


def _weighted_nll(
    log_probs: Tensor,
    target: Any,
    weight: Any,
    ignore_index: int,
    reduction: str,
    axis: int,
    who: str,
) -> Tensor:
    """−w[y]·log p[y] per position; ``mean`` divides by Σ w[y] over the counted positions."""
    check_reduction(reduction, who)
    flat, safe, kept, rest = _rows(log_probs, target, ignore_index, axis, who)
    losses, row_weights = _picked(flat, safe, kept, _class_weights(weight, flat, who))
    return _weighted_reduce(losses, row_weights, reduction, rest, log_probs.ndim)


def _class_weights(weight: Any, rows: Tensor, who: str) -> Tensor:
    """``weight`` as a ``(C,)`` tensor beside ``rows``; all ones when ``None``."""
    classes = rows.shape[1]
    if weight is None:
        return Tensor.from_array(backend.namespace(rows.array).ones((classes,), dtype=rows.dtype))
    weight = as_data_beside(weight, rows)
    if tuple(weight.shape) != (classes,):
        raise ShapeError(f"{who}: weight must have one entry per class, shape ({classes},)")
    return weight


def _picked(logp: Tensor, safe: Any, kept: Any, weight: Tensor) -> tuple[Tensor, Tensor]:
    """Each row's −w[y]·logp[y] (0 for ignored rows) and the rows' weights w[y] (0 if ignored)."""
    xp = backend.namespace(logp.array)
    row_weights = Tensor.from_array(xp.take(weight.array, safe, axis=0) * kept)
    picked = logp.gather(1, backend.reshape(safe, (-1, 1))).reshape(-1)
    return -picked * row_weights, row_weights


def _weighted_reduce(
    losses: Tensor, row_weights: Tensor, reduction: str, rest: tuple, ndim: int
) -> Tensor:
    if reduction == "mean":
        # Nothing counted: NaN, as PyTorch's mean of nothing, with a zero gradient (not NaN).
        return apply(WeightedMeanOp(backend.sum(row_weights.array)), losses.sum())
    if reduction == "sum":
        return losses.sum()
    return losses.reshape(rest if ndim > 1 else ())


def _soft_cross_entropy(
    logits: Tensor,
    target: Any,
    ignore_index: int,
    reduction: str,
    axis: int,
    weight: Any,
    label_smoothing: float,
) -> Tensor:
    """Cross-entropy with class weights, label smoothing or probability targets, composed
    from log_softmax (PyTorch's formulas, including its weighted means)."""
    who = "cross_entropy"
    check_reduction(reduction, who)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ShapeError(f"{who}: label_smoothing must be in [0, 1], got {label_smoothing}")
    if _holds_probabilities(target, logits):
        flat, rest = _class_last(logits, axis, who)
        weighted = flat.log_softmax(axis=-1) * _class_weights(weight, flat, who)
        probs, _ = _class_last(as_data_beside(target, logits), axis, who)
        probs = probs * (1 - label_smoothing) + label_smoothing / flat.shape[1]
        losses = -(probs * weighted).sum(axis=1)
        if reduction == "none":
            return losses.reshape(rest if logits.ndim > 1 else ())
        return losses.mean() if reduction == "mean" else losses.sum()
    flat, safe, kept, rest = _rows(logits, target, ignore_index, axis, who)
    logp = flat.log_softmax(axis=-1)
    weight = _class_weights(weight, flat, who)
    losses, row_weights = _picked(logp, safe, kept, weight)
    if label_smoothing:
        smooth = -(logp * weight).sum(axis=1) * Tensor.from_array(kept) / flat.shape[1]
        losses = losses * (1 - label_smoothing) + smooth * label_smoothing
    return _weighted_reduce(losses, row_weights, reduction, rest, logits.ndim)
