"""Backprop through time helpers: truncated BPTT and per-step hidden-state gradients.

*Truncated BPTT* runs a long sequence in chunks and carries the recurrent state from one
chunk to the next with :func:`detach_state`, so each backward stops at the chunk boundary
while the forward pass still sees the whole history (stateful training, as in char-rnn);
:func:`nn.data.tbptt_chunks` cuts the token streams into those chunks.

*Per-step hidden gradients* ‖∂L/∂h_t‖ show vanishing and exploding gradients.
:class:`HiddenGradRecorder` collects them from a recurrent layer in either form (composed:
a hook on every step's ``h_t``; fused: the op reports the ``dL/dh_t`` its backward computes)
or from a cell called once per step; :func:`hidden_grad_norms` does forward, loss and backward
in one call. ``∂L/∂h_t`` is the *total* gradient: through the output at step t and through
the recurrence into later steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from minigrad import Tensor
from nn.module import Module
from nn.recurrent.recording import HiddenGradRecorder


def detach_state(state: Any) -> Any:
    """Cut a recurrent state from the graph: tensors are detached, tuples/lists recursed.

    Use it between chunks of truncated BPTT so the next backward stops at the boundary.

    Examples
    --------
    >>> import minigrad
    >>> from nn import LSTM
    >>> from nn.bptt import detach_state
    >>> lstm = LSTM(2, 3)
    >>> _, state = lstm(minigrad.randn(4, 1, 2))
    >>> h, c = detach_state(state)
    >>> h.requires_grad, c.requires_grad, h.shape
    (False, False, (1, 1, 3))
    """
    if state is None:
        return None
    if isinstance(state, Tensor):
        return state.detach()
    if isinstance(state, (tuple, list)):
        return type(state)(detach_state(s) for s in state)
    raise TypeError(
        f"detach_state expects a Tensor, a tuple/list of them or None, got {type(state).__name__}"
    )


def hidden_grad_norms(
    module: Module,
    x: Any,
    loss_fn: Callable[[Tensor], Tensor],
    hx: Any = None,
    layer: int = -1,
    direction: int = 0,
) -> np.ndarray:
    """Run ``loss_fn(module(x, hx)[0]).backward()`` and return ‖∂L/∂h_t‖ per step.

    Parameter gradients accumulate as in any backward; zero them afterwards if needed.

    Examples
    --------
    >>> import minigrad
    >>> from nn import RNN
    >>> from nn.bptt import hidden_grad_norms
    >>> minigrad.manual_seed(0)
    >>> rnn = RNN(2, 8, fused=False)
    >>> norms = hidden_grad_norms(rnn, minigrad.randn(30, 1, 2), lambda out: out[-1].sum())
    >>> bool(norms[0] < 1e-2 * norms[-1])     # the vanishing gradient
    True
    """
    with HiddenGradRecorder(module) as recorder:
        output = module(x, hx)[0]
    loss_fn(output).backward()
    return recorder.norms(layer, direction)


__all__ = ["detach_state", "hidden_grad_norms"]
