"""Fused recurrent ops: one op per sequence per layer-direction, with a hand-derived BPTT.

The composed form in :mod:`nn.rnn` builds every gate from primitive ops, which is what a
picture of backprop through time should show but costs a few dozen graph nodes per step.
These ops compute the same maths as one graph node per sequence, the way a careful NumPy
author writes it:

- the input projections of all steps are one matmul ``(T·B, in) @ (in, G·H)`` before the loop;
- each step does one ``h @ W_hhᵀ`` and the gate arithmetic in place on slices of one
  preallocated array (one ``tanh`` call covers the sigmoid gates too, see :func:`_scales`);
- backward stacks the pre-activation gradients of all steps and gets each weight gradient
  with one matmul per sequence: ``dW_ih = dGᵀ X``, ``dW_hh = dGᵀ H_prev``.

Every array function is reached through the inputs' namespace, so the ops run on NumPy,
CuPy and ``array_api_strict``; where the namespace is NumPy the helpers pass ``out=`` to
avoid temporaries.

The op's output packs ``T + 1`` (RNN, GRU) or ``T + 2`` (LSTM) slabs of shape ``(B, H)``:
the hidden states of all steps *and* the initial state (so ``H_prev`` is a view, never a
copy), and for the LSTM the final cell state. :func:`run_fused` slices it into
``(output, h_n, c_n)``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad import Tensor, apply, backend, scope
from minigrad.backend import asarray_on, namespace, reshape
from minigrad.op import Op
from minigrad.ops import GetItem

StepObserver = Callable[[int, Any], None]
"""Called as ``observer(t, dL_dh_t)`` by backward at every step (see :mod:`nn.bptt`)."""


# ---------------------------------------------------------------- array helpers


class _Kernels:
    """The array functions the step loops call, each with NumPy's ``out=`` signature.

    For NumPy they *are* NumPy's ufuncs and ``dot``: the loops make about ten calls per
    time step, and a Python wrapper around each would cost more than the arithmetic at
    min-char-rnn's size. Any other namespace gets portable spellings that assign into ``out``.
    """

    __slots__ = ("add", "matmul", "maximum", "mul", "sub", "tanh")

    def __init__(self, xp: Any) -> None:
        if xp is np:
            self.add, self.sub, self.mul = np.add, np.subtract, np.multiply
            # np.dot, not np.matmul: same BLAS call, ~0.4 µs less dispatch (all operands and
            # outputs here are C-contiguous 2-D slabs, as np.dot's ``out`` requires)
            self.matmul, self.tanh, self.maximum = np.dot, np.tanh, np.maximum
            return

        def matmul(a: Any, b: Any, out: Any) -> None:
            out[...] = a @ b

        def add(a: Any, b: Any, out: Any) -> None:
            out[...] = a + b

        def sub(a: Any, b: Any, out: Any) -> None:
            out[...] = a - b

        def mul(a: Any, b: Any, out: Any) -> None:
            out[...] = a * b

        def tanh(a: Any, out: Any) -> None:
            out[...] = xp.tanh(a)

        def maximum(a: Any, b: float, out: Any) -> None:
            out[...] = xp.where(a > b, a, xp.full_like(a, b))

        self.add, self.sub, self.mul = add, sub, mul
        self.matmul, self.tanh, self.maximum = matmul, tanh, maximum


_KERNELS: dict[int, _Kernels] = {}


def _kernels(xp: Any) -> _Kernels:
    """The (cached) kernels of namespace ``xp``."""
    kernels = _KERNELS.get(id(xp))
    if kernels is None:
        kernels = _KERNELS[id(xp)] = _Kernels(xp)
    return kernels


class _BufferPool:
    """Reuses the fused ops' big per-sequence NumPy arrays from one call to the next.

    A fresh multi-megabyte array costs a page fault per 4 KiB page once the allocator has
    handed the previous one back to the OS: about 1,700 faults, several milliseconds, per
    LSTM train step at batch 32 on a 2-core VM. An op takes its internal arrays here and gives
    them back when its graph is released (after backward, or right after a forward under
    ``no_grad``); arrays of a graph that is never released (kept alive, or
    ``retain_graph=True``) are never given back, so nothing in use is ever handed out twice.
    At most ``per_shape`` arrays of each of the ``shapes`` most recent shapes are kept.
    """

    def __init__(self, per_shape: int = 2, shapes: int = 16) -> None:
        self.per_shape, self.shapes = per_shape, shapes
        self._free: dict[tuple[tuple[int, ...], np.dtype], list[np.ndarray]] = {}

    def take(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        free = self._free.get((shape, dtype))
        return free.pop() if free else np.empty(shape, dtype=dtype)

    def give(self, arrays: list[np.ndarray]) -> None:
        for array in arrays:
            key = (array.shape, array.dtype)
            free = self._free.pop(key, [])  # re-inserted last: the dict is oldest-first
            if len(free) < self.per_shape:
                free.append(array)
            self._free[key] = free
        while len(self._free) > self.shapes:
            del self._free[next(iter(self._free))]

    def clear(self) -> None:
        self._free.clear()


_POOL = _BufferPool()


def _transposed(xp: Any, w: Any) -> Any:
    """``wᵀ`` for the per-step matmul; NumPy's BLAS is ~2× faster on a contiguous copy."""
    if xp is np:
        return np.ascontiguousarray(w.T)
    return xp.matrix_transpose(w)


