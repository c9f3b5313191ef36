"""examples/backprop_by_hand.py: the lecture's steps, BP1–BP4 against autograd, g′ curves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def test_default_run_prints_the_rules_and_checks_bp1_to_bp4(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "backprop_by_hand.py"), "--out", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "mul swaps" in text and "add passes" in text and "copy sums" in text
    for rule in ("BP1", "BP2", "BP3", "BP4"):
        assert rule in text
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["bp_max_difference"] < 1e-12
    assert summary["largest_derivative"]["sigmoid"] == 0.25
    assert all(t["held"] for t in summary["targets"])
    with Image.open(tmp_path / "activation_derivatives.png") as image:
        assert image.size[0] > 400
