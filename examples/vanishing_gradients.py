"""Vanishing gradients: ‖∂L/∂h_t‖ through time in RNN, LSTM and GRU, and through depth in an MLP.

LECTURE: deck 001 and deck 004 (vanishing/exploding gradients, the shading of the unrolled
network: how much of the loss's gradient reaches h_t); deck 003 "Vanishing gradient
examples.." (a 19-layer × 1024-unit MLP at initialisation, sigmoid, tanh, ReLU and ELU, with
log ‖∇_{W_neuron} E‖ per neuron) and its target "ELU activations maintain gradients longest …
in all cases gradients effectively vanish after about 10 layers".

Through time: an RNN, an LSTM with forget bias 0 and with forget bias 1 (``nn.init.
lstm_forget_bias_``) and a GRU, 32 units each, read an adding-task sequence
(``nn.datasets.adding_task``, T = 50) and are scored at the last step only;
``nn.HiddenGradRecorder`` records ‖∂L/∂h_t‖ for every t, at initialisation and after the same
training (Adam, 600 updates × 32, the same learning rate for every model), 3 seeds, drawn as
the geometric mean with a min–max band. The rate is picked once by a small printed sweep
(``--sweep-lrs``, every model for ``--updates`` / 4 updates, one seed): the rate with the
lowest mean final training MSE over the four models.

Through depth, the deck's setup: 19 hidden layers × 1024 units and a 10-way softmax, at
initialisation, on a batch of 256 *real* handwritten digits (scikit-learn's bundled 8 × 8
``load_digits``; MNIST cannot be downloaded here), cross-entropy on their labels. For each
of 3 weight draws every activation sees the same weights and the same digits. The deck does
not name its initialisation and the answer depends on it, so both are shown: PyTorch's
default for ``nn.Linear`` (uniform ±1/√fan_in, variance 1/(3·fan_in)) and Glorot's uniform
rule (variance 2/(fan_in + fan_out) = 1/fan_in here, biases 0). A layer's gradient is the
RMS over its neurons of ‖∇ E‖ w.r.t. the neuron's incoming weights.

Criteria (fixed before the run), checked separately for each initialisation:

* "ELU activations maintain gradients longest": ELU loses fewer decades of layer gradient
  from the last hidden layer to the first than each other activation, in every seed (a
  difference inside the seed spread is not "longest").
* "in all cases gradients effectively vanish after about 10 layers": every activation's
  layer gradient has fallen 100× (two decades) within 12 layers of the last hidden layer.
  Since "effectively vanish" names no number, the summary also lists where each curve has
  fallen 10× and 1,000×.
* "the LSTM's cell path carries the gradient further back than the RNN's" (deck 004): the
  LSTM with forget bias 1 loses fewer decades of ‖∂L/∂h_t‖ over the sequence than the RNN,
  at initialisation.

Run:
    python examples/vanishing_gradients.py            # figures and summary in runs/
    python examples/vanishing_gradients.py --quick    # short sequences, narrow MLP (the tests)
"""

from __future__ import annotations

import itertools

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
from nn.datasets import adding_task

NAME = "vanishing_gradients"
MODELS = ("RNN", "LSTM, forget bias 0", "LSTM, forget bias 1", "GRU")
FALL = 1e3  # "fallen 1,000×"


class Adder(nn.Module):
    """A recurrent layer reading (T, B, 2) adding-task inputs, a linear read-out at the end."""

    def __init__(self, model: str, hidden: int) -> None:
        super().__init__()
        kind = model.split(",")[0]
        self.rnn = getattr(nn, kind)(2, hidden)
        if kind == "LSTM":
            nn.init.lstm_forget_bias_(self.rnn, float(model[-1]))
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: np.ndarray) -> minigrad.Tensor:
        out, _ = self.rnn(minigrad.tensor(x))
        return self.head(out[-1])[:, 0]


def adding_loss(model: Adder, x: np.ndarray, y: np.ndarray) -> minigrad.Tensor:
    """MSE at the last step of batch-first adding-task data."""
    return F.mse_loss(model(x.transpose(1, 0, 2)), y)