def _half_to_sigmoid_(a: Any) -> None:
    """``a`` holds tanh(x/2); make it σ(x) = ½·tanh(x/2) + ½ in place."""
    a *= 0.5
    a += 0.5


def _sigmoid_grad_(d: Any, s: Any, tmp: Any, k: _Kernels) -> None:
    """d *= σ'(x) = s(1 − s), given s = σ(x)."""
    k.sub(1.0, s, out=tmp)
    tmp *= s
    d *= tmp


def _tanh_grad_(d: Any, y: Any, tmp: Any, k: _Kernels) -> None:
    """d *= tanh'(x) = 1 − y², given y = tanh(x)."""
    k.mul(y, y, out=tmp)
    k.sub(1.0, tmp, out=tmp)  # one call, not ``*= -1`` then ``+= 1``: it runs 25× per sequence
    d *= tmp


def _gate_slices(gates: int, hidden: int) -> list[slice]:
    """Column slices of each gate's block in a (B, gates·H) array."""
    return [slice(k * hidden, (k + 1) * hidden) for k in range(gates)]


def _scales(xp: Any, like: Any, kinds: str, hidden: int) -> Any:
    """Per-row weight scale: ½ for sigmoid gates (``s``), 1 for the others.

    σ(x) = ½·tanh(x/2) + ½, and scaling by ½ is exact in floating point, so pre-scaling the
    sigmoid gates' weight rows lets one ``tanh`` call over the whole gate block serve all
    gates; the sigmoid gates then need only ``*½ +½``.
    """
    values = np.concatenate([np.full(hidden, 0.5 if k == "s" else 1.0) for k in kinds])
    if xp is np:
        return values.astype(like.dtype)
    return asarray_on(xp, values.tolist(), dtype=like.dtype, like=like)


# ---------------------------------------------------------------- the op


