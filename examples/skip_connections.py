"""Skip connections: the gradient flows back through the "+x" path of a residual stack.

LECTURE: deck 000 "Skip connections for deep neural networks" ("Residual connections →
ResNet; addition of identity maintains information; deep network training much easier",
after He et al. 2015) and deck 004 "Residual networks" ("Residual block: we add the input to
the output. The gradient flows backwards uninterrupted through the skip ('+x') connection";
the LSTM's cell state as the same idea through time).

Two stacks of ``--depth`` tanh layers of ``--width`` units classify the 8 × 8 digit images of
scikit-learn's bundled ``load_digits`` (a real data set, 1797 images, nothing downloaded):
the *plain* stack computes h_{l+1} = tanh(W_l h_l + b_l); the *residual* stack computes
h_{l+1} = h_l + tanh(W_l h_l + b_l), the same layers with the input added back. Each is
built at two initialisations, PyTorch's default for ``Linear`` (U(±1/√fan_in)) and Glorot &
Bengio's (2010, U(±√(6/(fan_in + fan_out))), made for deep tanh stacks; biases 0), because how
fast a plain stack's gradient vanishes depends on it.
For every layer the norm ‖∂L/∂W_l‖ is measured on one fixed batch at initialisation and again
after training; all four models are trained with the same budget (``--updates`` SGD updates
with momentum 0.9 on batches of ``--batch``) and the same learning rate, over ``--seeds``
seeds. The rate is picked once by a small printed sweep (``--sweep-lrs`` × all four models,
``--sweep-updates`` updates, one seed): the rate with the lowest mean final training loss
(cross-entropy on the whole training set) over the four models; a rate under which any model
diverges is ruled out.

CRITERION (fixed before the run):
  (a) gradient flow at initialisation: under both initialisations the residual stack's
      per-layer gradient norms stay within 10× of each other across the depth (mean over
      seeds), and under at least one initialisation the plain stack's first-layer norm is
      ≥ 100× smaller than its last layer's;
  (b) "training much easier": after the same budget, the residual stack's mean training loss
      is below the plain stack's under both initialisations.

Run:
    python examples/skip_connections.py            # 20 layers × 64 units, 2 inits, 2 seeds
    python examples/skip_connections.py --quick    # 8 layers, a few updates (the tests)
"""

from __future__ import annotations

import time

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    add_lr_options,
    check_target,
    choose_learning_rate,
    experiment_parser,
    progress,
    run_folder,
    save_figure,
    write_summary,
)

import minigrad
import nn
from nn import functional as F  # noqa: N812 (the PyTorch idiom)

NAME = "skip_connections"
ARCHS = ("plain", "residual")
INITS = ("default", "glorot")
COLOURS = {"plain": "tab:red", "residual": "tab:blue"}
STYLES = {"default": "-", "glorot": "--"}
INIT_NAMES = {"default": "PyTorch-default", "glorot": "Glorot"}


def digits(seed: int) -> tuple[np.ndarray, ...]:
    """scikit-learn's 8 × 8 digits, pixels scaled to 0…1: train and test (300) arrays."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x, y = (data.data / 16.0).astype(np.float32), data.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    test, train = order[:300], order[300:]
    return x[train], y[train], x[test], y[test]


class Stack(nn.Module):
    """Linear(64 → width), ``depth`` tanh layers (plain or with the input added back), and a
    linear read-out of 10 classes.

    Examples
    --------
    >>> import minigrad
    >>> net = Stack(depth=3, width=8, residual=True)
    >>> net(minigrad.randn(5, 64)).shape, len(net.layers)
    ((5, 10), 3)
    """

    def __init__(self, depth: int, width: int, residual: bool, init: str = "default") -> None:
        super().__init__()
        self.residual = residual
        self.embed = nn.Linear(64, width)
        self.layers = nn.Sequential(*[nn.Linear(width, width) for _ in range(depth)])
        self.head = nn.Linear(width, 10)
        if init == "glorot":
            for layer in [self.embed, *self.layers, self.head]:
                nn.init.xavier_uniform_(layer.weight)  # Glorot & Bengio's own gain, 1
                nn.init.zeros_(layer.bias)

    def forward(self, x) -> minigrad.Tensor:
        h = self.embed(x if isinstance(x, minigrad.Tensor) else minigrad.tensor(x))
        for layer in self.layers:
            branch = layer(h).tanh()
            h = h + branch if self.residual else branch
        return self.head(h)


def layer_grad_norms(model: Stack, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖∂L/∂W_l‖ (Frobenius) for every stacked layer, first to last, on one batch."""
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    norms = [float(np.linalg.norm(layer.weight.grad.numpy())) for layer in model.layers]
    model.zero_grad()
    return np.array(norms)


