"""Binary addition and parity: an RNN's bit-serial solution works at any length, an MLP's not.

LECTURE: deck 003 "MLPs vs RNNs" (the addition problem: "Network trained for N-bit numbers
will not work for N+1 bit numbers"; "RNN solution: Very simple, can add two numbers of any
size") and "The parity problem" (MLP: "Fixed input size"; RNN: "Trivial solution,
generalizes to input of any size").

Both tasks come from ``nn.datasets``: ``binary_addition`` feeds two numbers least-significant
bit first, two input bits per step, one output bit (of the sum) per step; ``parity`` feeds one
bit per step, the target being the parity so far. A small tanh RNN (16 units) is trained on
the per-step bits of short numbers and strings, each batch of a random length 1 … N (N is
``--add-bits``, ``--parity-bits``); a second RNN is trained at length N only, to show what
that costs; a ReLU MLP is trained at length N with the whole number as one input vector (2N
bits in, N + 1 bits out; N bits in, the parity out). Every model gets the same budget
(``--updates`` Adam updates of ``--batch``) and the same learning rate, and each is trained
``--seeds`` times. The rate is picked once, before the comparison, by a small printed sweep
(``--sweep-lrs``; every model on both tasks for ``--sweep-updates`` updates, one seed):
the rate with the lowest mean final training loss over the six (task, model) pairs is used
for every model here and for the width sweep below. All are
then scored on fresh data at lengths up to ``--stretch`` × the training length: *exact
match* of the whole sum (every bit) for addition, the whole string's parity for parity.

The MLP has a fixed input width N, so at another length L it must be shown something else:
for L < N the missing high bits are padded with zeros, which changes neither the sum nor the
parity (so a good MLP is right there); for L > N the bits beyond its input are dropped, since
it has no weights for them, and its N + 1 output bits stand for the sum with zeros above. It
can then only be right by luck: when the unseen high bits are zero (addition, about 4^−(L−N))
or happen to have even parity (parity, 1/2).

The deck's parity slide adds that an MLP "must be complex …: at least one hidden layer of
size N". A second figure tests that: ReLU MLPs with one hidden layer of width 1 … 64 are
trained on N-bit parity for N = 2 … 8 (batches of 64 random strings, Adam at that rate, at most
``--updates`` updates as every other model here, stopping once every one of the 2^N strings
is right; ``--seeds`` seeds) and scored on all 2^N strings. Criterion (fixed
before the run): a width *solves* N when at least 2 of 3 seeds (a majority) classify all
2^N strings right; the deck's statement holds when the smallest solving width is ≥ N for
every N — "at least N" is a statement about threshold units, and a smaller solving width
for ReLU units trained by gradient descent is reported as a mismatch, not hidden. The RNN
beside it needs one parity bit of state at every N.

Measured here (3 seeds, about 40 s on a 2-core CPU): the 1 … N RNN gets every sum right at
every length up to 60 bits, and parity right up to 80 bits with mean 0.991 at 80 (one seed
0.974); the RNN trained at 6 bits only generalised in two of three seeds; in the third it fell
to 0.61 at 8 bits and 0 at 60; the MLP is right on 6-bit sums (0.985) and about 1/4 of 7-bit
ones, as predicted, and at chance on parity of 9 bits or more. A tanh MLP (instead of ReLU)
never learned 8-bit parity with this budget.

Run:
    python examples/addition_parity.py            # figure and summary in runs/
    python examples/addition_parity.py --quick    # a few updates, short lengths (the tests)
"""

from __future__ import annotations

import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    add_lr_options,
    band,
    check_target,
    choose_learning_rate,
    colour,
    experiment_parser,
    final_loss_of,
    progress,
    run_folder,
    save_figure,
    suptitle,
    write_summary,
)

import minigrad
import nn
from nn import functional as F  # noqa: N812 (the PyTorch idiom)
from nn.datasets import binary_addition, parity

NAME = "addition_parity"
MODELS = ("RNN", "RNN fixed", "MLP")
"""RNN: trained on 1 … N bits (a random length per batch); RNN fixed: on N bits only."""
LABELS = {
    "RNN": "RNN (trained on 1…N bits)",
    "RNN fixed": "RNN (N bits only)",
    "MLP": "MLP (N bits)",
}


