"""The dynamics experiments' --quick runs: they finish, their figures open, their summaries
have the headline numbers and every number is finite."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from experiment_helpers import check_figures, import_example, run_quick

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
    summary, _ = run_quick(name, tmp_path)
    for key in EXPECTED[name]:
        values = list(numbers(summary[key]))
        assert values, f"{name}: {key} is empty"
        assert all(isinstance(v, (int, float)) and math.isfinite(v) for v in values), (key, values)
    check_figures(summary, tmp_path)


def test_jacobian_product_matches_minigrad_backward() -> None:
    """∏ diag(f′(z_k)) W from recorded states equals ∂h_T/∂h_0 found by backward."""
    import numpy as np

    import minigrad

    rs = import_example("recurrence_stability")
    rng = np.random.default_rng(0)
    w, xs, h0 = rng.standard_normal((3, 3)), rng.standard_normal((5, 3)), rng.standard_normal(3)
    norms, _ = rs.jacobian_norms("tanh", w, xs, h0)
    rows = []
    for i in range(3):
        h_start = minigrad.tensor(h0, requires_grad=True)
        h = h_start
        for x in xs:
            h = (minigrad.tensor(w) @ h + minigrad.tensor(x)).tanh()
        h[i].backward()
        rows.append(h_start.grad.numpy())
    assert np.isclose(norms[-1], np.linalg.norm(np.array(rows), 2), rtol=1e-6)


def test_growth_rate_and_thresholds() -> None:
    import numpy as np

    rs = import_example("recurrence_stability")
    vg = import_example("vanishing_gradients")
    lrm = import_example("long_range_memory")
    assert np.isclose(rs.growth_rate(3.0 * 0.8 ** np.arange(20)), 0.8)
    # the last layer is 1; the layer 1,000× below it is the 2nd (1 = input side)
    assert vg.fallen_layer(np.array([1e-5, 1e-3, 0.1, 1.0])) == 2
    assert vg.fallen_layer(np.array([0.01, 0.1, 1.0])) is None
    assert lrm.longest_solved([5, 10, 20, 40], [1.0, 0.95, 0.5, 0.92], 0.9) == 10
    assert lrm.longest_solved([5, 10], [0.3, 1.0], 0.9) == 0
