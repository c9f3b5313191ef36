"""How fast can *any* NumPy char-LSTM train step be? Time only its matrix products.

The LSTM train step of ``bench_charlm.py`` (batch 32, 50 steps, hidden 256, embedding 64,
vocabulary 96, float32) must do these matrix products, whatever else it does:

==========================  ======================================  ==========
product                     shapes                                  times/step
==========================  ======================================  ==========
input projection            (T·B, E) @ (E, 4H)                      1
recurrent, forward          (B, H) @ (H, 4H)                        T
recurrent, backward         (B, 4H) @ (4H, H)                       T
∂W_hh                       (4H, T·B) @ (T·B, H)                    1
∂W_ih, ∂x                   (4H, T·B) @ (T·B, E), (T·B, 4H) @ (4H, E)  1 each
decoder: forward, ∂W, ∂h    (T·B, H) @ (H, V), (V, T·B) @ (T·B, H),    1 each
                            (T·B, V) @ (V, H)
==========================  ======================================  ==========

This script times each product with NumPy's BLAS (OpenBLAS in the NumPy wheels) in the
layout minigrad's fused op uses, adds them up with their counts, and compares the sum with
PyTorch's whole train step (``torch.nn.LSTM`` on 2 threads, which runs oneDNN's fused LSTM
kernel). When the products *alone* take about as long as PyTorch's whole step, no NumPy
implementation (minigrad's, or the hand-derived reference) can reach minigrad/torch ≤ 1.0×
on this machine: the element-wise gate arithmetic, the loss and the update come on top.

Run from the repository root::

    python benchmarks/bench_gemm_floor.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

T, B, H, E, V = 50, 32, 256, 64, 96
G = 4 * H  # the LSTM's four gates


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    for _ in range(3):
        fn()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(samples)


def gemm_floor() -> list[tuple[str, float, int]]:
    """(product, median ms per call, calls per train step) for each product of the step."""
    rng = np.random.default_rng(0)

    def f32(*shape: int) -> np.ndarray:
        return rng.standard_normal(shape).astype(np.float32)

    h, w_hh_t, w_hh = f32(B, H), f32(H, G), f32(G, H)  # W_hhᵀ kept contiguous, as the op does
    step_out, d_step, dh_out = np.empty((B, G), np.float32), f32(B, G), np.empty((B, H), np.float32)
    # the same products feature-major (states as columns), which OpenBLAS runs faster here
    h_cols, d_cols = f32(H, B), f32(G, B)
    out_cols, dh_cols = np.empty((G, B), np.float32), np.empty((H, B), np.float32)
    x, w_ih = f32(T * B, E), f32(G, E)
    d_gates, h_prev = f32(T * B, G), f32(T * B, H)
    w_dec, d_logits = f32(V, H), f32(T * B, V)
    products = [
        ("input projection", lambda: x @ w_ih.T, 1, 20),
        ("recurrent forward", lambda: np.dot(h, w_hh_t, out=step_out), T, 400),
        ("recurrent backward", lambda: np.dot(d_step, w_hh, out=dh_out), T, 400),
        ("recurrent forward, feature-major*", lambda: np.dot(w_hh, h_cols, out=out_cols), T, 400),
        ("recurrent backward, feature-major*", lambda: np.dot(w_hh_t, d_cols, out=dh_cols), T, 400),
        ("dW_hh", lambda: d_gates.T @ h_prev, 1, 20),
        ("dW_ih", lambda: d_gates.T @ x, 1, 20),
        ("dx", lambda: d_gates @ w_ih, 1, 20),
        ("decoder forward", lambda: h_prev @ w_dec.T, 1, 20),
        ("decoder dW", lambda: d_logits.T @ h_prev, 1, 20),
        ("decoder dh", lambda: d_logits @ w_dec, 1, 20),
    ]
    return [(name, _median_ms(fn, repeats), count) for name, fn, count, repeats in products]


def torch_step_ms() -> float | None:
    """Median ms of PyTorch's whole train step (as in bench_charlm.py), or None."""
    try:
        import torch
    except ImportError:
        return None
    from bench_charlm import SIZES, load_batches, torch_step
    from numpy_reference import NumpyCharLM

    torch.set_num_threads(2)
    size = SIZES["issue"]
    weights = NumpyCharLM("lstm", V, size.embed, size.hidden, size.steps, size.batch).params
    step = torch_step("lstm", size, {k: v.copy() for k, v in weights.items()})
    batches, _ = load_batches(size, count=8)
    index = iter(range(10**9))
    return _median_ms(lambda: step(batches[next(index) % len(batches)]), 60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    print(f"# Matrix products of one char-LSTM train step (T={T}, B={B}, H={H}, E={E}, V={V})")
    print(f"NumPy {np.__version__}; median of repeated calls, float32\n")
    print("| product | ms per call | calls per step | ms per step |")
    print("|---|---:|---:|---:|")
    rows = gemm_floor()
    for name, ms, count in rows:
        print(f"| {name} | {ms:.3f} | {count} | {ms * count:.2f} |")
    per_step = {name: ms * count for name, ms, count in rows}
    total = sum(v for k, v in per_step.items() if not k.endswith("*"))
    recurrent = ("recurrent forward", "recurrent backward")
    best = total + sum(min(0.0, per_step[f"{k}, feature-major*"] - per_step[k]) for k in recurrent)
    print(f"| **all products, minigrad's layout** | | | **{total:.2f}** |")
    print(rf"| **all products, faster layout of each (\*)** | | | **{best:.2f}** |")
    torch_ms = torch_step_ms()
    if torch_ms is None:
        print("\nPyTorch is not importable (pip install torch): no comparison.")
        return
    print(f"\nPyTorch's whole train step: {torch_ms:.2f} ms")
    print(f"NumPy products alone / PyTorch whole step: {total / torch_ms:.2f}× (minigrad's layout)")
    print(f"                                           {best / torch_ms:.2f}× (faster layout)")


if __name__ == "__main__":
    main()
