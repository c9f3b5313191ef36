"""The lectures' cell variants against hand-written NumPy: RNN identity/sigmoid, Cho's GRU.

Gradchecks and composed == fused for these variants run with every other variant in
test_rnn.py (they are in rnn_helpers.VARIANTS); here each form is checked against the
equations written out in NumPy, an implementation that shares no code with minigrad.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
from nn import GRU, RNN, GRUCell, RNNCell

ACT = {
    "identity": lambda a: a,
    "sigmoid": lambda a: 1.0 / (1.0 + np.exp(-a)),
    "tanh": np.tanh,
    "relu": lambda a: np.maximum(a, 0.0),
}


def sigmoid(a: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-a))


def numpy_rnn(p: dict[str, np.ndarray], x: np.ndarray, act: str) -> np.ndarray:
    h = np.zeros((x.shape[1], p["weight_hh_l0"].shape[0]))
    out = []
    for x_t in x:
        pre = x_t @ p["weight_ih_l0"].T + p["bias_ih_l0"] + h @ p["weight_hh_l0"].T
        h = ACT[act](pre + p["bias_hh_l0"])
        out.append(h)
    return np.stack(out)


def numpy_gru_cho(p: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Cho et al. (2014): n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)."""
    hid = p["weight_hh_l0"].shape[1]
    w_ih, w_hh, b_ih, b_hh = (
        p[k] for k in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
    )
    blocks = [slice(k * hid, (k + 1) * hid) for k in range(3)]
    h = np.zeros((x.shape[1], hid))
    out = []
    for x_t in x:
        r, z = (sigmoid(x_t @ w_ih[b].T + b_ih[b] + h @ w_hh[b].T + b_hh[b]) for b in blocks[:2])
        b = blocks[2]
        n = np.tanh(x_t @ w_ih[b].T + b_ih[b] + (r * h) @ w_hh[b].T + b_hh[b])
        h = (1 - z) * n + z * h
        out.append(h)
    return np.stack(out)


def _params(module) -> dict[str, np.ndarray]:
    return {name: p.numpy() for name, p in module.named_parameters()}


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
@pytest.mark.parametrize("act", ["identity", "sigmoid", "tanh", "relu"])
def test_rnn_nonlinearities_match_numpy(act: str, fused: bool) -> None:
    minigrad.manual_seed(3)
    rnn = RNN(3, 4, nonlinearity=act, fused=fused, dtype="float64")
    x = np.random.default_rng(0).standard_normal((6, 2, 3))
    out, h_n = rnn(minigrad.tensor(x))
    expected = numpy_rnn(_params(rnn), x, act)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h_n.numpy()[0], expected[-1], rtol=1e-12, atol=1e-12)


def test_identity_rnn_is_the_linear_recursion() -> None:
    """h_t = W h_{t−1} with no input and no bias: h_t = Wᵗ h_0 (deck 003)."""
    rnn = RNN(1, 3, nonlinearity="identity", bias=False, dtype="float64")
    with minigrad.no_grad():
        rnn.weight_ih_l0.array[...] = 0.0
    h0 = np.array([[[1.0, 1.0, 1.0]]])
    out, _ = rnn(minigrad.zeros(5, 1, 1, dtype="float64"), minigrad.tensor(h0))
    w = rnn.weight_hh_l0.numpy()
    np.testing.assert_allclose(
        out.numpy()[4, 0], np.linalg.matrix_power(w, 5) @ h0[0, 0], rtol=1e-12
    )


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
def test_cho_gru_matches_numpy_and_differs_from_pytorch_form(fused: bool) -> None:
    minigrad.manual_seed(4)
    cho = GRU(3, 4, reset_after=False, fused=fused, dtype="float64")
    torch_form = GRU(3, 4, fused=fused, dtype="float64")
    torch_form.load_state_dict(cho.state_dict())
    x = np.random.default_rng(1).standard_normal((5, 2, 3))
    out, _ = cho(minigrad.tensor(x))
    np.testing.assert_allclose(out.numpy(), numpy_gru_cho(_params(cho), x), rtol=1e-12)
    other, _ = torch_form(minigrad.tensor(x))
    assert np.abs(other.numpy() - out.numpy()).max() > 1e-3  # a different model


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
def test_variant_cells_match_their_layers(fused: bool) -> None:
    minigrad.manual_seed(5)
    x = minigrad.randn(1, 2, 3, dtype="float64")
    for layer, cell in (
        (
            RNN(3, 4, nonlinearity="sigmoid", dtype="float64"),
            RNNCell(3, 4, nonlinearity="sigmoid", dtype="float64", fused=fused),
        ),
        (
            GRU(3, 4, reset_after=False, dtype="float64"),
            GRUCell(3, 4, reset_after=False, dtype="float64", fused=fused),
        ),
    ):
        cell.load_state_dict({k.removesuffix("_l0"): v for k, v in layer.state_dict().items()})
        out, _ = layer(x)
        np.testing.assert_allclose(cell(x[0]).numpy(), out.numpy()[0], rtol=1e-12)


def test_variant_options_are_checked() -> None:
    from nn.recurrent import CellBase, RecurrentBase

    with pytest.raises(ValueError, match="nonlinearity applies to RNN only"):
        RecurrentBase("lstm", 2, 3, nonlinearity="relu")
    with pytest.raises(ValueError, match="reset_after applies to GRU only"):
        CellBase("rnn", 2, 3, reset_after=False)
    with pytest.raises(ValueError, match="peephole applies to LSTM only"):
        RecurrentBase("gru", 2, 3, peephole=True)
    with pytest.raises(ValueError, match=r"one of \('tanh', 'relu', 'identity', 'sigmoid'\)"):
        RNNCell(2, 3, nonlinearity="softsign")
    assert "reset_after=False" in repr(GRU(2, 3, reset_after=False))
    assert "nonlinearity='identity'" in repr(RNN(2, 3, nonlinearity="identity"))
