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


def test_the_sweep_picks_one_rate_by_the_lowest_mean_final_loss_and_prints_it(capsys) -> None:
    losses = {  # model → lr → final loss: each model alone would pick another rate
        "RNN": {0.003: 0.9, 0.01: 0.5, 0.03: 0.2},
        "LSTM": {0.003: 0.3, 0.01: 0.35, 0.03: 1.5},
    }
    record = kit.sweep_learning_rate(
        lambda m, lr: losses[m][lr], ["RNN", "LSTM"], [0.003, 0.01, 0.03], budget="b", enabled=False
    )
    assert record["lr"] == 0.01  # means 0.6, 0.425, 0.85
    assert record["lr_sweep"] == {"0.003": 0.6, "0.01": 0.425, "0.03": 0.85}
    assert record["lr_sweep_per_model"]["0.03"] == {"RNN": 0.2, "LSTM": 1.5}
    printed = capsys.readouterr().out
    assert "learning-rate sweep (b;" in printed and "0.85" in printed
    assert printed.count("← chosen") == 1 and "0.425" in printed.split("← chosen")[0]


def test_a_rate_under_which_any_model_diverges_is_ruled_out() -> None:
    def loss(model: str, lr: float) -> float:
        return float("nan") if (model == "b" and lr == 0.1) else lr * 0.1

    record = kit.sweep_learning_rate(loss, ["a", "b"], [0.1, 1.0], budget="b", enabled=False)
    assert record["lr"] == 1.0 and record["lr_sweep"]["0.1"] == float("inf")
    with pytest.raises(SystemExit, match="diverged"):
        kit.sweep_learning_rate(lambda m, lr: float("inf"), ["a"], [1.0], budget="", enabled=False)


def test_a_given_rate_or_a_quick_run_skips_the_sweep_and_says_so(capsys) -> None:
    import argparse

    def never(model: str, lr: float) -> float:
        raise AssertionError("the sweep ran")

    given = argparse.Namespace(lr=0.02, quick=False, sweep_lrs=[0.1])
    assert kit.choose_learning_rate(given, never, ["a"], budget="", quick_lr=1.0)["lr"] == 0.02
    quick = argparse.Namespace(lr=None, quick=True, sweep_lrs=[0.1])
    record = kit.choose_learning_rate(quick, never, ["a"], budget="", quick_lr=0.5)
    assert record["lr"] == 0.5 and record["lr_sweep"] is None
    assert kit.QUICK_NOTE in capsys.readouterr().out and "sweep skipped" in record["lr_sweep_note"]


@pytest.mark.parametrize(
    ("name", "options", "models"),
    [
        (
            "long_range_memory",
            ["--lags", "2", "3", "--sweep-lag", "2", "--seeds", "2"],
            [f"{t}/{k}" for t in ("adding", "copy") for k in ("RNN", "LSTM", "GRU")],
        ),
        (
            "tbptt_context",
            ["--chunks", "2", "4", "--delays", "1", "--seeds", "1", "--test-steps", "20"],
            ["k=2", "k=4"],
        ),
    ],
)
def test_the_memory_experiments_pick_their_rate_with_the_kits_sweep(
    name, options, models, tmp_path: Path, monkeypatch, full_mode
) -> None:
    """A private sweep in either script (another criterion, another table) fails this."""
    calls = []
    real = kit.sweep_learning_rate

    def spy(final_loss, models, lrs, **kwargs):
        calls.append((list(models), list(lrs)))
        return real(final_loss, models, lrs, **kwargs)

    monkeypatch.setattr(kit, "sweep_learning_rate", spy)
    experiment = import_example(name)
    tiny = ["--updates", "2", "--hidden", "2", "--batch", "2", "--sweep-lrs", "0.01", "0.03"]
    with matplotlib.rc_context():  # main() sets the slide style; keep it out of other tests
        experiment.main([*options, *tiny, "--out", str(tmp_path), "--no-progress"])
    assert calls == [(models, [0.01, 0.03])]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["lr_sweep_criterion"] == kit.SWEEP_CRITERION
    assert set(summary["lr_sweep"]) == {"0.01", "0.03"} and summary["lr"] in (0.01, 0.03)
    assert set(summary["lr_sweep_per_model"]["0.01"]) == set(models)
    assert "ties to the smaller rate" in summary["setup"]["lr"]


def test_a_sweep_whose_rates_tie_says_so_and_breaks_the_tie_to_the_smaller_rate(capsys) -> None:
    record = kit.sweep_learning_rate(
        lambda m, lr: 1.0 if lr == 0.1 else 0.25, ["a", "b"], [0.03, 0.01, 0.1], budget="b",
        enabled=False,
    )  # fmt: skip
    assert record["lr"] == 0.01
    assert record["lr_sweep_tie"] == (
        "the sweep does not decide: rates 0.03, 0.01 tie at mean final loss 0.25; "
        "tie-break: the smaller rate, 0.01"
    )
    assert record["lr_sweep_tie"] in capsys.readouterr().out
    untied = kit.sweep_learning_rate(lambda m, lr: lr, ["a"], [0.1, 0.2], budget="", enabled=False)
    assert untied["lr_sweep_tie"] is None and "ties: the smaller rate" in kit.SWEEP_CRITERION