class FusedRecurrence(Op):
    """Base of the fused sequence ops: input layout, projections and weight gradients.

    Inputs, in order: ``x (T, B, in)``, ``h0 (B, H)``, ``c0 (B, H)`` (LSTM only),
    ``weight_ih (G·H, in)``, ``weight_hh (G·H, H)``, then ``bias_ih, bias_hh (G·H,)`` when
    ``bias``, then ``weight_ci, weight_cf, weight_co (H,)`` when ``peephole`` (LSTM).
    Subclasses implement :meth:`_steps_forward` and :meth:`_steps_backward`: the cell maths.
    """

    kind = "rnn"
    has_cell = False
    fresh_grads = True  # every gradient is computed into a new array in backward

    def __init__(
        self,
        hidden_size: int,
        reverse: bool = False,
        bias: bool = True,
        peephole: bool = False,
        observer: StepObserver | None = None,
    ) -> None:
        self.hidden = hidden_size
        self.reverse = reverse
        self.bias = bias
        self.peephole = peephole
        self.observer = observer
        self._pooled: list[Any] = []  # internal arrays to give back to _POOL on release
        self.name = f"fused_{self.kind}"
        self.symbol = self.kind.upper() + (" ←" if reverse else "")
        self.rule = (
            f"fused {self.kind.upper()} over a whole sequence: backward is the "
            "hand-derived BPTT, weight gradients summed over time in one matmul"
        )

    def describe(self) -> str:
        return f"{self.name}(H={self.hidden}{', reverse' if self.reverse else ''})"

    # -------------------------------------------------- layout

    def _unpack(self, arrays: Sequence[Any]) -> tuple[Any, ...]:
        n = 3 if self.has_cell else 2
        x, h0 = arrays[0], arrays[1]
        c0 = arrays[2] if self.has_cell else None
        w_ih, w_hh = arrays[n], arrays[n + 1]
        b_ih = b_hh = None
        k = n + 2
        if self.bias:
            b_ih, b_hh = arrays[k], arrays[k + 1]
            k += 2
        peep = tuple(arrays[k : k + 3]) if self.peephole else None
        return x, h0, c0, w_ih, w_hh, b_ih, b_hh, peep

    def _time(self, length: int) -> tuple[range, int, int]:
        """Step order, and the output slabs of h_t (``t + hoff``) and h_{t-1} (``t + poff``)."""
        if self.reverse:
            return range(length - 1, -1, -1), 0, 1
        return range(length), 1, 0

    # -------------------------------------------------- internal arrays

    def _array(self, xp: Any, shape: tuple[int, ...], dtype: Any) -> Any:
        """An uninitialised array that lives until :meth:`release` (pooled on NumPy)."""
        if xp is not np:
            return xp.empty(shape, dtype=dtype)
        array = _POOL.take(shape, dtype)
        self._pooled.append(array)
        return array

    def release(self) -> None:
        pooled, self._pooled = self._pooled, []  # emptied first: never given back twice
        _POOL.give(pooled)
        super().release()

    # -------------------------------------------------- shared maths

    def _project(self, xp: Any, x: Any, w_ih: Any, bias: Any, scale: Any | None) -> Any:
        """All steps' input projections in one matmul: (T, B, G·H), pre-scaled."""
        steps, batch, features = x.shape
        w = w_ih if scale is None else w_ih * reshape(scale, (-1, 1))
        rows = reshape(x, (steps * batch, features))
        g = self._array(xp, (steps * batch, w.shape[0]), x.dtype)
        _kernels(xp).matmul(rows, w.T, out=g)
        if bias is not None:
            g += bias if scale is None else bias * scale
        return reshape(g, (steps, batch, w_ih.shape[0]))

    def _weight_grads(
        self,
        xp: Any,
        dgx: Any,
        dgh: Any,
        x: Any,
        h_prev: Any,
        w_ih: Any,
    ) -> list[Any]:
        """Gradients of x, weight_ih, weight_hh, bias_ih, bias_hh: one matmul each."""
        steps, batch, features = x.shape
        gh = w_ih.shape[0]
        needs = self.needs
        n = 3 if self.has_cell else 2
        dx2 = reshape(dgx, (steps * batch, gh))
        dh2 = dx2 if dgh is dgx else reshape(dgh, (steps * batch, gh))
        grads: list[Any] = [None] * 3
        if needs[0]:
            grads[0] = reshape(dx2 @ w_ih, (steps, batch, features))
        if needs[n]:
            grads[1] = dx2.T @ reshape(x, (steps * batch, features))
        if needs[n + 1]:
            grads[2] = dh2.T @ reshape(h_prev, (steps * batch, self.hidden))
        if self.bias:
            db_ih = backend.sum(dx2, axis=0) if needs[n + 2] or dh2 is dx2 else None
            if dh2 is dx2:  # RNN, LSTM: both biases are added to the same pre-activation
                db_hh = xp.asarray(db_ih, copy=True) if needs[n + 3] else None
            else:
                db_hh = backend.sum(dh2, axis=0) if needs[n + 3] else None
            grads += [db_ih if needs[n + 2] else None, db_hh]
        return grads

    # -------------------------------------------------- Op protocol

    def forward(self, *arrays: Any) -> Any:
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, peep = self._unpack(arrays)
        xp = namespace(x)
        steps, batch = x.shape[0], x.shape[1]
        extra = 2 if self.has_cell else 1
        out = xp.empty((steps + extra, batch, self.hidden), dtype=x.dtype)
        out[steps if self.reverse else 0, ...] = h0
        self._steps_forward(xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, peep, out)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return tuple(self._steps_backward(namespace(grad), grad))

    @abstractmethod
    def _steps_forward(
        self,
        xp: Any,
        x: Any,
        h0: Any,
        c0: Any,
        w_ih: Any,
        w_hh: Any,
        b_ih: Any,
        b_hh: Any,
        peep: Any,
        out: Any,
    ) -> None:
        """Run the recurrence over all steps, writing hidden (and cell) states into ``out``."""

    @abstractmethod
    def _steps_backward(self, xp: Any, grad: Any) -> list[Any]:
        """BPTT over all steps: the gradients of the op's inputs, in ``forward``'s order."""


