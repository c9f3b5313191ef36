"""The fused LSTM (gates i, f, g, o; optional peepholes) and its hand-derived BPTT.

Forward, per step, with every gate pre-activation of all steps projected before the loop::

    i, f, g, o = σ, σ, tanh, σ  of  (W_i· x + b_i· + W_h· h + b_h· [+ peepholes])
    c = f ⊙ c_prev + i ⊙ g
    h = o ⊙ tanh(c)

Backward, per step, from ∂L/∂h (output plus the next step's) and ∂L/∂c (the next step's)::

    ∂o = ∂h ⊙ tanh(c) ⊙ σ′        ∂c += ∂h ⊙ o ⊙ tanh′(c)
    ∂i = ∂c ⊙ g ⊙ σ′   ∂f = ∂c ⊙ c_prev ⊙ σ′   ∂g = ∂c ⊙ i ⊙ tanh′
    ∂c_prev = ∂c ⊙ f               ∂h_prev = ∂gates @ W_hh

The sigmoid gates' weight rows are pre-scaled by ½ so one ``tanh`` call serves all four gates
(σ(x) = ½·tanh(x/2) + ½). Without peepholes the op keeps its gates in the order i, f, o, g
(the weight rows are permuted as they are scaled, and the weight gradients permuted back), so
the three sigmoid gates are one block: one ``*½ +½`` after the ``tanh`` and one σ′ in backward
serve all three.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from minigrad.backend import asarray_on, reshape
from minigrad.kernels import kernels
from nn.recurrent.fused.base import (
    FusedInputs,
    FusedRecurrence,
    SlabLayout,
    copied,
    gate_slices,
    half_to_sigmoid_,
    scales,
    sigmoid_grad_,
    tanh_grad_,
    transposed,
)

GATES = ("input_gate", "forget_gate", "cell_candidate", "output_gate")


def sigmoids_first(xp: Any, like: Any, hidden: int) -> Any:
    """Row order i, f, o, g of PyTorch's i, f, g, o weight rows (its own inverse)."""
    h = hidden
    order = [*range(2 * h), *range(3 * h, 4 * h), *range(2 * h, 3 * h)]
    return asarray_on(xp, order, like=like)


