"""Recurrent networks: RNN, LSTM and GRU cells and layers, in two forms, with step recorders.

PyTorch's call signatures, parameter names and shapes, gate order and initialisation, so
weights copied from ``torch.nn.LSTM`` give the same outputs and gradients. The package is laid
out as the maths and the modules, after Chainer's split:

- :mod:`.steps` — one time step of each cell kind from primitive ops (the *composed* form,
  every gate in its own scope, for pictures): the lecture's equations as code;
- :mod:`.fused` — the *fused* form, one op per sequence with a hand-derived BPTT, one file
  per cell kind (:mod:`.fused.lstm` holds an LSTM step's forward and backward);
- :mod:`.params` — parameter creation, names and PyTorch's initialisation;
- :mod:`.modules` — the cells and layers, which own parameters and state;
- :mod:`.recording` — step hooks and :class:`StateRecorder` (every state, gate and state
  gradient, per step, from either form).

``fused=True`` (layers' default) runs each layer-direction as one op, scoped
``<kind>/l<k>[_reverse]``; ``fused=False`` builds every gate inside nested scopes
``<kind>/l<k>[_reverse]/t=<t>/<gate>`` (``t`` is the position in the sequence, so a reverse
direction counts down; written with :func:`minigrad.time_step_scope`). Gate scopes: LSTM
``input_gate forget_gate cell_candidate output_gate cell hidden``; GRU ``reset_gate
update_gate candidate hidden``; RNN ``hidden``; a cell used on its own scopes as
``<cell kind>/<gate>``. In both forms the slicing into the output sequence and final states
is scoped ``<kind>/l<k>/outputs``; the composed form's per-gate weight views, taken once per
layer-direction and read by every step, are scoped ``<kind>/l<k>/weights``.

Shapes follow PyTorch, including its *unbatched* form: a layer takes ``(T, B, in)``
(``(B, T, in)`` with ``batch_first``) or ``(T, in)``; a cell takes ``(B, in)`` or ``(in,)``.
Initial states are ``(num_layers·D, B, H)`` for layers (``(num_layers·D, H)`` unbatched) and
``(B, H)`` for cells. Anything else raises a ``ValueError`` naming the expected and the actual
shape; a dtype that differs from the parameters' raises a ``TypeError``.
"""

from nn.recurrent.modules import (
    GRU,
    LSTM,
    RNN,
    CellBase,
    GRUCell,
    LSTMCell,
    RecurrentBase,
    RNNCell,
)
from nn.recurrent.recording import (
    HiddenGradRecorder,
    StateRecorder,
    StepEvent,
    StepHookHandle,
)

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "CellBase",
    "GRUCell",
    "HiddenGradRecorder",
    "LSTMCell",
    "RNNCell",
    "RecurrentBase",
    "StateRecorder",
    "StepEvent",
    "StepHookHandle",
]