def train(
    arch: str, init: str, lr: float, seed: int, data, args, record: bool = False, updates=None
):
    """Train one model; its loss curve, test accuracy and (with ``record``) grad norms."""
    x_train, y_train, x_test, y_test = data
    minigrad.manual_seed(seed)
    model = Stack(args.depth, args.width, arch == "residual", init)
    probe = np.random.default_rng(1234).choice(len(y_train), 256, replace=False)
    before = layer_grad_norms(model, x_train[probe], y_train[probe]) if record else None
    opt = nn.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(updates or args.updates):
        batch = rng.integers(0, len(y_train), size=args.batch)
        loss = F.cross_entropy(model(x_train[batch]), y_train[batch])
        opt.zero_grad()
        loss.backward()
        opt.step()
        value = loss.item()
        losses.append(value if np.isfinite(value) else np.nan)
    after = layer_grad_norms(model, x_train[probe], y_train[probe]) if record else None
    with minigrad.no_grad():
        train_loss = F.cross_entropy(model(x_train), y_train).item()
        accuracy = float(np.mean(model(x_test).numpy().argmax(axis=1) == y_test))
    return {
        "losses": np.array(losses),
        "train_loss": train_loss if np.isfinite(train_loss) else np.inf,
        "test_accuracy": accuracy,
        "before": before,
        "after": after,
    }


def figure(results: dict, args):
    """Per-layer gradient norms at initialisation and after training, and the loss curves."""
    with plt.rc_context({"font.size": 14}):
        fig, axes = plt.subplots(1, 3, figsize=(16, 7.4), gridspec_kw={"wspace": 0.3})
        layers = np.arange(1, args.depth + 1)
        for (arch, init), runs in results.items():
            label = f"{arch}, {INIT_NAMES[init]} init"
            style = {"color": COLOURS[arch], "ls": STYLES[init], "lw": 2.5}
            for ax, key in zip(axes[:2], ("before", "after"), strict=True):
                ax.plot(layers, geometric_mean([r[key] for r in runs]), label=label, **style)
            curves = np.array([r["losses"] for r in runs])
            axes[2].plot(np.arange(1, args.updates + 1), smooth(np.nanmean(curves, 0)), **style)
        for ax, when in zip(axes[:2], ("at initialisation", "after training"), strict=True):
            ax.set(yscale="log", xlabel="layer l (1 = nearest the input)")
            ax.set_ylabel(r"gradient norm $\|\partial L / \partial W_l\|$")
            ax.set_title(when)
            ax.grid(alpha=0.3, which="both")
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=14, frameon=False)
        fig.subplots_adjust(bottom=0.2, top=0.86)
        axes[2].set(xlabel="SGD update", ylabel="training loss (cross-entropy, nats)")
        axes[2].set_yscale("log")
        axes[2].yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        axes[2].yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        axes[2].set_title("training loss (smoothed)")
        axes[2].grid(alpha=0.3, which="both")
        fig.suptitle(
            f"{args.depth} tanh layers × {args.width} units on 8×8 digits: plain "
            r"$h_{l+1} = \tanh(W_l h_l)$ vs residual $h_{l+1} = h_l + \tanh(W_l h_l)$"
            f"  ({args.seeds} seed{'s' if args.seeds > 1 else ''})",
            fontsize=15,
        )
    return fig


def geometric_mean(rows: list[np.ndarray]) -> np.ndarray:
    """Per-layer geometric mean over seeds (gradient norms spread over decades).

    Examples
    --------
    >>> geometric_mean([np.array([1.0, 10.0]), np.array([100.0, 10.0])]).tolist()
    [10.0, 10.0]
    """
    return np.exp(np.mean(np.log(np.maximum(np.array(rows), 1e-30)), axis=0))


