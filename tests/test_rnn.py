"""Recurrent cells and layers: gradients, composed == fused, scopes, names, shapes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rnn_helpers import CELLS, VARIANTS, Config, call, copy_weights, functional, grads_of
from rnn_helpers import make_inputs as _inputs

import minigrad
from minigrad import Tensor
from minigrad.testing import to_backend
from nn import GRU, LSTM, RNN, LSTMCell, RNNCell
from nn.recurrent.fused import FusedGRU, FusedLSTM, FusedRNN

# Configurations that together cover every option: layers 1-2, both directions,
# batch_first, bias off, initial state given or not.
CONFIGS = [
    Config(),
    Config(num_layers=2, bidirectional=True, batch_first=True, bias=False, initial_state=True),
    Config(num_layers=2, initial_state=True),
    Config(bidirectional=True, batch_first=True, steps=2),
]


def _gradcheck_layer(cfg: Config, fused: bool) -> None:
    rng = np.random.default_rng(0)
    module = cfg.build(fused)
    inputs = _inputs(cfg, rng)
    fn = functional(module, lambda ins: call(module, cfg.kind, ins), len(inputs))
    assert minigrad.gradcheck(
        fn,
        inputs + list(module.parameters()),
        mode="directional",
        directions=3,
        atol=1e-6,
        rtol=1e-4,
    )


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(
    "cfg",
    CONFIGS,
    ids=lambda c: (
        f"L{c.num_layers}{'-bi' if c.bidirectional else ''}{'-bf' if c.batch_first else ''}"
        f"{'-nobias' if not c.bias else ''}{'-h0' if c.initial_state else ''}"
    ),
)
def test_layer_gradcheck(cfg: Config, variant: str, fused: bool) -> None:
    _gradcheck_layer(cfg.with_(variant=variant), fused)


def test_layer_gradcheck_full_mode_lstm_peephole() -> None:
    """Element-by-element check of every parameter once (directional checks are projections)."""
    cfg = Config(variant="lstm_peephole", initial_state=True, steps=2, hidden=2)
    for fused in (False, True):
        module = cfg.build(fused)
        inputs = _inputs(cfg, np.random.default_rng(1))
        fn = functional(module, lambda ins, m=module: call(m, "lstm", ins), len(inputs))
        assert minigrad.gradcheck(fn, inputs + list(module.parameters()), mode="full")


@pytest.mark.parametrize("fused", [False, True], ids=["composed", "fused"])
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("bias", [True, False])
def test_cell_gradcheck(variant: str, bias: bool, fused: bool) -> None:
    cfg = Config(variant=variant, bias=bias)
    extra = {
        k: v for k, v in cfg.kwargs().items() if k in ("nonlinearity", "peephole", "reset_after")
    }
    cell = CELLS[cfg.kind](2, 3, bias=bias, dtype="float64", fused=fused, **extra)
    rng = np.random.default_rng(2)
    x = Tensor(rng.standard_normal((2, 2)), requires_grad=True)
    states = [
        Tensor(rng.standard_normal((2, 3)), requires_grad=True)
        for _ in range(2 if cfg.kind == "lstm" else 1)
    ]

    def run(ins: list[Tensor]) -> Tensor:
        hx = tuple(ins[1:]) if cfg.kind == "lstm" else ins[1]
        out = cell(ins[0], hx)
        return minigrad.concat([o.reshape(-1) for o in (out if isinstance(out, tuple) else (out,))])

    fn = functional(cell, run, 1 + len(states))
    assert minigrad.gradcheck(fn, [x, *states, *cell.parameters()])


# ---------------------------------------------------------------- composed == fused


@st.composite
def configs(draw: st.DrawFn) -> Config:
    return Config(
        variant=draw(st.sampled_from(VARIANTS)),
        num_layers=draw(st.integers(1, 2)),
        bidirectional=draw(st.booleans()),
        batch_first=draw(st.booleans()),
        bias=draw(st.booleans()),
        initial_state=draw(st.booleans()),
        steps=draw(st.integers(1, 5)),
        batch=draw(st.integers(1, 3)),
        input_size=draw(st.integers(1, 4)),
        hidden=draw(st.integers(1, 5)),
    )


@given(cfg=configs(), seed=st.integers(0, 2**16))
def test_composed_and_fused_agree(cfg: Config, seed: int) -> None:
    """Forward values and every input/parameter gradient match between the two forms."""
    rng = np.random.default_rng(seed)
    composed, fused = cfg.build(fused=False), cfg.build(fused=True)
    copy_weights(composed, fused)
    inputs_c = _inputs(cfg, rng)
    inputs_f = [Tensor(t.numpy().copy(), requires_grad=True) for t in inputs_c]
    out_c, out_f = call(composed, cfg.kind, inputs_c), call(fused, cfg.kind, inputs_f)
    np.testing.assert_allclose(out_f.numpy(), out_c.numpy(), rtol=1e-10, atol=1e-12)
    cotangent = rng.standard_normal(out_c.shape)
    (out_c * cotangent).sum().backward()
    (out_f * cotangent).sum().backward()
    for name, a, b in zip(
        ["input", "h0", "c0"][: len(inputs_c)] + [n for n, _ in composed.named_parameters()],
        grads_of(inputs_c + list(composed.parameters())),
        grads_of(inputs_f + list(fused.parameters())),
        strict=True,
    ):
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-11, err_msg=name)


@pytest.mark.parametrize("variant", VARIANTS)
def test_fused_keeps_float32(variant: str) -> None:
    cfg = Config(variant=variant, num_layers=2, bidirectional=True, initial_state=True)
    module = cfg.build(fused=True, dtype="float32")
    inputs = _inputs(cfg, np.random.default_rng(0), dtype="float32")
    out = call(module, cfg.kind, inputs)
    assert out.dtype == np.float32
    out.sum().backward()
    for t in inputs + list(module.parameters()):
        assert t.grad.dtype == np.float32


@pytest.mark.parametrize("op_kind", ["rnn", "lstm", "lstm_peephole", "gru", "gru_cho"])
@pytest.mark.parametrize("reverse", [False, True])
def test_fused_ops_run_on_strict_array_api(op_kind: str, reverse: bool) -> None:
    """The fused ops use only the Array API off NumPy: array_api_strict gives NumPy's numbers."""
    pytest.importorskip("array_api_strict", reason="array_api_strict is not installed")
    rng = np.random.default_rng(3)
    kind = op_kind.split("_")[0]
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    peephole = op_kind.endswith("peephole")
    arrays = [
        rng.standard_normal(s)
        for s in [(4, 2, 3), (2, 5)]
        + ([(2, 5)] if kind == "lstm" else [])
        + [(gates * 5, 3), (gates * 5, 5), (gates * 5,), (gates * 5,)]
        + ([(5,)] * 3 if peephole else [])
    ]
    op_type = {"rnn": FusedRNN, "lstm": FusedLSTM, "gru": FusedGRU}[kind]
    results = []
    for backend in ("numpy", "array_api_strict"):
        if kind == "lstm":
            op = op_type(5, reverse, True, peephole)
        elif kind == "gru":
            op = op_type(5, reverse, True, op_kind != "gru_cho")
        else:
            op = op_type(5, reverse)
        ts = [Tensor(to_backend(a, backend), requires_grad=True) for a in arrays]
        out = minigrad.apply(op, *ts)
        out.backward(to_backend(np.ones(out.shape) * 0.5, backend))
        results.append([out.numpy()] + [t.grad.numpy() for t in ts])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- scopes and names


