"""The dynamics experiments' --quick runs: they finish, their figures open, their summaries
have the headline numbers and every number is finite."""

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
EXPECTED = {
    "recurrence_stability": [
        "linear_growth_rates",
        "linear_sign_changes",
        "scalar_settle_steps",
        "vector_final_norms",
        "jacobian_growth_rates",
    ],
    "vanishing_gradients": [
        "decades_lost_at_init",
        "decades_lost_after_training",
        "mlp_layer_fallen_1000x",
        "mlp_grad_per_layer",
        "adding_task_test_mse",
    ],
    "gradient_clipping": ["final_loss", "largest_step", "largest_grad_norm"],
    "long_range_memory": ["accuracy", "longest_lag_solved", "lags"],
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
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "finding:" in done.stdout
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["experiment"] == name and summary["finding"]
    assert summary["targets"] and all(isinstance(t["held"], bool) for t in summary["targets"])
    for key in EXPECTED[name]:
        values = list(numbers(summary[key]))
        assert values, f"{name}: {key} is empty"
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in values), (key, values)
    assert any(f.endswith(".png") for f in summary["figures"])
    for figure in summary["figures"]:
        path = tmp_path / figure
        if figure.endswith(".png"):
            with Image.open(path) as image:
                assert image.size[0] > 200 and image.size[1] > 200
        else:
            assert path.read_text(encoding="utf-8").lstrip().startswith("<?xml")
