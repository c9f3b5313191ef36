"""Char-level language-model train step: minigrad vs hand-derived NumPy vs PyTorch, ms per step.

What is measured
----------------
One SGD train step of embedding → {LSTM | GRU | vanilla RNN} → linear → mean cross-entropy over
all positions → full backprop through time → parameter update, in float32, time-major
``(T, B)``, starting each step from a zero state. Three implementations, timed in the same run:

- **minigrad**: ``nn.Embedding``, ``nn.LSTM``/``nn.GRU``/``nn.RNN`` (the default, fused form),
  ``nn.Linear``, ``nn.functional.cross_entropy``, ``loss.backward()``, ``nn.optim.SGD``;
- **NumPy**: the hand-derived reference in ``benchmarks/numpy_reference.py`` (checked with
  ``python benchmarks/numpy_reference.py --check``);
- **torch**: ``torch.nn.LSTM``/``GRU``/``RNN`` on the CPU with two threads, when importable.

All three start from the same weights (PyTorch's initialisation, drawn once), and the first
step's losses are compared, so the table times the same computation. Sizes: issue 3's
(batch 32, 50 steps, hidden 256, vocabulary 96) and min-char-rnn's (batch 1, 25 steps,
hidden 100). Each implementation runs warm-up steps, then the timed steps in interleaved rounds
(so drifting machine load hits all three alike); the table shows the median ms per step.

Data: ``../shared/data/tinyshakespeare.txt`` beside the repository when present, else random
ids. Targets (issue 3): minigrad/NumPy ≤ 1.1× (≤ 1.5× at min-char-rnn size) and
minigrad/torch ≤ 1.0×.

Run from the repository root::

    python benchmarks/bench_charlm.py            # 50 timed steps per case
    python benchmarks/bench_charlm.py --quick    # smoke run
    python benchmarks/bench_charlm.py --models lstm --sizes issue
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from numpy_reference import KINDS, NumpyCharLM

try:
    import torch
except ImportError:  # PyTorch is only a reference, never a dependency
    torch = None

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/data/tinyshakespeare.txt"
VOCAB = 96  # printable ASCII (95) and newline
LR = 0.1


@dataclass(frozen=True)
class Size:
    """One benchmark configuration."""

    label: str
    batch: int
    steps: int
    hidden: int
    embed: int
    target_numpy: float  # the ceiling for minigrad/NumPy


SIZES = {
    "issue": Size("B32 T50 H256", batch=32, steps=50, hidden=256, embed=64, target_numpy=1.1),
    "minichar": Size(
        "min-char-rnn B1 T25 H100", batch=1, steps=25, hidden=100, embed=64, target_numpy=1.5
    ),
}


# ---------------------------------------------------------------------- data


def load_batches(size: Size, count: int, seed: int = 0) -> tuple[list[np.ndarray], str]:
    """``count`` arrays of ids, shape (T + 1, B): random windows of the corpus."""
    rng = np.random.default_rng(seed)
    if CORPUS.exists():
        text = CORPUS.read_text(encoding="utf-8")
        codes = np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8).astype(np.int64)
        ids = np.where(codes == 10, 0, np.clip(codes - 31, 1, VOCAB - 1))  # '\n' → 0
        source = f"{CORPUS.name} ({len(text):,} characters)"
    else:
        ids = rng.integers(0, VOCAB, 100_000)
        source = f"random ids ({CORPUS} not found)"
    batches = []
    for _ in range(count):
        starts = rng.integers(0, len(ids) - size.steps - 1, size.batch)
        windows = np.stack([ids[s : s + size.steps + 1] for s in starts], axis=1)
        batches.append(np.ascontiguousarray(windows))
    return batches, source


# ---------------------------------------------------------------------- the three steps


Step = Callable[[np.ndarray], float]


def numpy_step(ref: NumpyCharLM) -> Step:
    def step(batch: np.ndarray) -> float:
        return ref.train_step(batch[:-1], batch[1:], LR)

    return step


def minigrad_step(kind: str, size: Size, weights: dict[str, np.ndarray]) -> Step:
    """The train step with minigrad's nn; raises ImportError/AttributeError until nn has it."""
    import minigrad
    import nn

    layer = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[kind]

    class CharLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(VOCAB, size.embed)
            self.rnn = layer(size.embed, size.hidden)
            self.decoder = nn.Linear(size.hidden, VOCAB)

        def forward(self, ids: Any) -> Any:
            out, _ = self.rnn(self.embedding(ids))
            return self.decoder(out)

    model = CharLM()
    model.load_state_dict(weights)
    optimizer = nn.optim.SGD(model.parameters(), lr=LR)
    cross_entropy = nn.functional.cross_entropy

    def step(batch: np.ndarray) -> float:
        ids = minigrad.Tensor(batch[:-1])
        targets = minigrad.Tensor(batch[1:].reshape(-1))
        optimizer.zero_grad()
        logits = model(ids)
        loss = cross_entropy(logits.reshape(-1, VOCAB), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def torch_step(kind: str, size: Size, weights: dict[str, np.ndarray]) -> Step:
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
    model = torch.nn.ModuleDict(
        {
            "embedding": torch.nn.Embedding(VOCAB, size.embed),
            "rnn": layer(size.embed, size.hidden),
            "decoder": torch.nn.Linear(size.hidden, VOCAB),
        }
    )
    with torch.no_grad():
        for name, param in model.named_parameters():
            param.copy_(torch.from_numpy(weights[name]))
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    embedding, rnn, decoder = model["embedding"], model["rnn"], model["decoder"]

    def step(batch: np.ndarray) -> float:
        ids = torch.from_numpy(batch[:-1])
        targets = torch.from_numpy(batch[1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        out, _ = rnn(embedding(ids))
        loss = torch.nn.functional.cross_entropy(decoder(out).reshape(-1, VOCAB), targets)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


# ---------------------------------------------------------------------- timing


def time_steps(
    steps: dict[str, Step],
    batches: list[np.ndarray],
    warmup: int,
    timed: int,
    rounds: int,
    seconds: float,
) -> tuple[dict[str, float], int]:
    """Median ms per step of each implementation, and the timed steps each ran.

    Each implementation runs at least ``timed`` steps and at least ``seconds`` of them
    (estimated from warm-up), so cheap steps get many samples on a noisy machine.
    The timed steps run in interleaved rounds, with the order rotated each round, so drifting
    load and after-effects of the previous implementation hit all of them alike.
    """
    slowest = 0.0  # the slowest implementation's fastest warm-up step (first calls are slow)
    for step in steps.values():
        fastest = float("inf")
        for i in range(warmup):
            t0 = time.perf_counter()
            step(batches[i % len(batches)])
            fastest = min(fastest, time.perf_counter() - t0)
        slowest = max(slowest, fastest)
    count = max(timed, int(seconds / max(slowest, 1e-6)))
    samples: dict[str, list[float]] = {name: [] for name in steps}
    per_round = max(1, count // rounds)
    names = list(steps)
    for r in range(rounds):
        # Rotate who goes first: whatever one implementation leaves behind (spinning BLAS or
        # OpenMP threads, a cold cache) must not always fall on the same next one.
        for name in names[r % len(names) :] + names[: r % len(names)]:
            step = steps[name]
            # one untimed step after switching: the other library's threads may still spin
            step(batches[r % len(batches)])
            for i in range(per_round):
                batch = batches[(r * per_round + i) % len(batches)]
                t0 = time.perf_counter()
                step(batch)
                samples[name].append(time.perf_counter() - t0)
    return {name: 1e3 * statistics.median(s) for name, s in samples.items()}, per_round * rounds


def _fmt(value: float | None, spec: str = ".2f", suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:{spec}}{suffix}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few steps, for a smoke run")
    parser.add_argument("--models", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="at least this many timed train steps per implementation (default 50; quick: 6)",
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=None,
        help="and at least this many seconds of them (default 2; quick: 0)",
    )
    args = parser.parse_args(argv)
    timed = args.steps or (6 if args.quick else 50)
    warmup = 2 if args.quick else 5
    rounds = 2 if args.quick else 10
    seconds = args.seconds if args.seconds is not None else (0.0 if args.quick else 2.0)

    if torch is not None:
        torch.set_num_threads(2)
    print(
        f"# Char-LM train step (Python {platform.python_version()}, NumPy {np.__version__}, "
        f"torch {torch.__version__ if torch is not None else 'not installed'})"
    )
    notes = []
    if torch is None:
        notes.append("PyTorch is not importable: its columns are n/a (pip install torch).")

    rows = []
    for size_key in args.sizes:
        size = SIZES[size_key]
        batches, source = load_batches(size, count=8)
        for kind in args.models:
            ref = NumpyCharLM(kind, VOCAB, size.embed, size.hidden, size.steps, size.batch)
            weights = {k: v.copy() for k, v in ref.params.items()}
            steps: dict[str, Step] = {}
            try:
                steps["minigrad"] = minigrad_step(kind, size, weights)
            except (ImportError, AttributeError) as exc:
                notes.append(f"minigrad {kind}: not runnable yet ({type(exc).__name__}: {exc})")
            steps["numpy"] = numpy_step(ref)
            if torch is not None:
                steps["torch"] = torch_step(kind, size, weights)
            # Same weights, same batch: the first losses must agree before anything is timed.
            first = {name: step(batches[0]) for name, step in steps.items()}
            spread = max(first.values()) - min(first.values())
            if spread > 1e-3 * max(first.values()):
                notes.append(f"{kind} {size.label}: first-step losses differ: {first}")
            ms, count = time_steps(steps, batches, warmup, timed, rounds, seconds)
            rows.append((kind, size, ms, count))

    print(
        f"data: {source}; per implementation {warmup} warm-up steps, then at least {timed} "
        f"timed steps and {seconds:g} s in {rounds} interleaved rounds; median ms/step; "
        f"float32; SGD lr={LR}\n"
    )
    print(
        "| model | size | timed steps | minigrad ms/step | NumPy ms/step | torch ms/step "
        "| minigrad/NumPy (target) | minigrad/torch (target) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for kind, size, ms, count in rows:
        mg, ref_ms, th = ms.get("minigrad"), ms["numpy"], ms.get("torch")
        vs_numpy = None if mg is None else mg / ref_ms
        vs_torch = None if mg is None or th is None else mg / th
        print(
            f"| {kind.upper()} | {size.label} | {count} | {_fmt(mg)} | {ref_ms:.2f} | {_fmt(th)} "
            f"| {_fmt(vs_numpy, suffix='×')} (≤ {size.target_numpy}×) "
            f"| {_fmt(vs_torch, suffix='×')} (≤ 1.0×) |"
        )
    if notes:
        print("\nnotes:")
        for note in dict.fromkeys(notes):  # each distinct note once, in order
            print(f"- {note}")


if __name__ == "__main__":
    main()
