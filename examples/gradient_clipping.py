"""Gradient clipping at a cliff: gradient descent on a one-unit RNN with and without clipping.

LECTURE: deck 000 "Exploding gradients: gradient clipping" (after Goodfellow et al., fig. 10.17)
and deck 002 (gradient clipping), after Pascanu, Mikolov & Bengio (2013), fig. 6.

The network is Pascanu et al.'s single recurrent unit, h_t = w·σ(h_{t−1}) + b with h_0 = 0.5,
run for T = 50 steps, with the loss (h_T − 0.7)². Where the recurrence changes from one to
two fixed points the loss surface over (w, b) has a wall of very high curvature. The script
draws the surface, runs plain gradient descent (minigrad's backward, ``nn.optim.SGD``) twice
from the same start — once without and once with ``nn.utils.clip_grad_norm_`` — draws both
trajectories on it, and plots the loss and the step length over the steps.

Run:
    python examples/gradient_clipping.py            # figures and summary in runs/
    python examples/gradient_clipping.py --quick    # fewer steps, coarser surface (the tests)
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    check_target,
    experiment_parser,
    progress,
    run_folder,
    save_figure,
    write_summary,
)

import minigrad
import nn

NAME = "gradient_clipping"
STEPS_T, H0, TARGET = 50, 0.5, 0.7
W_RANGE, B_RANGE = (-2.0, 12.0), (-8.0, 2.0)


def surface(w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The loss (h_T − 0.7)² at every (w, b) of a grid, in NumPy (the picture, not training)."""
    h = np.full(np.broadcast(w, b).shape, H0)
    for _ in range(STEPS_T):
        h = w / (1 + np.exp(-h)) + b
    return (h - TARGET) ** 2


def loss_of(w: minigrad.Tensor, b: minigrad.Tensor) -> minigrad.Tensor:
    """The same loss as a minigrad graph, so backward gives ∂L/∂w and ∂L/∂b through time."""
    h = minigrad.tensor(H0, dtype=np.float64)
    for _ in range(STEPS_T):
        h = w * h.sigmoid() + b
    return (h - TARGET) ** 2


def descend(
    start: tuple[float, float], lr: float, steps: int, max_norm: float | None, show: bool
) -> dict[str, np.ndarray]:
    """Gradient descent from ``start``; clip the gradient's norm to ``max_norm`` if given."""
    w = minigrad.tensor(start[0], dtype=np.float64, requires_grad=True)
    b = minigrad.tensor(start[1], dtype=np.float64, requires_grad=True)
    opt = nn.optim.SGD([w, b], lr=lr)
    path, losses, grad_norms = [start], [], []
    label = "clipped" if max_norm else "unclipped"
    for _ in progress(range(steps), total=steps, desc=label, enabled=show):
        opt.zero_grad()
        loss = loss_of(w, b)
        loss.backward()
        losses.append(loss.item())
        norm = float(np.hypot(w.grad.item(), b.grad.item()))
        grad_norms.append(norm)
        if max_norm is not None:
            nn.utils.clip_grad_norm_([w, b], max_norm)
        opt.step()
        path.append((w.item(), b.item()))
    path = np.array(path)
    return {
        "path": path,
        "loss": np.array([*losses, float(surface(*path[-1]))]),
        "step": np.linalg.norm(np.diff(path, axis=0), axis=1),
        "grad_norm": np.array(grad_norms),
    }


def figure_surface(grid: tuple[np.ndarray, np.ndarray, np.ndarray], runs: dict):
    """log₁₀ loss over (w, b) with both trajectories."""
    ww, bb, zz = grid
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    mesh = ax.pcolormesh(ww, bb, np.log10(zz + 1e-12), cmap="viridis", shading="auto")
    fig.colorbar(mesh, ax=ax, label="log₁₀ loss")
    for (label, run), color in zip(runs.items(), ("white", "red"), strict=True):
        p = run["path"]
        ax.plot(p[:, 0], p[:, 1], "o-", color=color, ms=2.5, lw=1, label=label)
    ax.plot(*runs["without clipping"]["path"][0], "k*", ms=14, label="start")
    ax.set(xlim=W_RANGE, ylim=B_RANGE, xlabel="w", ylabel="b")
    ax.set_title(r"Loss $(h_{50} - 0.7)^2$ of $h_t = w\,\sigma(h_{t-1}) + b$: the cliff")
    ax.legend(loc="lower left", fontsize=8)
    return fig


