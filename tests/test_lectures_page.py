"""examples/make_lectures_page.py runs experiments and builds a page from their real outputs."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_page_builder():
    spec = importlib.util.spec_from_file_location(
        "make_lectures_page", ROOT / "examples" / "make_lectures_page.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


PAGE = load_page_builder()


def test_every_listed_experiment_is_a_script_with_a_quick_mode() -> None:
    for experiment in PAGE.EXPERIMENTS:
        script = ROOT / "examples" / f"{experiment.script_name}.py"
        assert "experiment_parser(" in script.read_text(encoding="utf-8"), experiment.name
    names = [e.name for e in PAGE.EXPERIMENTS]
    assert len(set(names)) == len(names), "two experiments would share a run folder"
    assert {"char_rnn", "activations", "activations_compare"} <= set(names)  # items 16 and 17


def test_a_section_shows_the_command_with_its_options_and_only_the_chosen_figures() -> None:
    atlas = PAGE.Experiment(
        "atlas_compare", "Atlas", "item 17", "Char models", script="activations",
        mode=("--compare",), settings=("--train-steps", "900"), shown=("b.png", "a.png"),
    )  # fmt: skip
    summary = {"finding": "found", "figures": ["a.png", "b.png", "c.png", "a.html"]}
    full = PAGE.experiment_section(atlas, summary, {"seconds": 3, "quick": False}, "x")
    assert "python examples/activations.py --compare --train-steps 900\n" in full
    assert re.findall(r"\(x/([^)]+)\)", full) == ["b.png", "a.png"]  # in the order given
    quick = PAGE.experiment_section(atlas, summary, {"seconds": 3, "quick": True}, "x")
    assert "python examples/activations.py --compare --quick\n" in quick
    assert atlas.options(quick=True) == ["--compare", "--quick"]


def test_a_section_lists_the_example_translations() -> None:
    seq2seq = next(e for e in PAGE.EXPERIMENTS if e.name == "seq2seq")
    rows = [
        {"source": "123", "target": "321", "output": "321", "correct": True},
        {"source": "4567", "target": "7654", "output": "7645", "correct": False},
    ]
    summary = {"finding": "f", "figures": ["seq2seq.png"], "translations": rows}
    section = PAGE.experiment_section(seq2seq, summary, {"seconds": 1, "quick": False}, "x")
    assert "| `123` | `321` | `321` |" in section
    assert "| `4567` | `7654` | `7645` ✗ |" in section


@pytest.mark.slow
def test_quick_page_shows_each_runs_figures_finding_and_targets(tmp_path: Path) -> None:
    PAGE.main(["--quick", "--docs", str(tmp_path), "--only", "backprop_by_hand", "critical_points"])
    page = (tmp_path / "lectures.md").read_text(encoding="utf-8")
    for name in ("backprop_by_hand", "critical_points"):
        summary = json.loads((tmp_path / "lectures" / name / "summary.json").read_text())
        assert summary["finding"] in page
        for target in summary["targets"]:
            assert target["target"] in page
        assert f"python examples/{name}.py --quick" in page
    images = re.findall(r"!\[[^]]*\]\(([^)]+)\)", page)
    assert images, "the page shows no figure"
    for image in images:
        assert (tmp_path / image).is_file(), image
    assert "## Backprop by hand" in page and "## Sequence tasks" not in page
    assert not list(tmp_path.rglob("*.svg")), "the page's folder keeps PNGs only"


def test_rebuilding_without_runs_gives_an_empty_page_not_an_error(tmp_path: Path) -> None:
    PAGE.main(["--no-run", "--docs", str(tmp_path)])
    page = (tmp_path / "lectures.md").read_text(encoding="utf-8")
    assert page.startswith("# The lectures' experiments")
    assert "###" not in page


def test_a_failing_experiment_stops_the_build_naming_it(tmp_path: Path, monkeypatch) -> None:
    broken = PAGE.Experiment("no_such_experiment", "Nothing", "nothing", "Nowhere")
    with pytest.raises(SystemExit, match="no_such_experiment failed"):
        PAGE.run_experiment(broken, tmp_path, quick=True)


def test_every_experiment_defends_its_setup_and_the_page_shows_it_with_the_sweep() -> None:
    for experiment in PAGE.EXPERIMENTS:
        choices = " ".join(key for key, _ in experiment.setup)
        for choice in ("task", "criterion"):
            assert choice in choices, (experiment.name, choice)
        assert "lr" in choices or "budget" in choices, experiment.name
        assert all(sentence.endswith(".") for _, sentence in experiment.setup), experiment.name
    timeseries = next(e for e in PAGE.EXPERIMENTS if e.name == "timeseries")
    summary = {
        "finding": "f",
        "figures": [],
        "lr": 0.01,
        "lr_sweep": {"0.003": 0.4, "0.01": 0.2, "0.03": 0.3},
        "lr_sweep_budget": "100 epochs",
        "lr_sweep_criterion": "lowest mean final loss",
    }
    section = PAGE.experiment_section(timeseries, summary, {"seconds": 1, "quick": False}, "x")
    assert "*Setup, and why:*" in section
    assert f"- **lr**: {dict(timeseries.setup)['lr']}" in section
    assert "(100 epochs; lowest mean final loss)" in section
    assert "**lr 0.01 → 0.2 (chosen, used for every model)**" in section
    quick = {"finding": "f", "figures": [], "lr": 0.01, "lr_sweep": None, "lr_sweep_note": "skip"}
    section = PAGE.experiment_section(timeseries, quick, {"seconds": 1, "quick": True}, "x")
    assert "*Learning rate* 0.01 for every model: skip." in section
