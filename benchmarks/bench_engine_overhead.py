"""Engine overhead: forward, backward and release of long chains of tiny ops, in µs per op.

What is measured
----------------
1. **Scalar chain.** ``y = tanh(y * a + b)`` repeated ``--steps`` times on 0-d float32 tensors
   (three ops per step: mul, add, tanh; ``a`` and ``b`` are leaves used by every step, so the
   driver also exercises fan-out accumulation). One repetition = build the chain (forward),
   ``backward()`` through it, and drop the last reference to the graph (release). Reported:
   wall time / number of ops, median of ``--repeat`` runs, and the three phases apart.
2. **Scalar chain with Python numbers.** ``y = tanh(y * 0.9 + 0.1)``: the same chain as
   students write it, so every mul and add also lifts a Python float into the tensor's dtype.
3. **Small-tensor chain.** ``h = tanh(h @ W + b)`` with a 16×16 ``h`` and ``W`` (three ops per
   step: matmul, add, tanh), the same way.

Each is timed for minigrad, for a micrograd-style pure-Python ``Value`` (our own minimal
reimplementation in ``benchmarks/_micrograd_style.py``; scalar chain only) and for PyTorch eager
on the CPU with two threads, when PyTorch is importable. All are measured in the same run; the
ratios compare minigrad with the others (below 1.0 means minigrad is faster). Target:
minigrad no slower than PyTorch eager per op on both scalar chains.

The release is timed because every training step pays it, and engines pay it in different
places: PyTorch and minigrad free a graph's saved arrays during ``backward()`` (minigrad also
lets go of its intermediate tensors there), while a graph that keeps everything is freed
only when its last reference goes. Timing forward and backward alone would count the same
work in one engine and not in another.

Python's cyclic garbage collector is switched off while a chain is timed (as ``timeit`` does):
its full collections scan every live Python object, so their cost depends on what else the
process holds (importing PyTorch alone adds ~100k objects) rather than on the engine. Pass
``--gc`` to time with it on.

Run from the repository root::

    python benchmarks/bench_engine_overhead.py           # full run (tens of seconds)
    python benchmarks/bench_engine_overhead.py --quick   # smoke run
"""

from __future__ import annotations

import argparse
import functools
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _micrograd_style import Value

import minigrad

try:
    import torch
except ImportError:  # PyTorch is only a reference, never a dependency
    torch = None

OPS_PER_STEP = 3


# ---------------------------------------------------------------------- the chains


