"""examples/tbptt_context.py and examples/skip_connections.py: their --quick runs, the
delayed-recall stream, the criterion's arithmetic, and the residual path carrying the gradient."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from experiment_helpers import check_figures, import_example, run_quick

QUICK_NOTE = "quick budget: targets are not expected to hold"


def finite_numbers(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from finite_numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from finite_numbers(v)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("tbptt_context", ["accuracy", "accuracy_per_seed", "chunks", "delays", "chance"]),
        ("skip_connections", ["models", "depth", "updates"]),
    ],
)
def test_quick_run_says_its_budget_and_writes_figures(name: str, keys, tmp_path: Path) -> None:
    summary, stdout = run_quick(name, tmp_path)
    assert QUICK_NOTE in stdout.lower() and summary["quick"] is True
    assert summary["finding"].startswith("Quick budget: targets are not expected to hold.")
    assert summary["finding"].count("uick budget") == 1  # said once (the kit says it)
    for key in keys:
        values = list(finite_numbers(summary[key]))
        assert values and all(math.isfinite(v) for v in values), key
    check_figures(summary, tmp_path)


def test_quick_tbptt_accuracy_is_a_share_per_chunk_and_delay(tmp_path: Path) -> None:
    summary, _ = run_quick("tbptt_context", tmp_path, "--chunks", "3", "--delays", "2", "5")
    assert summary["chunks"] == [3] and summary["delays"] == [2, 5]
    assert len(summary["accuracy"]["3"]) == 2
    assert all(0.0 <= a <= 1.0 for a in summary["accuracy"]["3"])


def test_delayed_recall_targets_name_the_cue_d_steps_back() -> None:
    tc = import_example("tbptt_context")
    x, y = tc.delayed_recall(400, 3, 7, 5, np.random.default_rng(1))
    scored = np.argwhere(y != tc.IGNORE)
    assert len(scored) > 3 * 400 // 16  # cues come at least every 2d + 1 steps
    for t, b in scored:
        assert x[t - 7, b] == y[t, b] + 1  # the cue d steps back, as a class id
        assert not x[t - 6 : t, b].any()  # no other symbol in between: one to hold at a time
    assert set(np.unique(x)) <= set(range(6)) and set(np.unique(y[y >= 0])) <= set(range(5))


def test_verdict_judges_short_and_long_delays_per_chunk() -> None:
    tc = import_example("tbptt_context")
    delays = [2, 4, 8]
    good = {4: np.array([[1.0, 0.3, 0.25]]), 8: np.array([[1.0, 0.95, 0.26]])}
    judged = tc.verdict([4, 8], delays, good, 0.25)
    assert judged[4] == {
        "short_delays_learned": True,
        "long_delays_at_chance": True,
        "longest_delay_learned": 2,
    }
    assert judged[8]["longest_delay_learned"] == 4
    leaky = {4: np.array([[1.0, 0.5, 0.25]])}  # d = k = 4 well above chance
    assert not tc.verdict([4], delays, leaky, 0.25)[4]["long_delays_at_chance"]
    unlearned = {8: np.array([[0.8, 0.95, 0.25]])}  # d = 2 ≤ k/2 not learned
    assert not tc.verdict([8], delays, unlearned, 0.25)[8]["short_delays_learned"]


def test_the_skip_path_keeps_the_first_layers_gradient() -> None:
    """At PyTorch's default initialisation 20 plain tanh layers lose ≥ 100× of the gradient
    between the last layer and the first; the same layers with '+x' lose less than 10×."""
    import minigrad

    sc = import_example("skip_connections")
    rng = np.random.default_rng(0)
    x = rng.random((64, 64)).astype(np.float32)
    y = rng.integers(0, 10, 64)
    ratios = {}
    for residual in (False, True):
        minigrad.manual_seed(0)
        norms = sc.layer_grad_norms(sc.Stack(20, 32, residual), x, y)
        assert norms.shape == (20,) and np.all(norms > 0)
        ratios[residual] = norms[0] / norms[-1]
    assert ratios[False] < 1e-2
    assert 0.1 < ratios[True] < 10