class FusedRNN(FusedRecurrence):
    """Elman RNN over a sequence: h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)."""

    kind = "rnn"

    def __init__(
        self,
        hidden_size: int,
        reverse: bool = False,
        bias: bool = True,
        nonlinearity: str = "tanh",
        observer: StepObserver | None = None,
    ) -> None:
        super().__init__(hidden_size, reverse, bias, False, observer)
        self.relu = nonlinearity == "relu"

    def _steps_forward(self, xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, peep, out):
        k = _kernels(xp)
        steps = x.shape[0]
        bias = None if b_ih is None else b_ih + b_hh
        pre = self._project(xp, x, w_ih, bias, None)
        w_hh_t = _transposed(xp, w_hh)
        order, hoff, poff = self._time(steps)
        tmp = xp.empty(out.shape[1:], dtype=x.dtype)
        for t in order:
            h = out[t + hoff, ...]
            k.matmul(out[t + poff, ...], w_hh_t, out=tmp)
            k.add(pre[t, ...], tmp, out=h)
            if self.relu:
                k.maximum(h, 0, out=h)
            else:
                k.tanh(h, out=h)
        self.saved = (x, out, w_ih, w_hh)

    def _local_grads(self, xp: Any, k: _Kernels, hs: Any) -> Any:
        """act′ of every step at once, from the outputs: 1 − h² (tanh) or [h > 0] (relu).

        They depend on the forward pass only, so backward computes them in two calls over
        the whole sequence rather than in the loop, which is left with *upstream × local*.
        """
        if self.relu:
            return xp.astype(hs > 0, hs.dtype)
        local = self._array(xp, tuple(hs.shape), hs.dtype)
        k.mul(hs, hs, out=local)
        k.sub(1.0, local, out=local)
        return local

    def _steps_backward(self, xp, grad):
        k = _kernels(xp)
        x, out, w_ih, w_hh = self.saved
        steps = x.shape[0]
        order, hoff, poff = self._time(steps)
        # dpre starts as the local gradients; step t overwrites its slab with upstream × local
        dpre = self._local_grads(xp, k, out[hoff : hoff + steps, ...])
        dh_next = xp.zeros(out.shape[1:], dtype=out.dtype)
        dh = xp.empty_like(dh_next)
        for t in reversed(order):
            d = dpre[t, ...]
            k.add(grad[t + hoff, ...], dh_next, out=dh)
            if self.observer is not None:
                self.observer(t, dh)
            k.mul(dh, d, out=d)
            k.matmul(d, w_hh, out=dh_next)
        h_prev = out[poff : poff + steps, ...]
        w = self._weight_grads(xp, dpre, dpre, x, h_prev, w_ih)
        return [w[0], dh_next if self.needs[1] else None, *w[1:]]


