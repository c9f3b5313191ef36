"""One time step of each cell kind, from primitive ops: the lecture's equations, as code.

These are the *composed* forms: every gate is built from ``@``, ``+``, ``σ``, ``tanh`` and
``⊙`` inside its own scope (``input_gate``, ``forget_gate``, …), which is what a picture of
backprop through time should show. Each step returns the new hidden state, the new cell state
(LSTM) and the gates' activations by name, for recorders. The fused forms in
:mod:`nn.recurrent.fused` compute the same maths as one op per sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from minigrad import Tensor, scope

Gates = dict[str, Tensor]
StepResult = tuple[Tensor, Tensor | None, Gates]


class Gate(NamedTuple):
    """One gate's weights, transposed for ``x @ wx``: (in, H), (H, H) and biases (H,)."""

    wx: Tensor
    wh: Tensor
    bx: Tensor | None
    bh: Tensor | None


@dataclass(frozen=True)
class StepOptions:
    """What varies within a cell kind: the RNN's nonlinearity, the GRU's reset placement."""

    nonlinearity: str = "tanh"
    reset_after: bool = True


ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "tanh": Tensor.tanh,
    "relu": Tensor.relu,
    "sigmoid": Tensor.sigmoid,
    "identity": lambda pre: pre,  # the linear recursion h_t = W h_{t−1} + … of the lectures
}


def affine(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    """x @ w (+ b)."""
    y = x @ w
    return y if b is None else y + b


def pre_activation(x: Tensor, h: Tensor, g: Gate) -> Tensor:
    """W_x x + b_x + W_h h + b_h: the pre-activation of one gate."""
    return affine(x, g.wx, g.bx) + affine(h, g.wh, g.bh)


def rnn_step(
    x: Tensor,
    h: Tensor,
    c: Tensor | None,
    gates: dict[str, Gate],
    peep: tuple[Tensor, ...] | None,
    options: StepOptions,
) -> StepResult:
    """h' = act(W_ih x + b_ih + W_hh h + b_hh)."""
    with scope("hidden"):
        h_new = ACTIVATIONS[options.nonlinearity](pre_activation(x, h, gates["hidden"]))
    return h_new, None, {}


def lstm_step(
    x: Tensor,
    h: Tensor,
    c: Tensor | None,
    gates: dict[str, Gate],
    peep: tuple[Tensor, ...] | None,
    options: StepOptions,
) -> StepResult:
    """i, f, o = σ(…), g = tanh(…); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').

    With peepholes i and f also see ``w_ci ⊙ c``, ``w_cf ⊙ c`` and o sees ``w_co ⊙ c'``.
    """
    assert c is not None
    with scope("input_gate"):
        pre = pre_activation(x, h, gates["input_gate"])
        i = (pre if peep is None else pre + peep[0] * c).sigmoid()
    with scope("forget_gate"):
        pre = pre_activation(x, h, gates["forget_gate"])
        f = (pre if peep is None else pre + peep[1] * c).sigmoid()
    with scope("cell_candidate"):
        g = pre_activation(x, h, gates["cell_candidate"]).tanh()
    with scope("cell"):
        c_new = f * c + i * g
    with scope("output_gate"):
        pre = pre_activation(x, h, gates["output_gate"])
        o = (pre if peep is None else pre + peep[2] * c_new).sigmoid()
    with scope("hidden"):
        h_new = o * c_new.tanh()
    activations = {"input_gate": i, "forget_gate": f, "cell_candidate": g, "output_gate": o}
    return h_new, c_new, activations


def gru_step(
    x: Tensor,
    h: Tensor,
    c: Tensor | None,
    gates: dict[str, Gate],
    peep: tuple[Tensor, ...] | None,
    options: StepOptions,
) -> StepResult:
    """r, z = σ(…); n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); h' = (1 − z) ⊙ n + z ⊙ h.

    With ``reset_after=False`` (Cho et al.'s original): n = tanh(W_in x + b_in +
    W_hn (r ⊙ h) + b_hn).
    """
    with scope("reset_gate"):
        r = pre_activation(x, h, gates["reset_gate"]).sigmoid()
    with scope("update_gate"):
        z = pre_activation(x, h, gates["update_gate"]).sigmoid()
    with scope("candidate"):
        g = gates["candidate"]
        recurrent = r * affine(h, g.wh, g.bh) if options.reset_after else affine(r * h, g.wh, g.bh)
        n = (affine(x, g.wx, g.bx) + recurrent).tanh()
    with scope("hidden"):
        h_new = (1.0 - z) * n + z * h
    return h_new, None, {"reset_gate": r, "update_gate": z, "candidate": n}


@dataclass(frozen=True)
class CellKind:
    """What differs between RNN, LSTM and GRU: gate blocks, cell state, step maths."""

    name: str
    blocks: tuple[str, ...]  # scope name of each (H, ·) block of the weights, in order
    has_cell: bool
    step: Callable[..., StepResult]


RNN_KIND = CellKind("rnn", ("hidden",), False, rnn_step)
LSTM_KIND = CellKind(
    "lstm", ("input_gate", "forget_gate", "cell_candidate", "output_gate"), True, lstm_step
)
GRU_KIND = CellKind("gru", ("reset_gate", "update_gate", "candidate"), False, gru_step)
KINDS = {kind.name: kind for kind in (RNN_KIND, LSTM_KIND, GRU_KIND)}
