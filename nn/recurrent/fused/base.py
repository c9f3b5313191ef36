"""What every fused recurrence shares: named inputs, the output slab, projections, weight grads.

A fused op runs one layer-direction over a whole sequence as one graph node, the way a careful
NumPy author writes it:

- the input projections of all steps are one matmul ``(T·B, in) @ (in, G·H)`` before the loop;
- each step does one ``h @ W_hhᵀ`` and the gate arithmetic in place on slices of one
  preallocated array (one ``tanh`` call covers the sigmoid gates too, see :func:`scales`);
- backward stacks the pre-activation gradients of all steps and gets each weight gradient
  with one matmul per sequence: ``dW_ih = dGᵀ X``, ``dW_hh = dGᵀ H_prev``.

Every array function is reached through the inputs' namespace (NumPy, CuPy,
``array_api_strict``); on NumPy the loops call NumPy's ufuncs with ``out=`` through
:class:`minigrad.kernels.Kernels`. The cell maths lives in one file per cell kind
(:mod:`.rnn`, :mod:`.lstm`, :mod:`.gru`).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from minigrad import backend, threads
from minigrad.backend import asarray_on, reshape
from minigrad.kernels import POOL, Kernels
from minigrad.op import Op


class StepSink(Protocol):
    """Receives per-step values from a fused op (see :mod:`nn.recurrent.recording`)."""

    def forward_step(self, t: int, values: dict[str, Any]) -> None:
        """Step ``t``'s states and gate activations, e.g. ``{"h": …, "forget_gate": …}``."""

    def backward_step(self, t: int, grads: dict[str, Any]) -> None:
        """∂L/∂state of step ``t``, e.g. ``{"h": ∂L/∂h_t, "c": ∂L/∂c_t}``."""


@dataclass(frozen=True)
class FusedInputs:
    """The op's inputs by name. They are passed to ``apply`` in this order, absent ones left out:
    ``x (T, B, in)``, ``h0 (B, H)``, ``c0 (B, H)`` (LSTM), ``w_ih (G·H, in)``,
    ``w_hh (G·H, H)``, ``b_ih, b_hh (G·H,)`` (with bias), ``peep`` = ``w_ci, w_cf, w_co (H,)``
    (LSTM with peepholes). ``positions`` maps each present name to its place."""

    x: Any
    h0: Any
    c0: Any
    w_ih: Any
    w_hh: Any
    b_ih: Any
    b_hh: Any
    peep: tuple[Any, ...] | None
    positions: dict[str, int]

    @classmethod
    def unpack(
        cls, arrays: Sequence[Any], has_cell: bool, bias: bool, peephole: bool
    ) -> FusedInputs:
        names = input_names(has_cell, bias, peephole)
        given = dict(zip(names, arrays, strict=True))
        peep = (given["w_ci"], given["w_cf"], given["w_co"]) if peephole else None
        return cls(
            given["x"],
            given["h0"],
            given.get("c0"),
            given["w_ih"],
            given["w_hh"],
            given.get("b_ih"),
            given.get("b_hh"),
            peep,
            {name: k for k, name in enumerate(names)},
        )


def input_names(has_cell: bool, bias: bool, peephole: bool) -> list[str]:
    """The fused op's input names, in order."""
    names = ["x", "h0"] + (["c0"] if has_cell else []) + ["w_ih", "w_hh"]
    names += ["b_ih", "b_hh"] if bias else []
    return names + (["w_ci", "w_cf", "w_co"] if peephole else [])


class SlabLayout:
    """Where things are in the op's one output array of ``(T + 1 [+ 1], B, H)`` slabs.

    The slab holds the initial state and the hidden state of every step, so ``H_prev`` of all
    steps is a view (never a copy); an LSTM appends its final cell state. Step ``t``'s hidden
    state is slab ``t + offset``, its previous one slab ``t + prev_offset``.

    Examples
    --------
    >>> layout = SlabLayout(steps=4, reverse=False, has_cell=True)
    >>> layout.outputs, layout.h_n, layout.c_n, layout.h_prev
    (slice(1, 5, None), slice(4, 5, None), slice(5, 6, None), slice(0, 4, None))
    """

    __slots__ = (
        "c_n",
        "h_n",
        "h_prev",
        "has_cell",
        "initial",
        "offset",
        "outputs",
        "prev_offset",
        "reverse",
        "slabs",
        "steps",
    )

    def __init__(self, steps: int, reverse: bool, has_cell: bool) -> None:
        self.steps, self.reverse, self.has_cell = steps, reverse, has_cell
        self.slabs = steps + (2 if has_cell else 1)
        self.initial = steps if reverse else 0  # the slab holding h0
        self.offset, self.prev_offset = (0, 1) if reverse else (1, 0)
        self.outputs = slice(self.offset, self.offset + steps)
        self.h_prev = slice(self.prev_offset, self.prev_offset + steps)
        last = 0 if reverse else steps
        self.h_n = slice(last, last + 1)
        self.c_n = slice(steps + 1, steps + 2) if has_cell else None

    def order(self) -> range:
        """The steps in the order forward visits them."""
        return range(self.steps - 1, -1, -1) if self.reverse else range(self.steps)


