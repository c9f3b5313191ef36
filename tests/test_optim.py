"""Optimizers against hand-computed updates and PyTorch; exact resume; gradient clipping."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn
from nn import functional as F  # noqa: N812 (PyTorch's name)

START = np.array([[0.5, -1.2, 2.0], [0.1, 0.0, -0.7]])
TARGET = np.array([[1.0, 0.5, -0.5], [0.3, -0.2, 0.4]])

CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    (
        "Adagrad",
        {"lr": 0.3, "lr_decay": 0.01, "weight_decay": 0.02, "initial_accumulator_value": 0.1},
    ),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
]


def _loss(w, lib):
    """A non-quadratic loss, so every step sees a different gradient."""
    diff = w - lib(TARGET)
    return (diff * diff).sum() + 0.1 * (w * w * w).sum()


def _run_ours(name, options, steps, param=None, opt=None):
    w = param if param is not None else nn.Parameter(START.copy())
    opt = opt if opt is not None else getattr(nn.optim, name)([w], **options)
    for _ in range(steps):
        opt.zero_grad()
        _loss(w, minigrad.tensor).backward()
        opt.step()
    return w, opt


@pytest.mark.parametrize(("name", "options"), CONFIGS)
def test_updates_match_torch(name, options):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for update equations")
    w, _ = _run_ours(name, options, steps=6)
    tw = torch.tensor(START.copy(), requires_grad=True)
    topt = getattr(torch.optim, name)([tw], **options)
    for _ in range(6):
        topt.zero_grad()
        _loss(tw, torch.tensor).backward()
        topt.step()
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=1e-10, atol=1e-13)


def test_sgd_momentum_matches_hand_computed_updates():
    w = nn.Parameter([1.0], dtype="float64")
    opt = nn.optim.SGD([w], lr=0.1, momentum=0.5)
    values = []
    for _ in range(3):
        opt.zero_grad()
        (w * w).sum().backward()  # gradient 2w
        opt.step()
        values.append(w.item())
    # b1 = 2.0 -> w = 0.8; b2 = 0.5*2 + 1.6 = 2.6 -> w = 0.54; b3 = 1.3 + 1.08 = 2.38 -> 0.302
    np.testing.assert_allclose(values, [0.8, 0.54, 0.302], rtol=1e-12)


def test_adam_first_step_moves_each_weight_by_lr():
    w = nn.Parameter([3.0, -2.0], dtype="float64")
    opt = nn.optim.Adam([w], lr=0.01, eps=0.0)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(), [2.99, -1.99], rtol=1e-12)


def test_parameters_without_grad_are_left_alone_and_groups_take_their_own_lr():
    a, b, c = (nn.Parameter([1.0], dtype="float64") for _ in range(3))
    opt = nn.optim.SGD([{"params": [a]}, {"params": [b, c], "lr": 1.0}], lr=0.1)
    (a + b).sum().backward()
    opt.step()
    assert (a.item(), b.item(), c.item()) == (0.9, 0.0, 1.0)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    w = nn.Parameter([1.0, 2.0])
    opt = nn.optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    opt.zero_grad(set_to_none=set_to_none)
    assert w.grad is None if set_to_none else w.grad.tolist() == [0.0, 0.0]


def test_bad_settings_are_refused():
    w = nn.Parameter([1.0])
    with pytest.raises(ValueError, match="nesterov needs momentum > 0 and dampening = 0"):
        nn.optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"betas must be in \[0, 1\)"):
        nn.optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty parameter list"):
        nn.optim.Adam([])
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['momentum'\]"):
        nn.optim.Adam([{"params": [w], "momentum": 0.9}])
    with pytest.raises(TypeError, match="only optimize tensors that require grad"):
        nn.optim.SGD([minigrad.ones(2)], lr=0.1)


# ---------------------------------------------------------------------- resume


def _model_and_data():
    minigrad.manual_seed(0)
    model = nn.Sequential(nn.Embedding(6, 4), nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 6))
    ids = np.random.default_rng(1).integers(0, 6, size=(5, 3))
    return model, ids


def _train(model, opt, ids, steps):
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(ids[:-1]), ids[1:], axis=-1)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        ("Adagrad", {"lr": 0.1}),
        ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
        ("Adam", {"lr": 0.01, "amsgrad": True}),
    ],
)
def test_resume_from_checkpoint_equals_uninterrupted_run(tmp_path, name, options):
    model, ids = _model_and_data()
    opt = getattr(nn.optim, name)(model.parameters(), **options)
    _train(model, opt, ids, 4)
    nn.save(
        {"model": model.state_dict(), "optim": opt.state_dict(), "step": 4}, tmp_path / "ckpt.npz"
    )
    _train(model, opt, ids, 3)

    fresh, _ = _model_and_data()
    fresh_opt = getattr(nn.optim, name)(fresh.parameters(), **options)
    state = nn.load(tmp_path / "ckpt.npz")
    fresh.load_state_dict(state["model"])
    fresh_opt.load_state_dict(state["optim"])
    assert state["step"] == 4
    _train(fresh, fresh_opt, ids, 3)
    for (key, a), b in zip(model.state_dict().items(), fresh.state_dict().values(), strict=True):
        np.testing.assert_array_equal(a, b, err_msg=key)


def test_optimizer_load_state_dict_lists_problems_and_changes_nothing():
    a = nn.Linear(2, 3)
    opt = nn.optim.Adam(a.parameters(), lr=0.1)
    (a(minigrad.ones(1, 2)) ** 2).sum().backward()
    opt.step()
    saved = opt.state_dict()
    other = nn.Linear(2, 4)
    other_opt = nn.optim.Adam(other.parameters(), lr=0.5)
    with pytest.raises(
        ValueError,
        match=r"(?s)4 problem\(s\).*parameter 1 'exp_avg_sq': float32 array of shape \(3,\)",
    ):
        other_opt.load_state_dict(saved)
    assert other_opt.state == {} and other_opt.param_groups[0]["lr"] == 0.5
    with pytest.raises(ValueError, match=r"group 0: 2 parameters in the state, 1 in"):
        nn.optim.Adam([nn.Parameter([1.0])]).load_state_dict(saved)


def test_betas_survive_a_save_load_round_trip_as_a_tuple(tmp_path):
    opt = nn.optim.Adam([nn.Parameter([1.0])], betas=(0.8, 0.9))
    nn.save(opt.state_dict(), tmp_path / "o.npz")
    fresh = nn.optim.Adam([nn.Parameter([1.0])])
    fresh.load_state_dict(nn.load(tmp_path / "o.npz"))
    assert fresh.param_groups[0]["betas"] == (0.8, 0.9)


# ---------------------------------------------------------------------- clipping


def _with_grads(*grads):
    params = []
    for g in grads:
        p = nn.Parameter(np.zeros(len(g)), dtype="float64")
        grad = np.array(g, dtype=np.float64)
        grad.setflags(write=False)  # grads may be read-only views: clipping must not write
        p.grad = minigrad.Tensor(grad)
        params.append(p)
    return params


def test_clip_grad_norm_uses_one_global_norm_and_returns_it():
    params = _with_grads([3.0, 0.0], [0.0, 4.0])
    total = nn.utils.clip_grad_norm_(params, max_norm=1.0)
    assert total.item() == 5.0
    np.testing.assert_allclose(
        [p.grad.numpy() for p in params], [[0.6, 0.0], [0.0, 0.8]], rtol=1e-5
    )


def test_clip_grad_norm_leaves_small_gradients_and_skips_missing_ones():
    params = [*_with_grads([0.3, 0.4]), nn.Parameter([1.0])]
    assert nn.utils.clip_grad_norm_(params, max_norm=1.0).item() == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad.numpy(), [0.3, 0.4])


def test_clip_grad_norm_inf_norm_and_nonfinite_error():
    params = _with_grads([1.0, -6.0], [2.0])
    assert nn.utils.clip_grad_norm_(params, 3.0, norm_type=float("inf")).item() == 6.0
    np.testing.assert_allclose(params[0].grad.numpy(), [0.5, -3.0], rtol=1e-5)
    with pytest.raises(RuntimeError, match="total gradient norm is inf"):
        nn.utils.clip_grad_norm_(_with_grads([np.inf]), 1.0, error_if_nonfinite=True)


def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for clipping")
    grads = [np.random.default_rng(i).normal(size=4) * 3 for i in range(3)]
    ours = _with_grads(*grads)
    theirs = [torch.zeros(4, dtype=torch.float64, requires_grad=True) for _ in grads]
    for t, g in zip(theirs, grads, strict=True):
        t.grad = torch.tensor(g)
    for norm_type in (2.0, 1.0):
        a = nn.utils.clip_grad_norm_(ours, 2.0, norm_type)
        b = torch.nn.utils.clip_grad_norm_(theirs, 2.0, norm_type)
        np.testing.assert_allclose(a.item(), b.item(), rtol=1e-10)
        for p, t in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(p.grad.numpy(), t.grad.numpy(), rtol=1e-10)


def test_clip_grad_value_on_read_only_gradients():
    params = _with_grads([-3.0, 0.5, 2.0])
    nn.utils.clip_grad_value_(params, 1.0)
    assert params[0].grad.tolist() == [-1.0, 0.5, 1.0]
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        nn.utils.clip_grad_value_(params, -1.0)


def test_optimizer_step_runs_on_every_array_backend(backend):
    from minigrad.testing import to_backend

    w = nn.Parameter(to_backend(START, backend))
    opt = nn.optim.Adam([w], lr=0.1, amsgrad=True)
    _loss(w, lambda a: minigrad.tensor(to_backend(a, backend))).backward()
    nn.utils.clip_grad_norm_([w], 1.0)
    nn.utils.clip_grad_value_([w], 0.5)
    opt.step()
    assert type(w.array) is type(to_backend(START, backend))
    np.testing.assert_allclose(w.numpy(), START - 0.1 * np.sign(w.grad.numpy()), rtol=1e-6)


def _adam_state() -> tuple[nn.optim.Adam, dict]:
    model = nn.Linear(2, 3)
    opt = nn.optim.Adam(model.parameters(), lr=0.1, amsgrad=True)
    (model(minigrad.ones(1, 2)) ** 2).sum().backward()
    opt.step()
    return opt, opt.state_dict()


def _corrupt(state: dict, how: str) -> dict:
    import copy

    bad = copy.deepcopy(state)
    entry, group = bad["state"]["0"], bad["param_groups"][0]
    if how == "missing buffer":
        del entry["max_exp_avg_sq"]
    elif how == "extra buffer":
        entry["momentum_buffer"] = entry["exp_avg"]
    elif how == "wrong shape":
        entry["exp_avg"] = entry["exp_avg"][:1]
    elif how == "text lr":
        group["lr"] = "fast"
    elif how == "bool lr":
        group["lr"] = True
    elif how == "nan eps":
        group["eps"] = float("nan")
    elif how == "one beta":
        group["betas"] = [0.9]
    elif how == "text amsgrad":
        group["amsgrad"] = "yes"
    elif how == "unknown setting":
        group["momentum"] = 0.9
    elif how == "negative step":
        entry["step"] = -1
    elif how == "float step":
        entry["step"] = 1.5
    elif how == "string array":
        entry["exp_avg"] = np.array(["a", "b", "c", "d", "e", "f"]).reshape(3, 2)
    elif how == "bad index":
        bad["state"]["9"] = bad["state"].pop("0")
    elif how == "extra group":
        bad["param_groups"].append(dict(group))
    elif how == "not a dict":
        return ["state", "param_groups"]  # type: ignore[return-value]
    elif how == "missing key":
        del bad["param_groups"]
    return bad


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("missing buffer", r"parameter 0: buffers .* \(missing \['max_exp_avg_sq'\]\)"),
        ("extra buffer", r"parameter 0: buffers .* \(unknown \['momentum_buffer'\]\)"),
        ("wrong shape", r"parameter 0 'exp_avg': float32 array of shape \(1, 2\)"),
        ("text lr", r"setting 'lr' is 'fast' \(str\); expected a number"),
        ("bool lr", r"setting 'lr' is True \(bool\)"),
        ("nan eps", r"setting 'eps' is nan"),
        ("one beta", r"setting 'betas' is \[0.9\].*expected 2 numbers"),
        ("text amsgrad", r"setting 'amsgrad' is 'yes'.*True or False"),
        ("unknown setting", r"unknown setting\(s\) \['momentum'\] for Adam"),
        ("negative step", r"parameter 0 'step': -1; expected a whole number"),
        ("float step", r"parameter 0 'step': 1.5"),
        ("string array", r"parameter 0 'exp_avg': <U1 array"),
        ("bad index", r"state for parameter '9', but the optimizer's parameters are numbered 0…1"),
        ("extra group", r"2 parameter group\(s\) in the state, 1 in the optimizer"),
        ("not a dict", r"expected the dict that state_dict\(\) returns, got list"),
        ("missing key", r"keys \['state'\]; expected \['param_groups', 'state'\]"),
    ],
)
def test_malformed_optimizer_state_is_refused_and_changes_nothing(how: str, message: str):
    opt, state = _adam_state()
    before = {k: {n: np.array(v) for n, v in s.items()} for k, s in opt.state.items()}
    settings = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(_corrupt(state, how))
    assert {k: v for k, v in opt.param_groups[0].items() if k != "params"} == settings
    for k, entry in opt.state.items():
        for n, v in entry.items():
            np.testing.assert_array_equal(np.asarray(v), before[k][n])


def test_numpy_scalars_in_optimizer_state_are_accepted():
    opt, state = _adam_state()
    state["state"]["0"]["step"] = np.int64(3)
    state["param_groups"][0]["lr"] = np.float64(0.01)
    opt.load_state_dict(state)
    assert opt.state[0]["step"] == 3 and type(opt.state[0]["step"]) is int