def _scopes(out: Tensor) -> set[str]:
    seen, stack, scopes = set(), [out], set()
    while stack:
        t = stack.pop()
        if t.node is None or id(t.node) in seen:
            continue
        seen.add(id(t.node))
        scopes.add(t.node.scope)
        stack.extend(t.node.parents)
    return scopes


GATES = {
    "lstm": {"input_gate", "forget_gate", "cell_candidate", "output_gate", "cell", "hidden"},
    "gru": {"reset_gate", "update_gate", "candidate", "hidden"},
    "rnn": {"hidden"},
}


@pytest.mark.parametrize("layer", [RNN, LSTM, GRU])
def test_composed_scopes_follow_the_convention(layer: type) -> None:
    module = layer(2, 3, num_layers=2, bidirectional=True, fused=False)
    out, _ = module(minigrad.randn(3, 1, 2))
    kind = layer.__name__.lower()
    scopes = _scopes(out)
    gate_scopes = {s for s in scopes if s.count("/") == 3}
    expected = {
        f"{kind}/{d}/t={t}/{g}"
        for d in ("l0", "l0_reverse", "l1", "l1_reverse")
        for t in range(3)
        for g in GATES[kind]
    }
    assert gate_scopes == expected
    # A step scope itself holds only the pick of x_t; "outputs" stacks the steps' h_t;
    # "weights" takes the per-gate views of the parameters, once per layer-direction.
    for s in scopes - gate_scopes:
        last = s.split("/")[-1]
        assert s.count("/") < 2 or last.startswith("t=") or last in ("outputs", "weights")
    assert all(s == kind or s.startswith(f"{kind}/l") for s in scopes)
    dirs = ("l0", "l0_reverse", "l1", "l1_reverse")
    assert {s for s in scopes if s.endswith("/weights")} == {f"{kind}/{d}/weights" for d in dirs}


