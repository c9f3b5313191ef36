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

from minigrad import Tensor, backend
from nn.module import Module


def detach_state(state: Any) -> Any:
    """Cut a recurrent state from the graph: tensors are detached, tuples/lists recursed.

    Use it between chunks of truncated BPTT so the next backward stops at the boundary.

    Examples
    --------
    >>> import minigrad
    >>> from nn.rnn import LSTM
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


class HiddenGradRecorder:
    """Record ‖∂L/∂h_t‖ (and optionally ∂L/∂h_t) for every step of a recurrent module.

    Attach it while running the forward pass (as a context manager, or until
    :meth:`remove`); the gradients arrive during the later ``backward()``. Works with
    ``RNN``/``LSTM``/``GRU`` in both forms (every layer and direction) and with a cell
    called once per step (step ``t`` is the t-th call). A new forward pass under the
    recorder overwrites the steps it reaches.

    Parameters
    ----------
    module : RNN, LSTM, GRU, RNNCell, LSTMCell or GRUCell
    keep_grads : bool
        Also keep a copy of each ``∂L/∂h_t`` (shape ``(B, H)``) in :attr:`grads`.

    Examples
    --------
    >>> import minigrad
    >>> from nn.rnn import LSTM
    >>> from nn.bptt import HiddenGradRecorder
    >>> minigrad.manual_seed(0)
    >>> lstm = LSTM(2, 8)
    >>> x = minigrad.randn(20, 1, 2)
    >>> with HiddenGradRecorder(lstm) as rec:
    ...     out, _ = lstm(x)
    >>> out[-1].sum().backward()           # loss at the last step only
    >>> norms = rec.norms()                # ‖∂L/∂h_t‖ for t = 0 … 19
    >>> norms.shape, bool(norms[0] < norms[-1])
    ((20,), True)
    """

    def __init__(self, module: Module, keep_grads: bool = False) -> None:
        if not hasattr(module, "_observer"):
            raise TypeError(
                f"HiddenGradRecorder records nn.rnn layers and cells, got {type(module).__name__}"
            )
        self.module = module
        self.keep_grads = keep_grads
        self.table: dict[tuple[int, int, int], float] = {}
        """``(layer, direction, t) → ‖∂L/∂h_t‖``."""
        self.grads: dict[tuple[int, int, int], np.ndarray] = {}
        """``(layer, direction, t) → ∂L/∂h_t`` as NumPy, when ``keep_grads``."""
        self._calls = 0
        self.attach()

    # -------------------------------------------------- attaching

    def attach(self) -> HiddenGradRecorder:
        """Start recording forward passes of the module (done by the constructor)."""
        if hasattr(self.module, "_kind") and hasattr(self.module, "num_layers"):
            object.__setattr__(self.module, "_observer", self._record)
        else:
            self._calls = 0
            object.__setattr__(self.module, "_observer", self._watch_cell_output)
        return self

    def remove(self) -> None:
        """Stop recording new forward passes (hooks already placed still report)."""
        object.__setattr__(self.module, "_observer", None)

    def __enter__(self) -> HiddenGradRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    # -------------------------------------------------- collecting

    def _record(self, layer: int, direction: int, t: int, grad: Any) -> None:
        key = (layer, direction, t)
        g = backend.to_numpy(grad)
        self.table[key] = float(np.sqrt(np.sum(np.square(g, dtype=np.float64))))
        if self.keep_grads:
            self.grads[key] = np.array(g, copy=True)

    def _watch_cell_output(self, h: Tensor) -> None:
        t = self._calls
        self._calls += 1
        if h.requires_grad:
            h.register_hook(lambda g: self._record(0, 0, t, g.data))

    # -------------------------------------------------- reading

    def norms(self, layer: int = -1, direction: int = 0) -> np.ndarray:
        """‖∂L/∂h_t‖ for t = 0 … T−1 of one layer and direction (default: last layer, forward).

        Steps that received no gradient read 0.
        """
        layers = getattr(self.module, "num_layers", 1)
        layer %= layers
        steps = [t for (k, d, t) in self.table if (k, d) == (layer, direction)]
        out = np.zeros(max(steps) + 1 if steps else 0)
        for t in steps:
            out[t] = self.table[(layer, direction, t)]
        return out

    def clear(self) -> None:
        """Forget what was recorded."""
        self.table.clear()
        self.grads.clear()
        self._calls = 0


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
    >>> from nn.rnn import RNN
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


__all__ = ["HiddenGradRecorder", "detach_state", "hidden_grad_norms"]
