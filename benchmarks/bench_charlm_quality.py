"""char-rnn's recipe on Tiny Shakespeare, minigrad vs PyTorch: validation loss and step time.

What is measured
----------------
``examples/char_rnn.py``'s model and data pipeline with char-rnn's defaults: 2 × 128 LSTM
on one-hot input (``--embed N`` for an embedding), sequence 50, batch 50, RMSprop lr 2e-3,
α 0.95, global-norm clip 5, the contiguous last 10 % held out, the hidden state carried from
chunk to chunk. PyTorch (``torch.nn.LSTM``/``Embedding``/``Linear``, ``torch.optim.RMSprop``,
``clip_grad_norm_``) gets a copy of minigrad's initial weights and the same batches; the two
train in lockstep (one minigrad step, then one PyTorch step, so machine load hits both
alike). After ``--steps`` steps both are evaluated on the validation split (whole, or its
first ``--eval-chars``). Printed: both validation losses in nats/char, their difference
(target ≤ 0.02) and the ratio of median step times minigrad / PyTorch (target ≤ 1.0).
Without PyTorch the minigrad side runs alone and says so.

Run from the repository root::

    python benchmarks/bench_charlm_quality.py                  # 200 steps, a few minutes
    python benchmarks/bench_charlm_quality.py --quick          # seconds, a smoke check
    python benchmarks/bench_charlm_quality.py --text input.txt --steps 1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import char_rnn

import minigrad
import nn

try:
    import torch
except ImportError:  # PyTorch is only a reference, never a dependency
    torch = None

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/data/tinyshakespeare.txt"
TARGET_NATS = 0.02


def build_parser() -> argparse.ArgumentParser:
    """Options: the text, char-rnn's hyper-parameters, steps, validation size, threads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--text", default=str(CORPUS), help="UTF-8 text (default: Tiny Shakespeare)")
    add("--steps", type=int, default=200)
    add("--layers", type=int, default=2)
    add("--hidden", type=int, default=128)
    add("--embed", type=int, default=0, help="0: one-hot input, as char-rnn")
    add("--seq-len", type=int, default=50)
    add("--batch", type=int, default=50)
    add("--lr", type=float, default=2e-3)
    add("--alpha", type=float, default=0.95)
    add("--clip", type=float, default=5.0)
    add("--val-fraction", type=float, default=0.1)
    add("--eval-chars", type=int, default=0, help="validate on the first N chars (0: all)")
    add("--threads", type=int, default=2, help="PyTorch's CPU threads")
    add("--seed", type=int, default=0)
    add("--quick", action="store_true", help="a seconds-long smoke check")
    return parser


class TorchCharLM(torch.nn.Module if torch else object):  # type: ignore[misc]
    """PyTorch's twin of ``char_rnn.CharLM`` (LSTM), with the same parameter names."""

    def __init__(self, vocab: int, embed: int, hidden: int, layers: int) -> None:
        super().__init__()
        self.vocab = vocab
        self.embed = torch.nn.Embedding(vocab, embed) if embed else None
        self.rnn = torch.nn.LSTM(embed or vocab, hidden, num_layers=layers)
        self.head = torch.nn.Linear(hidden, vocab)

    def forward(self, ids: Any, state: Any = None) -> tuple[Any, Any]:
        x = (
            self.embed(ids)
            if self.embed is not None
            else torch.nn.functional.one_hot(ids, self.vocab).float()
        )
        out, state = self.rnn(x, state)
        return self.head(out), state


def torch_twin(model: char_rnn.CharLM, args: argparse.Namespace, vocab: int) -> Any:
    """A PyTorch model holding a copy of ``model``'s weights."""
    twin = TorchCharLM(vocab, args.embed, args.hidden, args.layers)
    weights = {k: torch.from_numpy(np.array(v)) for k, v in model.state_dict().items()}
    twin.load_state_dict(weights)
    return twin


def torch_trainer(twin: Any, args: argparse.Namespace):
    """A function that does one PyTorch step on a chunk, carrying the state."""
    optimizer = torch.optim.RMSprop(twin.parameters(), lr=args.lr, alpha=args.alpha)
    box: dict[str, Any] = {"state": None}

    def step(inputs: np.ndarray, targets: np.ndarray, fresh: bool) -> float:
        state = None if fresh else box["state"]
        logits, state = twin(torch.from_numpy(inputs), state)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, twin.vocab), torch.from_numpy(targets).reshape(-1)
        )
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(twin.parameters(), args.clip)
        optimizer.step()
        box["state"] = tuple(s.detach() for s in state)
        return loss.item()

    return step


