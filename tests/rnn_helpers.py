"""Shared builders for the recurrent-layer tests: configurations, weight copying, losses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

import minigrad
from minigrad import Tensor
from nn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

LAYERS = {"rnn": RNN, "lstm": LSTM, "gru": GRU}
CELLS = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}
VARIANTS = [
    "rnn_tanh",
    "rnn_relu",
    "rnn_identity",
    "rnn_sigmoid",
    "lstm",
    "lstm_peephole",
    "gru",
    "gru_cho",  # reset_after=False: Cho et al.'s original GRU
]
VARIANT_OPTIONS: dict[str, dict[str, Any]] = {
    "rnn_relu": {"nonlinearity": "relu"},
    "rnn_identity": {"nonlinearity": "identity"},
    "rnn_sigmoid": {"nonlinearity": "sigmoid"},
    "lstm_peephole": {"peephole": True},
    "gru_cho": {"reset_after": False},
}


@dataclass(frozen=True)
class Config:
    """One recurrent layer set-up (small sizes, for gradcheck and property tests)."""

    variant: str = "lstm"
    num_layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    bias: bool = True
    initial_state: bool = False
    steps: int = 3
    batch: int = 2
    input_size: int = 2
    hidden: int = 3

    @property
    def kind(self) -> str:
        return self.variant.split("_")[0]

    def kwargs(self) -> dict[str, Any]:
        extra = VARIANT_OPTIONS.get(self.variant, {})
        return dict(
            num_layers=self.num_layers,
            bidirectional=self.bidirectional,
            batch_first=self.batch_first,
            bias=self.bias,
            **extra,
        )

    def build(self, fused: bool, dtype: str = "float64") -> Any:
        return LAYERS[self.kind](
            self.input_size, self.hidden, fused=fused, dtype=dtype, **self.kwargs()
        )

    def with_(self, **changes: Any) -> Config:
        return replace(self, **changes)


def make_inputs(
    cfg: Config,
    rng: np.random.Generator,
    dtype: str = "float64",
) -> list[Tensor]:
    """Input and (when ``initial_state``) h0 [, c0] as tensors requiring grad."""
    shape = (cfg.batch, cfg.steps) if cfg.batch_first else (cfg.steps, cfg.batch)
    x = Tensor(rng.standard_normal((*shape, cfg.input_size)), dtype=dtype, requires_grad=True)
    inputs = [x]
    if cfg.initial_state:
        states = 2 if cfg.kind == "lstm" else 1
        dirs = 2 if cfg.bidirectional else 1
        for _ in range(states):
            inputs.append(
                Tensor(
                    rng.standard_normal((cfg.num_layers * dirs, cfg.batch, cfg.hidden)) * 0.5,
                    dtype=dtype,
                    requires_grad=True,
                )
            )
    return inputs


def call(module: Any, kind: str, inputs: Sequence[Tensor]) -> Tensor:
    """Run the layer and join output, h_n (and c_n) into one flat tensor to check."""
    x, *states = inputs
    hx = None
    if states:
        hx = (states[0], states[1]) if kind == "lstm" else states[0]
    out, state = module(x, hx)
    parts = [out.reshape(-1)]
    for s in state if isinstance(state, tuple) else (state,):
        parts.append(s.reshape(-1))
    return minigrad.concat(parts)


def functional(
    module: Any,
    fn: Callable[[list[Tensor]], Tensor],
    n_inputs: int,
) -> Callable[..., Tensor]:
    """``f(*inputs, *parameters)`` for gradcheck: parameters replaced by the ones passed in."""
    params = list(module.parameters())

    def f(*args: Tensor) -> Tensor:
        given = args[n_inputs:]
        saved = [p.array for p in params]
        try:
            for p, g in zip(params, given, strict=True):
                p.array = g.array
            return fn(list(args[:n_inputs]))
        finally:
            for p, data in zip(params, saved, strict=True):
                p.array = data

    return f


def copy_weights(source: Any, target: Any) -> None:
    target.load_state_dict(source.state_dict())


def grads_of(tensors: Sequence[Tensor]) -> list[np.ndarray]:
    return [np.zeros(t.shape) if t.grad is None else t.grad.numpy() for t in tensors]
