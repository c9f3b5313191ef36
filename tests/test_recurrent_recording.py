"""Step hooks and StateRecorder: every state, gate and state gradient, both forms alike."""

from __future__ import annotations

import numpy as np
import pytest
from rnn_helpers import VARIANTS, Config, copy_weights

import minigrad
import nn
from nn import LSTM, LSTMCell, StateRecorder


def _record(module, x: minigrad.Tensor, seed: int) -> StateRecorder:
    with StateRecorder(module) as rec:
        out, _ = module(x)
    weights = np.random.default_rng(seed).standard_normal(out.shape)
    (out * minigrad.tensor(weights)).sum().backward()
    return rec


@pytest.mark.parametrize("variant", VARIANTS)
def test_fused_and_composed_record_the_same_states_gates_and_gradients(variant: str) -> None:
    cfg = Config(variant=variant, num_layers=2, bidirectional=True, steps=4, batch=2, hidden=3)
    composed, fused = cfg.build(fused=False), cfg.build(fused=True)
    copy_weights(composed, fused)
    x = minigrad.randn(4, 2, 2, dtype="float64")
    rec_c, rec_f = _record(composed, x, 0), _record(fused, x, 0)
    assert rec_c.forward.keys() == rec_f.forward.keys() and len(rec_c.forward) == 2 * 2 * 4
    for key, values in rec_c.forward.items():
        assert values.keys() == rec_f.forward[key].keys()
        for name, value in values.items():
            np.testing.assert_allclose(rec_f.forward[key][name], value, rtol=1e-12, err_msg=name)
    assert rec_c.backward.keys() == rec_f.backward.keys()
    for key, grads in rec_c.backward.items():
        assert grads.keys() == rec_f.backward[key].keys()
        for name, g in grads.items():
            np.testing.assert_allclose(rec_f.backward[key][name], g, rtol=1e-10, atol=1e-12)


def test_recorded_forget_gate_is_the_equation() -> None:
    minigrad.manual_seed(0)
    lstm = LSTM(2, 3, dtype="float64")
    x = minigrad.randn(1, 4, 2, dtype="float64")
    with StateRecorder(lstm) as rec:
        lstm(x)
    p = {name: t.numpy() for name, t in lstm.named_parameters()}
    f = slice(3, 6)  # gate order i, f, g, o
    pre = x.numpy()[0] @ p["weight_ih_l0"][f].T + p["bias_ih_l0"][f] + p["bias_hh_l0"][f]
    np.testing.assert_allclose(rec.values("forget_gate")[0], 1 / (1 + np.exp(-pre)), rtol=1e-12)
    assert rec.values("c").shape == (1, 4, 3)


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
def test_state_gradients_match_pytorch(fused: bool) -> None:
    """∂L/∂h_t and ∂L/∂c_t against torch.nn.LSTMCell run step by step with retain_grad."""
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    minigrad.manual_seed(1)
    lstm = LSTM(2, 3, dtype="float64", fused=fused)
    x = np.random.default_rng(2).standard_normal((5, 2, 2))
    rec = _record(lstm, minigrad.tensor(x), seed=3)
    cell = torch.nn.LSTMCell(2, 3).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(torch.from_numpy(getattr(lstm, name + "_l0").numpy()))
    h = c = torch.zeros(2, 3, dtype=torch.float64)
    hs, cs = [], []
    for x_t in torch.from_numpy(x):
        h, c = cell(x_t, (h, c))
        h.retain_grad()
        c.retain_grad()
        hs.append(h)
        cs.append(c)
    weights = torch.from_numpy(np.random.default_rng(3).standard_normal((5, 2, 3)))
    (torch.stack(hs) * weights).sum().backward()
    np.testing.assert_allclose(rec.grads("h"), np.stack([t.grad.numpy() for t in hs]), rtol=1e-10)
    np.testing.assert_allclose(rec.grads("c"), np.stack([t.grad.numpy() for t in cs]), rtol=1e-10)


def test_no_recorder_no_cost_and_removed_hooks_stop() -> None:
    lstm = LSTM(2, 3)
    out, _ = lstm(minigrad.randn(3, 1, 2))
    assert out.node.op.sink is None  # nothing attached: nothing copied
    seen = []
    handle = lstm.register_step_hook(seen.append)
    lstm(minigrad.randn(3, 1, 2))
    assert [e.t for e in seen] == [0, 1, 2] and all(e.phase == "forward" for e in seen)
    handle.remove()
    lstm(minigrad.randn(3, 1, 2))
    assert len(seen) == 3


def test_cells_number_their_calls_as_steps() -> None:
    cell = LSTMCell(2, 3, fused=True)
    with StateRecorder(cell) as rec:
        state = None
        for _ in range(4):
            state = cell(minigrad.randn(1, 2), state)
    state[0].sum().backward()
    assert rec.values("h").shape == (4, 1, 3) and rec.grads("c").shape == (4, 1, 3)
    rec.clear()
    assert rec.forward == {} and cell.steps_seen == 0


def test_recorder_errors_name_what_is_wrong() -> None:
    with pytest.raises(TypeError, match="records nn's recurrent layers and cells"):
        StateRecorder(nn.Linear(2, 2))
    rnn = nn.RNN(2, 3)
    with StateRecorder(rnn) as rec:
        rnn(minigrad.randn(2, 1, 2))
    with pytest.raises(KeyError, match=r"nothing recorded for 'forget_gate'.*recorded: \['h'\]"):
        rec.values("forget_gate")