class BitRNN(nn.Module):
    """Input bits → a tanh RNN → one logit per step (the output bit at that step)."""

    def __init__(self, n_in: int, hidden: int) -> None:
        super().__init__()
        self.rnn = nn.RNN(n_in, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: np.ndarray) -> minigrad.Tensor:
        """Logits (T, B, 1) for bits ``x`` of shape (T, B, n_in)."""
        out, _ = self.rnn(minigrad.tensor(x))
        return self.head(out)


def fit_steps(a: np.ndarray, steps: int) -> np.ndarray:
    """``a`` cut or zero-padded along axis 0 (time, least-significant first) to ``steps``.

    >>> fit_steps(np.ones((2, 1)), 3)[:, 0].tolist(), fit_steps(np.ones((4, 1)), 1).shape
    ([1.0, 1.0, 0.0], (1, 1))
    """
    if len(a) >= steps:
        return a[:steps]
    return np.concatenate([a, np.zeros((steps - len(a), *a.shape[1:]), a.dtype)])


def task_data(task: str, n_samples: int, length: int, rng: np.random.Generator):
    """``(inputs, targets)`` of one task, time first (see ``nn.datasets``)."""
    make = binary_addition if task == "addition" else parity
    return make(n_samples, length, seed=rng)


def mlp_io(task: str, x: np.ndarray, y: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The MLP's view of a batch: its N input steps flattened, and its output bits.

    Addition: 2N bits in, the N + 1 bits of the sum out; parity: N bits in, the parity out.
    Inputs of another length are cut or zero-padded to N steps (:func:`fit_steps`).
    """
    flat = fit_steps(x, n).transpose(1, 0, 2).reshape(x.shape[1], -1)
    return flat, (y[..., 0].T if task == "addition" else y[-1])


def make_model(kind: str, task: str, n: int, args) -> nn.Module:
    """A fresh RNN (bit-serial) or MLP (whole number in, whole answer out) for ``task``."""
    n_in = 2 if task == "addition" else 1
    if kind != "MLP":
        return BitRNN(n_in, args.hidden)
    n_out = n + 1 if task == "addition" else 1
    return nn.Sequential(
        nn.Linear(n_in * n, args.mlp_hidden), nn.ReLU(), nn.Linear(args.mlp_hidden, n_out)
    )


def logits(kind: str, task: str, model, x: np.ndarray, y: np.ndarray, n: int):
    """``(logits, targets)`` of ``model`` on one batch, in the model's own layout."""
    if kind != "MLP":
        return model(x), y
    inputs, targets = mlp_io(task, x, y, n)
    return model(minigrad.tensor(inputs)), targets


def batch_length(kind: str, n: int, rng: np.random.Generator) -> int:
    """Length of one training batch: 1 … ``n`` at random for the RNN, else ``n``."""
    return int(rng.integers(1, n + 1)) if kind == "RNN" else n


def train(
    kind: str, task: str, n: int, args, rng: np.random.Generator, lr=None, updates=None
) -> tuple[nn.Module, list[float]]:
    """Adam on fresh batches, binary cross-entropy on every output bit; the model and its
    training losses (``lr``, ``updates``: the sweep's, else ``--lr``, ``--updates``)."""
    model = make_model(kind, task, n, args)
    opt = nn.optim.Adam(model.parameters(), lr=lr or args.lr)
    losses = []
    for _ in range(updates or args.updates):
        data = task_data(task, args.batch, batch_length(kind, n, rng), rng)
        out, target = logits(kind, task, model, *data, n)
        loss = F.binary_cross_entropy_with_logits(out, minigrad.tensor(target))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return model, losses


def sweep_loss(pair: str, lr: float, args, train_len: dict[str, int]) -> float:
    """The final training loss of one ``"task/model"`` pair at ``lr`` (the sweep's budget)."""
    task, kind = pair.split("/")
    minigrad.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    _, losses = train(kind, task, train_len[task], args, rng, lr, args.sweep_updates)
    return final_loss_of(losses)


def exact_match(kind: str, task: str, model, length: int, n: int, args, rng) -> float:
    """Fraction of fresh length-``length`` examples whose whole answer is right.

    Addition: every bit of the sum (the MLP's N + 1 bits read as the sum with zeros above);
    parity: the parity of the whole string.
    """
    x, y = task_data(task, args.test, length, rng)
    with minigrad.no_grad():
        out, _ = logits(kind, task, model, x, y, n)
    guess = (out.numpy() > 0).astype(np.float32)
    if kind == "MLP":
        guess = guess.T[..., None] if task == "addition" else guess[None]
    if task == "parity":
        return float(np.mean(guess[-1] == y[-1]))
    steps = max(len(guess), len(y))
    return float(np.mean((fit_steps(guess, steps) == fit_steps(y, steps)).all(axis=(0, 2))))


def lengths_for(n: int, stretch: int, quick: bool) -> list[int]:
    """Test lengths: a few below ``n``, ``n``, ``n + 1``, ``n + 2`` and up to ``stretch·n``.

    >>> lengths_for(6, 10, False)
    [1, 3, 6, 7, 8, 12, 24, 36, 60]
    """
    longer = [2 * n, 4 * n, 6 * n, stretch * n] if not quick else [stretch * n]
    return sorted({1, n // 2, n, n + 1, n + 2, *longer} - {0})


def run_task(task: str, n: int, lengths: list[int], args, seed: int) -> dict[str, list[float]]:
    """Train every model at length ``n`` with one seed; its accuracy at every test length."""
    accuracy: dict[str, list[float]] = {}
    for kind in MODELS:
        minigrad.manual_seed(seed)
        rng = np.random.default_rng(seed)
        model, _ = train(kind, task, n, args, rng)
        accuracy[kind] = [exact_match(kind, task, model, L, n, args, rng) for L in lengths]
    return accuracy


def run_all(train_len: dict[str, int], args) -> dict[str, tuple[list[int], dict]]:
    """Every task and seed: ``{task: (lengths, {model: array (seeds, lengths)})}``."""
    lengths = {task: lengths_for(n, args.stretch, args.quick) for task, n in train_len.items()}
    seeds = range(args.seed, args.seed + args.seeds)
    jobs = [(task, seed) for task in train_len for seed in seeds]
    per_seed: dict[str, list] = {task: [] for task in train_len}
    for task, seed in progress(jobs, total=len(jobs), desc="train", enabled=not args.no_progress):
        per_seed[task].append(run_task(task, train_len[task], lengths[task], args, seed))
    return {
        task: (lengths[task], {k: np.array([r[k] for r in runs]) for k in MODELS})
        for task, runs in per_seed.items()
    }


def figure(results: dict, train_len: dict[str, int]):
    """Exact-match accuracy against length, one panel per task, training length marked."""
    fig, axes = plt.subplots(1, 2, sharey=True)
    titles = {"addition": "Binary addition (whole sum right)", "parity": "Parity (of the string)"}
    styles = {"RNN": {}, "RNN fixed": {"ls": "--", "marker": "^"}, "MLP": {"marker": "s"}}
    for ax, (task, (lengths, accuracy)) in zip(axes, results.items(), strict=True):
        for kind in MODELS:
            band(ax, lengths, accuracy[kind], LABELS[kind], color=colour(kind), **styles[kind])
        ax.axvline(
            train_len[task], color="gray", ls=":", lw=2, label=f"trained at {train_len[task]}"
        )
        if task == "parity":
            ax.axhline(0.5, color="gray", ls="-.", lw=1, label="chance")
        ax.set(xscale="log", xlabel="length (bits per operand / string)", title=titles[task])
        ax.set(ylim=(-0.03, 1.05))
        n = train_len[task]
        shown = [L for L in lengths if L not in (n + 1, n + 2) and not (L < n and L != 1)]
        ax.set_xticks(shown, [str(L) for L in shown])
        ax.minorticks_off()
        ax.legend(fontsize=12, loc="lower left")
    axes[0].set_ylabel("exact-match accuracy")
    suptitle(fig, "Trained on short inputs, tested on longer ones (bands: min–max over seeds)")
    return fig


WIDTH_NS = (2, 4, 6, 8)
WIDTHS = (1, 2, 3, 4, 6, 8, 12, 16, 32, 64)


def all_strings(n: int) -> np.ndarray:
    """Every n-bit string as rows of 0/1 (2^n × n).

    >>> all_strings(2).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    return ((np.arange(2**n)[:, None] >> np.arange(n)[::-1]) & 1).astype(np.float32)


def parity_mlp_accuracy(n: int, width: int, args, seed: int) -> tuple[float, int]:
    """Train a one-hidden-layer ReLU MLP of ``width`` on ``n``-bit parity; its accuracy on all
    2^n strings and the updates used (it stops once all are right, checked every 50)."""
    minigrad.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(n, width), nn.ReLU(), nn.Linear(width, 1))
    opt = nn.optim.Adam(model.parameters(), lr=args.lr)
    every = all_strings(n)
    truth = every.sum(axis=1) % 2

    def accuracy() -> float:
        with minigrad.no_grad():
            out = model(minigrad.tensor(every)).numpy()[:, 0]
        return float(np.mean((out > 0) == truth))

    for step in range(1, args.width_updates + 1):
        x = rng.integers(0, 2, size=(args.batch, n)).astype(np.float32)
        y = (x.sum(axis=1) % 2)[:, None].astype(np.float32)
        loss = F.binary_cross_entropy_with_logits(model(minigrad.tensor(x)), minigrad.tensor(y))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 and accuracy() == 1.0:
            return 1.0, step
    return accuracy(), args.width_updates


def width_sweep(args) -> dict:
    """Accuracy on all strings for every (N, width, seed): {N: array (seeds, widths)}."""
    seeds = range(args.seed, args.seed + args.seeds)
    jobs = [(n, w, s) for n in args.width_ns for w in args.widths for s in seeds]
    acc = {n: np.zeros((args.seeds, len(args.widths))) for n in args.width_ns}
    for n, w, s in progress(jobs, total=len(jobs), desc="MLP widths", enabled=not args.no_progress):
        acc[n][s - args.seed, args.widths.index(w)] = parity_mlp_accuracy(n, w, args, s)[0]
    return acc


def smallest_solving_width(acc: np.ndarray, widths) -> int | None:
    """The smallest width at which a majority of seeds get every string right.

    >>> smallest_solving_width(np.array([[0.9, 1.0, 1.0], [1.0, 0.8, 1.0], [0.7, 1.0, 1.0]]),
    ...                        [1, 2, 4])
    2
    """
    for k, w in enumerate(widths):
        if np.sum(acc[:, k] == 1.0) * 2 > len(acc):
            return w
    return None


def figure_widths(acc: dict, args):
    """Left: mean accuracy over seeds for each (N, width); right: smallest solving width."""
    fig, axes = plt.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    ns, widths = list(acc), list(args.widths)
    grid = np.array([acc[n].mean(axis=0) for n in ns])
    im = axes[0].imshow(grid, cmap="viridis", vmin=0.5, vmax=1.0, aspect="auto", origin="lower")
    for i, n in enumerate(ns):
        for k, _ in enumerate(widths):
            solved = int(np.sum(acc[n][:, k] == 1.0))
            axes[0].text(
                k,
                i,
                f"{solved}/{len(acc[n])}",
                ha="center",
                va="center",
                color="black" if grid[i, k] > 0.8 else "white",
                fontsize=12,
            )
    axes[0].set_xticks(range(len(widths)), [str(w) for w in widths])
    axes[0].set_yticks(range(len(ns)), [str(n) for n in ns])
    axes[0].set(
        xlabel="hidden units (width)",
        ylabel="N (bits)",
        title="accuracy on all $2^N$ strings (text: seeds solved)",
    )
    fig.colorbar(im, ax=axes[0], label="mean accuracy over seeds")
    axes[0].grid(False)
    smallest = [smallest_solving_width(acc[n], widths) for n in ns]
    ok = [(n, w) for n, w in zip(ns, smallest, strict=True) if w is not None]
    if ok:
        axes[1].plot(
            *zip(*ok, strict=True),
            "o-",
            color=colour("MLP"),
            ms=12,
            label="MLP: smallest width that solves N",
        )
    for n, w in zip(ns, smallest, strict=True):
        if w is None:
            axes[1].plot(n, max(widths), "^", color=colour("MLP"), ms=14, mfc="none", mew=2)
            axes[1].annotate(
                f"none ≤ {max(widths)}",
                (n, max(widths)),
                textcoords="offset points",
                xytext=(0, -28),
                ha="center",
                fontsize=13,
                color=colour("MLP"),
            )
    axes[1].plot(ns, ns, "k--", label="deck: a hidden layer of size N")
    axes[1].plot(
        ns, [1] * len(ns), ":", color=colour("RNN"), label="deck: RNN's trivial solution, 1 unit"
    )
    axes[1].set_yscale("log", base=2)
    axes[1].set_yticks([1, 2, 4, 8, 16, 32, 64], ["1", "2", "4", "8", "16", "32", "64"])
    axes[1].set(
        xlabel="N (bits)",
        ylabel="hidden units",
        title="width needed against N",
        xticks=ns,
        ylim=(0.8, max(widths) * 1.6),
    )
    axes[1].legend(fontsize=12)
    suptitle(
        fig,
        f"Parity with one hidden ReLU layer: ≤ {args.width_updates} Adam updates × "
        f"{args.batch}, lr {args.lr:g}, {args.seeds} seeds, solved = every string right",
    )
    return fig


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--add-bits", type=int, default=6, help="training length, addition")
    parser.add_argument("--parity-bits", type=int, default=8, help="training length, parity")
    parser.add_argument("--stretch", type=int, default=10, help="longest test: this × training")
    parser.add_argument("--updates", type=int, default=3000, help="Adam updates per model")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=16, help="RNN state size")
    parser.add_argument("--mlp-hidden", type=int, default=64, help="MLP hidden layer width")
    add_lr_options(parser, [0.003, 0.01, 0.03])
    parser.add_argument("--sweep-updates", type=int, default=600, help="updates per sweep run")
    parser.add_argument("--test", type=int, default=500, help="test examples per length")
    parser.add_argument("--seeds", type=int, default=3, help="training runs per model and task")
    parser.add_argument(
        "--width-updates", type=int, default=None, help="most updates per MLP (default --updates)"
    )
    args = parser.parse_args(argv)
    args.width_ns, args.widths = list(WIDTH_NS), list(WIDTHS)
    if args.width_updates is None:
        args.width_updates = args.updates
    if args.quick:
        args.updates, args.test, args.stretch, args.seeds = 200, 100, 3, 1
        args.width_ns, args.widths, args.width_updates = [2, 4], [1, 2, 4], 100
    sizes = (args.add_bits, args.parity_bits, args.stretch, args.updates, args.batch, args.test)
    sizes += (args.sweep_updates,)
    if min(*sizes, args.hidden, args.mlp_hidden, args.seeds) < 1:
        parser.error(
            "lengths, --stretch, --updates, --batch, --hidden, --mlp-hidden, --test, --seeds ≥ 1"
        )
    out = run_folder(args)
    train_len = {"addition": args.add_bits, "parity": args.parity_bits}
    started = time.perf_counter()
    pairs = [f"{task}/{kind}" for task in train_len for kind in MODELS]
    chosen = choose_learning_rate(
        args,
        lambda pair, lr: sweep_loss(pair, lr, args, train_len),
        pairs,
        budget=f"{args.sweep_updates} Adam updates × {args.batch}, seed {args.seed}, "
        "final loss = mean BCE of the last 20 updates",
        quick_lr=0.01,
    )
    args.lr = chosen["lr"]
    results = run_all(train_len, args)
    seconds = time.perf_counter() - started
    figures = save_figure(figure(results, train_len), out, "accuracy_vs_length", svg=True)
    widths = width_sweep(args)
    seconds = time.perf_counter() - started
    figures += save_figure(figure_widths(widths, args), out, "parity_width_vs_n")
    return report(out, results, train_len, figures, args, seconds, widths, chosen)


def at(results: dict, task: str, kind: str, length: int) -> float:
    """Mean accuracy (over seeds) of ``kind`` on ``task`` at one test length."""
    lengths, accuracy = results[task]
    return float(accuracy[kind][:, lengths.index(length)].mean())


def report(out, results, train_len, figures, args, seconds, widths: dict, chosen: dict) -> dict:
    """Check the deck's targets and write the summary."""
    targets: list = []
    n_add, n_par = train_len["addition"], train_len["parity"]
    longest = {task: max(results[task][0]) for task in results}
    mean = {task: {k: a.mean(axis=0) for k, a in acc.items()} for task, (_, acc) in results.items()}
    rnn_min = {task: float(mean[task]["RNN"].min()) for task in results}
    fixed_min = {task: float(mean[task]["RNN fixed"].min()) for task in results}
    worst_seed = {task: float(acc["RNN"].min()) for task, (_, acc) in results.items()}
    check_target(
        targets,
        f"an RNN trained on 1–{n_add}-bit numbers adds numbers of any length (exact match ≥ "
        f"0.99 at every length up to {longest['addition']} bits) (deck 003)",
        rnn_min["addition"] >= 0.99,
    )
    mlp_n, mlp_next = (
        at(results, "addition", "MLP", n_add),
        at(results, "addition", "MLP", n_add + 1),
    )
    check_target(
        targets,
        f"an MLP trained on {n_add}-bit numbers works there (≥ 0.9) but not on "
        f"{n_add + 1} bits (below half its {n_add}-bit accuracy) (deck 003)",
        mlp_n >= 0.9 and mlp_next < mlp_n / 2,
    )
    check_target(
        targets,
        f"an RNN trained on running parity of 1–{n_par} bits generalises to any length (≥ 0.99 "
        f"at every length up to {longest['parity']}) (deck 003)",
        rnn_min["parity"] >= 0.99,
    )
    par_n, par_next = at(results, "parity", "MLP", n_par), at(results, "parity", "MLP", n_par + 1)
    check_target(
        targets,
        f"an MLP trained on {n_par}-bit parity (fixed input size) fails on {n_par + 1} bits "
        f"(≤ 0.6, chance 0.5) though it works on {n_par} (≥ 0.9) (deck 003)",
        par_n >= 0.9 and par_next <= 0.6,
    )
    smallest = {n: smallest_solving_width(a, args.widths) for n, a in widths.items()}
    check_target(
        targets,
        "the MLP needs at least one hidden layer of size N for N-bit parity (deck 003): the "
        "smallest width solving N (a majority of seeds get all 2^N strings right) is ≥ N",
        all(w is None or w >= n for n, w in smallest.items()),
    )
    finding = (
        "MLP width for N-bit parity (smallest solving width): "
        + ", ".join(
            f"N = {n}: {'none ≤ ' + str(max(args.widths)) if w is None else w}"
            for n, w in smallest.items()
        )
        + ". "
        f"Mean exact-match accuracy over {args.seeds} seed(s). Addition (trained on {n_add} "
        f"bits): the RNN trained on 1–{n_add} bits is at worst {rnn_min['addition']:.3f} over "
        f"lengths 1–{longest['addition']} (worst single run {worst_seed['addition']:.3f}), "
        f"the RNN trained on {n_add} bits only at worst {fixed_min['addition']:.3f}; the MLP "
        f"scores {mlp_n:.3f} at {n_add} bits and {mlp_next:.3f} at {n_add + 1}. Parity "
        f"(trained on {n_par} bits): the RNN is at worst {rnn_min['parity']:.3f} up to "
        f"{longest['parity']} (worst single run {worst_seed['parity']:.3f}), the fixed-length "
        f"RNN {fixed_min['parity']:.3f}; the MLP scores {par_n:.3f} at {n_par} and "
        f"{par_next:.3f} at {n_par + 1} (chance 0.5). Same budget for every model: "
        f"{args.updates} Adam updates × {args.batch} at lr {args.lr:g} (one rate for all, "
        f"{'from the sweep' if chosen.get('lr_sweep') else chosen['lr_sweep_note']}); "
        f"{seconds:.0f} s."
    )
    return write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        accuracy={
            task: {k: dict(zip(results[task][0], a, strict=True)) for k, a in m.items()}
            for task, m in mean.items()
        },
        accuracy_per_seed={task: acc for task, (_, acc) in results.items()},
        lengths={task: lengths for task, (lengths, _) in results.items()},
        train_length=train_len,
        rnn_worst_accuracy=rnn_min,
        fixed_rnn_worst_accuracy=fixed_min,
        seeds=args.seeds,
        updates=args.updates,
        batch=args.batch,
        hidden=args.hidden,
        mlp_hidden=args.mlp_hidden,
        test_examples=args.test,
        train_seconds=seconds,
        parity_mlp_width_accuracy={n: a for n, a in widths.items()},
        parity_mlp_widths=args.widths,
        parity_mlp_smallest_width=smallest,
        width_updates=args.width_updates,
        **chosen,
    )


if __name__ == "__main__":
    main()
