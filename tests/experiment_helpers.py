"""Running an example experiment from a test: its --quick mode the way a user would, its
figures opened, and its module imported for the functions it defines."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def run_quick(name: str, out: Path, *options: str) -> tuple[dict, str]:
    """Run ``examples/<name>.py --quick`` into ``out``; return its summary and its stdout.

    Fails the test (with the script's stderr) unless it exits 0, prints its finding and
    writes a ``summary.json`` naming the experiment and stating a finding and targets.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    command = [sys.executable, str(ROOT / "examples" / f"{name}.py"), "--quick", "--no-progress"]
    done = subprocess.run(
        [*command, *options, "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "finding:" in done.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["experiment"] == name and summary["finding"]
    assert summary["targets"] and all(isinstance(t["held"], bool) for t in summary["targets"])
    return summary, done.stdout


def check_figures(summary: dict, folder: Path) -> None:
    """Every figure the summary lists opens: PNGs larger than 200×200 pixels, SVGs as SVG."""
    assert any(f.endswith(".png") for f in summary["figures"])
    for figure in summary["figures"]:
        path = folder / figure
        if figure.endswith(".png"):
            with Image.open(path) as image:
                assert image.size[0] > 200 and image.size[1] > 200, figure
        else:
            assert "<svg" in path.read_text(encoding="utf-8"), figure


def import_example(name: str) -> types.ModuleType:
    """``examples/<name>.py`` as a module, for testing the functions an experiment defines.

    Matplotlib's settings are restored afterwards: the experiments' slide style (set when
    their kit is imported) must not leak into other tests' figures.
    """
    import matplotlib

    examples = str(ROOT / "examples")
    sys.path.insert(0, examples)
    try:
        with matplotlib.rc_context():
            return importlib.import_module(name)
    finally:
        sys.path.remove(examples)
