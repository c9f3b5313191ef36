"""Gradient clipping at a cliff: gradient descent on a one-unit RNN with and without clipping.

LECTURE: deck 000 "Gradient clipping" (after Goodfellow et al., fig. 10.17: "high curvature
walls lead to bad gradient updates without clipping") and deck 002 (gradient clipping), after
Pascanu, Mikolov & Bengio (2013), fig. 6.

The network is Pascanu et al.'s single recurrent unit, h_t = w·σ(h_{t−1}) + b with h_0 = 0.5,
run for T = 50 steps, with the loss (h_T − 0.7)². Where the recurrence changes from one to
two fixed points, h_50 jumps from the low branch to the high one and the loss surface over
(w, b) has a wall of very high curvature next to its valley. The script draws the surface in
3-D and from above (the wall marked where ‖∇L‖ > 100), and runs plain gradient descent
(minigrad's backward through the 50 steps) without clipping and with the gradient's norm
clipped to 10 (``nn.utils.clip_grad_norm_``), from the same starts with the same learning
rate.

Fair setup. A single start and a single learning rate decide whether a run happens to land on
the wall, so the sweep uses ``--starts`` random starts on the plateau below the wall
(w ∈ [5, 10], b ∈ [−7, −5]) at each of ``--lrs``, ``--steps`` steps each, with and without
clipping (the same starts for both). The figure of trajectories shows one start
at two rates, the one where the most unclipped runs were thrown and the one where the fewest
were (both are reported), from the first random start that was thrown at the former
(Pascanu's (w, b) = (8, −5.5) if none was).

Criterion (fixed before the run). A *bad update* is a step that moves (w, b) by more than 2
(a fifth of the plotted b-range) and raises the loss. The deck's claim holds when, at some
learning rate of the sweep, at least a quarter of the unclipped runs make a bad update and
no clipped run does. The final losses (median over starts) are reported beside it, because
"bad updates" need not mean a worse end point on this surface: a thrown run can find the
valley again, and clipping slows the descent on the plateau.

Run:
    python examples/gradient_clipping.py            # figures and summary in runs/
    python examples/gradient_clipping.py --quick    # fewer steps and starts (the tests)
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    SLIDE,
    check_target,
    colour,
    experiment_parser,
    progress,
    run_folder,
    save_figure,
    suptitle,
    write_summary,
)

import minigrad
import nn

NAME = "gradient_clipping"
STEPS_T, H0, TARGET = 50, 0.5, 0.7
W_RANGE, B_RANGE = (2.0, 11.0), (-8.0, 1.0)
START = (8.0, -5.5)
BAD_STEP = 2.0
CLIP = "clipped"
PLAIN = "without clipping"


def surface(w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The loss (h_T − 0.7)² at every (w, b) of a grid, in NumPy (the picture, not training)."""
    h = np.full(np.broadcast(w, b).shape, H0)
    for _ in range(STEPS_T):
        h = w / (1 + np.exp(-h)) + b
    return (h - TARGET) ** 2


def loss_of(w: minigrad.Tensor, b: minigrad.Tensor) -> minigrad.Tensor:
    """The same loss as a minigrad graph (element-wise, so one graph runs many starts)."""
    h = minigrad.tensor(np.full(w.shape, H0), dtype=np.float64)
    for _ in range(STEPS_T):
        h = w * h.sigmoid() + b
    return (h - TARGET) ** 2


def descend(start, lr: float, steps: int, max_norm: float | None) -> dict[str, np.ndarray]:
    """Gradient descent (``nn.optim.SGD``) from one start; clip the norm to ``max_norm``."""
    w = minigrad.tensor(start[0], dtype=np.float64, requires_grad=True)
    b = minigrad.tensor(start[1], dtype=np.float64, requires_grad=True)
    opt = nn.optim.SGD([w, b], lr=lr)
    path, losses = [start], []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_of(w, b)
        loss.backward()
        losses.append(loss.item())
        if max_norm is not None:
            nn.utils.clip_grad_norm_([w, b], max_norm)
        opt.step()
        path.append((w.item(), b.item()))
    path = np.array(path)
    return {
        "path": path,
        "loss": np.array([*losses, float(surface(*path[-1]))]),
        "step": np.linalg.norm(np.diff(path, axis=0), axis=1),
    }