class FusedLSTM(FusedRecurrence):
    """LSTM over a sequence (gates i, f, g, o; optional peepholes), hand-derived BPTT."""

    kind = "lstm"
    has_cell = True

    def _steps_forward(self, xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, peep, out):
        k = _kernels(xp)
        steps, batch = x.shape[0], x.shape[1]
        hid = self.hidden
        scale = _scales(xp, x, "ssts", hid)
        bias = None if b_ih is None else b_ih + b_hh
        gates = self._project(xp, x, w_ih, bias, scale)
        w_hh_t = _transposed(xp, w_hh * reshape(scale, (-1, 1)))
        cells = self._array(xp, (steps + 1, batch, hid), x.dtype)
        tanh_c = self._array(xp, (steps, batch, hid), x.dtype)
        order, hoff, poff = self._time(steps)
        cells[steps if self.reverse else 0, ...] = c0
        tmp = xp.empty((batch, 4 * hid), dtype=x.dtype)
        tmp_h = xp.empty((batch, hid), dtype=x.dtype)
        if peep is not None:
            half_ci, half_cf, half_co = (0.5 * w for w in peep)
        s_i, s_f, s_g, s_o = _gate_slices(4, hid)
        for t in order:
            g = gates[t, ...]
            c_prev, c = cells[t + poff, ...], cells[t + hoff, ...]
            k.matmul(out[t + poff, ...], w_hh_t, out=tmp)
            g += tmp
            if peep is None:
                k.tanh(g, out=g)
                _half_to_sigmoid_(g[:, : 2 * hid])
                _half_to_sigmoid_(g[:, 3 * hid :])
            else:
                k.mul(c_prev, half_ci, out=tmp_h)
                g[:, :hid] += tmp_h
                k.mul(c_prev, half_cf, out=tmp_h)
                g[:, hid : 2 * hid] += tmp_h
                k.tanh(g[:, : 3 * hid], out=g[:, : 3 * hid])
                _half_to_sigmoid_(g[:, : 2 * hid])
            i, f, cand, o = g[:, s_i], g[:, s_f], g[:, s_g], g[:, s_o]
            k.mul(f, c_prev, out=c)
            k.mul(i, cand, out=tmp_h)
            c += tmp_h
            if peep is not None:
                k.mul(c, half_co, out=tmp_h)
                o += tmp_h
                k.tanh(o, out=o)
                _half_to_sigmoid_(o)
            k.tanh(c, out=tanh_c[t, ...])
            k.mul(o, tanh_c[t, ...], out=out[t + hoff, ...])
        last = 0 if self.reverse else steps
        out[steps + 1, ...] = cells[last, ...]
        self.saved = (x, gates, out, cells, tanh_c, w_ih, w_hh, peep)

    def _steps_backward(self, xp, grad):
        k = _kernels(xp)
        x, gates, out, cells, tanh_c, w_ih, w_hh, peep = self.saved
        steps, batch = x.shape[0], x.shape[1]
        hid = self.hidden
        order, hoff, poff = self._time(steps)
        dgates = self._array(xp, tuple(gates.shape), gates.dtype)
        dh_next = xp.zeros((batch, hid), dtype=out.dtype)
        dc = xp.empty_like(dh_next)
        dc[...] = grad[steps + 1, ...]
        dh, tmp, tmp2 = (xp.empty_like(dh_next) for _ in range(3))
        s_i, s_f, s_g, s_o = _gate_slices(4, hid)
        for t in reversed(order):
            g = gates[t, ...]
            i, f, cand, o = g[:, s_i], g[:, s_f], g[:, s_g], g[:, s_o]
            d = dgates[t, ...]
            di, df, dg, do = d[:, s_i], d[:, s_f], d[:, s_g], d[:, s_o]
            tc, c_prev = tanh_c[t, ...], cells[t + poff, ...]
            k.add(grad[t + hoff, ...], dh_next, out=dh)
            if self.observer is not None:
                self.observer(t, dh)
            # through h = o ⊙ k.tanh(c): to o, and to c (added to the cell gradient from t+1)
            k.mul(dh, tc, out=do)
            k.mul(dh, o, out=tmp)
            _tanh_grad_(tmp, tc, tmp2, k)
            dc += tmp
            _sigmoid_grad_(do, o, tmp2, k)
            if peep is not None:
                k.mul(do, peep[2], out=tmp)
                dc += tmp
            # through c = f ⊙ c_prev + i ⊙ g
            k.mul(dc, cand, out=di)
            _sigmoid_grad_(di, i, tmp2, k)
            k.mul(dc, c_prev, out=df)
            _sigmoid_grad_(df, f, tmp2, k)
            k.mul(dc, i, out=dg)
            _tanh_grad_(dg, cand, tmp2, k)
            dc *= f
            if peep is not None:
                k.mul(di, peep[0], out=tmp)
                dc += tmp
                k.mul(df, peep[1], out=tmp)
                dc += tmp
            k.matmul(d, w_hh, out=dh_next)
        h_prev = out[poff : poff + steps, ...]
        w = self._weight_grads(xp, dgates, dgates, x, h_prev, w_ih)
        result = [w[0], dh_next if self.needs[1] else None, dc if self.needs[2] else None, *w[1:]]
        if peep is not None:
            c_prev_all = cells[poff : poff + steps, ...]
            c_all = cells[hoff : hoff + steps, ...]
            blocks = ((0, c_prev_all), (1, c_prev_all), (3, c_all))
            for k, (block, c_seen) in enumerate(blocks):
                if self.needs[-3 + k]:
                    part = dgates[:, :, block * hid : (block + 1) * hid]
                    result.append(xp.sum(reshape(part * c_seen, (-1, hid)), axis=0))
                else:
                    result.append(None)
        return result