def torch_evaluate(twin: Any, streams: np.ndarray, seq_len: int) -> float:
    """Mean validation cross-entropy (nats/char), carrying the state, as char_rnn.evaluate."""
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for inputs, targets in nn.tbptt_chunks(streams, seq_len):
            logits, state = twin(torch.from_numpy(inputs), state)
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, twin.vocab), torch.from_numpy(targets).reshape(-1)
            )
            total, count = total + loss.item() * targets.size, count + targets.size
    return total / count


def minigrad_trainer(model: char_rnn.CharLM, args: argparse.Namespace):
    """One minigrad step on a chunk via ``char_rnn.train_step``, carrying the state."""
    options = argparse.Namespace(**vars(args), optimizer="rmsprop", device="cpu", clip_value=None)
    optimizer = char_rnn.make_optimizer(options, list(model.parameters()))
    box: dict[str, Any] = {"state": None}

    def step(inputs: np.ndarray, targets: np.ndarray, fresh: bool) -> float:
        state = None if fresh else box["state"]
        loss, box["state"] = char_rnn.train_step(model, optimizer, options, inputs, targets, state)
        return loss

    return step


def timed(step, *batch) -> tuple[float, float]:
    """The step's loss and its wall time in seconds."""
    start = time.perf_counter()
    loss = step(*batch)
    return loss, time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Train both in lockstep, evaluate, print and return the figures."""
    args = build_parser().parse_args(argv)
    if args.quick:
        args.steps, args.hidden, args.eval_chars = 5, 32, 5000
    if not Path(args.text).is_file():
        raise SystemExit(f"bench_charlm_quality.py: error: no text at {args.text}; pass --text")
    text = Path(args.text).read_text(encoding="utf-8")
    vocab = nn.CharVocab.from_text(text)
    train_ids, val_ids = char_rnn.split_ids(vocab.encode(text), args.val_fraction)
    chunks = list(nn.tbptt_chunks(nn.batchify(train_ids, args.batch), args.seq_len))
    valid = char_rnn.val_streams(val_ids, args.batch, args.seq_len, args.eval_chars)
    minigrad.manual_seed(args.seed)
    model = char_rnn.CharLM(
        len(vocab), model="lstm", hidden=args.hidden, layers=args.layers, embed=args.embed
    )
    steps = {"minigrad": minigrad_trainer(model, args)}
    twin = None
    if torch is None:
        print("PyTorch is not installed: minigrad only, no comparison")
    else:
        torch.manual_seed(args.seed)
        torch.set_num_threads(args.threads)
        twin = torch_twin(model, args, len(vocab))
        steps["torch"] = torch_trainer(twin, args)
    print(
        f"{len(text):,} characters, {len(vocab)} symbols, {len(chunks)} chunks per epoch; "
        f"LSTM {args.layers}×{args.hidden}, seq {args.seq_len}, batch {args.batch}, "
        f"RMSprop lr {args.lr} α {args.alpha}, clip {args.clip}; {args.steps} steps"
    )
    times: dict[str, list[float]] = {name: [] for name in steps}
    losses: dict[str, float] = {}
    for i in range(args.steps):
        batch = (*chunks[i % len(chunks)], i % len(chunks) == 0)
        for name, step in steps.items():
            losses[name], seconds = timed(step, *batch)
            times[name].append(seconds)
        if (i + 1) % max(1, args.steps // 10) == 0:
            print(f"step {i + 1:5d}  " + "  ".join(f"{n} {v:.4f}" for n, v in losses.items()))
    return report(args, model, twin, valid, times)


def report(args, model, twin, valid, times) -> dict[str, Any]:
    """Validation losses, their difference and the step-time ratio (first steps skipped)."""
    results = {"minigrad_val": char_rnn.evaluate(model, valid, args.seq_len, "cpu")}
    median = {name: statistics.median(t[min(3, len(t) - 1) :]) for name, t in times.items()}
    print(f"minigrad: validation {results['minigrad_val']:.4f} nats/char, "
          f"{1000 * median['minigrad']:.1f} ms/step (median)")  # fmt: skip
    if twin is None:
        return results
    results["torch_val"] = torch_evaluate(twin, valid, args.seq_len)
    results["difference"] = abs(results["minigrad_val"] - results["torch_val"])
    results["time_ratio"] = median["minigrad"] / median["torch"]
    print(f"PyTorch:  validation {results['torch_val']:.4f} nats/char, "
          f"{1000 * median['torch']:.1f} ms/step (median, {args.threads} threads)")  # fmt: skip
    held = "held" if results["difference"] <= TARGET_NATS else "DID NOT hold"
    print(f"difference {results['difference']:.4f} nats/char (target ≤ {TARGET_NATS}: {held})")
    faster = "held" if results["time_ratio"] <= 1.0 else "DID NOT hold"
    print(f"step time minigrad / PyTorch = {results['time_ratio']:.2f} (target ≤ 1.0: {faster})")
    return results


if __name__ == "__main__":
    main()