def hidden_grad_norms(model: Adder, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 0 … T−1 on one batch (gradients discarded afterwards)."""
    with nn.HiddenGradRecorder(model.rnn) as rec:
        loss = adding_loss(model, x, y)
    loss.backward()
    model.zero_grad()
    return rec.norms()


def sweep_loss(model_name: str, lr: float, args) -> float:
    """One model's final training MSE (mean of its last 20 updates) at ``lr``, on the sweep's
    budget (``--updates`` / 4, seed ``--seed``)."""
    minigrad.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model = Adder(model_name, args.hidden)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(max(1, args.updates // 4)):
        loss = adding_loss(model, *adding_task(args.batch, args.length, seed=rng))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return final_loss_of(losses)


def through_time(model_name: str, seed: int, args) -> tuple[np.ndarray, np.ndarray, float]:
    """Norms at initialisation, after training, and the final training MSE, for one seed."""
    minigrad.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Adder(model_name, args.hidden)
    probe = adding_task(args.batch, args.length, seed=rng)
    before = hidden_grad_norms(model, *probe)
    opt = nn.optim.Adam(model.parameters(), lr=args.lr)
    for _ in range(args.updates):
        loss = adding_loss(model, *adding_task(args.batch, args.length, seed=rng))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    test = adding_task(1000, args.length, seed=rng)
    with minigrad.no_grad():
        mse = adding_loss(model, *test).item()
    return before, hidden_grad_norms(model, *probe), mse


def decades_lost(norms: np.ndarray) -> float:
    """log₁₀(‖∂L/∂h_{T−1}‖ / ‖∂L/∂h_0‖), the geometric mean over seeds (rows)."""
    return float(np.mean(np.log10(norms[:, -1]) - np.log10(norms[:, 0])))


ACTIVATIONS = {
    "sigmoid": lambda x: x.sigmoid(),
    "tanh": lambda x: x.tanh(),
    "relu": lambda x: x.relu(),
    "elu": F.elu,
}
INITS = {"default": "PyTorch's default init", "glorot": "Glorot (Xavier) uniform init"}
THRESHOLDS = (10.0, 100.0, 1000.0)


def digit_batch(size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``size`` real handwritten digits (scikit-learn's bundled 8 × 8 ``load_digits``, 1,797
    images), standardised per pixel, and their labels."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit(
            "the deep-MLP part reads real digit images from scikit-learn: "
            "pip install 'minigrad[examples]' (or scikit-learn)"
        ) from exc
    digits = load_digits()
    x = digits.data.astype(np.float32)
    x = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-3)
    pick = rng.choice(len(x), size=min(size, len(x)), replace=False)
    return x[pick], digits.target[pick]


def neuron_grads(act: str, layers: list[nn.Linear], x: np.ndarray, labels: np.ndarray):
    """‖∇ E‖ w.r.t. each neuron's incoming weights, for every hidden layer (input side first)."""
    h = minigrad.tensor(x)
    for layer in layers[:-1]:
        h = ACTIVATIONS[act](layer(h))
    loss = F.cross_entropy(layers[-1](h), labels)
    for layer in layers:
        layer.zero_grad()
    loss.backward()
    return [np.linalg.norm(layer.weight.grad.numpy(), axis=1) for layer in layers[:-1]]


def deep_mlp(init: str, n_in: int, args, seed: int) -> list[nn.Linear]:
    """``args.depth`` hidden layers of ``args.width`` and a 10-way read-out, initialised
    PyTorch's way (``nn.Linear``'s default) or with Glorot's uniform rule (biases 0)."""
    minigrad.manual_seed(seed)
    sizes = [n_in] + [args.width] * args.depth + [10]
    layers = [nn.Linear(a, b) for a, b in itertools.pairwise(sizes)]
    if init == "glorot":
        for layer in layers:
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return layers


def through_depth(args, show: bool) -> dict[str, dict[str, list[list[np.ndarray]]]]:
    """Per-neuron gradient norms ``{init: {activation: [per seed: [per layer]]}}``; every
    activation sees the same weights and the same batch of digits for a given seed."""
    jobs = [(i, s) for i in INITS for s in range(args.seed, args.seed + args.mlp_seeds)]
    grads: dict = {i: {a: [] for a in ACTIVATIONS} for i in INITS}
    for init, seed in progress(jobs, total=len(jobs), desc="deep MLP", enabled=show):
        x, labels = digit_batch(args.mlp_batch, np.random.default_rng(seed))
        layers = deep_mlp(init, x.shape[1], args, seed)
        for act in ACTIVATIONS:
            grads[init][act].append(neuron_grads(act, layers, x, labels))
    return grads


def rms(neuron_norms: np.ndarray) -> float:
    """A layer's gradient magnitude: the root mean square of its neurons' gradient norms
    (a median would read 0 wherever over half of a ReLU layer is dead)."""
    return float(np.sqrt(np.mean(np.square(neuron_norms, dtype=np.float64))))


def fallen_layer(per_layer: np.ndarray, fall: float = FALL) -> int | None:
    """Counting back from the last hidden layer, the first layer (1 = input side) whose
    gradient is ``fall``× below the last hidden layer's; ``None`` if none is."""
    for k in range(len(per_layer) - 1, -1, -1):
        if per_layer[k] * fall <= per_layer[-1]:
            return k + 1
    return None


def layers_back(per_layer: np.ndarray, fall: float) -> int | None:
    """How many layers back from the last hidden layer the gradient has fallen ``fall``×."""
    k = fallen_layer(per_layer, fall)
    return None if k is None else len(per_layer) - k


def decay(per_layer: np.ndarray) -> float:
    """Decades the layer gradient falls from the last hidden layer to the first.

    >>> decay(np.array([1e-3, 1e-2, 1.0]))
    3.0
    """
    return float(np.log10(per_layer[-1]) - np.log10(per_layer[0]))


def figure_neurons(grads: dict, args):
    """The slide's picture: log₁₀ of every neuron's gradient by layer (seed 0), one panel
    per activation (columns) and initialisation (rows)."""
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(len(INITS), len(ACTIVATIONS), sharex=True)
    for row, init in enumerate(INITS):
        for col, act in enumerate(ACTIVATIONS):
            ax = axes[row, col]
            layers = grads[init][act][0]
            for k, g in enumerate(layers):
                live = g[g > 0]
                jitter = (np.arange(len(live)) / max(len(live), 1) - 0.5) * 0.6
                ax.plot(k + 1 + jitter, np.log10(live), ".", ms=1, alpha=0.25, color=colour(act))
            zero = sum(int(np.sum(g == 0)) for g in layers)
            title = act + (f" ({zero} dead, not drawn)" if zero else "")
            ax.set_title(title, fontsize=15)
            ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
            ax.xaxis.set_major_locator(MaxNLocator(5, integer=True))
            if row == len(INITS) - 1:
                ax.set_xlabel("layer (input → output)", fontsize=14)
        axes[row, 0].set_ylabel(f"{init}: " + r"$\log_{10}\|\nabla_{W_{neuron}}E\|$", fontsize=14)
    suptitle(
        fig,
        f"{args.depth} × {args.width} MLP at initialisation, {args.mlp_batch} real digits: "
        "every neuron's gradient (rows: initialisation; each panel has its own y-range)",
    )
    return fig


def figure_layers(per_layer: dict, args):
    """Per-layer RMS gradient, mean and min–max band over seeds, one panel per init."""
    fig, axes = plt.subplots(1, len(INITS), sharey=True)
    depth = args.depth
    for ax, init in zip(axes, INITS, strict=True):
        for act in ACTIVATIONS:
            band(ax, range(1, depth + 1), per_layer[init][act], act, log=True, ms=5)
        ax.set(yscale="log", xlabel="hidden layer (1 = input side)", title=INITS[init])
        ax.axvline(depth - 10, color="grey", ls=":", lw=1.5, label="10 layers back")
        ax.set_xticks(range(1, depth + 1, 3))
        ax.set_xlim(0.5, depth + 0.5)
    axes[0].set_ylabel("layer gradient (RMS over neurons)")
    axes[0].legend(fontsize=13)
    suptitle(
        fig,
        f"{args.depth} × {args.width} MLP on digits at initialisation: the answer depends on "
        f"the initialisation ({args.mlp_seeds} seeds)",
    )
    return fig


def figure_time(init: dict, trained: dict, args):
    """‖∂L/∂h_t‖ against t at initialisation and after training, one panel each."""
    fig, axes = plt.subplots(1, 2, sharey=True)
    t = np.arange(args.length)
    for ax, norms, when in (
        (axes[0], init, "at initialisation"),
        (axes[1], trained, f"after {args.updates} updates"),
    ):
        for model, runs in norms.items():
            ls = "--" if model == "LSTM, forget bias 0" else "-"
            band(ax, t, runs, model, log=True, marker=None, ls=ls)
        ax.set(yscale="log", xlabel="time step t (loss at the last step)", title=when)
    axes[0].set_ylabel(r"$\|\partial L/\partial h_t\|$ (geometric mean over seeds)")
    axes[0].legend(fontsize=13)
    suptitle(
        fig,
        f"How much of the loss's gradient reaches $h_t$: adding task, T = {args.length}, "
        f"{args.hidden} units, {args.seeds} seeds",
    )
    return fig


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--length", type=int, default=50, help="adding-task sequence length")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per recurrent model")
    parser.add_argument("--updates", type=int, default=600, help="Adam updates of training")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    add_lr_options(parser, [0.003, 0.01, 0.03])
    parser.add_argument("--depth", type=int, default=19, help="hidden layers of the MLP")
    parser.add_argument("--width", type=int, default=1024, help="units per MLP layer")
    parser.add_argument("--mlp-batch", type=int, default=256, help="digits in the MLP's batch")
    parser.add_argument("--mlp-seeds", type=int, default=3, help="MLP weight draws per init")
    args = parser.parse_args(argv)
    if args.quick:
        args.length, args.seeds, args.updates, args.depth, args.width = 15, 2, 10, 12, 128
        args.mlp_batch, args.mlp_seeds = 64, 2
    sizes = (args.length, args.seeds, args.hidden, args.batch, args.depth, args.width)
    if min(*sizes, args.mlp_batch, args.mlp_seeds) < 1:
        parser.error("sizes, seeds and batches must be ≥ 1")
    out = run_folder(args)
    show = not args.no_progress

    chosen = choose_learning_rate(
        args,
        lambda model, lr: sweep_loss(model, lr, args),
        MODELS,
        budget=f"{max(1, args.updates // 4)} Adam updates × {args.batch} at T = {args.length}, "
        f"seed {args.seed}, final loss = mean MSE of the last 20 updates",
        quick_lr=0.01,
    )
    args.lr = chosen["lr"]
    runs = [(m, s) for m in MODELS for s in range(args.seed, args.seed + args.seeds)]
    results = {m: [] for m in MODELS}
    for model, seed in progress(runs, total=len(runs), desc="RNN/LSTM/GRU", enabled=show):
        results[model].append(through_time(model, seed, args))
    init = {m: np.array([r[0] for r in rs]) for m, rs in results.items()}
    trained = {m: np.array([r[1] for r in rs]) for m, rs in results.items()}
    mse = {m: float(np.mean([r[2] for r in rs])) for m, rs in results.items()}
    figures = save_figure(figure_time(init, trained, args), out, "through_time", svg=True)

    grads = through_depth(args, show)
    per_layer = {
        i: {a: np.array([[rms(g) for g in seed] for seed in runs]) for a, runs in d.items()}
        for i, d in grads.items()
    }
    figures += save_figure(figure_neurons(grads, args), out, "deep_mlp_neurons")
    figures += save_figure(figure_layers(per_layer, args), out, "deep_mlp_layers")
    return report(out, args, figures, init, trained, mse, per_layer, chosen)


