"""The addition/parity experiment's --quick run: it finishes, its figures open, its summary
has accuracy per length, model and task, and every number is finite."""

from __future__ import annotations

import math
import sys
from pathlib import Path

from experiment_helpers import run_quick
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

import matplotlib  # noqa: E402

with matplotlib.rc_context():  # the experiments' slide style must not leak into other tests
    from addition_parity import MODELS, exact_match, train


def finite_numbers(value) -> list:
    if isinstance(value, dict):
        return [n for v in value.values() for n in finite_numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in finite_numbers(v)]
    return [value]


def test_quick_run_writes_figures_and_summary(tmp_path: Path) -> None:
    summary, _ = run_quick("addition_parity", tmp_path)
    assert len(summary["targets"]) == 5
    assert summary["parity_mlp_widths"] and summary["parity_mlp_smallest_width"]
    for task in ("addition", "parity"):
        lengths = summary["lengths"][task]
        assert summary["train_length"][task] in lengths
        assert max(lengths) >= 3 * summary["train_length"][task]
        for kind in MODELS:
            per_length = summary["accuracy"][task][kind]
            assert [int(k) for k in per_length] == lengths
            assert all(0 <= a <= 1 for a in per_length.values())
    values = finite_numbers({k: summary[k] for k in ("accuracy", "accuracy_per_seed")})
    assert values and all(isinstance(v, float) and math.isfinite(v) for v in values)
    for figure in summary["figures"]:
        assert (tmp_path / figure).stat().st_size > 0
        if figure.endswith(".png"):
            with Image.open(tmp_path / figure) as image:
                assert image.size[0] > 100 and image.size[1] > 100


def test_mlp_exact_match_on_longer_sums_is_capped_by_unseen_bits() -> None:
    """An MLP's exact match at N + 2 bits is capped by the unseen high bits (≈ 1/16)."""
    import types

    import numpy as np

    args = types.SimpleNamespace(hidden=8, mlp_hidden=16, lr=0.01, batch=32, updates=5, test=400)
    rng = np.random.default_rng(0)
    mlp, _ = train("MLP", "addition", 4, args, rng)
    assert exact_match("MLP", "addition", mlp, 6, 4, args, rng) < 0.15


def test_a_wide_mlp_solves_small_parity_and_one_unit_cannot_solve_xor() -> None:
    """The width sweep's pieces: 2-bit parity (XOR) needs more than one ReLU unit."""
    import types

    import numpy as np
    from addition_parity import parity_mlp_accuracy, smallest_solving_width

    args = types.SimpleNamespace(lr=0.03, batch=64, width_updates=600)
    assert parity_mlp_accuracy(2, 8, args, 0)[0] == 1.0
    assert parity_mlp_accuracy(2, 1, args, 0)[0] < 1.0
    acc = np.array([[0.75, 1.0], [0.75, 1.0], [0.75, 0.5]])
    assert smallest_solving_width(acc, [1, 8]) == 8
    assert smallest_solving_width(acc[:, :1], [1]) is None