def test_composed_steps_share_one_set_of_weight_views() -> None:
    lstm = LSTM(2, 3, fused=False)
    out, _ = lstm(minigrad.randn(4, 1, 2))
    seen, stack, readers = set(), [out], {}
    while stack:
        t = stack.pop()
        if t.node is None or id(t.node) in seen:
            continue
        seen.add(id(t.node))
        for p in t.node.parents:
            if p.node is not None and p.node.scope == "lstm/l0/weights" and "/t=" in t.node.scope:
                readers.setdefault(id(p), set()).add(t.node.scope.split("/")[2])
        stack.extend(t.node.parents)
    # 4 gates × (W_ih, W_hh, b_ih, b_hh) views, each read by all 4 steps: no per-step slicing
    assert len(readers) == 16
    assert all(steps == {"t=0", "t=1", "t=2", "t=3"} for steps in readers.values())


@pytest.mark.parametrize("layer", [RNN, LSTM, GRU])
def test_fused_form_is_one_op_per_layer_direction(layer: type) -> None:
    module = layer(2, 3, num_layers=2, bidirectional=True)
    out, _ = module(minigrad.randn(3, 1, 2))
    kind = layer.__name__.lower()
    seen, stack, fused = set(), [out], {}
    while stack:
        t = stack.pop()
        if t.node is None or id(t.node) in seen:
            continue
        seen.add(id(t.node))
        if t.node.op.name == f"fused_{kind}":
            fused[t.node.scope] = t.node.op
        stack.extend(t.node.parents)
    assert set(fused) == {f"{kind}/{d}" for d in ("l0", "l0_reverse", "l1", "l1_reverse")}


def test_cell_scopes() -> None:
    h, _c = LSTMCell(2, 3)(minigrad.randn(1, 2))
    assert {"lstmcell/" + g for g in GATES["lstm"]} == _scopes(h) - {"lstmcell"}