def figure_curves(runs: dict):
    """Loss and step length against the step, both runs."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for label, run in runs.items():
        axes[0].plot(run["loss"], label=label)
        axes[1].plot(run["step"], label=label)
    axes[0].set(yscale="log", xlabel="gradient-descent step", ylabel="loss", title="loss")
    axes[1].set(yscale="log", xlabel="gradient-descent step", ylabel="‖Δθ‖", title="step length")
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend()
    return fig


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    parser.add_argument("--lr", type=float, default=0.02, help="gradient-descent step size")
    parser.add_argument(
        "--max-norm", type=float, default=10.0, help="clipping threshold on ‖∂L/∂(w, b)‖"
    )
    args = parser.parse_args(argv)
    if args.lr <= 0 or args.max_norm <= 0:
        parser.error(f"--lr and --max-norm must be positive, got {args.lr} and {args.max_norm}")
    out = run_folder(args)
    steps, points = (85, 100) if args.quick else (150, 400)
    start = (8.0, -5.5)  # on the plateau below the wall
    show = not args.no_progress
    runs = {
        "without clipping": descend(start, args.lr, steps, None, show),
        f"clipped to ‖g‖ ≤ {args.max_norm:g}": descend(start, args.lr, steps, args.max_norm, show),
    }
    ww, bb = np.meshgrid(np.linspace(*W_RANGE, points), np.linspace(*B_RANGE, points))
    figures = save_figure(figure_surface((ww, bb, surface(ww, bb)), runs), out, "cliff", svg=True)
    figures += save_figure(figure_curves(runs), out, "loss_and_steps")
    return report(out, runs, figures, args.max_norm)


def report(out, runs: dict, figures: list[str], max_norm: float) -> dict:
    """Check the deck's target, state the finding and write the summary."""
    plain, clipped = runs.values()
    numbers = {
        "final_loss": {k: float(r["loss"][-1]) for k, r in runs.items()},
        "largest_step": {k: float(r["step"].max()) for k, r in runs.items()},
        "largest_grad_norm": {k: float(r["grad_norm"].max()) for k, r in runs.items()},
        "largest_loss_increase": {k: float(np.diff(r["loss"]).max()) for k, r in runs.items()},
    }
    jump = int(np.argmax(plain["step"]))
    targets: list = []
    check_target(
        targets,
        "high curvature walls lead to bad gradient updates without clipping (deck 000): at "
        "the wall the unclipped step is over 10× the largest clipped step and raises the loss",
        plain["step"].max() > 10 * clipped["step"].max()
        and plain["loss"][jump + 1] > plain["loss"][jump],
    )
    finding = (
        f"At the wall the gradient norm reaches {plain['grad_norm'].max():.3g}. Without "
        f"clipping, step {jump} moves (w, b) by {plain['step'].max():.3g} and the loss goes "
        f"from {plain['loss'][jump]:.3g} to {plain['loss'][jump + 1]:.3g} (thrown off the "
        f"wall); clipped to {max_norm:g}, no step exceeds {clipped['step'].max():.3g}. Final "
        f"losses after {len(plain['step'])} steps: {plain['loss'][-1]:.3g} without and "
        f"{clipped['loss'][-1]:.3g} with clipping"
        + (
            " (on this surface the thrown run found the valley again)."
            if plain["loss"][-1] < clipped["loss"][-1]
            else "."
        )
    )
    return write_summary(out, NAME, finding, figures, targets, **numbers)


if __name__ == "__main__":
    main()