# ---------------------------------------------------------------- in-place gate maths


def transposed(xp: Any, w: Any) -> Any:
    """``wᵀ`` for the per-step matmul; NumPy's BLAS is ~2× faster on a contiguous copy."""
    if xp is np:
        return np.ascontiguousarray(w.T)
    return xp.matrix_transpose(w)


def half_to_sigmoid_(a: Any) -> None:
    """``a`` holds tanh(x/2); make it σ(x) = ½·tanh(x/2) + ½ in place."""
    a *= 0.5
    a += 0.5


def sigmoid_grad_(d: Any, s: Any, tmp: Any, k: Kernels) -> None:
    """d *= σ'(x) = s(1 − s), given s = σ(x)."""
    k.sub(1.0, s, out=tmp)
    tmp *= s
    d *= tmp


def tanh_grad_(d: Any, y: Any, tmp: Any, k: Kernels) -> None:
    """d *= tanh'(x) = 1 − y², given y = tanh(x)."""
    k.mul(y, y, out=tmp)
    k.sub(1.0, tmp, out=tmp)  # one call, not ``*= -1`` then ``+= 1``: it runs 25× per sequence
    d *= tmp


def gate_slices(gates: int, hidden: int) -> list[slice]:
    """Column slices of each gate's block in a (B, gates·H) array."""
    return [slice(k * hidden, (k + 1) * hidden) for k in range(gates)]


def scales(xp: Any, like: Any, kinds: str, hidden: int) -> Any:
    """Per-row weight scale: ½ for sigmoid gates (``s``), 1 for the others.

    σ(x) = ½·tanh(x/2) + ½, and scaling by ½ is exact in floating point, so pre-scaling the
    sigmoid gates' weight rows lets one ``tanh`` call over the whole gate block serve all
    gates; the sigmoid gates then need only ``*½ +½``.
    """
    values = np.concatenate([np.full(hidden, 0.5 if k == "s" else 1.0) for k in kinds])
    if xp is np:
        return values.astype(like.dtype)
    return asarray_on(xp, values.tolist(), dtype=like.dtype, like=like)


