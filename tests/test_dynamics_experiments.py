"""The dynamics experiments' --quick runs: they finish, their figures open, their summaries
have the headline numbers and every number is finite."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from experiment_helpers import check_figures, import_example, run_quick

EXPECTED = {
    "recurrence_stability": [
        "linear_growth_rates",
        "linear_sign_changes",
        "scalar_settle_steps",
        "vector_final_norms",
        "jacobian_growth_rates",
        "scalar_linear_final",
        "tap_growth_rates",
        "tap_slowest_mode",
    ],
    "vanishing_gradients": [
        "decades_lost_at_init",
        "decades_lost_after_training",
        "mlp_decades_lost",
        "mlp_grad_per_layer",
        "mlp_grad_per_layer_per_seed",
        "adding_task_test_mse",
    ],
    "gradient_clipping": ["final_loss", "largest_step", "sweep"],
    "long_range_memory": ["score", "score_per_seed", "largest_lag_solved", "lags", "lr"],
}


def numbers(value):
    """Every number inside a summary value (None marks 'never' and is skipped)."""
    if isinstance(value, dict):
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)
    elif value is not None:
        yield value


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quick_run_writes_figures_and_summary(name: str, tmp_path: Path) -> None:
    summary, stdout = run_quick(name, tmp_path)
    # a quick run says its budget is not meant to meet the targets, never a bare failure
    assert summary["quick"] is True and summary["finding"].startswith("Quick budget")
    assert "DID NOT hold" not in stdout
    if not all(t["held"] for t in summary["targets"]):
        assert "quick budget: targets are not expected to hold" in stdout
    for key in EXPECTED[name]:
        values = list(numbers(summary[key]))
        assert values, f"{name}: {key} is empty"
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in values), (key, values)
    check_figures(summary, tmp_path)


def test_jacobian_product_matches_minigrad_backward() -> None:
    """∏ diag(f′(z_k)) W from recorded states equals ∂h_T/∂h_0 found by backward."""
    import numpy as np

    import minigrad

    rs = import_example("recurrence_stability")
    rng = np.random.default_rng(0)
    w, xs, h0 = rng.standard_normal((3, 3)), rng.standard_normal((5, 3)), rng.standard_normal(3)
    norms, _ = rs.jacobian_norms("tanh", w, xs, h0)
    rows = []
    for i in range(3):
        h_start = minigrad.tensor(h0, requires_grad=True)
        h = h_start
        for x in xs:
            h = (minigrad.tensor(w) @ h + minigrad.tensor(x)).tanh()
        h[i].backward()
        rows.append(h_start.grad.numpy())
    assert np.isclose(norms[-1], np.linalg.norm(np.array(rows), 2), rtol=1e-6)


def test_growth_rate_and_thresholds() -> None:
    import numpy as np

    rs = import_example("recurrence_stability")
    vg = import_example("vanishing_gradients")
    lrm = import_example("long_range_memory")
    assert np.isclose(rs.growth_rate(3.0 * 0.8 ** np.arange(20)), 0.8)
    # the last layer is 1; the layer 1,000× below it is the 2nd (1 = input side)
    assert vg.fallen_layer(np.array([1e-5, 1e-3, 0.1, 1.0])) == 2
    assert vg.fallen_layer(np.array([0.01, 0.1, 1.0])) is None
    # the headline names the largest lag solved, not the end of the first unbroken run
    assert lrm.largest_solved("copy", [5, 10, 20, 40], [1.0, 0.95, 0.5, 0.92]) == 40
    assert lrm.largest_solved("copy", [5, 10], [0.3, 0.5]) == 0
    assert lrm.largest_solved("adding", [5, 10, 20], [0.001, 0.2, 0.01]) == 20
    assert vg.layers_back(np.array([1e-5, 1e-3, 0.1, 1.0]), 100.0) == 2
    assert vg.layers_back(np.array([0.5, 1.0]), 100.0) is None


@pytest.mark.parametrize(
    "name",
    [
        "long_range_memory",
        "vanishing_gradients",
        "gradient_clipping",
        "recurrence_stability",
        "addition_parity",
        "_experiment_kit",
    ],
)
def test_example_doctests(name: str) -> None:
    import doctest

    result = doctest.testmod(import_example(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_copy_task_distractors_fill_the_gap_and_only_step_0_holds_the_answer() -> None:
    import numpy as np

    lrm = import_example("long_range_memory")
    x, y = lrm.copy_with_distractors(200, 12, np.random.default_rng(1))
    assert x.shape == (13, 200) and (x[0] == y).all()
    assert set(np.unique(x[1:-1])) == {4, 5, 6, 7}  # distractors, not blanks
    assert (x[-1] == 8).all() and set(np.unique(y)) == {0, 1, 2, 3}


def test_glorot_and_default_inits_differ_as_documented() -> None:
    import types

    import numpy as np

    vg = import_example("vanishing_gradients")
    args = types.SimpleNamespace(depth=3, width=256)
    default = vg.deep_mlp("default", 64, args, 0)[1].weight.numpy()
    glorot = vg.deep_mlp("glorot", 64, args, 0)[1].weight.numpy()
    assert np.isclose(default.var(), 1 / (3 * 256), rtol=0.1)  # U(±1/√fan_in)
    assert np.isclose(glorot.var(), 2 / (256 + 256), rtol=0.1)
    x, labels = vg.digit_batch(32, np.random.default_rng(0))
    assert x.shape == (32, 64) and set(labels) <= set(range(10))


def test_the_one_unit_rnn_surface_has_a_wall_and_clipping_bounds_every_step() -> None:
    import numpy as np

    gc = import_example("gradient_clipping")
    ww, bb = np.meshgrid(np.linspace(*gc.W_RANGE, 120), np.linspace(*gc.B_RANGE, 120))
    zz = gc.surface(ww, bb)
    gb, gw = np.gradient(zz, bb[:, 0], ww[0])
    slope = np.hypot(gw, gb)
    assert slope.max() > 20 * np.median(slope)  # a cliff, not a uniform slope
    starts = np.array([[8.18, -5.27], [6.0, -6.0]])
    _, lengths = gc.descend_many(starts, 0.01, 60, 10.0)
    assert lengths.max() <= 0.01 * 10.0 + 1e-12
    losses, lengths = gc.descend_many(starts, 0.01, 200, None)
    assert gc.bad_updates(losses, lengths)[0]  # thrown by the wall without clipping


def test_multi_tap_response_decays_at_the_slowest_mode() -> None:
    import numpy as np

    rs = import_example("recurrence_stability")
    for taps in [(0.9,), (0.5, 0.4), (0.5, 0.0, 0.0, 0.0, 0.4)]:
        h = rs.tap_response(taps, 200)
        rate = rs.growth_rate(np.abs(h[100:]))
        assert np.isclose(rate, np.abs(rs.tap_modes(taps)).max(), rtol=1e-3)
