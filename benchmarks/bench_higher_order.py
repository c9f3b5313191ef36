"""Higher-order gradients: the Hessian of a small MLP's loss and a Hessian-vector product.

What is measured
----------------
A 2-layer tanh MLP with 100 parameters in one flat vector θ (4 inputs → 12 hidden → 4
outputs: 4·12 + 12 + 12·4 + 4 = 112 ≈ 100), its mean-squared-error loss on a fixed batch of
16, in float64:

1. **Hessian** ∂²L/∂θ² (112 × 112): ``minigrad.functional.hessian`` against
   ``torch.autograd.functional.hessian`` (both loop over rows: 112 backward passes through
   the recorded gradient graph; PyTorch's ``vectorize=False``, its default).
2. **Hessian-vector product** H·v: ``minigrad.functional.hvp`` against
   ``torch.autograd.functional.hvp`` (two backward passes, no H).

Both are timed in the same run, interleaved, median of ``--repeat`` runs; the ratio is
minigrad / PyTorch (below 1.0: minigrad is faster). Both results are checked to agree.
PyTorch is a reference only: without it, minigrad's times are printed alone.

Run from the repository root::

    python benchmarks/bench_higher_order.py            # ~20 s
    python benchmarks/bench_higher_order.py --quick    # smoke run
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import minigrad
from minigrad import functional as mf

try:
    import torch
except ImportError:  # PyTorch is only a reference, never a dependency
    torch = None

SIZES = (4, 12, 4)


def split(theta: Any) -> list[Any]:
    """The flat parameter vector as W1, b1, W2, b2 (views, so gradients flow through)."""
    (n_in, n_hidden, n_out), parts, start = SIZES, [], 0
    for shape in [(n_hidden, n_in), (n_hidden,), (n_out, n_hidden), (n_out,)]:
        size = int(np.prod(shape))
        parts.append(theta[start : start + size].reshape(shape))
        start += size
    return parts


def n_params() -> int:
    n_in, n_hidden, n_out = SIZES
    return n_hidden * n_in + n_hidden + n_out * n_hidden + n_out


def loss_fn(x: Any, y: Any, lib: str) -> Callable[[Any], Any]:
    def loss(theta):
        w1, b1, w2, b2 = split(theta)
        h = (x @ w1.T + b1).tanh() if lib == "minigrad" else torch.tanh(x @ w1.T + b1)
        return ((h @ w2.T + b2 - y) ** 2).mean()

    return loss


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls after one untimed warm-up call, and the result."""
    fn()
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats")
    parser.add_argument("--repeat", type=int, default=None, help="runs per case (median)")
    args = parser.parse_args()
    repeat = args.repeat or (2 if args.quick else 7)

    rng = np.random.default_rng(0)
    x_np, y_np = rng.normal(size=(16, SIZES[0])), rng.normal(size=(16, SIZES[2]))
    theta_np, v_np = rng.normal(size=n_params()) * 0.5, rng.normal(size=n_params())
    ours = loss_fn(minigrad.tensor(x_np), minigrad.tensor(y_np), "minigrad")
    theta, v = minigrad.tensor(theta_np), minigrad.tensor(v_np)
    cases = {
        "hessian": lambda: mf.hessian(ours, theta).numpy(),
        "hvp": lambda: mf.hvp(ours, theta, v)[1].numpy(),
    }
    theirs_cases = {}
    if torch is not None:
        torch.set_num_threads(2)
        theirs = loss_fn(torch.tensor(x_np), torch.tensor(y_np), "torch")
        theta_t, v_t = torch.tensor(theta_np), torch.tensor(v_np)
        theirs_cases = {
            "hessian": lambda: torch.autograd.functional.hessian(theirs, theta_t).numpy(),
            "hvp": lambda: torch.autograd.functional.hvp(theirs, theta_t, v_t)[1].numpy(),
        }
    print(f"MLP {SIZES[0]}→{SIZES[1]}→{SIZES[2]} tanh, {n_params()} parameters, batch 16, float64")
    print(f"{'case':10s} {'minigrad ms':>12s} {'torch ms':>10s} {'minigrad/torch':>15s}")
    for name, ours_case in cases.items():
        ours_ms, ours_result = timed(ours_case, repeat)
        if name in theirs_cases:
            theirs_ms, theirs_result = timed(theirs_cases[name], repeat)
            np.testing.assert_allclose(ours_result, theirs_result, atol=1e-9)
            print(
                f"{name:10s} {ours_ms * 1e3:12.2f} {theirs_ms * 1e3:10.2f} "
                f"{ours_ms / theirs_ms:14.2f}×"
            )
        else:
            print(f"{name:10s} {ours_ms * 1e3:12.2f} {'n/a':>10s} {'n/a':>15s}")
    if torch is None:
        print("PyTorch is not installed: pip install torch to compare (it is not a dependency)")


if __name__ == "__main__":
    main()
