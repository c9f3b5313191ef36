"""Time-series prediction: RNN, LSTM and GRU trained one step ahead, then run free.

LECTURE: deck 000 "Time series analysis tutorial", exercise 10 and its solution ("RNN
training: epoch 0 / 600 / 2400", "MSE of n-step ahead prediction", "RNN3D / LSTM3D
prediction"); deck 001 ("even if you want to predict a single time series, you need many
examples: split the time series into chunks").

Two series: a noisy sine (1-D, ``nn.datasets.noisy_sine``) and the chaotic Lorenz system
(3-D, ``nn.datasets.lorenz``, sampled every ``--every`` RK4 steps of 0.01). Each is
standardised with its training part's mean and standard deviation, so an MSE of 1 is what
predicting the mean scores. The training part is cut into overlapping chunks
(``nn.sliding_windows``); an ``nn.RNN``, ``nn.LSTM`` and ``nn.GRU`` (same width) with an
``nn.Linear`` head learn to predict each next value (full-batch Adam, one update per epoch,
the same budget and learning rate for every model; the rate is picked once by a small
printed sweep, ``--sweep-lrs`` × every model on both series for ``--epochs`` / 4 epochs: the
rate with the lowest mean final training MSE over the six (series, model) pairs). Fits on
the held-out part are drawn at three epochs: the
one-step predictions (teacher forced) and a free run (after ``--window`` observed steps the
model's own predictions are fed back, ``nn.forecast.rollout``). After training, the n-step-
ahead MSE against the horizon n is measured from every start point of the held-out part
(``nn.forecast.n_step_mse``), and a free run of each model on Lorenz is drawn in 3-D against
the true trajectory. A longer free run (``--free`` steps) is checked for staying on the
attractor and for staying irregular (a periodic orbit repeats its z-peak heights).

One-step prediction and the MSE curves are much alike from seed to seed; what a long Lorenz
free run settles into is not: over seeds 0–2 the RNN's runs settled on (near-)periodic
orbits, and one LSTM run spiralled into a fixed point of the Lorenz wings, so the 3-D
target can fail for a single seed. The summary reports each run's measures.

Run:
    python examples/timeseries.py            # 400 epochs per model and series (about a minute)
    python examples/timeseries.py --quick    # a few epochs on short series (the tests)
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import matplotlib

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
from nn.datasets import lorenz, noisy_sine
from nn.forecast import n_step_mse, rollout

NAME = "timeseries"
KINDS = ("RNN", "LSTM", "GRU")
HORIZONS = (1, 10, 50)
TRANSIENT = 1000  # RK4 steps dropped before the Lorenz trajectory reaches its attractor


@dataclass
class Series:
    """A standardised series cut into a training and a held-out (test) part."""

    name: str
    train: np.ndarray  # (N, F) float32, standardised
    test: np.ndarray  # (M, F) float32, standardised
    mean: np.ndarray
    std: np.ndarray
    noise_variance: float  # of the added noise, in standardised units: no model can beat it


class Forecaster(nn.Module):
    """A recurrent layer and a linear head: ``(x (T, B, F), state) -> (next x, state)``."""

    def __init__(self, kind: str, features: int, hidden: int) -> None:
        super().__init__()
        self.rnn = getattr(nn, kind)(features, hidden)
        self.head = nn.Linear(hidden, features)

    def forward(self, x, state=None):
        """The prediction of the value after each row of ``x``, and the layer's final state."""
        if not isinstance(x, minigrad.Tensor):
            x = minigrad.tensor(np.asarray(x, dtype=np.float32))
        out, state = self.rnn(x, state)
        return self.head(out), state


def standardised(name: str, values: np.ndarray, n_train: int, noise: float = 0.0) -> Series:
    """Split ``values`` (N, F) after ``n_train`` steps; scale both parts by the training part."""
    train = values[:n_train]
    mean, std = train.mean(axis=0), train.std(axis=0)
    scaled = ((values - mean) / std).astype(np.float32)
    noise_variance = float(np.mean(noise**2 / std**2))
    return Series(name, scaled[:n_train], scaled[n_train:], mean, std, noise_variance)


