"""The shared kit of the lecture experiments: one slide style, one colour per model, honest
--quick reports and readable log axes."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from experiment_helpers import import_example

kit = import_example("_experiment_kit")


@pytest.fixture
def quick_mode():
    before = kit._QUICK  # another test may have run an experiment's main() in this process
    kit.set_quick(True)
    yield
    kit.set_quick(before)


@pytest.fixture
def full_mode():
    before = kit._QUICK
    kit.set_quick(False)
    yield
    kit.set_quick(before)


def test_figures_are_16_by_9_slides_with_large_fonts(tmp_path: Path) -> None:
    from PIL import Image

    with matplotlib.rc_context(kit.STYLE):
        fig, ax = plt.subplots()
        ax.plot([1, 2], [3, 4])
        ax.set_title(r"$h_{t-1}$")
        (name,) = kit.save_figure(fig, tmp_path, "slide")
        assert plt.rcParams["font.size"] >= 16 and plt.rcParams["axes.titlesize"] >= 18
    with Image.open(tmp_path / name) as image:
        assert image.size == (1920, 1080)


def test_each_model_has_one_colour_everywhere() -> None:
    assert kit.colour("LSTM, forget bias 1") == kit.colour("LSTM (forget bias 1)")
    assert kit.colour("RNN fixed") == kit.colour("RNN (tanh)") != kit.colour("GRU")
    assert kit.colour("clipped to ‖g‖ ≤ 10") != kit.colour("without clipping")
    assert len({kit.colour(a) for a in ("sigmoid", "tanh", "relu", "elu")}) == 4


def test_a_quick_run_says_targets_are_not_expected_to_hold(tmp_path, capsys, quick_mode):
    targets: list = []
    kit.check_target(targets, "a claim", False)
    out = capsys.readouterr().out
    assert "quick budget: targets are not expected to hold" in out and "DID NOT" not in out
    assert targets == [{"target": "a claim", "held": False, "quick": True}]
    summary = kit.write_summary(tmp_path, "demo", "it ran", [], targets)
    assert summary["quick"] is True and summary["finding"].startswith("Quick budget")
    assert json.loads((tmp_path / "summary.json").read_text())["quick"] is True


def test_a_full_run_reports_a_missed_target_as_such(capsys, full_mode) -> None:
    targets: list = []
    kit.check_target(targets, "a claim", False)
    assert "target DID NOT hold: a claim" in capsys.readouterr().out
    assert "quick" not in targets[0]


@pytest.mark.parametrize("scale", ["log", "symlog"])
def test_a_long_log_axis_labels_at_most_six_decades(scale: str) -> None:
    fig, ax = plt.subplots()
    ax.plot(np.arange(60), 1.9 ** np.arange(60.0))  # 0 … 10^17
    ax.set_yscale(scale, **({"linthresh": 1.0} if scale == "symlog" else {}))
    kit.decade_ticks(ax)
    fig.canvas.draw()
    low, high = ax.get_ylim()
    shown = [t for t in ax.get_yticks() if low <= t <= high]
    assert 2 <= len(shown) <= 6
    plt.close(fig)


def test_long_titles_wrap() -> None:
    fig = plt.figure()
    kit.suptitle(fig, "word " * 40)
    assert fig._suptitle.get_text().count("\n") >= 2
    plt.close(fig)
