"""Truncated BPTT: the chunk length limits the dependencies a recurrent model can learn.

LECTURE: deck 004 "Truncated Backpropagation Through Time (TBPTT)": "We stop backpropagation
after a given number of time steps … Disadvantage: the size of the context is determined by
the chunk size. The network cannot learn to detect relationships in the data that span over a
longer timescale." (Deck 002 draws the same truncation.)

The task has a known context: a long stream of blanks in which a symbol (one of ``--symbols``)
appears now and then, and ``d`` steps after each symbol the model must name it (the *delayed
recall*: the prediction at step t needs exactly the input at step t − d; the next symbol comes
only after the recall, so one symbol at a time has to be held). Only the recall steps are
scored, over the symbols, so chance is 1/symbols. A GRU is trained on the stream the way
``nn``'s truncated-BPTT helpers do it: ``nn.tbptt_chunks`` cuts the streams into chunks of
``k`` steps and ``nn.detach_state`` carries the hidden state from one chunk to the next. The
forward pass therefore sees the whole history; only the gradient stops at the chunk edge. A
recall target at step t can send a gradient back to its cue at t − d only when both lie in the
same chunk, which happens for a share (k − d)/k of the targets when d < k and never when
d ≥ k. Chunk lengths ``--chunks`` are swept against dependency lengths ``--delays``, with the
same budget for every pair (``--updates`` Adam updates on ``--batch`` streams), over
``--seeds`` seeds.

LEARNING RATE (criterion fixed before the run): one rate for every chunk length, from the
kit's printed sweep (``choose_learning_rate``): each chunk length k is trained at d = k/2
(rounded down; the dependency fits in the chunk) with one seed and the full budget at each of
``--sweep-lrs``, and the rate with the lowest mean final loss over the chunk lengths is kept,
ties to the smaller rate. The final loss is the mean cross-entropy of the recall steps over
the last 20 updates. It is the training loss, not the recall accuracy, because accuracy
saturates: at d = k/2 every rate can reach 1.0, and a sweep of ties decides nothing. If the
rates still tie, the run says so and the tie-break decides.

CRITERION (fixed before the run): the claim holds when, for every chunk length k, the mean
recall accuracy over seeds is ≥ 0.9 at every swept d ≤ k/2 (the dependency fits in the chunk
with room to spare: this checks that the budget suffices) and ≤ chance + 0.1 at every swept
d ≥ k (the dependency spans a chunk edge). Delays between k/2 and k are reported, not judged:
fewer of their targets reach their cue, so they take longer to learn.

Run:
    python examples/tbptt_context.py            # chunks 4, 8, 16 × delays 3 … 24, 3 seeds (~3 min)
    python examples/tbptt_context.py --quick    # two chunks, three delays, a few updates
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    add_lr_options,
    check_target,
    choose_learning_rate,
    experiment_parser,
    final_loss_of,
    progress,
    run_folder,
    save_figure,
    write_summary,
)

import minigrad
import nn
from nn import functional as F  # noqa: N812 (the PyTorch idiom)

NAME = "tbptt_context"
IGNORE = -100


def delayed_recall(steps: int, streams: int, delay: int, symbols: int, rng) -> tuple:
    """Input ids (steps, streams) and targets for the delayed-recall stream.

    Input 0 is a blank; 1 … ``symbols`` are the symbols. The target at ``delay`` steps after a
    symbol is that symbol's class (``symbol − 1``); every other target is ``IGNORE``. After a
    recall the next symbol comes 1 … ``delay + 1`` steps later, at random, so symbols fall at
    every phase of the chunks.

    Examples
    --------
    >>> x, y = delayed_recall(12, 1, 3, 4, np.random.default_rng(0))
    >>> cues = np.flatnonzero(x[:, 0])
    >>> bool(all(y[t + 3, 0] == x[t, 0] - 1 for t in cues if t + 3 < 12))
    True
    >>> int((y[:, 0] >= 0).sum()) == sum(int(t) + 3 < 12 for t in cues)
    True
    """
    x = np.zeros((steps, streams), dtype=np.int64)
    y = np.full((steps, streams), IGNORE, dtype=np.int64)
    for b in range(streams):
        t = int(rng.integers(0, delay + 1))
        while t < steps:
            symbol = int(rng.integers(1, symbols + 1))
            x[t, b] = symbol
            if t + delay < steps:
                y[t + delay, b] = symbol - 1
            t += delay + 1 + int(rng.integers(0, delay + 1))
    return x, y


class Recaller(nn.Module):
    """One-hot ids → GRU → a linear read-out of the symbol at every step."""

    def __init__(self, symbols: int, hidden: int) -> None:
        super().__init__()
        self.n_in = symbols + 1
        self.rnn = nn.GRU(self.n_in, hidden)
        self.head = nn.Linear(hidden, symbols)

    def forward(self, ids: np.ndarray, state=None):
        x = minigrad.tensor(np.eye(self.n_in, dtype=np.float32)[ids])
        out, state = self.rnn(x, state)
        return self.head(out), state


def train_and_score(chunk: int, delay: int, seed: int, lr: float, args) -> tuple[float, list]:
    """Train with truncated BPTT of ``chunk`` steps; the recall accuracy on a fresh stream
    and the training losses (cross-entropy of the recall steps, one per update)."""
    minigrad.manual_seed(seed)
    rng = np.random.default_rng([seed, chunk, delay])
    model = Recaller(args.symbols, args.hidden)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    x, y = delayed_recall(args.updates * chunk + 1, args.batch, delay, args.symbols, rng)
    streams = np.stack([x, y], axis=-1)  # one (T, B, 2) array, so the chunks stay aligned
    state, losses = None, []
    for inputs, _ in nn.tbptt_chunks(streams, chunk):
        logits, state = model(inputs[..., 0], state)
        targets = inputs[..., 1]
        if (targets != IGNORE).any():
            loss = F.cross_entropy(logits, targets, ignore_index=IGNORE, axis=-1)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            losses.append(loss.item())
        state = nn.detach_state(state)  # the gradient stops here; the values carry on
    x, y = delayed_recall(args.test_steps, 16, delay, args.symbols, rng)
    with minigrad.no_grad():
        logits, _ = model(x)
    scored = y != IGNORE
    return float(np.mean(logits.numpy().argmax(axis=-1)[scored] == y[scored])), losses


def sweep_loss(chunk: int, lr: float, args) -> float:
    """The sweep's final loss for chunk length ``chunk`` at ``lr``: trained at d = k/2 with
    seed ``--seed``, the mean recall cross-entropy of the last 20 updates."""
    _, losses = train_and_score(chunk, max(1, chunk // 2), args.seed, lr, args)
    return final_loss_of(losses)


def verdict(chunks, delays, accuracy: dict[int, np.ndarray], chance: float) -> dict:
    """The criterion of the docstring, per chunk length: learnable short, chance long."""
    out = {}
    for chunk in chunks:
        mean = accuracy[chunk].mean(axis=0)
        short = [i for i, d in enumerate(delays) if d <= chunk / 2]
        long = [i for i, d in enumerate(delays) if d >= chunk]
        out[chunk] = {
            "short_delays_learned": bool(all(mean[i] >= 0.9 for i in short)),
            "long_delays_at_chance": bool(all(mean[i] <= chance + 0.1 for i in long)),
            "longest_delay_learned": max(
                [d for d, m in zip(delays, mean, strict=True) if m >= 0.9], default=0
            ),
        }
    return out


def figure(chunks, delays, accuracy: dict[int, np.ndarray], chance: float, args):
    """Recall accuracy against the dependency length, one curve per chunk length."""
    fig, ax = plt.subplots()  # the kit's 16:9 slide (constrained layout)
    colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"] * len(chunks)
    for chunk, colour in zip(chunks, colours, strict=False):
        acc = accuracy[chunk]
        mean = acc.mean(axis=0)
        spread = [mean - acc.min(axis=0), acc.max(axis=0) - mean]
        ax.errorbar(
            delays, mean, yerr=spread, fmt="o-", lw=2.5, ms=8, capsize=4, color=colour,
            label=f"chunk k = {chunk}",
        )  # fmt: skip
        ax.axvline(chunk, color=colour, ls=":", lw=2)
        ax.text(chunk + 0.15, 1.04, f"d = k = {chunk}", color=colour, ha="left", fontsize=14)
    ax.axhline(chance, color="gray", ls="--", lw=1.5, label=f"chance (1/{args.symbols})")
    ax.set(xlabel="dependency length d (steps from cue to recall)")
    ax.set(ylabel="recall accuracy (held-out stream)", ylim=(0, 1.1))
    ax.set_xticks(delays)
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=14)
    ax.set_title(
        "Truncated BPTT with chunks of k steps: recall accuracy against dependency length\n"
        f"GRU {args.hidden}, {args.updates} Adam updates × {args.batch} streams at lr "
        f"{args.lr:g}, state carried across chunks; {args.seeds} seeds, bars min–max",
        fontsize=16,
        pad=26,
    )
    return fig


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[4, 8, 16], help="k, steps")
    parser.add_argument("--delays", type=int, nargs="+", default=[3, 4, 6, 7, 8, 12, 15, 16, 24])
    parser.add_argument("--updates", type=int, default=200, help="Adam updates per run")
    parser.add_argument("--batch", type=int, default=32, help="parallel streams")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--symbols", type=int, default=4, help="alphabet to recall")
    parser.add_argument("--seeds", type=int, default=3, help="training runs per (k, d)")
    add_lr_options(parser, [0.003, 0.01, 0.03])
    parser.add_argument("--test-steps", type=int, default=1000, help="held-out stream length")
    args = parser.parse_args(argv)
    if args.quick:
        quick = {"chunks": [4, 8], "delays": [2, 6, 10], "updates": 30, "seeds": 1}
        for key, value in quick.items():  # what the command line left at its default
            if getattr(args, key) == parser.get_default(key):
                setattr(args, key, value)
    sizes = (*args.chunks, *args.delays, args.updates, args.batch, args.hidden, args.seeds)
    if min(sizes) < 1 or args.symbols < 2:
        parser.error("chunks, delays, counts and sizes must be positive; --symbols at least 2")
    out = run_folder(args)
    chunks, delays = sorted(set(args.chunks)), sorted(set(args.delays))
    started = time.perf_counter()
    sweep = choose_learning_rate(
        args,
        lambda name, lr: sweep_loss(int(name.removeprefix("k=")), lr, args),
        [f"k={k}" for k in chunks],
        budget=f"each chunk length k at d = k/2, {args.updates} Adam updates × {args.batch} "
        f"streams, seed {args.seed}; final loss = recall cross-entropy of the last 20 updates",
        quick_lr=0.01,
    )
    args.lr = sweep["lr"]
    seeds = range(args.seed, args.seed + args.seeds)
    accuracy = {k: np.zeros((args.seeds, len(delays))) for k in chunks}
    jobs = [(k, d, s) for k in chunks for d in delays for s in seeds]
    for k, d, s in progress(jobs, total=len(jobs), desc="train", enabled=not args.no_progress):
        accuracy[k][s - args.seed, delays.index(d)] = train_and_score(k, d, s, args.lr, args)[0]
    seconds = time.perf_counter() - started
    chance = 1 / args.symbols
    figures = save_figure(figure(chunks, delays, accuracy, chance, args), out, "accuracy_vs_delay")
    return report(out, args, chunks, delays, accuracy, chance, figures, seconds, sweep)


def report(out, args, chunks, delays, accuracy, chance, figures, seconds, sweep) -> dict:
    """Judge the docstring's criterion and write the summary."""
    judged = verdict(chunks, delays, accuracy, chance)
    targets: list = []
    check_target(
        targets,
        "the chunk length limits the context (deck 004): for every k, delays d ≤ k/2 are "
        "learned (mean recall ≥ 0.9) and delays d ≥ k stay at chance (≤ chance + 0.1)",
        all(v["short_delays_learned"] and v["long_delays_at_chance"] for v in judged.values()),
    )
    means = {k: accuracy[k].mean(axis=0) for k in chunks}
    beyond = {
        k: max(((m, d) for d, m in zip(delays, means[k], strict=True) if d >= k), default=None)
        for k in chunks
    }
    at_chance = "best mean recall at a delay d ≥ k: " + ", ".join(
        f"chunk {k} → {b[0]:.2f} (d = {b[1]})" for k, b in beyond.items() if b
    )
    rows = "; ".join(
        f"k={k}: " + ", ".join(f"d{d} {m:.2f}" for d, m in zip(delays, means[k], strict=True))
        for k in chunks
    )
    finding = (
        "Longest delay learned (mean recall ≥ 0.9): "
        + ", ".join(f"chunk {k} → d = {judged[k]['longest_delay_learned']}" for k in chunks)
        + f"; {at_chance} (chance {chance:.2f}). Mean recall per (k, d): {rows}. "
        + f"GRU {args.hidden}, {args.updates} Adam updates at lr {args.lr:g} × {args.batch} "
        + f"streams, {args.seeds} seed(s) per point; the state is carried across chunks, so "
        + "only the gradient is cut."
        + (f" Learning-rate sweep: {sweep['lr_sweep_tie']}." if sweep.get("lr_sweep_tie") else "")
    )
    return write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        quick=args.quick,
        chunks=chunks,
        delays=delays,
        accuracy={k: means[k] for k in chunks},
        accuracy_per_seed={k: accuracy[k] for k in chunks},
        per_chunk=judged,
        chance=chance,
        setup={
            "lr": "One rate for every chunk length, from the kit's printed sweep (each k at d = "
            "k/2, the lowest mean final recall cross-entropy; ties to the smaller rate): the "
            "loss, not the accuracy, since at d = k/2 every rate may reach accuracy 1.0."
        },
        updates=args.updates,
        batch=args.batch,
        hidden=args.hidden,
        symbols=args.symbols,
        seeds=args.seeds,
        train_seconds=seconds,
        **sweep,
    )


if __name__ == "__main__":
    main()
