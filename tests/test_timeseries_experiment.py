"""examples/timeseries.py: the --quick run's outputs, and its attractor measures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from experiment_helpers import check_figures, import_example, run_quick

SERIES, MODELS, HORIZONS = ("sine", "lorenz"), ("RNN", "LSTM", "GRU"), ("1", "10", "50")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[Path, dict, str]:
    out = tmp_path_factory.mktemp("timeseries")
    summary, stdout = run_quick("timeseries", out)
    return out, summary, stdout


def test_quick_run_writes_images_that_open(quick_run):
    out, summary, stdout = quick_run
    assert "finding:" in stdout and summary["experiment"] == "timeseries"
    names = set(summary["figures"])
    assert {"fits_sine.png", "fits_lorenz.png", "mse_vs_horizon.png", "lorenz_3d.png"} <= names
    check_figures(summary, out)


def test_summary_has_the_mse_at_each_horizon_per_model_and_series(quick_run):
    _, summary, _ = quick_run
    mse = summary["mse_at_horizon"]
    assert set(mse) == set(SERIES)
    for name in SERIES:
        assert set(mse[name]) == set(MODELS)
        for model in MODELS:
            values = mse[name][model]
            assert set(values) == set(HORIZONS)
            assert all(
                isinstance(v, float) and math.isfinite(v) and v >= 0 for v in values.values()
            )
            curve = summary["mse_curves"][name][model]
            assert len(curve) >= 50 and [curve[int(n) - 1] for n in HORIZONS] == list(
                values.values()
            )


def test_summary_numbers_are_finite_and_targets_are_booleans(quick_run):
    _, summary, _ = quick_run
    assert summary["targets"] and all(isinstance(t["held"], bool) for t in summary["targets"])
    epochs = [str(e) for e in summary["epochs_shown"]]
    assert len(epochs) == 3 and epochs[0] == "0"
    for name in SERIES:
        for model in MODELS:
            by_epoch = summary["one_step_mse_by_epoch"][name][model]
            assert list(by_epoch) == epochs and all(math.isfinite(v) for v in by_epoch.values())
    for checks in summary["lorenz_free_run"].values():
        assert 0 <= checks["inside_fraction"] <= 1
        assert math.isfinite(checks["spread_ratio"]) and math.isfinite(checks["peak_repeat_ratio"])


def test_peak_repeat_tells_a_periodic_orbit_from_lorenz():
    from nn.datasets import lorenz

    ts = import_example("timeseries")
    z = lorenz(6000)[1000::2, 2]
    assert ts.peak_repeat(z) > 1.0  # chaotic: z peaks never come back to the same height
    carrier = np.sin(2 * np.pi * np.arange(3000) / 20)  # one peak every 20 steps
    period_3 = carrier * (1 + 0.3 * np.sin(2 * np.pi * np.arange(3000) / 60 + 0.1))
    assert ts.peak_repeat(carrier) < 1e-9
    assert ts.peak_repeat(period_3) < 1e-9 < 0.1 < ts.peak_repeat(period_3, longest=2)
    np.testing.assert_allclose(ts.peak_heights(np.array([0, 2, 1, 3, 0.0])), [2, 3])
