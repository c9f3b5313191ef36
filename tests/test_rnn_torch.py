"""PyTorch as an independent oracle: copy its weights, compare outputs and gradients."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import minigrad
from nn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell

torch = pytest.importorskip("torch", reason="PyTorch is not installed: the oracle tests need it")

LAYERS = {"rnn": (RNN, torch.nn.RNN), "lstm": (LSTM, torch.nn.LSTM), "gru": (GRU, torch.nn.GRU)}
CELLS = {
    "rnn": (RNNCell, torch.nn.RNNCell),
    "lstm": (LSTMCell, torch.nn.LSTMCell),
    "gru": (GRUCell, torch.nn.GRUCell),
}


def _copy_from_torch(theirs: torch.nn.Module, ours: object) -> None:
    ours.load_state_dict({n: p.detach().numpy() for n, p in theirs.named_parameters()})


def _loss(out: object, state: object, weights: list[np.ndarray], lib: object) -> object:
    """Σ wᵢ ⊙ partᵢ over output and final states (fixed random cotangents)."""
    parts = [out, *(state if isinstance(state, tuple) else (state,))]
    total = 0
    for part, w in zip(parts, weights, strict=True):
        total = total + (part * lib(w)).sum()
    return total


@pytest.mark.parametrize(
    ("fused", "dtype"),
    [(False, "float64"), (True, "float64"), (True, "float32")],
    ids=["composed-f64", "fused-f64", "fused-f32"],
)
@pytest.mark.parametrize(
    "options",
    list(itertools.product([1, 2], [False, True], [False, True], [True, False], [False, True])),
    ids=lambda o: "L{}-bi{:d}-bf{:d}-bias{:d}-h0{:d}".format(*o),
)
@pytest.mark.parametrize("kind", ["rnn_tanh", "rnn_relu", "lstm", "gru"])
def test_layers_match_pytorch(kind: str, options: tuple, fused: bool, dtype: str) -> None:
    layers, bidirectional, batch_first, bias, give_state = options
    base = kind.split("_")[0]
    extra = {"nonlinearity": "relu"} if kind == "rnn_relu" else {}
    torch.manual_seed(0)
    theirs = LAYERS[base][1](
        3,
        4,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        bias=bias,
        **extra,
    )
    theirs = theirs.double() if dtype == "float64" else theirs
    ours = LAYERS[base][0](
        3,
        4,
        num_layers=layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        bias=bias,
        fused=fused,
        dtype=dtype,
        **extra,
    )
    _copy_from_torch(theirs, ours)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 2, 3)).astype(dtype)
    dirs = 2 if bidirectional else 1
    batch = 5 if batch_first else 2
    states = [
        rng.standard_normal((layers * dirs, batch, 4)).astype(dtype)
        for _ in range(2 if base == "lstm" else 1)
    ]
    t_in = [torch.tensor(a, requires_grad=True) for a in [x, *states]]
    m_in = [minigrad.tensor(a, requires_grad=True) for a in [x, *states]]

    def hx(ins: list) -> object:
        if not give_state:
            return None
        return tuple(ins[1:]) if base == "lstm" else ins[1]

    t_out, t_state = theirs(t_in[0], hx(t_in))
    m_out, m_state = ours(m_in[0], hx(m_in))
    shapes = [t_out.shape, *[s.shape for s in (t_state if base == "lstm" else (t_state,))]]
    weights = [rng.standard_normal(tuple(s)).astype(dtype) for s in shapes]
    _loss(t_out, t_state, weights, torch.tensor).backward()
    _loss(m_out, m_state, weights, minigrad.tensor).backward()
    tol = {"rtol": 1e-9, "atol": 1e-11} if dtype == "float64" else {"rtol": 1e-4, "atol": 1e-5}
    np.testing.assert_allclose(m_out.numpy(), t_out.detach().numpy(), **tol)
    named = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(named[name].grad.numpy(), p.grad.numpy(), err_msg=name, **tol)
    for a, b in zip(m_in[: 1 + (len(states) if give_state else 0)], t_in, strict=False):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), **tol)


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_cells_match_pytorch(kind: str, bias: bool, fused: bool) -> None:
    torch.manual_seed(0)
    theirs = CELLS[kind][1](3, 4, bias=bias).double()
    ours = CELLS[kind][0](3, 4, bias=bias, dtype="float64", fused=fused)
    _copy_from_torch(theirs, ours)
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3))] + [
        rng.standard_normal((2, 4)) for _ in range(2 if kind == "lstm" else 1)
    ]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    m_in = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    t_out = theirs(t_in[0], tuple(t_in[1:]) if kind == "lstm" else t_in[1])
    m_out = ours(m_in[0], tuple(m_in[1:]) if kind == "lstm" else m_in[1])
    t_parts = t_out if isinstance(t_out, tuple) else (t_out,)
    m_parts = m_out if isinstance(m_out, tuple) else (m_out,)
    weights = [rng.standard_normal((2, 4)) for _ in t_parts]
    sum((p * torch.tensor(w)).sum() for p, w in zip(t_parts, weights, strict=True)).backward()
    sum((p * minigrad.tensor(w)).sum() for p, w in zip(m_parts, weights, strict=True)).backward()
    for a, b in zip(m_parts, t_parts, strict=True):
        np.testing.assert_allclose(a.numpy(), b.detach().numpy(), rtol=1e-10)
    named = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(
            named[name].grad.numpy(), p.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name
        )
    for a, b in zip(m_in, t_in, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-9, atol=1e-12)