def smooth(values: np.ndarray, width: int = 20) -> np.ndarray:
    """A running mean over ``width`` updates (shorter at the start)."""
    out = np.empty_like(values)
    for i in range(len(values)):
        out[i] = np.nanmean(values[max(0, i - width + 1) : i + 1])
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--depth", type=int, default=20, help="stacked tanh layers")
    parser.add_argument("--width", type=int, default=64, help="units per layer")
    parser.add_argument("--updates", type=int, default=200, help="SGD updates per model")
    parser.add_argument("--sweep-updates", type=int, default=100, help="per lr in the sweep")
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seeds", type=int, default=2)
    add_lr_options(parser, [0.01, 0.03, 0.1])
    args = parser.parse_args(argv)
    if args.quick:
        args.depth, args.updates, args.seeds = 8, 20, 1
    if min(args.depth, args.width, args.updates, args.batch, args.seeds) < 1:
        parser.error("--depth, --width, --updates, --batch and --seeds must be positive")
    out = run_folder(args)
    data = digits(args.seed)
    started = time.perf_counter()
    sweep = choose_learning_rate(
        args,
        lambda model, lr: train(
            *model.split("/"), lr, args.seed, data, args, updates=args.sweep_updates
        )["train_loss"],
        [f"{a}/{i}" for a in ARCHS for i in INITS],
        budget=f"{args.sweep_updates} SGD updates × {args.batch}, seed {args.seed}, final loss "
        "= cross-entropy on the whole training set",
        quick_lr=0.03,
    )
    args.lr = sweep["lr"]
    chosen = {f"{a}/{i}": args.lr for a in ARCHS for i in INITS}
    jobs = [
        (a, i, s) for a in ARCHS for i in INITS for s in range(args.seed, args.seed + args.seeds)
    ]
    results: dict = {(a, i): [] for a in ARCHS for i in INITS}
    for arch, init, seed in progress(jobs, desc="train", enabled=not args.no_progress):
        lr = chosen[f"{arch}/{init}"]
        results[arch, init].append(train(arch, init, lr, seed, data, args, record=True))
    seconds = time.perf_counter() - started
    figures = save_figure(figure(results, args), out, "gradient_flow")
    return report(out, args, results, chosen, sweep, figures, seconds)


def report(out, args, results, chosen, sweep, figures, seconds) -> dict:
    """Judge the docstring's criterion and write the summary."""
    stats = {}
    for (arch, init), runs in results.items():
        before = geometric_mean([r["before"] for r in runs])
        after = geometric_mean([r["after"] for r in runs])
        stats[f"{arch}/{init}"] = {
            "grad_norm_init": before,
            "grad_norm_trained": after,
            "first_over_last_init": float(before[0] / before[-1]),
            "max_over_min_init": float(before.max() / before.min()),
            "first_over_last_trained": float(after[0] / after[-1]),
            "train_loss": float(np.mean([r["train_loss"] for r in runs])),
            "test_accuracy": float(np.mean([r["test_accuracy"] for r in runs])),
            "lr": chosen[f"{arch}/{init}"],
        }
    targets: list = []
    check_target(
        targets,
        "(a) at initialisation the residual stack's per-layer gradient norms stay within 10× "
        "across the depth under both initialisations, while the plain stack's first layer gets "
        "≥ 100× less than its last under at least one (decks 000/004: the gradient flows "
        "back uninterrupted through '+x')",
        all(stats[f"residual/{i}"]["max_over_min_init"] <= 10 for i in INITS)
        and any(stats[f"plain/{i}"]["first_over_last_init"] <= 0.01 for i in INITS),
    )
    check_target(
        targets,
        "(b) with the same budget the residual stack reaches a lower training loss than the "
        "plain one under both initialisations (deck 000: 'deep network training much easier')",
        all(
            stats[f"residual/{i}"]["train_loss"] < stats[f"plain/{i}"]["train_loss"] for i in INITS
        ),
    )
    parts = [
        f"{key}: first/last layer gradient {s['first_over_last_init']:.2g} at init, "
        f"{s['first_over_last_trained']:.2g} trained; training loss {s['train_loss']:.3f}, "
        f"test accuracy {s['test_accuracy']:.3f}"
        for key, s in stats.items()
    ]
    finding = (
        f"{args.depth} tanh layers × {args.width}, {args.updates} SGD updates at lr "
        + f"{args.lr:g} (the same for every model), "
        + f"{args.seeds} seed(s). "
        + "; ".join(parts)
        + "."
    )
    return write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        quick=args.quick,
        models=stats,
        **sweep,
        depth=args.depth,
        width=args.width,
        updates=args.updates,
        batch=args.batch,
        seeds=args.seeds,
        train_seconds=seconds,
    )


if __name__ == "__main__":
    main()