def descend_many(starts: np.ndarray, lr: float, steps: int, max_norm: float | None):
    """Gradient descent from every start at once (one graph; each run's gradient clipped on
    its own): losses (steps + 1, runs) and step lengths (steps, runs)."""
    w = minigrad.tensor(starts[:, 0].copy(), dtype=np.float64, requires_grad=True)
    b = minigrad.tensor(starts[:, 1].copy(), dtype=np.float64, requires_grad=True)
    losses, lengths = [], []
    for _ in range(steps):
        w.grad = b.grad = None
        loss = loss_of(w, b)
        loss.sum().backward()
        losses.append(loss.numpy().copy())
        g = np.stack([w.grad.numpy(), b.grad.numpy()])
        if max_norm is not None:
            g = g * np.minimum(1.0, max_norm / (np.linalg.norm(g, axis=0) + 1e-300))
        lengths.append(lr * np.linalg.norm(g, axis=0))
        with minigrad.no_grad():
            w.array = w.array - lr * g[0]
            b.array = b.array - lr * g[1]
    losses.append(surface(w.numpy(), b.numpy()))
    return np.array(losses), np.array(lengths)


def bad_updates(losses: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Per run: did any step move (w, b) by more than :data:`BAD_STEP` and raise the loss?

    >>> bad_updates(np.array([[1.0], [5.0], [0.1]]), np.array([[3.0], [0.1]])).tolist()
    [True]
    """
    return ((lengths > BAD_STEP) & (losses[1:] > losses[:-1])).any(axis=0)


def sweep(args, show: bool) -> dict:
    """Every learning rate, with and without clipping, from the same random starts."""
    rng = np.random.default_rng(args.seed)
    starts = np.column_stack([rng.uniform(5, 10, args.starts), rng.uniform(-7, -5, args.starts)])
    table: dict = {}
    jobs = [(lr, clip) for lr in args.lrs for clip in (False, True)]
    for lr, clip in progress(jobs, total=len(jobs), desc="sweep", enabled=show):
        losses, lengths = descend_many(starts, lr, args.steps, args.max_norm if clip else None)
        thrown = bad_updates(losses, lengths)
        table.setdefault(lr, {})[CLIP if clip else PLAIN] = {
            "bad": float(thrown.mean()),
            "thrown_runs": np.flatnonzero(thrown).tolist(),
            "final_median": float(np.median(losses[-1])),
            "final_q25": float(np.quantile(losses[-1], 0.25)),
            "final_q75": float(np.quantile(losses[-1], 0.75)),
            "largest_step": float(lengths.max()),
        }
    print(f"sweep: {args.starts} starts, {args.steps} steps, clipping at ‖g‖ = {args.max_norm:g}")
    print("  lr       bad updates (plain / clipped)   median final loss (plain / clipped)")
    for lr, row in table.items():
        p, c = row[PLAIN], row[CLIP]
        print(
            f"  {lr:<8g} {p['bad']:>6.0%} / {c['bad']:<6.0%}"
            f"{'':18}{p['final_median']:.3g} / {c['final_median']:.3g}"
        )
    return table, starts


def figure_3d(grid, runs: dict, lr: float, start: tuple[float, float]):
    """The loss surface in 3-D (linear loss, cut at 80, so the wall stands as a cliff) with
    both trajectories at one learning rate."""
    ww, bb, zz = grid
    fig = plt.figure(figsize=SLIDE)
    ax = fig.add_subplot(projection="3d")
    top = 80.0
    ax.plot_surface(
        ww,
        bb,
        np.minimum(zz, top),
        cmap="viridis",
        rstride=1,
        cstride=1,
        lw=0,
        alpha=0.8,
        antialiased=False,
    )
    for label, run in runs.items():
        p = run["path"]
        keep = (p[:, 0] >= W_RANGE[0]) & (p[:, 0] <= W_RANGE[1])
        keep &= (p[:, 1] >= B_RANGE[0]) & (p[:, 1] <= B_RANGE[1])
        zp = np.minimum(surface(p[:, 0], p[:, 1]), top) + 1.0
        ax.plot(
            p[keep, 0],
            p[keep, 1],
            zp[keep],
            "o-",
            color=colour(label),
            ms=4,
            lw=2,
            label=label,
            zorder=10,
        )
    ax.set_xlabel("w", labelpad=12)
    ax.set_ylabel("b", labelpad=12)
    ax.set_zlabel("loss", labelpad=12)
    ax.view_init(elev=30, azim=-60)
    ax.legend(loc="upper left")
    suptitle(
        fig,
        rf"The cliff: loss $(h_{{50}} - 0.7)^2$ of $h_t = w\,\sigma(h_{{t-1}}) + b$, "
        f"gradient descent at lr {lr:g} from ({start[0]:.2f}, {start[1]:.2f})",
    )
    return fig


def figure_top(grid, showcase: dict, verdicts: dict[float, str], start: tuple[float, float]):
    """From above: log₁₀ loss, the wall (‖∇L‖ > 100) and the trajectories, one panel per lr."""
    ww, bb, zz = grid
    fig, axes = plt.subplots(1, len(showcase), sharey=True)
    gb, gw = np.gradient(zz, bb[:, 0], ww[0])
    wall = np.hypot(gw, gb) > 100
    for ax, (lr, runs) in zip(np.atleast_1d(axes), showcase.items(), strict=True):
        loss = np.log10(np.maximum(zz, 1e-4))
        mesh = ax.pcolormesh(ww, bb, loss, cmap="viridis", shading="auto", rasterized=True)
        ax.contour(ww, bb, wall.astype(float), levels=[0.5], colors="white", linewidths=4)
        for label, run in runs.items():
            p = run["path"]
            ax.plot(p[:, 0], p[:, 1], "o-", color=colour(label), ms=3, lw=1.5, label=label)
        ax.plot(*start, "k*", ms=18, label="start")
        ax.set(xlim=W_RANGE, ylim=B_RANGE, xlabel="w", title=f"lr {lr:g}: {verdicts[lr]}")
        ax.grid(False)
    np.atleast_1d(axes)[0].set_ylabel("b")
    np.atleast_1d(axes)[0].legend(loc="upper right", fontsize=12)
    fig.colorbar(mesh, ax=axes, label=r"$\log_{10}$ loss", shrink=0.9)
    suptitle(fig, "From above (white: the wall, ‖∇L‖ > 100): the same start, two learning rates")
    return fig


def figure_sweep(table: dict, args):
    """Fraction of runs with a bad update, and the final loss, against the learning rate."""
    fig, axes = plt.subplots(1, 2)
    lrs = list(table)
    for label in (PLAIN, CLIP):
        bad = [table[lr][label]["bad"] for lr in lrs]
        axes[0].plot(lrs, bad, "o-", color=colour(label), label=label)
        med = np.array([table[lr][label]["final_median"] for lr in lrs])
        lo = np.array([table[lr][label]["final_q25"] for lr in lrs])
        hi = np.array([table[lr][label]["final_q75"] for lr in lrs])
        axes[1].plot(lrs, np.maximum(med, 1e-12), "o-", color=colour(label), label=label)
        axes[1].fill_between(
            lrs, np.maximum(lo, 1e-12), np.maximum(hi, 1e-12), color=colour(label), alpha=0.15
        )
    axes[0].axhline(0.25, color="grey", ls=":", label="criterion: ≥ 25 % of runs")
    axes[0].set(
        xscale="log",
        ylim=(-0.03, 1.03),
        xlabel="learning rate",
        ylabel="runs with a bad update (fraction)",
        title=f"bad updates (step > {BAD_STEP:g} that raises the loss)",
    )
    axes[1].set(
        xscale="log",
        yscale="log",
        xlabel="learning rate",
        ylabel=f"loss after {args.steps} steps",
        title="final loss (median, band: quartiles)",
    )
    for ax in axes:
        ax.legend(fontsize=12)
    suptitle(
        fig,
        f"{args.starts} random starts below the wall, the same for both, "
        f"clipping at ‖g‖ = {args.max_norm:g}",
    )
    return fig


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--lrs", type=float, nargs="+", default=[0.003, 0.01, 0.02, 0.05, 0.1])
    parser.add_argument("--max-norm", type=float, default=10.0, help="clipping threshold")
    parser.add_argument("--starts", type=int, default=16, help="random starts per rate")
    parser.add_argument("--steps", type=int, default=200, help="gradient-descent steps")
    args = parser.parse_args(argv)
    if args.quick:
        args.starts, args.steps, args.lrs = 4, 40, [0.01, 0.05]
    if min(args.lrs) <= 0 or args.max_norm <= 0 or min(args.starts, args.steps) < 1:
        parser.error("--lrs, --max-norm, --starts and --steps must be positive")
    out = run_folder(args)
    show = not args.no_progress
    table, starts = sweep(args, show)
    thrown = {lr: table[lr][PLAIN]["bad"] for lr in args.lrs}
    worst = max(args.lrs, key=lambda lr: (thrown[lr], -lr))
    calm = min(args.lrs, key=lambda lr: (thrown[lr], -lr))
    # the showcase start: the first random start thrown at the worst rate (else Pascanu's)
    runs_thrown = table[worst][PLAIN]["thrown_runs"]
    start = tuple(float(v) for v in starts[runs_thrown[0]]) if runs_thrown else START
    showcase = {}
    for lr in sorted({calm, worst}):
        showcase[lr] = {
            PLAIN: descend(start, lr, args.steps, None),
            f"{CLIP} to ‖g‖ ≤ {args.max_norm:g}": descend(start, lr, args.steps, args.max_norm),
        }
    points = 60 if args.quick else 220
    ww, bb = np.meshgrid(np.linspace(*W_RANGE, points), np.linspace(*B_RANGE, points))
    grid = (ww, bb, surface(ww, bb))
    verdicts = {lr: describe(runs) for lr, runs in showcase.items()}
    figures = save_figure(figure_3d(grid, showcase[worst], worst, start), out, "cliff_3d")
    figures += save_figure(figure_top(grid, showcase, verdicts, start), out, "cliff", svg=True)
    figures += save_figure(figure_sweep(table, args), out, "sweep")
    return report(out, table, showcase, figures, args, start)


def describe(runs: dict) -> str:
    """A panel title: was the unclipped run thrown off the wall from the showcase start?"""
    plain = runs[PLAIN]
    bad = bad_updates(plain["loss"][:, None], plain["step"][:, None])[0]
    return f"thrown {plain['step'].max():.1f} by the wall" if bad else "no bad update"


def report(out, table: dict, showcase: dict, figures: list[str], args, start) -> dict:
    """Check the deck's target by the docstring's criterion and write the summary."""
    visible = [lr for lr, r in table.items() if r[PLAIN]["bad"] >= 0.25 and r[CLIP]["bad"] == 0]
    targets: list = []
    check_target(
        targets,
        "high curvature walls lead to bad gradient updates without clipping (deck 000): at "
        "some learning rate ≥ 25 % of unclipped runs make a bad update, no clipped run does",
        bool(visible),
    )
    med = {lr: (r[CLIP]["final_median"], r[PLAIN]["final_median"]) for lr, r in table.items()}
    better = ", ".join(f"{lr:g}" for lr, (c, p) in med.items() if c < p)
    worse = ", ".join(f"{lr:g}" for lr, (c, p) in med.items() if c > p)
    lines = "; ".join(
        f"lr {lr:g}: {r[PLAIN]['bad']:.0%} of unclipped runs thrown (clipped "
        f"{r[CLIP]['bad']:.0%}), median final loss {r[PLAIN]['final_median']:.2g} without / "
        f"{r[CLIP]['final_median']:.2g} with clipping"
        for lr, r in table.items()
    )
    shown = "; ".join(
        f"from ({start[0]:.2f}, {start[1]:.2f}) at lr {lr:g}: {describe(runs)}, final loss "
        + " / ".join(f"{r['loss'][-1]:.2g}" for r in runs.values())
        for lr, runs in showcase.items()
    )
    finding = (
        f"Over {args.starts} starts and {args.steps} steps — {lines}. Claim visible at lr "
        + (", ".join(f"{lr:g}" for lr in visible) or "none")
        + f". Showcase {shown} (without / with clipping). "
        + (
            "Clipping removes every thrown step. "
            if all(r[CLIP]["bad"] == 0 for r in table.values())
            else "Clipped runs were thrown too. "
        )
        + f"The median final loss is lower with clipping at {better or 'no'} learning "
        + f"rate(s), lower without it at {worse or 'no'}: a thrown run can find the valley "
        + "again, and clipping slows the descent where the gradient is large."
    )
    return write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        sweep=table,
        lrs_where_claim_visible=visible,
        final_loss={
            str(lr): {k: float(r["loss"][-1]) for k, r in runs.items()}
            for lr, runs in showcase.items()
        },
        largest_step={
            str(lr): {k: float(r["step"].max()) for k, r in runs.items()}
            for lr, runs in showcase.items()
        },
        showcase_start=list(start),
        starts=args.starts,
        steps=args.steps,
        max_norm=args.max_norm,
    )


if __name__ == "__main__":
    main()
