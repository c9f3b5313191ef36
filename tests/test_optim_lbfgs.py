"""nn.optim.LBFGS against PyTorch's iterates; stopping rules, counters, errors, exact resume."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn

TORCH_REASON = "PyTorch's LBFGS is the oracle for the iterates; PyTorch is not installed"

RNG = np.random.default_rng(7)
X = RNG.normal(size=(24, 3))
LABELS = (X @ np.array([1.5, -2.0, 0.5]) + 0.3 + RNG.normal(size=24) > 0).astype(np.float64)
TARGETS = X @ np.array([[1.0, -0.5], [0.2, 0.7], [-1.1, 0.4]]) + np.array([0.3, -0.2])
TARGETS = TARGETS + 0.1 * RNG.normal(size=TARGETS.shape)
W0 = np.array([[0.1, -0.2], [0.3, 0.0], [-0.1, 0.2]])


def _rosenbrock(params, lib):
    (x,) = params
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def _logistic(params, lib):
    """Logistic regression with two parameter tensors: weights (3,) and bias (1,)."""
    w, b = params
    logits = lib.tensor(X) @ w + b
    return lib.nn.functional.binary_cross_entropy_with_logits(logits, lib.tensor(LABELS))


def _least_squares(params, lib):
    """Two outputs from a (3, 2) weight and a (2,) bias, squared error."""
    w, b = params
    diff = lib.tensor(X) @ w + b - lib.tensor(TARGETS)
    return (diff * diff).mean()


def _kink(params, lib):
    """Not smooth at 0: the zoom cannot settle on a kink, so its stall rules take over."""
    (x,) = params
    return x.abs().sum() + 0.1 * (x * x).sum()


PROBLEMS = {
    "rosenbrock": (_rosenbrock, [np.array([-1.5, 2.0])]),
    "logistic": (_logistic, [np.array([0.2, -0.1, 0.0]), np.array([0.1])]),
    "least_squares": (_least_squares, [W0, np.array([0.0, 0.5])]),
    "kink": (_kink, [np.array([1.0, -0.5, 2.0])]),
}


def _setup(lib, problem, **options):
    """Problem ``problem``'s float64 parameters, an LBFGS over them and its closure, written once
    for both libraries (minigrad answers to PyTorch's names: ``lib.optim``, ``lib.nn``)."""
    loss_fn, start = PROBLEMS[problem]
    params = [lib.tensor(a.copy(), dtype=lib.float64, requires_grad=True) for a in start]
    opt = lib.optim.LBFGS(params, **options)

    def closure():
        opt.zero_grad()
        loss = loss_fn(params, lib)
        loss.backward()
        return loss

    return params, opt, closure


def _ours(problem, **options):
    return _setup(minigrad, problem, **options)


def _relative(a, b):
    """Relative difference; absolute below 1e-6 (values that went to 0 keep only rounding)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-6)))


CASES = [
    ("rosenbrock", {"lr": 0.1, "max_iter": 5}),
    ("rosenbrock", {"line_search_fn": "strong_wolfe"}),
    ("rosenbrock", {"line_search_fn": "strong_wolfe", "max_iter": 4, "history_size": 2}),
    ("rosenbrock", {"line_search_fn": "strong_wolfe", "max_iter": 1}),  # max_eval 1: no search
    ("rosenbrock", {"line_search_fn": "strong_wolfe", "lr": 10}),  # extrapolates, then zooms
    ("kink", {"line_search_fn": "strong_wolfe"}),  # the zoom stalls and the bracket shrinks
    ("logistic", {"lr": 0.5, "max_iter": 4, "history_size": 3}),
    ("logistic", {"line_search_fn": "strong_wolfe", "max_iter": 3}),
    ("least_squares", {"max_iter": 3}),
    ("least_squares", {"line_search_fn": "strong_wolfe", "max_iter": 3, "max_eval": 5}),
]


@pytest.mark.parametrize(("problem", "options"), CASES)
def test_iterates_losses_and_counters_match_torch(problem, options):
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    params, opt, closure = _ours(problem, **options)
    tparams, topt, tclosure = _setup(torch, problem, **options)
    for step in range(6):
        loss = opt.step(closure)
        tloss = topt.step(tclosure)
        where = f"{problem} {options} step {step}"
        assert _relative(loss.item(), tloss.item()) < 1e-8, where
        for p, tp in zip(params, tparams, strict=True):
            assert _relative(p.numpy(), tp.detach().numpy()) < 1e-8, where
        tstate = topt.state[tparams[0]]
        assert opt.state[0]["func_evals"] == tstate["func_evals"], where
        assert opt.state[0]["n_iter"] == tstate["n_iter"], where
        assert len(opt.state[0]["old_dirs"]) == len(tstate["old_dirs"]), where


def test_the_runs_compared_with_torch_move_far_and_use_the_line_search():
    """The comparison above means something: the parameters travel and the search works."""
    params, opt, closure = _ours("rosenbrock", line_search_fn="strong_wolfe", max_iter=4)
    for _ in range(3):
        opt.step(closure)
    assert opt.state[0]["func_evals"] > opt.state[0]["n_iter"] + 3  # extra trials per search
    assert np.abs(params[0].numpy() - [-1.5, 2.0]).max() > 1.0


def test_line_search_tries_the_steps_torch_tries():
    """The strong-Wolfe search alone, on 1-D curves with several minima: same trial steps."""
    torch = pytest.importorskip("torch", reason=TORCH_REASON)
    module = pytest.importorskip("torch.optim.lbfgs", reason="PyTorch's LBFGS module is the oracle")
    theirs = getattr(module, "_strong_wolfe", None)
    if theirs is None:
        pytest.skip("this PyTorch has no torch.optim.lbfgs._strong_wolfe to compare with")
    from nn.optim import _strong_wolfe

    rng = np.random.default_rng(0)
    for case in range(80):
        amp, freq, curve = rng.normal(size=3), rng.uniform(0.5, 8, size=3), rng.uniform(0.05, 1)

        def f(x, amp=amp, freq=freq, curve=curve):
            return float(np.sum(amp * np.sin(freq * x)) + curve * x * x)

        def g(x, amp=amp, freq=freq, curve=curve):
            return float(np.sum(amp * freq * np.cos(freq * x)) + 2 * curve * x)

        d = np.array([-np.sign(g(0.0))])
        t0, max_ls = float(10 ** rng.uniform(-2, 1.5)), int(rng.choice([3, 25]))
        ours_tried, theirs_tried = [], []

        def along(t, d=d, tried=ours_tried, f=f, g=g):
            tried.append(t)
            return f(t * d[0]), np.array([g(t * d[0])])

        def objective(x, t, dt, d=d, tried=theirs_tried, f=f, g=g):
            tried.append(float(t))
            return f(float(t) * d[0]), torch.tensor([g(float(t) * d[0])], dtype=torch.float64)

        grad0 = np.array([g(0.0)])
        gtd = float(grad0 @ d)
        loss, _, t, calls = _strong_wolfe(along, t0, d, f(0.0), grad0, gtd, max_ls=max_ls)
        tloss, _, tt, tcalls = theirs(
            objective,
            [torch.zeros(1, dtype=torch.float64)],
            t0,
            torch.tensor(d),
            f(0.0),
            torch.tensor(grad0),
            torch.tensor(gtd, dtype=torch.float64),
            max_ls=max_ls,
        )
        assert len(ours_tried) == len(theirs_tried) == calls == tcalls, case
        np.testing.assert_allclose(ours_tried, theirs_tried, rtol=1e-10, err_msg=str(case))
        assert _relative(t, float(tt)) < 1e-10 and _relative(loss, tloss) < 1e-10, case


# ---------------------------------------------------------------------- without PyTorch


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_strong_wolfe_takes_rosenbrock_to_its_minimum(dtype):
    x = nn.Parameter([-1.5, 2.0], dtype=dtype)
    opt = nn.optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = _rosenbrock([x], minigrad)
        loss.backward()
        return loss

    first = opt.step(closure).item()
    for _ in range(4):
        opt.step(closure)
    assert first == 12.5
    np.testing.assert_allclose(x.numpy(), [1.0, 1.0], atol=1e-2 if dtype == "float32" else 1e-5)
    assert x.dtype == dtype


def test_without_line_search_a_quadratic_is_solved():
    a = np.array([[3.0, 0.5, 0.0], [0.5, 2.0, 0.3], [0.0, 0.3, 1.0]])
    b = np.array([1.0, -2.0, 0.5])
    x = nn.Parameter(np.zeros(3), dtype="float64")
    opt = nn.optim.LBFGS([x], history_size=5, tolerance_grad=1e-12, tolerance_change=1e-15)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x @ minigrad.tensor(a) @ x) - (minigrad.tensor(b) * x).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a, b), rtol=1e-9)


def test_step_returns_the_first_loss_the_closure_gave():
    _, opt, closure = _ours("logistic", max_iter=3)
    losses = []

    def counting():
        losses.append(closure())
        return losses[-1]

    returned = opt.step(counting)
    assert returned is losses[0] and len(losses) == 3
    assert losses[-1].item() < losses[0].item()


def test_counters_follow_max_iter_and_max_eval():
    _, opt, closure = _ours("rosenbrock", lr=0.01, max_iter=4)
    opt.step(closure)
    # max_iter iterations; the last one does not re-evaluate (the next step starts with it)
    assert (opt.state[0]["n_iter"], opt.state[0]["func_evals"]) == (4, 4)
    opt.step(closure)
    assert (opt.state[0]["n_iter"], opt.state[0]["func_evals"]) == (8, 8)

    _, opt, closure = _ours("rosenbrock", lr=0.01, max_iter=10, max_eval=3)
    opt.step(closure)
    assert (opt.state[0]["n_iter"], opt.state[0]["func_evals"]) == (2, 3)
    assert opt.param_groups[0]["max_eval"] == 3
    assert nn.optim.LBFGS([nn.Parameter([1.0])], max_iter=8).param_groups[0]["max_eval"] == 10


def test_history_keeps_at_most_history_size_pairs():
    _, opt, closure = _ours("logistic", max_iter=8, history_size=3)
    opt.step(closure)
    state = opt.state[0]
    assert len(state["old_dirs"]) == len(state["old_stps"]) == len(state["ro"]) == 3
    for y, s, ro in zip(state["old_dirs"], state["old_stps"], state["ro"], strict=True):
        assert ro == pytest.approx(1 / float(y @ s))


def test_pairs_without_positive_curvature_are_not_stored():
    """A concave direction (y·s < 0) would make the inverse Hessian indefinite."""
    x = nn.Parameter([0.5, 0.2], dtype="float64")
    opt = nn.optim.LBFGS([x], lr=0.1, max_iter=3, max_eval=10)

    def closure():  # concave along x0, convex along x1
        opt.zero_grad()
        loss = -(x[0] ** 2) + x[1] ** 2
        loss.backward()
        return loss

    opt.step(closure)
    assert opt.state[0]["n_iter"] == 3
    assert opt.state[0]["old_dirs"] == []  # every y·s was < 0 here
    assert opt.state[0]["H_diag"] == 1.0


def test_a_stationary_start_returns_at_once():
    x = nn.Parameter([1.0, 1.0], dtype="float64")
    opt = nn.optim.LBFGS([x])

    def closure():
        opt.zero_grad()
        loss = _rosenbrock([x], minigrad)
        loss.backward()
        return loss

    assert opt.step(closure).item() == 0.0
    assert opt.state[0] == {"func_evals": 1, "n_iter": 0}
    assert x.tolist() == [1.0, 1.0]


def test_parameters_without_gradient_count_as_zero_gradient():
    used, unused = nn.Parameter([2.0], dtype="float64"), nn.Parameter([5.0], dtype="float64")
    opt = nn.optim.LBFGS([used, unused], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((used - 1) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    assert used.item() == pytest.approx(1.0) and unused.item() == 5.0


def test_the_closure_records_the_graph_even_when_step_is_called_under_no_grad():
    params, opt, closure = _ours("least_squares", max_iter=2)
    with minigrad.no_grad():
        loss = opt.step(closure)
    assert loss.requires_grad and params[0].grad is not None


def test_step_runs_on_every_array_backend(backend):
    from minigrad.testing import to_backend

    x = nn.Parameter(to_backend(np.array([-1.5, 2.0]), backend), dtype="float64")
    opt = nn.optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = _rosenbrock([x], minigrad)
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    assert type(x.array) is type(to_backend(np.zeros(1), backend))
    np.testing.assert_allclose(x.numpy(), [1.0, 1.0], atol=1e-5)


# ---------------------------------------------------------------------- errors


def test_step_needs_a_callable_closure_that_returns_the_loss():
    opt = nn.optim.LBFGS([nn.Parameter([1.0])])
    with pytest.raises(TypeError, match=r"LBFGS\.step needs a closure, got no closure"):
        opt.step()
    with pytest.raises(TypeError, match="needs a closure, got a float: a function that clears"):
        opt.step(1.0)
    with pytest.raises(TypeError, match="the closure returned None; it must return the loss"):
        opt.step(lambda: None)


def test_bad_settings_and_groups_are_refused():
    w = [nn.Parameter([1.0])]
    with pytest.raises(ValueError, match="LBFGS takes one parameter group, got 2"):
        nn.optim.LBFGS([{"params": w}, {"params": [nn.Parameter([2.0])], "lr": 0.1}])
    with pytest.raises(ValueError, match="line_search_fn must be None or 'strong_wolfe'"):
        nn.optim.LBFGS(w, line_search_fn="backtracking")
    with pytest.raises(ValueError, match="lr must be >= 0"):
        nn.optim.LBFGS(w, lr=-1)
    with pytest.raises(ValueError, match="history_size must be a whole number >= 1, got 0"):
        nn.optim.LBFGS(w, history_size=0)
    with pytest.raises(ValueError, match=r"max_iter must be a whole number >= 1, got 2\.5"):
        nn.optim.LBFGS(w, max_iter=2.5)
    with pytest.raises(TypeError, match="in step\\(closure\\)"):
        nn.optim.LBFGS(w)._update(None, None, {}, {})


# ---------------------------------------------------------------------- state


def _steps(opt, closure, n):
    return [opt.step(closure).item() for _ in range(n)]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_a_saved_run_resumes_exactly(tmp_path, line_search_fn):
    options = {"line_search_fn": line_search_fn, "max_iter": 4, "history_size": 2, "lr": 0.2}
    params, opt, closure = _ours("least_squares", **options)
    _steps(opt, closure, 2)
    counters = (opt.state[0]["n_iter"], opt.state[0]["func_evals"])
    assert len(opt.state[0]["old_dirs"]) == 2  # full: the resumed run drops the oldest pair
    nn.save(
        {"params": [p.numpy().copy() for p in params], "optim": opt.state_dict()},
        tmp_path / "run.npz",
    )
    losses = _steps(opt, closure, 3)

    saved = nn.load(tmp_path / "run.npz")
    fresh, fresh_opt, fresh_closure = _ours("least_squares", **options)
    for p, array in zip(fresh, saved["params"], strict=True):
        p.array = array
    fresh_opt.load_state_dict(saved["optim"])
    assert (fresh_opt.state[0]["n_iter"], fresh_opt.state[0]["func_evals"]) == counters
    assert _steps(fresh_opt, fresh_closure, 3) == losses
    for p, q in zip(params, fresh, strict=True):
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert fresh_opt.state[0]["func_evals"] == opt.state[0]["func_evals"]


def test_a_fresh_run_differs_from_the_resumed_one():
    """Without the loaded history the next steps differ (so the resume test can fail)."""
    options = {"max_iter": 3, "history_size": 4, "lr": 0.5}
    params, opt, closure = _ours("least_squares", **options)
    _steps(opt, closure, 2)
    fresh, fresh_opt, fresh_closure = _ours("least_squares", **options)
    for p, q in zip(fresh, params, strict=True):
        p.array = q.numpy().copy()
    assert _steps(fresh_opt, fresh_closure, 2) != _steps(opt, closure, 2)


def test_state_before_the_first_iteration_round_trips(tmp_path):
    x = nn.Parameter([1.0, 1.0], dtype="float64")
    opt = nn.optim.LBFGS([x])
    opt.step(lambda: _rosenbrock([x], minigrad))  # gradient None: zero, so it returns at once
    nn.save(opt.state_dict(), tmp_path / "o.npz")
    fresh = nn.optim.LBFGS([nn.Parameter([1.0, 1.0], dtype="float64")])
    fresh.load_state_dict(nn.load(tmp_path / "o.npz"))
    assert fresh.state == {0: {"func_evals": 1, "n_iter": 0}}
    assert fresh.param_groups[0]["line_search_fn"] is None


def _saved(**options):
    _, opt, closure = _ours("logistic", max_iter=4, **options)
    opt.step(closure)
    return opt, opt.state_dict()


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("short d", r"'d': float64 array of shape \(3,\) in the state; expected a vector of the 4"),
        ("missing t", r"buffers \[.*\]; expected \['func_evals', 'n_iter'\] before the first"),
        ("uneven history", r"'old_dirs', 'old_stps', 'ro' must be lists of one length; got 3"),
        ("long history", r"4 history pairs, more than history_size 3"),
        ("text ro", r"'ro': \['x'.*expected numbers"),
        ("negative n_iter", r"'n_iter': -1; expected a whole number >= 0"),
        ("text t", r"'t': 'one'; expected a number"),
        ("second key", r"LBFGS keeps its state under parameter 0; the state has keys \['0', '1'\]"),
        ("line search", r"'line_search_fn' is 'armijo'; expected None or 'strong_wolfe'"),
    ],
)
def test_malformed_state_is_refused_and_changes_nothing(how, message):
    opt, state = _saved(history_size=3)
    entry = state["state"]["0"]
    if how == "short d":
        entry["d"] = entry["d"][:3]
    elif how == "missing t":
        del entry["t"]
    elif how == "uneven history":
        entry["ro"] = entry["ro"][:-1]
    elif how == "long history":
        for name in ("old_dirs", "old_stps", "ro"):
            entry[name] = [entry[name][0], *entry[name]]
    elif how == "text ro":
        entry["ro"] = ["x"] * len(entry["ro"])
    elif how == "negative n_iter":
        entry["n_iter"] = -1
    elif how == "text t":
        entry["t"] = "one"
    elif how == "second key":
        state["state"]["1"] = dict(entry)
    elif how == "line search":
        state["param_groups"][0]["line_search_fn"] = "armijo"
    before = opt.state_dict()
    with pytest.raises(ValueError, match=message):
        opt.load_state_dict(state)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    assert sorted(after["state"]["0"]) == sorted(before["state"]["0"])
    np.testing.assert_array_equal(after["state"]["0"]["d"], before["state"]["0"]["d"])