def test_parameters_are_named_like_pytorch() -> None:
    lstm = LSTM(2, 3, num_layers=2, bidirectional=True, peephole=True)
    names = [n for n, _ in lstm.named_parameters()]
    assert names[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert "weight_hh_l1_reverse" in names and "weight_co_l1_reverse" in names
    assert all(p.name == n for n, p in lstm.named_parameters())
    shapes = dict((n, p.shape) for n, p in lstm.named_parameters())
    assert shapes["weight_ih_l0"] == (12, 2) and shapes["weight_ih_l1"] == (12, 6)
    assert shapes["weight_hh_l0"] == (12, 3) and shapes["weight_cf_l0"] == (3,)
    assert [n for n, _ in GRU(2, 3, bias=False).named_parameters()] == [
        "weight_ih_l0",
        "weight_hh_l0",
    ]


def test_default_init_is_uniform_within_one_over_sqrt_hidden() -> None:
    minigrad.manual_seed(0)
    values = np.concatenate([p.numpy().ravel() for p in LSTM(50, 64).parameters()])
    bound = 1 / np.sqrt(64)
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.95 * bound and values.max() > 0.95 * bound
    assert values.dtype == np.float32


# ---------------------------------------------------------------- shapes and modes


@pytest.mark.parametrize("fused", [False, True])
def test_unbatched_input_matches_batch_of_one(fused: bool) -> None:
    lstm = LSTM(2, 3, num_layers=2, fused=fused)
    x = minigrad.randn(4, 2)
    out, (h, c) = lstm(x)
    ref, (h1, _c1) = lstm(x.reshape(4, 1, 2))
    assert out.shape == (4, 3) and h.shape == (2, 3) and c.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), ref.numpy()[:, 0], rtol=1e-6)
    np.testing.assert_allclose(h.numpy(), h1.numpy()[:, 0], rtol=1e-6)
    cell = RNNCell(2, 3)
    assert cell(minigrad.randn(2)).shape == (3,)


def test_dropout_between_layers_only_in_training() -> None:
    minigrad.manual_seed(0)
    gru = GRU(3, 8, num_layers=2, dropout=0.5)
    x = minigrad.randn(5, 4, 3)
    train_out = gru(x)[0].numpy()
    gru.eval()
    eval_a, eval_b = gru(x)[0].numpy(), gru(x)[0].numpy()
    np.testing.assert_array_equal(eval_a, eval_b)
    assert not np.allclose(train_out, eval_a)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("fused", [False, True])
def test_bad_inputs_give_clear_errors(fused: bool) -> None:
    lstm = LSTM(3, 4, num_layers=2, fused=fused)
    x = minigrad.randn(5, 2, 3)
    with pytest.raises(ValueError, match=r"expected input with 3 features.*\(5, 2, 7\)"):
        lstm(minigrad.randn(5, 2, 7))
    with pytest.raises(ValueError, match=r"3-D input.*unbatched 2-D.*\(5, 2, 3, 1\)"):
        lstm(minigrad.randn(5, 2, 3, 1))
    with pytest.raises(ValueError, match=r"expected h_0 of shape \(2, 2, 4\), got \(1, 2, 4\)"):
        lstm(x, (minigrad.zeros(1, 2, 4), minigrad.zeros(2, 2, 4)))
    with pytest.raises(ValueError, match=r"expected c_0 of shape \(2, 2, 4\), got \(2, 3, 4\)"):
        lstm(x, (minigrad.zeros(2, 2, 4), minigrad.zeros(2, 3, 4)))
    with pytest.raises(TypeError, match=r"input has dtype float64 but the parameters are float32"):
        lstm(minigrad.randn(5, 2, 3, dtype="float64"))
    with pytest.raises(TypeError, match=r"tuple \(h_0, c_0\)"):
        lstm(x, minigrad.zeros(2, 2, 4))
    with pytest.raises(ValueError, match=r"expected h_0 of shape \(1, 4\), got \(1, 1, 4\)"):
        RNN(3, 4, fused=fused)(minigrad.randn(5, 3), minigrad.zeros(1, 1, 4))
    with pytest.raises(ValueError, match=r"\(batch, 3\) or unbatched \(3,\), got \(1, 2, 3\)"):
        RNNCell(3, 4, fused=fused)(minigrad.randn(1, 2, 3))
    with pytest.raises(ValueError, match=r"expected h of shape \(2, 4\), got \(4,\)"):
        RNNCell(3, 4, fused=fused)(minigrad.randn(2, 3), minigrad.zeros(4))


def test_bad_constructor_arguments() -> None:
    with pytest.raises(ValueError, match="nonlinearity"):
        RNN(2, 3, nonlinearity="softsign")
    with pytest.raises(ValueError, match="dropout"):
        LSTM(2, 3, dropout=1.5)
    with pytest.raises(ValueError, match="num_layers"):
        GRU(2, 3, num_layers=0)
