"""Step hooks and the state recorder: every state, gate and state gradient, per time step.

A recurrent layer or cell calls its *step hooks* once per time step in forward, with the
hidden state ``h``, the LSTM's cell state ``c`` and each gate's activation, and once per step
in backward, with ∂L/∂h_t (and ∂L/∂c_t): the whole gradient reaching that state, from the
output and from the next step. Fused and composed forms report the same values; the fused
ops copy what they compute anyway and never fall back to the composed form. With no hook
registered nothing is copied or called.

:class:`StateRecorder` collects the events as NumPy arrays; :class:`HiddenGradRecorder` is
the same thing reduced to ‖∂L/∂h_t‖.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from minigrad import Tensor, backend


@dataclass(frozen=True)
class StepEvent:
    """One step's report: ``phase`` is ``"forward"`` (states and gate activations) or
    ``"backward"`` (∂L/∂state); ``values`` maps names (``"h"``, ``"c"``, ``"forget_gate"``,
    …) to arrays of shape ``(B, H)`` on the module's device."""

    layer: int
    direction: int
    t: int
    phase: str
    values: dict[str, Any]


StepHook = Callable[[StepEvent], None]


class StepHookHandle:
    """Returned by ``register_step_hook``; :meth:`remove` unregisters the hook."""

    def __init__(self, hooks: dict[int, StepHook], key: int) -> None:
        self._hooks, self._key = hooks, key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


class Sink:
    """Delivers one layer-direction's step values to the hooks registered at forward time."""

    def __init__(self, hooks: tuple[StepHook, ...], layer: int, direction: int, t0: int = 0):
        self.hooks, self.layer, self.direction, self.t0 = hooks, layer, direction, t0

    def forward_step(self, t: int, values: dict[str, Any]) -> None:
        self._send(t, "forward", values)

    def backward_step(self, t: int, grads: dict[str, Any]) -> None:
        self._send(t, "backward", grads)

    def _send(self, t: int, phase: str, values: dict[str, Any]) -> None:
        event = StepEvent(self.layer, self.direction, self.t0 + t, phase, values)
        for hook in self.hooks:
            hook(event)

    def watch(self, t: int, h: Tensor, c: Tensor | None, gates: dict[str, Tensor]) -> None:
        """Report a composed step: its values now, its state gradients when backward comes."""
        values = {"h": h.array, **({} if c is None else {"c": c.array})}
        self.forward_step(t, {**values, **{name: g.array for name, g in gates.items()}})
        for name, state in (("h", h), ("c", c)):
            if state is not None and state.requires_grad:
                state.register_hook(lambda g, _t=t, _n=name: self.backward_step(_t, {_n: g.array}))


class StepHooks:
    """Mixin for recurrent modules: ``register_step_hook`` and the sinks the forms report to."""

    def _init_step_hooks(self) -> None:
        object.__setattr__(self, "_step_hooks", {})
        object.__setattr__(self, "_hook_ids", itertools.count())
        self.steps_seen = 0

    def register_step_hook(self, hook: StepHook) -> StepHookHandle:
        """Call ``hook(event)`` for every time step of later forward and backward passes.

        ``event`` is a :class:`StepEvent` (layer, direction, t, phase, values). A cell numbers
        its calls as steps: ``t`` counts the calls since :attr:`steps_seen` was last reset
        (registering a hook resets it).

        Examples
        --------
        >>> import minigrad
        >>> from nn import LSTM
        >>> lstm = LSTM(2, 3)
        >>> seen = []
        >>> hook = lambda e: seen.append((e.phase, e.t, sorted(e.values)))
        >>> handle = lstm.register_step_hook(hook)
        >>> out, _ = lstm(minigrad.randn(2, 1, 2))
        >>> out.sum().backward()
        >>> handle.remove()
        >>> seen[0]
        ('forward', 0, ['c', 'cell_candidate', 'forget_gate', 'h', 'input_gate', 'output_gate'])
        >>> seen[-1]
        ('backward', 0, ['c', 'h'])
        """
        key = next(self._hook_ids)
        self._step_hooks[key] = hook
        self.steps_seen = 0
        return StepHookHandle(self._step_hooks, key)

    def _sink(self, layer: int, direction: int, t0: int = 0) -> Sink | None:
        """A sink for one layer-direction, or ``None`` (no cost) when no hook is registered."""
        if not self._step_hooks:
            return None
        return Sink(tuple(self._step_hooks.values()), layer, direction, t0)


Key = tuple[int, int, int]


