"""The README's main job on an idle and on a busy machine, under minigrad's BLAS thread policy.

What is measured
----------------
The demo (``examples/char_rnn.py``: a character-level LSTM trained with truncated BPTT), for
``--steps`` steps, as whole processes, under three thread settings:

* ``policy``: minigrad's default (small products on one thread, large ones on the free
  cores; see ``minigrad/threads.py``);
* ``one thread``: ``MINIGRAD_NUM_THREADS=1`` (every product on one thread), the reference;
* ``BLAS default``: ``MINIGRAD_NUM_THREADS=blas`` (every product on as many threads as the
  BLAS library starts with, one per core: what minigrad did before the policy).

Each runs on the idle machine and again beside competing processes that each keep one core
busy (``--competitors``, default: one per core less one, so some core is always taken). Reported:
the median wall time of ``--repeat`` runs and its ratio to the one-thread run in the same
condition. Goal: the policy within 1.2× of one thread on the busy machine, and no slower than
the BLAS default on the idle one.

Run from the repository root::

    python benchmarks/bench_busy.py            # 100 steps, 3 runs per case
    python benchmarks/bench_busy.py --quick    # a smoke run
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = {"policy": None, "one thread": "1", "BLAS default": "blas"}


def _spin() -> None:
    while True:
        pass


def run_job(steps: int, threads: str | None) -> float:
    """Wall seconds of one run of the demo for ``steps`` steps."""
    env = {k: v for k, v in os.environ.items() if k != "MINIGRAD_NUM_THREADS"}
    if threads is not None:
        env["MINIGRAD_NUM_THREADS"] = threads
    env["MPLBACKEND"] = "Agg"
    command = [
        sys.executable,
        str(ROOT / "examples" / "char_rnn.py"),
        "--steps",
        str(steps),
        "--no-progress",
        "--log-every",
        str(steps),
        "--sample-length",
        "20",
        "--out",
        str(ROOT / "runs" / "bench_busy"),
    ]
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(steps: int, repeat: int) -> dict[str, float]:
    """Median seconds per setting, the settings' runs interleaved so drift hits each alike."""
    times: dict[str, list[float]] = {name: [] for name in SETTINGS}
    for _ in range(repeat):
        for name, value in SETTINGS.items():
            times[name].append(run_job(steps, value))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few steps, one run per case")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default 100)")
    parser.add_argument("--repeat", type=int, default=None, help="runs per case (default 3)")
    parser.add_argument(
        "--competitors",
        type=int,
        default=None,
        help="processes that keep a core busy in the busy case (default: cores − 1, at least 1)",
    )
    args = parser.parse_args(argv)
    steps = args.steps or (10 if args.quick else 100)
    repeat = args.repeat or (1 if args.quick else 3)
    cores = os.cpu_count() or 1
    competitors = args.competitors if args.competitors is not None else max(1, cores - 1)

    print(f"# The demo ({steps} steps) on {cores} cores; median of {repeat} runs per case\n")
    results = {"idle": measure(steps, repeat)}
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(competitors)]
    for spinner in spinners:
        spinner.start()
    try:
        results[f"busy ({competitors} spinning)"] = measure(steps, repeat)
    finally:
        for spinner in spinners:
            spinner.terminate()

    print("| machine | setting | seconds | / one thread |")
    print("|---|---|---:|---:|")
    for machine, timed in results.items():
        for name, seconds in timed.items():
            print(f"| {machine} | {name} | {seconds:.2f} | {seconds / timed['one thread']:.2f}× |")
    busy = next(v for k, v in results.items() if k.startswith("busy"))
    idle = results["idle"]
    print(
        f"\nbusy machine: policy / one thread = {busy['policy'] / busy['one thread']:.2f}× "
        f"(goal ≤ 1.2×); idle machine: policy / BLAS default = "
        f"{idle['policy'] / idle['BLAS default']:.2f}× (goal ≤ 1.0×)"
    )


if __name__ == "__main__":
    main()
