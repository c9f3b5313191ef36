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
        source = (ROOT / "examples" / f"{experiment.name}.py").read_text(encoding="utf-8")
        assert "experiment_parser(" in source, experiment.name


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
