"""The fused Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh), and its BPTT.

``act`` is tanh or ReLU (PyTorch's), or the lectures' identity (the linear recursion
h_t = W h_{t−1} + …) and sigmoid. Backward needs act′ of every step, which depends on the
forward pass only, so it is computed for all steps at once from the outputs before the loop.
"""

from __future__ import annotations

from typing import Any

from minigrad.kernels import Kernels, kernels
from nn.recurrent.fused.base import (
    FusedInputs,
    FusedRecurrence,
    SlabLayout,
    StepSink,
    copied,
    half_to_sigmoid_,
    transposed,
)

NONLINEARITIES = ("tanh", "relu", "identity", "sigmoid")
"""The RNN's nonlinearities, for the fused and the composed form alike."""


class FusedRNN(FusedRecurrence):
    """Elman RNN over a sequence, one graph node, hand-derived BPTT."""

    kind = "rnn"

    def __init__(
        self,
        hidden_size: int,
        reverse: bool = False,
        bias: bool = True,
        nonlinearity: str = "tanh",
        sink: StepSink | None = None,
    ) -> None:
        super().__init__(hidden_size, reverse, bias, False, sink)
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")
        self.nonlinearity = nonlinearity

    def _activation(self, k: Kernels) -> Any:
        """``act_(h)`` applying the nonlinearity in place, or ``None`` for the identity."""
        if self.nonlinearity == "relu":
            return lambda h: k.maximum(h, 0, out=h)
        if self.nonlinearity == "sigmoid":

            def sigmoid_(h: Any) -> None:
                h *= 0.5
                k.tanh(h, out=h)
                half_to_sigmoid_(h)

            return sigmoid_
        return None

    def steps_forward(self, xp: Any, inputs: FusedInputs, layout: SlabLayout, out: Any) -> None:
        k = kernels(xp)
        bias = None if inputs.b_ih is None else inputs.b_ih + inputs.b_hh
        pre = self.project(xp, k, inputs.x, inputs.w_ih, bias, None)
        w_hh_t = transposed(xp, inputs.w_hh)
        tmp = xp.empty(out.shape[1:], dtype=out.dtype)
        tanh = self.nonlinearity == "tanh"  # the common case, called inline: no frame per step
        act_ = None if tanh else self._activation(k)
        for t in layout.order():
            h = out[t + layout.offset, ...]
            k.matmul(out[t + layout.prev_offset, ...], w_hh_t, out=tmp)
            k.add(pre[t, ...], tmp, out=h)
            if tanh:
                k.tanh(h, out=h)
            elif act_ is not None:
                act_(h)
            if self.sink is not None:
                self.sink.forward_step(t, copied(xp, {"h": h}))
        self.saved = (inputs, layout, out)

    def _local_grads(self, xp: Any, k: Kernels, hs: Any) -> Any:
        """act′ of every step at once, from the outputs h = act(pre)."""
        if self.nonlinearity == "relu":
            return xp.astype(hs > 0, hs.dtype)
        local = self.buffer(xp, tuple(hs.shape), hs.dtype)
        if self.nonlinearity == "identity":
            local[...] = 1.0
        elif self.nonlinearity == "sigmoid":  # σ′ = h(1 − h)
            k.sub(1.0, hs, out=local)
            local *= hs
        else:  # tanh′ = 1 − h²
            k.mul(hs, hs, out=local)
            k.sub(1.0, local, out=local)
        return local

    def steps_backward(self, xp: Any, grad: Any) -> tuple[Any, ...]:
        k = kernels(xp)
        inputs, layout, out = self.saved
        # dpre starts as the local gradients; step t overwrites its slab with upstream × local
        dpre = self._local_grads(xp, k, out[layout.outputs, ...])
        dh_next = xp.zeros(out.shape[1:], dtype=out.dtype)
        dh = xp.empty_like(dh_next)
        for t in reversed(layout.order()):
            d = dpre[t, ...]
            k.add(grad[t, ...], dh_next, out=dh)
            if self.sink is not None:
                self.sink.backward_step(t, copied(xp, {"h": dh}))
            k.mul(dh, d, out=d)
            k.matmul(d, inputs.w_hh, out=dh_next)
        grads = self.weight_grads(xp, inputs, dpre, dpre, out[layout.h_prev, ...])
        grads["h0"] = dh_next
        return self.in_order(inputs, grads)