class FusedGRU(FusedRecurrence):
    """GRU over a sequence (gates r, z, n; n = k.tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)))."""

    kind = "gru"

    def _steps_forward(self, xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, peep, out):
        k = _kernels(xp)
        steps, batch = x.shape[0], x.shape[1]
        hid = self.hidden
        scale = _scales(xp, x, "sst", hid)
        # b_hr, b_hz fold into the projection; b_hn stays inside r ⊙ (·).
        bias = None
        if b_ih is not None:
            bias = xp.concat([b_ih[: 2 * hid] + b_hh[: 2 * hid], b_ih[2 * hid :]])
        gates = self._project(xp, x, w_ih, bias, scale)
        w_hh_t = _transposed(xp, w_hh * reshape(scale, (-1, 1)))
        b_hn = None if b_hh is None else b_hh[2 * hid :]
        hn_all = self._array(xp, (steps, batch, hid), x.dtype)
        order, hoff, poff = self._time(steps)
        hh = xp.empty((batch, 3 * hid), dtype=x.dtype)
        tmp_h = xp.empty((batch, hid), dtype=x.dtype)
        for t in order:
            g = gates[t, ...]
            h_prev = out[t + poff, ...]
            k.matmul(h_prev, w_hh_t, out=hh)
            rz = g[:, : 2 * hid]
            rz += hh[:, : 2 * hid]
            k.tanh(rz, out=rz)
            _half_to_sigmoid_(rz)
            r, z, n = g[:, :hid], g[:, hid : 2 * hid], g[:, 2 * hid :]
            hn = hn_all[t, ...]
            if b_hn is None:
                hn[...] = hh[:, 2 * hid :]
            else:
                k.add(hh[:, 2 * hid :], b_hn, out=hn)
            k.mul(r, hn, out=tmp_h)
            n += tmp_h
            k.tanh(n, out=n)
            # h = (1 − z) ⊙ n + z ⊙ h_prev = n + z ⊙ (h_prev − n)
            k.sub(h_prev, n, out=tmp_h)
            tmp_h *= z
            k.add(n, tmp_h, out=out[t + hoff, ...])
        self.saved = (x, gates, hn_all, out, w_ih, w_hh)

    def _steps_backward(self, xp, grad):
        k = _kernels(xp)
        x, gates, hn_all, out, w_ih, w_hh = self.saved
        steps, batch = x.shape[0], x.shape[1]
        hid = self.hidden
        order, hoff, poff = self._time(steps)
        dgx = self._array(xp, tuple(gates.shape), gates.dtype)  # ∂ x-side pre-activations
        dgh = self._array(xp, tuple(gates.shape), gates.dtype)  # … h-side (differ in the n block)
        dh_next = xp.zeros((batch, hid), dtype=out.dtype)
        dh, dhz, tmp = (xp.empty_like(dh_next) for _ in range(3))
        for t in reversed(order):
            r, z, n = (
                gates[t, ...][:, :hid],
                gates[t, ...][:, hid : 2 * hid],
                gates[t, ...][:, 2 * hid :],
            )
            h_prev = out[t + poff, ...]
            dx_t, dh_t = dgx[t, ...], dgh[t, ...]
            dr, dz, dn = dx_t[:, :hid], dx_t[:, hid : 2 * hid], dx_t[:, 2 * hid :]
            k.add(grad[t + hoff, ...], dh_next, out=dh)
            if self.observer is not None:
                self.observer(t, dh)
            k.sub(h_prev, n, out=dz)
            dz *= dh
            _sigmoid_grad_(dz, z, tmp, k)
            k.mul(dh, z, out=dhz)
            k.sub(dh, dhz, out=dn)
            _tanh_grad_(dn, n, tmp, k)
            k.mul(dn, hn_all[t, ...], out=dr)
            _sigmoid_grad_(dr, r, tmp, k)
            dh_t[:, : 2 * hid] = dx_t[:, : 2 * hid]
            k.mul(dn, r, out=dh_t[:, 2 * hid :])
            k.matmul(dh_t, w_hh, out=dh_next)
            dh_next += dhz
        h_prev = out[poff : poff + steps, ...]
        w = self._weight_grads(xp, dgx, dgh, x, h_prev, w_ih)
        return [w[0], dh_next if self.needs[1] else None, *w[1:]]


