"""Small recurrent nets written with plain minigrad ops, for examples, docs and tests.

They follow ``nn``'s composed-form conventions (scopes ``<kind>/l0/t=<k>/<gate>``, parameter
names ``weight_ih_l0`` …, PyTorch gate order) so every picture of them looks like a picture of
``nn.RNN``/``nn.LSTM``/``nn.GRU(fused=False)``, without depending on ``nn``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import minigrad
from minigrad import Tensor

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


@dataclass
class Unrolled:
    """The result of :func:`unroll`: the loss, the hidden states and the parameters."""

    loss: Tensor
    hidden: list[Tensor]
    params: dict[str, Tensor]


def unroll(
    kind: str, steps: int, hidden: int = 3, inputs: int = 2, seed: int = 0, scale: float = 1.0
) -> Unrolled:
    """Run a one-layer ``kind`` ("rnn", "lstm", "gru") over ``steps`` steps; loss = Σ h_T.

    Parameters are drawn uniformly from ±``scale``/√hidden (PyTorch's initialisation at 1).

    Examples
    --------
    >>> net = unroll("lstm", steps=3)
    >>> net.loss.shape, len(net.hidden), sorted(net.params)[0]
    ((), 4, 'bias_hh_l0')
    >>> net.hidden[2].node.scope
    'lstm/l0/t=1/hidden'
    """
    rng = np.random.default_rng(seed)
    bound = scale / np.sqrt(hidden)
    rows = GATES[kind] * hidden

    def param(name: str, *shape: int) -> Tensor:
        values = rng.uniform(-bound, bound, size=shape).astype(np.float32)
        return Tensor(values, requires_grad=True, name=name)

    params = {
        "weight_ih_l0": param("weight_ih_l0", rows, inputs),
        "weight_hh_l0": param("weight_hh_l0", rows, hidden),
        "bias_ih_l0": param("bias_ih_l0", rows),
        "bias_hh_l0": param("bias_hh_l0", rows),
    }
    xs = rng.standard_normal((steps, inputs)).astype(np.float32)
    h = Tensor(np.zeros(hidden, np.float32), requires_grad=True, name="h0")
    c = Tensor(np.zeros(hidden, np.float32), requires_grad=True, name="c0")
    states = [h]
    for t in range(steps):
        with minigrad.scope(kind), minigrad.scope("l0"), minigrad.scope(f"t={t}"):
            x = Tensor(xs[t], name=f"x{t}")
            h, c = CELLS[kind](x, h, c, params, hidden)
        states.append(h)
    with minigrad.scope("loss"):
        loss = h.sum()
    loss.name = "loss"
    return Unrolled(loss, states, params)


def _affine(x: Tensor, h: Tensor, p: dict[str, Tensor]) -> tuple[Tensor, Tensor]:
    return (p["weight_ih_l0"] @ x + p["bias_ih_l0"], p["weight_hh_l0"] @ h + p["bias_hh_l0"])


def _rnn(x: Tensor, h: Tensor, c: Tensor, p: dict[str, Tensor], n: int) -> tuple[Tensor, Tensor]:
    with minigrad.scope("hidden"):
        a, b = _affine(x, h, p)
        return (a + b).tanh(), c


def _lstm(x: Tensor, h: Tensor, c: Tensor, p: dict[str, Tensor], n: int) -> tuple[Tensor, Tensor]:
    a, b = _affine(x, h, p)
    pre = a + b
    parts = {}
    for k, (gate, fn) in enumerate(
        [
            ("input_gate", "sigmoid"),
            ("forget_gate", "sigmoid"),
            ("cell_candidate", "tanh"),
            ("output_gate", "sigmoid"),
        ]
    ):
        with minigrad.scope(gate):
            parts[gate] = getattr(pre[k * n : (k + 1) * n], fn)()
    with minigrad.scope("cell"):
        c = parts["forget_gate"] * c + parts["input_gate"] * parts["cell_candidate"]
    with minigrad.scope("hidden"):
        h = parts["output_gate"] * c.tanh()
    return h, c


def _gru(x: Tensor, h: Tensor, c: Tensor, p: dict[str, Tensor], n: int) -> tuple[Tensor, Tensor]:
    a, b = _affine(x, h, p)
    with minigrad.scope("reset_gate"):
        r = (a[:n] + b[:n]).sigmoid()
    with minigrad.scope("update_gate"):
        z = (a[n : 2 * n] + b[n : 2 * n]).sigmoid()
    with minigrad.scope("candidate"):
        cand = (a[2 * n :] + r * b[2 * n :]).tanh()
    with minigrad.scope("hidden"):
        h = (1 - z) * cand + z * h
    return h, c


CELLS = {"rnn": _rnn, "lstm": _lstm, "gru": _gru}
