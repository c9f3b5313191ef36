"""The higher-order examples run in their --quick mode and write what they promise."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {
    "critical_points": ["critical_points.png"],
    "jacobian_product": ["jacobian_product.png", "jacobian_product.svg"],
    "gradient_penalty": ["gradient_penalty.png"],
}


def _finite(value) -> bool:
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or math.isfinite(value)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_quick_run_writes_figures_and_summary(name: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / f"{name}.py"),
            "--quick",
            "--no-progress",
            "--out",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "finding:" in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["experiment"] == name and summary["finding"]
    assert summary["figures"] == EXAMPLES[name]
    assert summary["targets"] and all(isinstance(t["held"], bool) for t in summary["targets"])
    assert _finite(summary)
    for figure in summary["figures"]:
        if figure.endswith(".png"):
            with Image.open(tmp_path / figure) as image:
                assert image.size[0] > 300 and image.size[1] > 200
        else:
            assert (tmp_path / figure).read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_critical_points_are_classified_as_the_lecture_says(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "critical_points.py"),
            "--quick",
            "--out",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    kinds = {tuple(round(v) for v in p["point"]): p["kind"] for p in summary["points"]}
    assert kinds == {(1, 1): "minimum", (-1, -1): "maximum", (1, -1): "saddle", (-1, 1): "saddle"}