_OPS: dict[str, type[FusedRecurrence]] = {"rnn": FusedRNN, "lstm": FusedLSTM, "gru": FusedGRU}


def run_fused(
    kind: str,
    x: Tensor,
    h0: Tensor,
    c0: Tensor | None,
    weights: Sequence[Tensor],
    *,
    reverse: bool = False,
    bias: bool = True,
    peephole: bool = False,
    nonlinearity: str = "tanh",
    observer: StepObserver | None = None,
    state_axis: bool = False,
) -> tuple[Tensor, Tensor, Tensor | None]:
    """Run one layer-direction over ``x (T, B, in)`` as one fused op.

    Returns ``(output (T, B, H), h_n (B, H), c_n (B, H) or None)``; with ``state_axis``
    the states keep a leading axis, ``(1, B, H)``, as the layers' ``(L·D, B, H)`` states
    need: slicing them so is free, where stacking ``(B, H)`` ones would be an op each.

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
    hidden = h0.shape[-1]
    if kind == "rnn":
        op: FusedRecurrence = FusedRNN(hidden, reverse, bias, nonlinearity, observer)
    else:
        op = _OPS[kind](hidden, reverse, bias, peephole, observer)
    inputs = [x, h0] + ([c0] if c0 is not None else []) + list(weights)
    out = apply(op, *inputs)
    steps = x.shape[0]
    first = 0 if reverse else 1
    last = 0 if reverse else steps
    with scope("outputs"):
        # GetItem with ready-made keys: the same nodes as out[...], without re-parsing the key
        y = _take(out, slice(first, first + steps))
        if state_axis:
            h_n = _take(out, slice(last, last + 1))
            c_n = _take(out, slice(steps + 1, steps + 2)) if kind == "lstm" else None
        else:
            h_n = _take(out, last)
            c_n = _take(out, steps + 1) if kind == "lstm" else None
    return y, h_n, c_n


def _take(out: Tensor, index: int | slice) -> Tensor:
    """``out[index, ...]`` as a graph node."""
    return apply(GetItem((index, Ellipsis)), out)