def report(out, args, figures, init, trained, mse, per_layer, chosen) -> dict:
    """Check the deck's targets by the docstring's criteria and write the summary."""
    lost_init = {m: decades_lost(n) for m, n in init.items()}
    lost_trained = {m: decades_lost(n) for m, n in trained.items()}
    mean = {
        i: {a: np.exp(np.log(v).mean(axis=0)) for a, v in d.items()} for i, d in per_layer.items()
    }
    decades = {
        i: {a: np.array([decay(r) for r in v]) for a, v in d.items()} for i, d in per_layer.items()
    }
    back = {
        i: {a: {f"{f:g}x": layers_back(v, f) for f in THRESHOLDS} for a, v in d.items()}
        for i, d in mean.items()
    }
    targets: list = []
    verdict_elu, verdict_ten = {}, {}
    for init in INITS:
        d = decades[init]
        others = [a for a in ACTIVATIONS if a != "elu"]
        # ELU keeps gradients longest: its decay is the smallest, and beyond the seed spread
        verdict_elu[init] = all(d["elu"].max() < d[a].min() for a in others)
        check_target(
            targets,
            f"{INITS[init]}: ELU activations maintain gradients longest (deck 003) — ELU "
            "loses fewer decades from the last hidden layer to the first than every other "
            "activation, in every seed",
            verdict_elu[init],
        )
        ten = [back[init][a]["100x"] for a in ACTIVATIONS]
        verdict_ten[init] = all(b is not None and b <= 12 for b in ten)
        check_target(
            targets,
            f"{INITS[init]}: in all cases gradients effectively vanish after about 10 layers "
            "(deck 003) — every activation's layer gradient has fallen 100× within 12 "
            "layers of the last hidden layer",
            verdict_ten[init],
        )
    check_target(
        targets,
        "the LSTM's cell path carries the gradient further back than the RNN's (deck 004), "
        "at initialisation",
        lost_init["LSTM, forget bias 1"] < lost_init["RNN"],
    )

    def fmt(b):
        return "never" if b is None else f"{b}"

    mlp_words = []
    for init in INITS:
        mlp_words.append(
            f"{INITS[init]}: decades lost over the {args.depth} layers "
            + ", ".join(f"{a} {decades[init][a].mean():.1f}" for a in ACTIVATIONS)
            + "; layers back to a 10×/100×/1000× fall "
            + ", ".join(
                f"{a} {'/'.join(fmt(b) for b in back[init][a].values())}" for a in ACTIVATIONS
            )
        )
    finding = (
        "Decades of ‖∂L/∂h_t‖ lost from the last step to the first at initialisation: "
        + ", ".join(f"{m} {v:.1f}" for m, v in lost_init.items())
        + "; after training: "
        + ", ".join(f"{m} {v:.1f}" for m, v in lost_trained.items())
        + f". Adding-task test MSE after training ({args.updates} updates at lr {args.lr:g}, "
        + "the same for every model; baseline 1/6 ≈ 0.167): "
        + ", ".join(f"{m} {v:.3f}" for m, v in mse.items())
        + f". Deep MLP ({args.depth} × {args.width}, real digits) — "
        + "; ".join(mlp_words)
        + ". "
        + "; ".join(
            f"'{claim}' held at {', '.join(INITS[i] for i in INITS if v[i]) or 'neither init'}"
            + ("" if len(set(v.values())) == 1 else " only: the verdict depends on the init")
            for claim, v in (
                ("ELU maintains gradients longest", verdict_elu),
                ("vanish after about 10 layers", verdict_ten),
            )
        )
        + "."
    )
    return write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        decades_lost_at_init=lost_init,
        decades_lost_after_training=lost_trained,
        adding_task_test_mse=mse,
        adding_task_baseline_mse=1 / 6,
        mlp_decades_lost=decades,
        mlp_layers_back_fallen=back,
        mlp_grad_per_layer=mean,
        mlp_grad_per_layer_per_seed=per_layer,
        sequence_length=args.length,
        seeds=args.seeds,
        mlp_seeds=args.mlp_seeds,
        updates=args.updates,
        mlp_shape=[args.depth, args.width],
        mlp_data="scikit-learn load_digits (8 × 8 handwritten digits), standardised per pixel",
        **chosen,
    )


if __name__ == "__main__":
    main()
