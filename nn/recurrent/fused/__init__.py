"""Fused forms: one graph node per sequence and layer-direction, with a hand-derived BPTT.

One file per cell kind (:mod:`.rnn`, :mod:`.lstm`, :mod:`.gru`) holds a step's forward and
backward maths; :mod:`.base` holds what they share. :func:`run_fused` is the entry point the
modules use.
"""

from __future__ import annotations

from collections.abc import Sequence

from minigrad import Tensor, apply, scope
from minigrad.ops import GetItem
from nn.recurrent.fused.base import FusedInputs, FusedRecurrence, SlabLayout, StepSink
from nn.recurrent.fused.gru import FusedGRU
from nn.recurrent.fused.lstm import FusedLSTM
from nn.recurrent.fused.rnn import FusedRNN


def make_op(
    kind: str,
    hidden: int,
    *,
    reverse: bool = False,
    bias: bool = True,
    peephole: bool = False,
    nonlinearity: str = "tanh",
    reset_after: bool = True,
    sink: StepSink | None = None,
) -> FusedRecurrence:
    """The fused op for ``kind`` ("rnn", "lstm" or "gru") with its options."""
    if kind == "rnn":
        return FusedRNN(hidden, reverse, bias, nonlinearity, sink)
    if kind == "gru":
        return FusedGRU(hidden, reverse, bias, reset_after, sink)
    return FusedLSTM(hidden, reverse, bias, peephole, sink)


def run_fused(
    kind: str,
    x: Tensor,
    h0: Tensor,
    c0: Tensor | None,
    weights: Sequence[Tensor],
    *,
    state_axis: bool = False,
    **options: object,
) -> tuple[Tensor, Tensor, Tensor | None]:
    """Run one layer-direction over ``x (T, B, in)`` as one fused op.

    ``weights`` are ``w_ih, w_hh[, b_ih, b_hh][, w_ci, w_cf, w_co]``; ``options`` go to
    :func:`make_op`. Returns ``(output (T, B, H), h_n (B, H), c_n (B, H) or None)``; with
    ``state_axis`` the states keep a leading axis, ``(1, B, H)``, as the layers'
    ``(L·D, B, H)`` states need: slicing them so is free, where stacking would cost an op.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.randn(5, 2, 3)
    >>> h0 = c0 = minigrad.zeros(2, 4)
    >>> w = [minigrad.randn(16, 3, requires_grad=True), minigrad.randn(16, 4, requires_grad=True)]
    >>> y, h, c = run_fused("lstm", x, h0, c0, w, bias=False)
    >>> y.shape, h.shape, c.shape
    ((5, 2, 4), (2, 4), (2, 4))
    """
    op = make_op(kind, h0.shape[-1], **options)  # type: ignore[arg-type]
    inputs = [x, h0] + ([c0] if c0 is not None else []) + list(weights)
    out = apply(op, *inputs)
    layout = op.layout(x.shape[0])
    with scope("outputs"):
        y = _take(out, layout.outputs)
        h_n = layout.h_n if state_axis else layout.h_n.start
        c_n = layout.c_n if state_axis or layout.c_n is None else layout.c_n.start
        return y, _take(out, h_n), None if c_n is None else _take(out, c_n)


def _take(out: Tensor, index: int | slice) -> Tensor:
    """``out[index, ...]`` as a graph node (a ready-made key: no re-parsing per call)."""
    return apply(GetItem((index, Ellipsis)), out)


__all__ = [
    "FusedGRU",
    "FusedInputs",
    "FusedLSTM",
    "FusedRNN",
    "FusedRecurrence",
    "SlabLayout",
    "StepSink",
    "make_op",
    "run_fused",
]