def minigrad_scalar(steps: int, numbers: bool = False) -> tuple[float, float, float]:
    """Seconds for (forward, backward, release) of the scalar chain in minigrad; with
    ``numbers``, ``a`` and ``b`` are Python floats, lifted by every op."""
    a = 0.9 if numbers else minigrad.Tensor(0.9, requires_grad=True)
    b = 0.1 if numbers else minigrad.Tensor(0.1, requires_grad=True)
    y = minigrad.Tensor(0.5, requires_grad=True)
    t0 = time.perf_counter()
    for _ in range(steps):
        y = (y * a + b).tanh()
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    del y  # the last reference to the graph: letting go of it is part of every step
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def micrograd_scalar(steps: int, numbers: bool = False) -> tuple[float, float, float]:
    """Seconds for (forward, backward, release) of the scalar chain, micrograd-style Value."""
    a, b, y = (0.9, 0.1, Value(0.5)) if numbers else (Value(0.9), Value(0.1), Value(0.5))
    t0 = time.perf_counter()
    for _ in range(steps):
        y = (y * a + b).tanh()
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    del y  # the last reference to the graph: letting go of it is part of every step
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def torch_scalar(steps: int, numbers: bool = False) -> tuple[float, float, float]:
    """Seconds for (forward, backward, release) of the scalar chain in PyTorch eager."""
    a = 0.9 if numbers else torch.tensor(0.9, requires_grad=True)
    b = 0.1 if numbers else torch.tensor(0.1, requires_grad=True)
    y = torch.tensor(0.5, requires_grad=True)
    t0 = time.perf_counter()
    for _ in range(steps):
        y = (y * a + b).tanh()
    t1 = time.perf_counter()
    y.backward()
    t2 = time.perf_counter()
    del y  # the last reference to the graph: letting go of it is part of every step
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def _small_inputs(n: int = 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    h = rng.standard_normal((n, n)).astype(np.float32)
    w = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    b = (0.1 * rng.standard_normal(n)).astype(np.float32)
    return h, w, b


def minigrad_matrix(steps: int) -> tuple[float, float, float]:
    """Seconds for (forward, backward, release) of the 16×16 matmul + tanh chain, minigrad."""
    h0, w0, b0 = _small_inputs()
    h = minigrad.Tensor(h0, requires_grad=True)
    w = minigrad.Tensor(w0, requires_grad=True)
    b = minigrad.Tensor(b0, requires_grad=True)
    t0 = time.perf_counter()
    for _ in range(steps):
        h = (h @ w + b).tanh()
    loss = h.sum()
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    del loss, h  # the last references to the graph
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def torch_matrix(steps: int) -> tuple[float, float, float]:
    """Seconds for (forward, backward, release) of the 16×16 matmul + tanh chain, PyTorch."""
    h0, w0, b0 = _small_inputs()
    h = torch.tensor(h0, requires_grad=True)
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    t0 = time.perf_counter()
    for _ in range(steps):
        h = (h @ w + b).tanh()
    loss = h.sum()
    t1 = time.perf_counter()
    loss.backward()
    t2 = time.perf_counter()
    del loss, h  # the last references to the graph
    t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


# ---------------------------------------------------------------------- timing


Timing = tuple[float, float, float, float]  # median µs per op: total, forward, backward, release
Phases = tuple[float, float, float]  # seconds: forward, backward, release


def measure(
    fns: dict[str, Callable[[int], Phases]],
    steps: int,
    repeat: int,
    keep_gc: bool = False,
) -> dict[str, Timing]:
    """Median µs per op of each function over ``repeat`` runs, after an untimed warm-up.

    Each function runs all its repetitions in one block: interleaving them made PyTorch pay
    for NumPy's BLAS threads still spinning on the two cores (up to milliseconds per op).
    """
    runs: dict[str, list[Phases]] = {name: [] for name in fns}
    for name, fn in fns.items():
        fn(min(steps, 200))
        for _ in range(repeat):
            gc.collect()
            if not keep_gc:
                gc.disable()
            try:
                runs[name].append(fn(steps))
            finally:
                gc.enable()
    scale = 1e6 / (steps * OPS_PER_STEP)
    return {
        name: (
            statistics.median(sum(phases) for phases in r) * scale,
            *(statistics.median(phases[k] for phases in r) * scale for k in range(3)),
        )
        for name, r in runs.items()
    }


def _fmt(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.2f}{unit}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short chains, few repeats")
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="steps per scalar chain (3 ops each); default 10000 (quick: 1000)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="runs per case (median)")
    parser.add_argument(
        "--gc", action="store_true", help="keep the cyclic garbage collector on while timing"
    )
    args = parser.parse_args(argv)
    steps = args.steps or (1000 if args.quick else 10_000)
    matrix_steps = max(steps // 5, 100)
    repeat = args.repeat or (3 if args.quick else 7)

    if torch is not None:
        torch.set_num_threads(2)
    print(
        f"# Engine overhead (Python {platform.python_version()}, NumPy {np.__version__}, "
        f"torch {torch.__version__ if torch is not None else 'not installed'})"
    )
    print(
        f"scalar chain: {steps} steps × {OPS_PER_STEP} ops; 16×16 chain: {matrix_steps} "
        f"steps × {OPS_PER_STEP} ops; median of {repeat} runs; "
        f"garbage collector {'on' if args.gc else 'off'} while timing\n"
    )
    if torch is None:
        print(
            "note: PyTorch is not importable, so its column and ratio are n/a "
            "(pip install torch to compare)\n"
        )

    cases = [
        (
            "scalar chain (0-d: mul, add, tanh)",
            steps,
            minigrad_scalar,
            micrograd_scalar,
            torch_scalar,
        ),
        (
            "scalar chain, Python numbers (y * 0.9 + 0.1)",
            steps,
            functools.partial(minigrad_scalar, numbers=True),
            functools.partial(micrograd_scalar, numbers=True),
            functools.partial(torch_scalar, numbers=True),
        ),
        ("16×16 chain (matmul, add, tanh)", matrix_steps, minigrad_matrix, None, torch_matrix),
    ]
    rows = []
    for label, n, mg_fn, micro_fn, torch_fn in cases:
        fns = {"minigrad": mg_fn}
        if micro_fn is not None:
            fns["micrograd"] = micro_fn
        if torch is not None:
            fns["torch"] = torch_fn
        timed = measure(fns, n, repeat, args.gc)
        mg, micro, th = timed["minigrad"], timed.get("micrograd"), timed.get("torch")
        rows.append((label, n * OPS_PER_STEP, mg, micro, th))

    print(
        "| chain | ops | minigrad µs/op | micrograd-style µs/op | torch µs/op "
        "| minigrad/torch | minigrad/micrograd-style |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, n_ops, mg, micro, th in rows:
        print(
            f"| {label} | {n_ops} | {mg[0]:.2f} | {_fmt(micro and micro[0])} "
            f"| {_fmt(th and th[0])} | {_fmt(th and mg[0] / th[0], '×')} "
            f"| {_fmt(micro and mg[0] / micro[0], '×')} |"
        )
    print()
    print("Split, µs/op (forward / backward / release of the graph):\n")
    print("| chain | minigrad | micrograd-style | torch |")
    print("|---|---:|---:|---:|")
    for label, _, mg, micro, th in rows:

        def split(m: Timing | None) -> str:
            return "n/a" if m is None else f"{m[1]:.2f} / {m[2]:.2f} / {m[3]:.2f}"

        print(f"| {label} | {split(mg)} | {split(micro)} | {split(th)} |")
    print("\ntargets: minigrad/torch ≤ 1.00× on both scalar chains (tensors and Python numbers)")


if __name__ == "__main__":
    main()
