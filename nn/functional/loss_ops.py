"""The losses' own ops, each one graph node with a hand-written backward.

:class:`NLLLossOp` and :class:`CrossEntropyOp` work on ``(M, C)`` rows of class scores (the
functions in :mod:`.classification` bring any input to that form); :class:`BCEWithLogitsOp`
and :class:`BCEOp` are element-wise, so they only state their local gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import Elementwise, Op, Tensor, backend, where
from minigrad.ops import sigmoid_array


def _targets(xp: Any, ids: Any, ignore_index: int | None, dtype: Any) -> tuple[Any, Any, Any]:
    """Safe column ids, the ``(M,)`` 1/0 mask of counted rows, and their count.

    Ignored rows point at class 0 with weight 0. With ``ignore_index=None`` (no row is
    ignored, the usual case) the mask is ``None`` and the count is M. Gathering and scattering
    one column per row (:func:`minigrad.backend.take_along_rows`, ``add_along_rows``) touches
    M numbers, where a ``(M, C)`` one-hot mask would build, multiply and sum M·C of them.
    """
    if ignore_index is None:
        return ids, None, ids.shape[0]
    counted = ids != ignore_index
    kept = xp.astype(counted, dtype)
    return xp.where(counted, ids, xp.zeros_like(ids)), kept, backend.sum(kept)


def _at_least_one(xp: Any, count: Any) -> Any:
    """``count``, or 1 where it is 0, so dividing by it never makes inf or NaN."""
    if isinstance(count, int):
        return max(count, 1)
    return xp.where(count == 0, xp.ones_like(count), count)


def _masked(values: Any, kept: Any) -> Any:
    """``values`` with the ignored rows zeroed (nothing to do when none is ignored)."""
    return values if kept is None else values * kept


class RowsLossOp(Op):
    """Shared state of the ``(M, C)``-rows losses: the reduction and the ignored class id."""

    params = ("reduction", "ignore_index")

    def __init__(self, reduction: str, ignore_index: int | None) -> None:
        self.reduction = reduction
        self.ignore_index = ignore_index

    def _reduce(self, xp: Any, losses: Any, count: Any) -> Any:
        if self.reduction == "none":
            return losses
        total = backend.sum(losses)
        if self.reduction != "mean":
            return total
        mean = total / _at_least_one(xp, count)
        # no row counted (all ignored, or none at all): NaN, as PyTorch's mean of nothing
        if isinstance(count, int):
            return mean if count else xp.full_like(mean, float("nan"))
        return xp.where(count == 0, xp.full_like(mean, float("nan")), mean)

    def _row_scale(self, xp: Any, grad: Any, kept: Any, count: Any) -> Any:
        """``(M,)`` factor of each row's gradient: upstream (÷ count for mean), 0 if ignored.

        With no row counted every row's factor is 0, as in PyTorch: a loss over nothing sends
        no gradient (never NaN, which the next optimizer step would spread everywhere).
        """
        scaled = grad / _at_least_one(xp, count) if self.reduction == "mean" else grad
        if kept is None:
            return scaled
        # where, not × kept: the upstream of a loss over nothing is NaN (that loss is NaN, and
        # whatever follows it passes NaN on), and NaN × 0 would still be NaN.
        return xp.where(kept != 0, scaled, xp.zeros_like(kept))


class NLLLossOp(RowsLossOp):
    """Negative log-likelihood of class ids over rows of ``(M, C)`` log-probabilities.

    One node with a direct backward: each row's picked entry gets −upstream (divided by the
    number of counted rows for ``mean``); ignored rows get nothing.
    """

    name, symbol = "nll_loss", "NLL"
    linear_in = (0,)
    rule = "nll: the target class of each row gets −upstream (÷ count for mean), others 0"
    local_rules = ("−upstream at each row's target entry of {0}, 0 elsewhere", "none: targets")

    def forward(self, logp: Any, target: Any) -> Any:
        xp = backend.namespace(logp)
        safe, kept, count = _targets(xp, target, self.ignore_index, logp.dtype)
        self.saved = (safe, kept, count, tuple(logp.shape))
        return self._reduce(xp, -_masked(backend.take_along_rows(logp, safe), kept), count)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        safe, kept, count, shape = self.saved
        xp = backend.namespace(grad)
        dlogp = xp.zeros(shape, dtype=grad.dtype)
        return (backend.add_along_rows(dlogp, safe, -self._row_scale(xp, grad, kept, count)), None)


class CrossEntropyOp(RowsLossOp):
    """Cross-entropy of class ids over rows of ``(M, C)`` logits: log-softmax and NLL in one.

    Forward is the stable log-softmax (shifted by each row's max) and the picked −log p;
    backward is the textbook (softmax − one_hot) × upstream (÷ count for ``mean``), with
    ignored rows getting nothing. Composing ``log_softmax`` and ``nll_loss`` gives the same
    numbers with two nodes, a full ``(M, C)`` gradient between them and twice the checks.
    """

    name, symbol = "cross_entropy", "CE"
    rule = (
        "cross-entropy: each row's logits get upstream × (softmax − one_hot(target)) "
        "(÷ count for mean); ignored rows get 0"
    )
    local_rules = ("upstream × (softmax({0}) − one_hot({1}))", "none: targets")

    def forward(self, logits: Any, target: Any) -> Any:
        xp = backend.namespace(logits)
        shifted = logits - backend.max(logits, axis=1, keepdims=True)
        safe, kept, count = _targets(xp, target, self.ignore_index, logits.dtype)
        picked = backend.take_along_rows(shifted, safe)  # gathered before exp overwrites it
        # on NumPy exp in place: one (M, C) array fewer to allocate and fill
        exp = np.exp(shifted, out=shifted) if xp is np else xp.exp(shifted)
        sums = backend.sum(exp, axis=1)
        self.saved = (exp, sums, safe, kept, count)
        losses = xp.log(sums) - picked
        return self._reduce(xp, _masked(losses, kept), count)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        exp, sums, safe, kept, count = self.saved
        xp = backend.namespace(exp)
        scale = self._row_scale(xp, grad, kept, count)
        dlogits = exp * backend.reshape(scale / sums, (-1, 1))  # softmax × upstream per row
        return (backend.add_along_rows(dlogits, safe, -scale), None)  # − one_hot × upstream

    def backward_graph(self, grad: Tensor, inputs: tuple[Tensor, ...], output: Tensor) -> Any:
        """The same rule with Tensor ops, for higher-order gradients: (softmax − one_hot) × s."""
        exp, _sums, safe, kept, count = self.saved
        xp = backend.namespace(exp)
        scale = self._row_scale(xp, grad, kept, count)
        one_hot = backend.add_along_rows(
            xp.zeros_like(exp), safe, xp.ones_like(safe, dtype=exp.dtype)
        )
        return ((inputs[0].softmax(axis=1) - one_hot) * scale.reshape(-1, 1), None)


class WeightedMeanOp(Op):
    """``loss_sum / total`` for a weighted mean, NaN when ``total`` is 0 (nothing counted, as
    PyTorch's mean of nothing) with a zero gradient then, even when the upstream is NaN (the
    NaN of this very loss passed on by whatever follows it)."""

    name, symbol = "weighted_mean", "÷Σw"
    rule = "weighted mean: the sum gets upstream / Σw (0 when Σw = 0)"
    local_rules = ("upstream / Σw, or 0 when nothing is counted",)

    def __init__(self, total: Any) -> None:
        self.total = total

    def forward(self, loss_sum: Any) -> Any:
        xp = backend.namespace(loss_sum)
        empty = self.total == 0
        self.saved = (empty, xp.where(empty, xp.ones_like(self.total), self.total))
        return xp.where(empty, xp.full_like(loss_sum, float("nan")), loss_sum / self.saved[1])

    def backward(self, grad: Any) -> tuple[Any, ...]:
        empty, safe = self.saved
        xp = backend.namespace(grad)
        return (xp.where(empty, xp.zeros_like(grad), grad / safe),)

    def backward_graph(self, grad: Tensor, inputs: tuple[Tensor, ...], output: Tensor) -> Any:
        empty, safe = self.saved
        return (where(Tensor.from_array(empty), 0.0, grad / Tensor.from_array(safe)),)


class BCEWithLogitsOp(Elementwise):
    """Element-wise max(x, 0) − x·y + log(1 + e^−|x|); backward σ(x) − y and −x."""

    name, symbol = "bce_with_logits", "BCE"
    rule = "bce with logits: logit gets upstream × (σ(x) − y), target gets upstream × (−x)"

    def forward(self, x: Any, y: Any) -> Any:
        xp = backend.namespace(x)
        self.saved = (x, y)
        # This form never exponentiates a positive number, so nothing overflows.
        return xp.maximum(x, 0) - x * y + xp.log1p(xp.exp(-xp.abs(x)))

    def local_grads(self) -> tuple[Any, ...]:
        x, y = self.saved
        return (
            sigmoid_array(x) - y if self.needs[0] else None,
            -x if self.needs[1] else None,
        )


_BCE_EPS = float(np.float32(1e-12))
"""PyTorch's guard on p(1 − p) in the BCE gradient: 1e-12 as a float32 (≈ 0.99999999600e-12)."""


class BCEOp(Elementwise):
    """Element-wise −[y·log p + (1 − y)·log(1 − p)] with each log clamped at −100."""

    name, symbol = "binary_cross_entropy", "BCE"
    rule = "bce: p gets upstream × (p − y) / max(p(1 − p), 1e-12), y gets × (log(1−p) − log p)"

    def forward(self, p: Any, y: Any) -> Any:
        xp = backend.namespace(p)
        with np.errstate(divide="ignore"):  # log 0 = −inf, clamped just below
            log_p = xp.maximum(xp.log(p), xp.full_like(p, -100.0))
            log_q = xp.maximum(xp.log(1 - p), xp.full_like(p, -100.0))
        self.saved = (p, y, log_p, log_q)
        return -(y * log_p + (1 - y) * log_q)

    def local_grads(self) -> tuple[Any, ...]:
        p, y, log_p, log_q = self.saved
        xp = backend.namespace(p)
        spread = xp.maximum(p * (1 - p), xp.full_like(p, _BCE_EPS))
        return (
            (p - y) / spread if self.needs[0] else None,
            log_q - log_p if self.needs[1] else None,
        )