def copied(xp: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Copies of a step's arrays for a recorder (the loops overwrite their buffers)."""
    return {name: xp.asarray(v, copy=True) for name, v in values.items()}


# ---------------------------------------------------------------- the op


class FusedRecurrence(Op):
    """Base of the fused sequence ops: layout, projections, weight gradients, buffers.

    Subclasses implement :meth:`steps_forward` and :meth:`steps_backward`: the cell maths.
    """

    kind = "rnn"
    has_cell = False
    fresh_grads = True  # every gradient is computed into a new array in backward
    params = ("hidden", "reverse", "peephole")
    local_rules = ("hand-derived BPTT: the gradient of {i} summed over every time step",)

    def __init__(
        self,
        hidden_size: int,
        reverse: bool = False,
        bias: bool = True,
        peephole: bool = False,
        sink: StepSink | None = None,
    ) -> None:
        self.hidden = hidden_size
        self.reverse = reverse
        self.bias = bias
        self.peephole = peephole
        self.sink = sink
        self._pooled: list[Any] = []  # internal arrays to give back to POOL on release
        self.slab: Any = None  # the forward's (T + 1 [+ 1], B, H) array, see forward
        self.grad_c_n: Any = None  # ∂L/∂c_n, handed over by FinalCell's backward
        self.name = f"fused_{self.kind}"
        self.symbol = self.kind.upper() + (" ←" if reverse else "")
        self.rule = (
            f"fused {self.kind.upper()} over a whole sequence: backward is the "
            "hand-derived BPTT, weight gradients summed over time in one matmul"
        )

    def backward_graph(self, grad: Any, inputs: Any, output: Any) -> Any:
        """Fused recurrences have a hand-derived backward on arrays only."""
        raise RuntimeError(
            f"{self.describe()}: higher-order gradients (create_graph=True) need the composed "
            "form of the layer: build it with fused=False"
        )

    def layout(self, steps: int) -> SlabLayout:
        return SlabLayout(steps, self.reverse, self.has_cell)

    # -------------------------------------------------- internal arrays

    def buffer(self, xp: Any, shape: tuple[int, ...], dtype: Any) -> Any:
        """An uninitialised array that lives until :meth:`release` (pooled on NumPy)."""
        if xp is not np:
            return xp.empty(shape, dtype=dtype)
        array = POOL.take(shape, dtype)
        self._pooled.append(array)
        return array

    # -------------------------------------------------- shared maths

    def project(self, xp: Any, k: Kernels, x: Any, w_ih: Any, bias: Any, scale: Any) -> Any:
        """All steps' input projections in one matmul: (T, B, G·H), pre-scaled."""
        steps, batch, features = x.shape
        w = w_ih if scale is None else w_ih * reshape(scale, (-1, 1))
        rows = reshape(x, (steps * batch, features))
        g = self.buffer(xp, (steps * batch, w.shape[0]), x.dtype)
        threads.for_product(rows.size * w.shape[0])
        k.matmul(rows, w.T, out=g)
        if bias is not None:
            g += bias if scale is None else bias * scale
        # each step's h @ W_hhᵀ next (and ∂ @ W_hh in backward): small products, one thread
        self.step_products = batch * self.hidden * w.shape[0]
        threads.for_product(self.step_products)
        return reshape(g, (steps, batch, w_ih.shape[0]))

    def weight_grads(
        self, xp: Any, inputs: FusedInputs, dgx: Any, dgh: Any, h_prev: Any
    ) -> dict[str, Any]:
        """Gradients of x, w_ih, w_hh, b_ih, b_hh from the pre-activation gradients.

        ``dgx`` is ∂L/∂(x-side pre-activations), ``dgh`` ∂L/∂(h-side ones), ``(T, B, G·H)``
        each (the same array where both sides add into one pre-activation), and ``h_prev``
        what the h side multiplied: one matmul per weight, summed over time.
        """
        x, w_ih = inputs.x, inputs.w_ih
        steps, batch, features = x.shape
        gh = w_ih.shape[0]
        want = self.wants(inputs)
        dx2 = reshape(dgx, (steps * batch, gh))
        dh2 = dx2 if dgh is dgx else reshape(dgh, (steps * batch, gh))
        threads.for_product(dx2.size * features)  # products summed over all steps
        grads: dict[str, Any] = {}
        if want("x"):
            grads["x"] = reshape(dx2 @ w_ih, (steps, batch, features))
        if want("w_ih"):
            grads["w_ih"] = dx2.T @ reshape(x, (steps * batch, features))
        if want("w_hh"):
            grads["w_hh"] = dh2.T @ reshape(h_prev, (steps * batch, h_prev.shape[-1]))
        if self.bias:
            same = dh2 is dx2  # RNN, LSTM: both biases add into the same pre-activation
            db_ih = backend.sum(dx2, axis=0) if want("b_ih") or (same and want("b_hh")) else None
            if want("b_hh"):
                grads["b_hh"] = xp.asarray(db_ih, copy=True) if same else backend.sum(dh2, axis=0)
            if want("b_ih"):
                grads["b_ih"] = db_ih
        return grads

    def wants(self, inputs: FusedInputs) -> Any:
        """``wants("w_hh")``: whether backward must compute that input's gradient."""
        needs, positions = self.needs, inputs.positions
        return lambda name: needs[positions[name]]

    def in_order(self, inputs: FusedInputs, grads: dict[str, Any]) -> tuple[Any, ...]:
        """The gradients as ``backward`` returns them: one per input, in input order."""
        needs = self.needs
        return tuple(grads.get(name) if needs[k] else None for name, k in inputs.positions.items())

    # -------------------------------------------------- Op protocol

    def forward(self, *arrays: Any) -> Any:
        inputs = FusedInputs.unpack(arrays, self.has_cell, self.bias, self.peephole)
        xp = backend.namespace(inputs.x)
        steps, batch = inputs.x.shape[0], inputs.x.shape[1]
        layout = self.layout(steps)
        out = xp.empty((layout.slabs, batch, self.hidden), dtype=inputs.x.dtype)
        out[layout.initial, ...] = inputs.h0
        self.steps_forward(xp, inputs, layout, out)
        self.slab, self.grad_c_n = out, None
        # The op's output is the outputs' view of the slab: its gradient arrives as (T, B, H)
        # and backward reads it in place (a slab-shaped gradient would cost a zeroed 1.6 MB
        # array and a copy per train step at batch 32). h_n is a slice of it; c_n comes
        # from the slab through :class:`FinalCell`, which hands its gradient over directly.
        return out[layout.outputs, ...]

    def backward(self, grad: Any) -> tuple[Any, ...]:
        threads.for_product(self.step_products)
        return self.steps_backward(backend.namespace(grad), grad)

    def release(self) -> None:
        self.grad_c_n = None  # the slab stays: it is the outputs' memory, not a pooled buffer
        pooled, self._pooled = self._pooled, []  # emptied first: never given back twice
        POOL.give(pooled)
        super().release()

    @abstractmethod
    def steps_forward(self, xp: Any, inputs: FusedInputs, layout: SlabLayout, out: Any) -> None:
        """Run the recurrence over all steps, writing hidden (and cell) states into ``out``."""

    @abstractmethod
    def steps_backward(self, xp: Any, grad: Any) -> tuple[Any, ...]:
        """BPTT over all steps: the gradients of the op's inputs, in input order."""