def make_series(args) -> list[Series]:
    """The noisy sine and the Lorenz trajectory, each ``--train + --test`` steps long."""
    steps = args.train + args.test
    sine = noisy_sine(steps, noise=args.noise, period=args.period, seed=args.seed)
    path = lorenz(TRANSIENT + steps * args.every)[TRANSIENT :: args.every]
    return [
        standardised("sine", sine[:, None], args.train, args.noise),
        standardised("lorenz", path, args.train),
    ]


def training_chunks(series: Series, args) -> tuple[minigrad.Tensor, minigrad.Tensor]:
    """Overlapping chunks of ``--window`` steps, time-major, and their one-step-ahead targets."""
    chunks, _ = nn.sliding_windows(series.train, args.window + 1)
    chunks = chunks[:: max(1, args.window // 2)].swapaxes(0, 1)
    return minigrad.tensor(chunks[:-1]), minigrad.tensor(chunks[1:])


def snapshot(model: Forecaster, series: Series, args) -> dict:
    """One-step predictions and a free run on the start of the test part; the one-step MSE.

    The one-step predictions are teacher forced through the whole test part from a zero
    state, far longer than the training chunks, so a model whose state drifts on long inputs
    shows it here (and not in :func:`nn.forecast.n_step_mse`, which warms up on short
    windows).
    """
    shown = series.test[: args.show]
    with minigrad.no_grad():
        one_step = model(series.test[:-1, None])[0].numpy()[:, 0]
    free = rollout(model, shown[: args.window, None], len(shown) - args.window)[:, 0]
    mse = float(np.mean((one_step - series.test[1:]) ** 2))
    return {"one_step": one_step[: len(shown) - 1], "free": free, "mse": mse}


def train(
    kind: str, series: Series, args, epochs_shown: list[int], lr=None, epochs=None
) -> tuple[Forecaster, dict, float]:
    """Full-batch Adam on one-step prediction; the model, snapshots at epoch 0 and at
    ``epochs_shown``, and the last epoch's training MSE (``lr``, ``epochs``: the sweep's,
    else ``--lr``, ``--epochs``)."""
    model = Forecaster(kind, series.train.shape[1], args.hidden)
    opt = nn.optim.Adam(model.parameters(), lr=lr or args.lr)
    x, y = training_chunks(series, args)
    snaps = {0: snapshot(model, series, args)} if epochs_shown else {}
    for epoch in range(1, (epochs or args.epochs) + 1):
        loss = F.mse_loss(model(x)[0], y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if epoch in epochs_shown:
            snaps[epoch] = snapshot(model, series, args)
    return model, snaps, loss.item()


def peak_heights(z: np.ndarray) -> np.ndarray:
    """The local maxima of a 1-D signal (Lorenz's z peaks, whose heights never repeat)."""
    inner = z[1:-1]
    return inner[(inner > z[:-2]) & (inner >= z[2:])]


def peak_repeat(z: np.ndarray, longest: int = 8) -> float:
    """How closely z-peak heights repeat: min over p ≤ ``longest`` of mean |peak_{k+p} − peak_k|.

    0 for an orbit of period ≤ ``longest`` peaks; clearly positive on a chaotic trajectory.
    """
    peaks = peak_heights(z)
    lags = range(1, min(longest, len(peaks) - 1) + 1)
    return min((float(np.mean(np.abs(peaks[p:] - peaks[:-p]))) for p in lags), default=0.0)


def attractor_check(free: np.ndarray, series: Series) -> dict:
    """Does a Lorenz free run stay in the data's box (+10 %), keep moving, stay irregular?

    ``inside_fraction``: share of points in the training data's range enlarged by 10 %;
    over the run's last half (after any transient), ``spread_ratio``: its standard deviation
    / the training data's, and ``peak_repeat_ratio``: :func:`peak_repeat` of its z / that of
    the training data's z (about 1 when as irregular as the data, near 0 when the run has
    settled on a periodic orbit).
    """
    data = series.train
    low, high = data.min(axis=0), data.max(axis=0)
    margin = 0.1 * (high - low)
    inside = np.all((free >= low - margin) & (free <= high + margin), axis=1)
    late = free[len(free) // 2 :]
    return {
        "inside_fraction": float(inside.mean()),
        "spread_ratio": float(np.mean(late.std(axis=0) / data.std(axis=0))),
        "peak_repeat_ratio": peak_repeat(late[:, 2]) / max(peak_repeat(data[:, 2]), 1e-12),
    }


def fits_figure(series: Series, snaps: dict, epochs_shown: list[int], args):
    """Rows: models; columns: epochs. True values, one-step predictions and a free run."""
    fig, axes = plt.subplots(
        len(KINDS), len(epochs_shown), figsize=(4 * len(epochs_shown), 2.4 * len(KINDS)),
        sharex=True, sharey=True, squeeze=False,
    )  # fmt: skip
    shown = series.test[: args.show, 0]
    steps = np.arange(len(shown))
    for row, kind in zip(axes, KINDS, strict=True):
        for ax, epoch in zip(row, epochs_shown, strict=True):
            snap = snaps[kind][epoch]
            ax.plot(steps, shown, ".", color="0.6", ms=3, label="true")
            ax.plot(steps[1:], snap["one_step"][:, 0], lw=1, label="one step ahead")
            ax.plot(steps[args.window :], snap["free"][:, 0], lw=1.5, label="free run")
            ax.axvline(args.window - 0.5, color="0.3", ls=":", lw=0.8)
            ax.set_title(f"{kind} training: epoch {epoch}", fontsize=9)
            ax.set_ylim(-3, 3)
    axes[0, 0].legend(fontsize=7, loc="lower left")
    coordinate = " (x coordinate)" if series.name == "lorenz" else ""
    for ax in axes[-1]:
        ax.set_xlabel(f"test step{coordinate}; free run after the dotted line")
    fig.suptitle(f"{series.name}: fits on held-out data (standardised)")
    fig.tight_layout()
    return fig


def mse_figure(curves: dict, floors: dict):
    """n-step-ahead MSE against n, one panel per series, one line per model."""
    fig, axes = plt.subplots(1, len(curves), figsize=(6 * len(curves), 4.2), squeeze=False)
    for ax, (name, by_kind) in zip(axes[0], curves.items(), strict=True):
        for kind, mse in by_kind.items():
            ax.plot(np.arange(1, len(mse) + 1), mse, label=kind)
        ax.axhline(1.0, color="gray", ls="--", lw=0.8, label="predicting the mean")
        if floors[name] > 0:
            ax.axhline(floors[name], color="gray", ls=":", lw=0.8, label="noise variance")
        ax.set(yscale="log", xlabel="steps ahead n (free run)", ylabel="MSE (standardised)")
        ax.set_title(f"{name}: MSE of n-step ahead prediction")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def lorenz_figure(series: Series, free_runs: dict, args):
    """True Lorenz trajectory against each model's free run, in 3-D (original units)."""
    fig = plt.figure(figsize=(5 * len(free_runs), 4.8))
    true = series.test[args.window :] * series.std + series.mean
    for i, (kind, free) in enumerate(free_runs.items(), start=1):
        ax = fig.add_subplot(1, len(free_runs), i, projection="3d")
        ax.plot(*true.T, color="0.6", lw=0.7, label="true")
        ax.plot(*(free[: len(true)] * series.std + series.mean).T, lw=0.9, label=f"{kind} free run")
        ax.set(xlabel="x", ylabel="y", zlabel="z")
        units = len(true) * 0.01 * args.every
        ax.set_title(
            f"{kind}3D prediction: {len(true)} steps ({units:g} time units) free", fontsize=10
        )
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=400, help="full-batch Adam updates")
    parser.add_argument("--hidden", type=int, default=32)
    add_lr_options(parser, [0.003, 0.01, 0.03])
    parser.add_argument("--window", type=int, default=40, help="chunk length; free-run warm-up")
    parser.add_argument("--train", type=int, default=1000, help="training steps per series")
    parser.add_argument("--test", type=int, default=600, help="held-out steps per series")
    parser.add_argument("--horizon", type=int, default=100, help="largest n of the MSE curve")
    parser.add_argument("--stride", type=int, default=1, help="steps between MSE start points")
    parser.add_argument("--free", type=int, default=2000, help="steps of the long free runs")
    parser.add_argument("--show", type=int, default=200, help="test steps drawn in the fits")
    parser.add_argument("--noise", type=float, default=0.1, help="sine noise std")
    parser.add_argument("--period", type=float, default=50.0, help="sine period in steps")
    parser.add_argument("--every", type=int, default=2, help="RK4 steps (dt 0.01) per sample")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.hidden, args.train, args.test = 12, 16, 300, 200
        args.horizon, args.show, args.free = max(HORIZONS), 120, 300
    check_args(parser, args)
    out = run_folder(args)
    minigrad.manual_seed(args.seed)
    epochs_shown = sorted({0, args.epochs // 4, args.epochs})
    started = time.perf_counter()
    all_series = make_series(args)
    by_name = {s.name: s for s in all_series}

    def sweep_loss(pair: str, lr: float) -> float:
        name, kind = pair.split("/")
        minigrad.manual_seed(args.seed)
        return train(kind, by_name[name], args, [], lr, max(1, args.epochs // 4))[2]

    chosen = choose_learning_rate(
        args,
        sweep_loss,
        [f"{s.name}/{kind}" for s in all_series for kind in KINDS],
        budget=f"{max(1, args.epochs // 4)} full-batch epochs, seed {args.seed}, "
        "final loss = the last epoch's training MSE",
        quick_lr=0.01,
    )
    args.lr = chosen["lr"]
    minigrad.manual_seed(args.seed)
    results = run_all(all_series, args, epochs_shown)
    seconds = time.perf_counter() - started
    figures = draw(results, args, epochs_shown, out)
    return report(out, results, figures, args, seconds, epochs_shown, chosen)


def check_args(parser, args) -> None:
    """Refuse settings that leave too little held-out data or no training."""
    if min(args.epochs, args.hidden, args.window, args.stride, args.every) < 1:
        parser.error("--epochs, --hidden, --window, --stride and --every must be ≥ 1")
    if args.horizon < max(HORIZONS):
        parser.error(f"--horizon must be at least {max(HORIZONS)} (the summary's horizons)")
    if args.test < args.window + args.horizon or args.show > args.test:
        parser.error("--test must cover --window + --horizon steps, and --show ≤ --test")
    if args.free < args.test - args.window:
        parser.error("--free must cover the held-out steps after the warm-up (--test − --window)")
    if args.train < 3 * args.window:
        parser.error("--train must be at least 3 × --window (several training chunks)")


def run_all(all_series: list[Series], args, epochs_shown: list[int]) -> dict:
    """Train every model on every series; its snapshots, MSE curve and free run."""
    jobs = [(s, kind) for s in all_series for kind in KINDS]
    results: dict = {s.name: {"series": s, "models": {}} for s in all_series}
    for series, kind in progress(jobs, total=len(jobs), desc="train", enabled=not args.no_progress):
        model, snaps, _ = train(kind, series, args, epochs_shown)
        mse = n_step_mse(model, series.test, args.window, args.horizon, stride=args.stride)
        free = rollout(model, series.test[: args.window, None], args.free)
        results[series.name]["models"][kind] = {"snaps": snaps, "mse": mse, "free": free[:, 0]}
    return results


def draw(results: dict, args, epochs_shown: list[int], out) -> list[str]:
    """Every figure: fits per series, MSE against horizon, the Lorenz free runs in 3-D."""
    figures: list[str] = []
    for name, res in results.items():
        snaps = {kind: m["snaps"] for kind, m in res["models"].items()}
        fig = fits_figure(res["series"], snaps, epochs_shown, args)
        figures += save_figure(fig, out, f"fits_{name}")
    curves = {name: {k: m["mse"] for k, m in r["models"].items()} for name, r in results.items()}
    floors = {name: r["series"].noise_variance for name, r in results.items()}
    figures += save_figure(mse_figure(curves, floors), out, "mse_vs_horizon", svg=True)
    lor = results["lorenz"]
    free_runs = {kind: m["free"] for kind, m in lor["models"].items()}
    figures += save_figure(lorenz_figure(lor["series"], free_runs, args), out, "lorenz_3d")
    return figures


def at_horizons(mse: np.ndarray) -> dict[str, float]:
    """The MSE at the summary's horizons, keyed by n."""
    return {str(n): float(mse[n - 1]) for n in HORIZONS}


def report(out, results, figures: list[str], args, seconds: float, epochs_shown, chosen) -> dict:
    """Check what the slides show and write the summary."""
    models = {name: r["models"] for name, r in results.items()}
    mse = {name: {k: at_horizons(m["mse"]) for k, m in ms.items()} for name, ms in models.items()}
    by_epoch = {
        name: {k: {str(e): m["snaps"][e]["mse"] for e in epochs_shown} for k, m in ms.items()}
        for name, ms in models.items()
    }
    lor = results["lorenz"]["series"]
    free = {k: attractor_check(m["free"], lor) for k, m in models["lorenz"].items()}
    targets: list = []
    check_target(
        targets,
        "trained for one-step prediction, every model predicts the next value on both series "
        "(one-step MSE over the whole held-out part, teacher forced from a zero state, below "
        "0.1 of the variance and below its epoch-0 value)",
        all(
            e[str(args.epochs)] < min(0.1, e["0"]) for ms in by_epoch.values() for e in ms.values()
        ),
    )
    check_target(
        targets,
        "run free on the chaotic Lorenz system, the errors compound: for every model the "
        "n-step-ahead MSE at n = 50 is at least 100 times that at n = 1",
        all(m["50"] >= 100 * m["1"] for m in mse["lorenz"].values()),
    )
    check_target(
        targets,
        "in 3-D, every model's free run stays on the Lorenz attractor's scale: ≥ 95 % of its "
        "points in the data's range + 10 %, still moving (spread ≥ half the data's)",
        all(f["inside_fraction"] >= 0.95 and f["spread_ratio"] >= 0.5 for f in free.values()),
    )
    floor = results["sine"]["series"].noise_variance
    finding = describe(mse, free, floor, args, seconds)
    return write_summary(
        out, NAME, finding, figures, targets,
        mse_at_horizon=mse,
        one_step_mse_by_epoch=by_epoch,
        mse_curves={name: {k: m["mse"] for k, m in ms.items()} for name, ms in models.items()},
        lorenz_free_run=free,
        sine_noise_variance=floor,
        epochs=args.epochs, epochs_shown=epochs_shown, hidden=args.hidden, window=args.window,
        train_steps=args.train, test_steps=args.test, lorenz_sample_dt=0.01 * args.every,
        train_seconds=seconds, **chosen,
    )  # fmt: skip


def describe(mse: dict, free: dict, floor: float, args, seconds: float) -> str:
    """The finding in words: MSE at n = 1, 10, 50 per series and model, and the 3-D check."""
    parts = [
        f"{name}: "
        + "; ".join(
            f"{kind} " + " / ".join(f"{v:.3g}" for v in m.values()) for kind, m in ms.items()
        )
        for name, ms in mse.items()
    ]
    runs = "; ".join(
        f"{k} {f['inside_fraction']:.0%} inside, spread {f['spread_ratio']:.2f}, "
        f"z-peak repeat ratio {f['peak_repeat_ratio']:.2f}"
        for k, f in free.items()
    )
    return (
        "Test MSE (standardised, 1 = predicting the mean) at n = 1 / 10 / 50 steps ahead: "
        + " | ".join(parts)
        + ". On the sine the free run's MSE at n = 50 is "
        + ", ".join(f"{k} {m['50'] / floor:.1f}×" for k, m in mse["sine"].items())
        + f" the noise variance ({floor:.3g}) that bounds every forecast from below"
        + f". Lorenz free runs of {args.free} steps: {runs} (repeat ratio about 1: as "
        + "irregular as the data; near 0: settled on a periodic orbit). "
        + f"{args.epochs} full-batch epochs per model at lr {args.lr:g} (the same for all), "
        + f"hidden {args.hidden}, "
        + f"trained in {seconds:.0f} s."
    )


if __name__ == "__main__":
    main()