class StateRecorder:
    """Record every state, gate and state gradient of a recurrent layer or cell, per step.

    Use it as a context manager around the forward pass; gradients arrive during the later
    ``backward()``. Works with ``RNN``/``LSTM``/``GRU`` (every layer and direction) in both
    forms, and with a cell called once per step. Everything is kept as NumPy arrays of shape
    ``(B, H)``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import LSTM, StateRecorder
    >>> minigrad.manual_seed(0)
    >>> lstm = LSTM(2, 8)
    >>> with StateRecorder(lstm) as rec:
    ...     out, _ = lstm(minigrad.randn(30, 4, 2))
    >>> out[-1].sum().backward()
    >>> forget = rec.values("forget_gate")            # (T, B, H)
    >>> forget.shape, rec.grads("c").shape
    ((30, 4, 8), (30, 4, 8))
    >>> mean_forget = forget.mean(axis=(1, 2))         # the forget gate's mean over time
    >>> bool(0.0 < mean_forget.min() <= mean_forget.max() < 1.0)
    True
    """

    def __init__(self, module: Any) -> None:
        if not isinstance(module, StepHooks):
            raise TypeError(
                "StateRecorder records nn's recurrent layers and cells (RNN, LSTM, GRU, "
                f"RNNCell, LSTMCell, GRUCell), got {type(module).__name__}"
            )
        self.module = module
        self.forward: dict[Key, dict[str, np.ndarray]] = {}
        """``(layer, direction, t) → {name: value}`` from the forward pass."""
        self.backward: dict[Key, dict[str, np.ndarray]] = {}
        """``(layer, direction, t) → {name: ∂L/∂value}`` from the backward pass."""
        self._handle: StepHookHandle | None = None
        self.attach()

    def attach(self) -> StateRecorder:
        """Start recording forward passes (the constructor does it)."""
        if self._handle is None:
            self._handle = self.module.register_step_hook(self._record)
        return self

    def remove(self) -> None:
        """Stop recording new forward passes (backward passes of recorded ones still report)."""
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    def __enter__(self) -> StateRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def clear(self) -> None:
        """Forget what was recorded; a cell's steps count from 0 again."""
        self.forward.clear()
        self.backward.clear()
        self.module.steps_seen = 0

    def _record(self, event: StepEvent) -> None:
        table = self.forward if event.phase == "forward" else self.backward
        slot = table.setdefault((event.layer, event.direction, event.t), {})
        for name, value in event.values.items():
            slot[name] = np.array(backend.to_numpy(value), copy=True)

    # -------------------------------------------------- reading

    def _stack(
        self, table: dict[Key, dict[str, np.ndarray]], name: str, layer: int, direction: int
    ) -> np.ndarray:
        layer %= getattr(self.module, "num_layers", 1)
        steps = sorted(
            t for (k, d, t), v in table.items() if (k, d) == (layer, direction) and name in v
        )
        if not steps:
            known = sorted({n for v in table.values() for n in v})
            raise KeyError(
                f"nothing recorded for {name!r} in layer {layer}, direction {direction}; "
                f"recorded: {known}"
            )
        first = table[(layer, direction, steps[0])][name]
        out = np.zeros((steps[-1] + 1, *first.shape), dtype=first.dtype)
        for t in steps:
            out[t] = table[(layer, direction, t)][name]
        return out

    def values(self, name: str = "h", layer: int = -1, direction: int = 0) -> np.ndarray:
        """``name``'s value at every step, ``(T, B, H)``: ``"h"``, ``"c"`` or a gate's name."""
        return self._stack(self.forward, name, layer, direction)

    def grads(self, name: str = "h", layer: int = -1, direction: int = 0) -> np.ndarray:
        """∂L/∂``name`` at every step, ``(T, B, H)``: ``"h"`` or ``"c"``; steps that received
        no gradient read 0."""
        return self._stack(self.backward, name, layer, direction)

    def grad_norms(self, name: str = "h", layer: int = -1, direction: int = 0) -> np.ndarray:
        """‖∂L/∂``name``_t‖ for t = 0 … T−1 (one number per step, over batch and units)."""
        grads = self.grads(name, layer, direction).astype(np.float64)
        return np.sqrt(np.sum(grads.reshape(grads.shape[0], -1) ** 2, axis=1))


class HiddenGradRecorder:
    """Record ‖∂L/∂h_t‖ (and optionally ∂L/∂h_t) for every step of a recurrent module.

    A :class:`StateRecorder` read through :meth:`norms`: attach it while running the forward
    pass (as a context manager, or until :meth:`remove`); the gradients arrive during the
    later ``backward()``.

    Parameters
    ----------
    module : RNN, LSTM, GRU, RNNCell, LSTMCell or GRUCell
    keep_grads : bool
        Also keep each ``∂L/∂h_t`` (shape ``(B, H)``) in :attr:`grads`.

    Examples
    --------
    >>> import minigrad
    >>> from nn import LSTM, HiddenGradRecorder
    >>> minigrad.manual_seed(0)
    >>> lstm = LSTM(2, 8)
    >>> with HiddenGradRecorder(lstm) as rec:
    ...     out, _ = lstm(minigrad.randn(20, 1, 2))
    >>> out[-1].sum().backward()           # loss at the last step only
    >>> norms = rec.norms()                # ‖∂L/∂h_t‖ for t = 0 … 19
    >>> norms.shape, bool(norms[0] < norms[-1])
    ((20,), True)
    """

    def __init__(self, module: Any, keep_grads: bool = False) -> None:
        self.recorder = StateRecorder(module)
        self.module = module
        self.keep_grads = keep_grads

    def attach(self) -> HiddenGradRecorder:
        """Start recording forward passes (the constructor does it)."""
        self.recorder.attach()
        return self

    def remove(self) -> None:
        """Stop recording new forward passes (hooks already placed still report)."""
        self.recorder.remove()

    def __enter__(self) -> HiddenGradRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def clear(self) -> None:
        """Forget what was recorded."""
        self.recorder.clear()

    @property
    def table(self) -> dict[Key, float]:
        """``(layer, direction, t) → ‖∂L/∂h_t‖``."""
        return {
            key: float(np.sqrt(np.sum(np.square(v["h"], dtype=np.float64))))
            for key, v in self.recorder.backward.items()
            if "h" in v
        }

    @property
    def grads(self) -> dict[Key, np.ndarray]:
        """``(layer, direction, t) → ∂L/∂h_t`` as NumPy, when ``keep_grads`` (else empty)."""
        if not self.keep_grads:
            return {}
        return {key: v["h"] for key, v in self.recorder.backward.items() if "h" in v}

    def norms(self, layer: int = -1, direction: int = 0) -> np.ndarray:
        """‖∂L/∂h_t‖ for t = 0 … T−1 of one layer and direction (default: last layer, forward).

        Steps that received no gradient read 0.
        """
        try:
            return self.recorder.grad_norms("h", layer, direction)
        except KeyError:
            return np.zeros(0)
