"""Training smoke tests: recurrent layers learn small memory tasks, quickly and reliably."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn
from nn import GRU, LSTM, RNN, functional


class Tagger(nn.Module):
    """A recurrent layer and a linear read-out at every step: (T, B, 1) → (T, B, classes)."""

    def __init__(self, layer: nn.Module, hidden: int, classes: int = 2) -> None:
        super().__init__()
        self.rnn = layer
        self.head = nn.Linear(hidden, classes)

    def forward(self, x: minigrad.Tensor) -> minigrad.Tensor:
        out, _ = self.rnn(x)
        return self.head(out)


def _delayed_recall(
    rng: np.random.Generator,
    steps: int,
    batch: int,
    delay: int,
) -> tuple[minigrad.Tensor, np.ndarray]:
    """Random bits in; the target at step t is the input bit at step t − delay."""
    bits = rng.integers(0, 2, size=(steps, batch))
    x = minigrad.tensor((bits[..., None] * 2.0 - 1.0).astype(np.float32))
    target = np.zeros_like(bits)
    target[delay:] = bits[:-delay]
    return x, target


def _train(
    layer: nn.Module, hidden: int, delay: int, iterations: int, lr: float, seed: int = 0
) -> float:
    """Train on fresh batches; return accuracy on a held-out batch (steps ≥ delay)."""
    rng = np.random.default_rng(seed)
    model = Tagger(layer, hidden)
    optimizer = nn.optim.Adam(model.parameters(), lr=lr)
    steps, batch = 12, 32
    for _ in range(iterations):
        x, target = _delayed_recall(rng, steps, batch, delay)
        logits = model(x)[delay:]
        loss = functional.cross_entropy(logits.reshape(-1, 2), target[delay:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    x, target = _delayed_recall(rng, steps, 256, delay)
    with minigrad.no_grad():
        predicted = model(x).numpy().argmax(-1)
    return float((predicted[delay:] == target[delay:]).mean())


@pytest.mark.parametrize(
    ("name", "layer"),
    [
        ("lstm", lambda: LSTM(1, 16)),
        ("gru", lambda: GRU(1, 16)),
        ("rnn", lambda: RNN(1, 16)),
        ("lstm_peephole_2layers", lambda: LSTM(1, 16, num_layers=2, peephole=True)),
    ],
)
def test_layer_learns_delayed_recall(name: str, layer: object) -> None:
    minigrad.manual_seed(0)
    accuracy = _train(layer(), 16, delay=3, iterations=150, lr=0.02)
    assert accuracy >= 0.95, f"{name} reached only {accuracy:.1%}"


def test_composed_form_trains_the_same_way() -> None:
    """The composed form learns too (fewer steps: it is the slow, pictorial form)."""
    minigrad.manual_seed(0)
    accuracy = _train(LSTM(1, 12, fused=False), 12, delay=2, iterations=80, lr=0.03)
    assert accuracy >= 0.95, f"composed LSTM reached only {accuracy:.1%}"
