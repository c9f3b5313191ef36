"""The fused GRU (gates r, z, n) in both of its published forms, and its hand-derived BPTT.

``reset_after=True`` is PyTorch's (and cuDNN's) form, r applied after the recurrent product::

    r, z = σ(W_i· x + b_i· + W_h· h + b_h·)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    h' = (1 − z) ⊙ n + z ⊙ h

``reset_after=False`` is Cho et al.'s original, the one the lectures write, r applied to h
before the product: ``n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)``. Both share the
parameter layout ``weight_hh (3H, H)``, so the same weights run either form.
"""

from __future__ import annotations

from typing import Any

from minigrad.backend import reshape
from minigrad.kernels import kernels
from nn.recurrent.fused.base import (
    FusedInputs,
    FusedRecurrence,
    SlabLayout,
    StepSink,
    copied,
    half_to_sigmoid_,
    scales,
    sigmoid_grad_,
    tanh_grad_,
    transposed,
)

GATES = ("reset_gate", "update_gate", "candidate")


class FusedGRU(FusedRecurrence):
    """GRU over a sequence, one graph node, hand-derived BPTT."""

    kind = "gru"

    def __init__(
        self,
        hidden_size: int,
        reverse: bool = False,
        bias: bool = True,
        reset_after: bool = True,
        sink: StepSink | None = None,
    ) -> None:
        super().__init__(hidden_size, reverse, bias, False, sink)
        self.reset_after = reset_after

    def _bias(self, xp: Any, inputs: FusedInputs) -> Any:
        """The biases that join the input projection (b_hn stays inside r ⊙ (·) if after)."""
        if inputs.b_ih is None:
            return None
        if not self.reset_after:
            return inputs.b_ih + inputs.b_hh
        two = 2 * self.hidden
        return xp.concat([inputs.b_ih[:two] + inputs.b_hh[:two], inputs.b_ih[two:]])

    def steps_forward(self, xp: Any, inputs: FusedInputs, layout: SlabLayout, out: Any) -> None:
        k = kernels(xp)
        x = inputs.x
        steps, batch, hid = x.shape[0], x.shape[1], self.hidden
        scale = scales(xp, x, "sst", hid)
        gates = self.project(xp, k, x, inputs.w_ih, self._bias(xp, inputs), scale)
        # reset after: one product h @ W_hhᵀ per step; before: h @ W_h(r,z)ᵀ, then (r ⊙ h) @ W_hnᵀ
        rows = 3 * hid if self.reset_after else 2 * hid
        w_hh_t = transposed(xp, inputs.w_hh[:rows, :] * reshape(scale[:rows], (-1, 1)))
        w_hn_t = None if self.reset_after else transposed(xp, inputs.w_hh[2 * hid :, :])
        b_hn = None if inputs.b_hh is None else inputs.b_hh[2 * hid :]
        # reset after: W_hn h + b_hn per step; before: r ⊙ h_prev per step (backward needs it)
        kept = self.buffer(xp, (steps, batch, hid), x.dtype)
        hh = xp.empty((batch, rows), dtype=x.dtype)
        tmp_h = xp.empty((batch, hid), dtype=x.dtype)
        for t in layout.order():
            g = gates[t, ...]
            h_prev = out[t + layout.prev_offset, ...]
            k.matmul(h_prev, w_hh_t, out=hh)
            rz = g[:, : 2 * hid]
            rz += hh[:, : 2 * hid]
            k.tanh(rz, out=rz)
            half_to_sigmoid_(rz)
            r, z, n = g[:, :hid], g[:, hid : 2 * hid], g[:, 2 * hid :]
            if self.reset_after:
                hn = kept[t, ...]
                if b_hn is None:
                    hn[...] = hh[:, 2 * hid :]
                else:
                    k.add(hh[:, 2 * hid :], b_hn, out=hn)
                k.mul(r, hn, out=tmp_h)
            else:
                k.mul(r, h_prev, out=kept[t, ...])
                k.matmul(kept[t, ...], w_hn_t, out=tmp_h)
            n += tmp_h
            k.tanh(n, out=n)
            # h = (1 − z) ⊙ n + z ⊙ h_prev = n + z ⊙ (h_prev − n)
            k.sub(h_prev, n, out=tmp_h)
            tmp_h *= z
            h = out[t + layout.offset, ...]
            k.add(n, tmp_h, out=h)
            if self.sink is not None:
                values = dict(zip(GATES, (r, z, n), strict=True))
                self.sink.forward_step(t, copied(xp, {"h": h, **values}))
        self.saved = (inputs, layout, gates, kept, out)

    def steps_backward(self, xp: Any, grad: Any) -> tuple[Any, ...]:
        k = kernels(xp)
        inputs, layout, gates, kept, out = self.saved
        batch, hid = inputs.x.shape[1], self.hidden
        w_hh = inputs.w_hh
        dgx = self.buffer(xp, tuple(gates.shape), gates.dtype)  # ∂ x-side pre-activations
        # … and h-side ones: they differ in the n block when r is applied after W_hn h
        dgh = self.buffer(xp, tuple(gates.shape), gates.dtype) if self.reset_after else dgx
        dh_next = xp.zeros((batch, hid), dtype=out.dtype)
        dh, dhz, tmp = (xp.empty_like(dh_next) for _ in range(3))
        for t in reversed(layout.order()):
            g = gates[t, ...]
            r, z, n = g[:, :hid], g[:, hid : 2 * hid], g[:, 2 * hid :]
            h_prev = out[t + layout.prev_offset, ...]
            dx_t, dh_t = dgx[t, ...], dgh[t, ...]
            dr, dz, dn = dx_t[:, :hid], dx_t[:, hid : 2 * hid], dx_t[:, 2 * hid :]
            k.add(grad[t, ...], dh_next, out=dh)
            if self.sink is not None:
                self.sink.backward_step(t, copied(xp, {"h": dh}))
            k.sub(h_prev, n, out=dz)
            dz *= dh
            sigmoid_grad_(dz, z, tmp, k)
            k.mul(dh, z, out=dhz)
            k.sub(dh, dhz, out=dn)
            tanh_grad_(dn, n, tmp, k)
            if self.reset_after:
                k.mul(dn, kept[t, ...], out=dr)
                sigmoid_grad_(dr, r, tmp, k)
                dh_t[:, : 2 * hid] = dx_t[:, : 2 * hid]
                k.mul(dn, r, out=dh_t[:, 2 * hid :])
                k.matmul(dh_t, w_hh, out=dh_next)
            else:
                d_rh = xp.empty_like(dh_next)
                k.matmul(dn, w_hh[2 * hid :, :], out=d_rh)  # ∂L/∂(r ⊙ h_prev)
                k.mul(d_rh, h_prev, out=dr)
                sigmoid_grad_(dr, r, tmp, k)
                k.matmul(dx_t[:, : 2 * hid], w_hh[: 2 * hid, :], out=dh_next)
                d_rh *= r
                dh_next += d_rh
            dh_next += dhz
        grads = self.weight_grads(xp, inputs, dgx, dgh, out[layout.h_prev, ...])
        if not self.reset_after and "w_hh" in grads:  # W_hn multiplied r ⊙ h, not h
            dn_all = reshape(dgx[:, :, 2 * hid :], (-1, hid))
            grads["w_hh"][2 * hid :, :] = dn_all.T @ reshape(kept, (-1, hid))
        grads["h0"] = dh_next
        return self.in_order(inputs, grads)
