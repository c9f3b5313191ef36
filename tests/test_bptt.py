"""Truncated BPTT with detach_state, and per-step hidden gradients ‖∂L/∂h_t‖."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import Tensor
from nn import GRU, LSTM, RNN, LSTMCell
from nn.bptt import HiddenGradRecorder, detach_state, hidden_grad_norms


def test_detach_state_handles_tensors_tuples_and_none() -> None:
    h = Tensor([1.0], requires_grad=True) * 2
    c = Tensor([3.0], requires_grad=True) * 2
    assert detach_state(None) is None
    assert not detach_state(h).requires_grad
    dh, dc = detach_state((h, c))
    assert not dh.requires_grad and not dc.requires_grad and dc.tolist() == [6.0]
    assert isinstance(detach_state([h, c]), list)
    with pytest.raises(TypeError, match="Tensor, a tuple/list"):
        detach_state("state")


@pytest.mark.parametrize("fused", [False, True])
def test_truncated_bptt_stops_at_chunk_boundaries(fused: bool) -> None:
    """Carrying the detached state keeps the forward exact and cuts the backward."""
    minigrad.manual_seed(0)
    lstm = LSTM(2, 5, fused=fused)
    x = minigrad.randn(8, 3, 2)
    full, _ = lstm(x)
    first = Tensor(x.numpy()[:4], requires_grad=True)
    out1, state = lstm(first)
    out2, _ = lstm(Tensor(x.numpy()[4:]), detach_state(state))
    np.testing.assert_allclose(
        np.concatenate([out1.numpy(), out2.numpy()]), full.numpy(), rtol=1e-5, atol=1e-6
    )
    out2.sum().backward()
    assert first.grad is None  # the second chunk's loss does not reach the first chunk
    assert lstm.weight_hh_l0.grad is not None
    # Without detaching, the gradient does flow back into the first chunk.
    out1, state = lstm(first)
    out2, _ = lstm(Tensor(x.numpy()[4:]), state)
    out2.sum().backward()
    assert first.grad is not None and np.abs(first.grad.numpy()).sum() > 0


@pytest.mark.parametrize("layer", [RNN, LSTM, GRU])
def test_recorder_composed_and_fused_agree_and_match_retain_grad(layer: type) -> None:
    minigrad.manual_seed(1)
    composed = layer(2, 4, num_layers=2, bidirectional=True, fused=False, dtype="float64")
    fused = layer(2, 4, num_layers=2, bidirectional=True, fused=True, dtype="float64")
    fused.load_state_dict(composed.state_dict())
    x = minigrad.randn(6, 3, 2, dtype="float64")
    norms = {}
    for name, module in (("composed", composed), ("fused", fused)):
        with HiddenGradRecorder(module, keep_grads=True) as rec:
            out, _ = module(x)
        (out[-1] * out[-1]).sum().backward()
        norms[name] = rec
    for k in range(2):
        for d in range(2):
            np.testing.assert_allclose(
                norms["fused"].norms(k, d), norms["composed"].norms(k, d), rtol=1e-10
            )
            assert norms["fused"].norms(k, d).shape == (6,)
    # The forward direction of the last layer: ∂L/∂h_t, as retain_grad sees it.
    grads = norms["composed"].grads
    np.testing.assert_allclose(norms["fused"].grads[(1, 0, 2)], grads[(1, 0, 2)], rtol=1e-10)


def test_recorder_matches_retain_grad_on_a_cell_loop() -> None:
    minigrad.manual_seed(2)
    cell = LSTMCell(2, 3, dtype="float64")
    xs = [minigrad.randn(1, 2, dtype="float64") for _ in range(5)]
    rec = HiddenGradRecorder(cell)
    state, hs = None, []
    for x in xs:
        state = cell(x, state)
        hs.append(state[0].retain_grad())
    rec.remove()
    (state[0] * state[0]).sum().backward()
    expected = [np.linalg.norm(h.grad.numpy()) for h in hs]
    np.testing.assert_allclose(rec.norms(), expected, rtol=1e-12)


def test_hidden_grad_norms_shows_vanishing_gradients_in_a_tanh_rnn() -> None:
    minigrad.manual_seed(0)
    rnn = RNN(1, 16)
    with minigrad.no_grad():
        rnn.weight_hh_l0.array *= 0.5  # a contracting recurrence: gradients must vanish
    norms = hidden_grad_norms(rnn, minigrad.randn(40, 1, 1), lambda out: out[-1].sum())
    assert norms.shape == (40,)
    assert norms[-1] > 0 and norms[0] < 1e-6 * norms[-1]
    assert np.all(np.diff(np.log(norms[-10:])) > 0)  # growing towards the loss


def test_recorder_rejects_other_modules() -> None:
    import nn

    with pytest.raises(TypeError, match=r"records nn.s recurrent layers and cells"):
        HiddenGradRecorder(nn.Linear(2, 2))
