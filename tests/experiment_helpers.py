"""Running an example experiment's --quick mode from a test, the way a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
