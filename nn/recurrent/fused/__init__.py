"""Fused forms: one graph node per sequence and layer-direction, with a hand-derived BPTT.

One file per cell kind (:mod:`.rnn`, :mod:`.lstm`, :mod:`.gru`) holds a step's forward and
backward maths; :mod:`.base` holds what they share. :func:`run_fused` is the entry point the
modules use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minigrad import Tensor, apply, backend, scope
from minigrad.backend import reshape
from minigrad.op import Op
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
    y = apply(op, *inputs)  # the outputs (T, B, H): a view of the op's slab
    last = 0 if op.reverse else x.shape[0] - 1  # the output slab that is the final state
    with scope("outputs"):
        h_n = apply(GetItem((slice(last, last + 1) if state_axis else last, Ellipsis)), y)
        c_n = apply(FinalCell(op, state_axis), y) if op.has_cell else None
        return y, h_n, c_n


class FinalCell(Op):
    """The final cell state ``c_n`` of a fused LSTM, read from its slab.

    Its input is the fused op's output ``y`` (so the graph orders it after the fused op and
    before its backward); its backward hands ``∂L/∂c_n`` to the fused op directly and gives
    ``y`` no gradient of its own (zeros), so the fused op's backward always runs.
    """

    name, symbol = "final_cell", "c_n"
    rule = "final cell state: its gradient goes straight to the fused LSTM's backward"
    local_rules = ("zero: ∂L/∂c_n is handed to the fused op",)

    def __init__(self, fused: FusedRecurrence, state_axis: bool) -> None:
        self.fused, self.state_axis = fused, state_axis

    def forward(self, y: Any) -> Any:
        self.saved = (tuple(y.shape),)
        layout = self.fused.layout(y.shape[0])
        assert layout.c_n is not None
        return self.fused.slab[layout.c_n if self.state_axis else layout.c_n.start, ...]

    def backward(self, grad: Any) -> tuple[Any, ...]:
        fused = self.fused
        fused.grad_c_n = reshape(grad, tuple(fused.slab.shape[1:]))
        (y_shape,) = self.saved
        return (backend.namespace(grad).zeros(y_shape, dtype=grad.dtype),)

    def release(self) -> None:
        self.fused = None  # type: ignore[assignment]
        super().release()


__all__ = [
    "FinalCell",
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