class FusedLSTM(FusedRecurrence):
    """LSTM over a sequence, one graph node, hand-derived BPTT."""

    kind = "lstm"
    has_cell = True

    def steps_forward(self, xp: Any, inputs: FusedInputs, layout: SlabLayout, out: Any) -> None:
        k = kernels(xp)
        x, peep = inputs.x, inputs.peep
        steps, batch = x.shape[0], x.shape[1]
        hid = self.hidden
        bias = None if inputs.b_ih is None else inputs.b_ih + inputs.b_hh
        w_ih, w_hh = inputs.w_ih, inputs.w_hh
        if peep is None:  # gates i, f, o, g: the sigmoid gates side by side
            order = sigmoids_first(xp, x, hid)
            w_ih, w_hh = xp.take(w_ih, order, axis=0), xp.take(w_hh, order, axis=0)
            bias = None if bias is None else xp.take(bias, order, axis=0)
            scale = scales(xp, x, "ssst", hid)
            s_i, s_f, s_o, s_g = gate_slices(4, hid)
        else:
            scale = scales(xp, x, "ssts", hid)
            s_i, s_f, s_g, s_o = gate_slices(4, hid)
        gates = self.project(xp, k, x, w_ih, bias, scale)
        w_hh_t = transposed(xp, w_hh * reshape(scale, (-1, 1)))
        cells = self.buffer(xp, (steps + 1, batch, hid), x.dtype)
        tanh_c = self.buffer(xp, (steps, batch, hid), x.dtype)
        cells[layout.initial, ...] = inputs.c0
        tmp = xp.empty((batch, 4 * hid), dtype=x.dtype)
        tmp_h = xp.empty((batch, hid), dtype=x.dtype)
        if peep is not None:
            half_ci, half_cf, half_co = (0.5 * w for w in peep)
        for t in layout.order():
            g = gates[t, ...]
            c_prev, c = cells[t + layout.prev_offset, ...], cells[t + layout.offset, ...]
            k.matmul(out[t + layout.prev_offset, ...], w_hh_t, out=tmp)
            g += tmp
            if peep is None:
                k.tanh(g, out=g)
                half_to_sigmoid_(g[:, : 3 * hid])  # i, f, o
            else:
                k.mul(c_prev, half_ci, out=tmp_h)
                g[:, :hid] += tmp_h
                k.mul(c_prev, half_cf, out=tmp_h)
                g[:, hid : 2 * hid] += tmp_h
                k.tanh(g[:, : 3 * hid], out=g[:, : 3 * hid])
                half_to_sigmoid_(g[:, : 2 * hid])
            i, f, cand, o = g[:, s_i], g[:, s_f], g[:, s_g], g[:, s_o]
            k.mul(f, c_prev, out=c)
            k.mul(i, cand, out=tmp_h)
            c += tmp_h
            if peep is not None:
                k.mul(c, half_co, out=tmp_h)
                o += tmp_h
                k.tanh(o, out=o)
                half_to_sigmoid_(o)
            k.tanh(c, out=tanh_c[t, ...])
            h = out[t + layout.offset, ...]
            k.mul(o, tanh_c[t, ...], out=h)
            if self.sink is not None:
                values = dict(zip(GATES, (i, f, cand, o), strict=True))
                self.sink.forward_step(t, copied(xp, {"h": h, "c": c, **values}))
        out[layout.c_n, ...] = cells[layout.h_n.start, ...]
        permuted = None if peep is not None else (w_ih, w_hh, order)
        self.saved = (inputs, layout, gates, out, cells, tanh_c, (s_i, s_f, s_g, s_o), permuted)

    def steps_backward(self, xp: Any, grad: Any) -> tuple[Any, ...]:
        k = kernels(xp)
        inputs, layout, gates, out, cells, tanh_c, slices, permuted = self.saved
        peep, batch, hid = inputs.peep, inputs.x.shape[1], self.hidden
        w_hh = inputs.w_hh if permuted is None else permuted[1]
        dgates = self.buffer(xp, tuple(gates.shape), gates.dtype)
        dh_next = xp.zeros((batch, hid), dtype=out.dtype)
        dc = xp.zeros_like(dh_next)
        grad_c_n, self.grad_c_n = self.grad_c_n, None  # each backward pass hands it anew
        if grad_c_n is not None:
            dc += grad_c_n
        dh, tmp, tmp2 = (xp.empty_like(dh_next) for _ in range(3))
        s_i, s_f, s_g, s_o = slices
        sig = slice(0, 3 * hid)  # i, f, o when the gates are permuted (no peepholes)
        tmp3 = xp.empty((batch, 3 * hid), dtype=out.dtype) if peep is None else None
        for t in reversed(layout.order()):
            g = gates[t, ...]
            i, f, cand, o = g[:, s_i], g[:, s_f], g[:, s_g], g[:, s_o]
            d = dgates[t, ...]
            di, df, dg, do = d[:, s_i], d[:, s_f], d[:, s_g], d[:, s_o]
            tc, c_prev = tanh_c[t, ...], cells[t + layout.prev_offset, ...]
            k.add(grad[t, ...], dh_next, out=dh)
            # through h = o ⊙ tanh(c): to o, and to c (added to the cell gradient from t+1)
            k.mul(dh, tc, out=do)
            k.mul(dh, o, out=tmp)
            tanh_grad_(tmp, tc, tmp2, k)
            dc += tmp
            if peep is not None:
                sigmoid_grad_(do, o, tmp2, k)
                k.mul(do, peep[2], out=tmp)
                dc += tmp
            if self.sink is not None:  # dc is now the whole ∂L/∂c_t
                self.sink.backward_step(t, copied(xp, {"h": dh, "c": dc}))
            # through c = f ⊙ c_prev + i ⊙ g
            k.mul(dc, cand, out=di)
            k.mul(dc, c_prev, out=df)
            k.mul(dc, i, out=dg)
            tanh_grad_(dg, cand, tmp2, k)
            if peep is None:
                sigmoid_grad_(d[:, sig], g[:, sig], tmp3, k)  # i, f and o at once
                dc *= f
            else:
                sigmoid_grad_(di, i, tmp2, k)
                sigmoid_grad_(df, f, tmp2, k)
                dc *= f
                k.mul(di, peep[0], out=tmp)
                dc += tmp
                k.mul(df, peep[1], out=tmp)
                dc += tmp
            k.matmul(d, w_hh, out=dh_next)
        seen = inputs if permuted is None else replace(inputs, w_ih=permuted[0])
        grads = self.weight_grads(xp, seen, dgates, dgates, out[layout.h_prev, ...])
        if permuted is not None:  # rows back to PyTorch's order i, f, g, o
            order = permuted[2]
            for name in ("w_ih", "w_hh", "b_ih", "b_hh"):
                if grads.get(name) is not None:
                    grads[name] = xp.take(grads[name], order, axis=0)
        grads["h0"], grads["c0"] = dh_next, dc
        if peep is not None:
            c_prev_all = cells[layout.h_prev, ...]
            c_all = cells[layout.outputs, ...]
            seen_c = {"w_ci": (0, c_prev_all), "w_cf": (1, c_prev_all), "w_co": (3, c_all)}
            want = self.wants(inputs)
            for name, (block, c_seen) in seen_c.items():
                if want(name):
                    part = dgates[:, :, block * hid : (block + 1) * hid]
                    grads[name] = xp.sum(reshape(part * c_seen, (-1, hid)), axis=0)
        return self.in_order(inputs, grads)
