"""Critical points told apart by the Hessian's eigenvalues: minimum, maximum and saddle.

Deck 001 ("Critical points: zero gradient, and Hessian with… all positive eigenvalues / some
positive and some negative"). The two-parameter loss

    L(x, y) = x³ − 3x + y³ − 3y

has four critical points, (±1, ±1). Newton's method, with the gradient and the Hessian both
from minigrad (``minigrad.grad`` with ``create_graph=True`` and
``minigrad.functional.hessian``), finds them from a grid of starts; the Hessian's eigenvalues
at each say what it is: both positive → minimum, both negative → maximum, mixed → saddle.
The figure shows the surface with each point and its eigenvalues.

Run:  python examples/critical_points.py            (a few seconds)
"""

from __future__ import annotations

import numpy as np
from _experiment_kit import (
    SLIDE,
    check_target,
    experiment_parser,
    run_folder,
    save_figure,
    write_summary,
)

import minigrad
from minigrad.functional import hessian


def loss(v: minigrad.Tensor) -> minigrad.Tensor:
    """L(x, y) = x³ − 3x + y³ − 3y."""
    return (v**3 - 3 * v).sum()


def gradient(v: np.ndarray) -> np.ndarray:
    point = minigrad.tensor(v, requires_grad=True)
    (g,) = minigrad.grad(loss(point), [point])
    return g.numpy()


def newton(start: np.ndarray, steps: int = 30) -> np.ndarray | None:
    """Newton's method on ∇L = 0 with minigrad's gradient and Hessian; ``None`` if it stalls
    (a singular Hessian) before reaching a critical point."""
    v = np.asarray(start, dtype=np.float64)
    for _ in range(steps):
        g = gradient(v)
        if np.linalg.norm(g) < 1e-10:
            return v
        h = hessian(loss, minigrad.tensor(v)).numpy()
        if abs(np.linalg.det(h)) < 1e-12:
            return None
        v = v - np.linalg.solve(h, g)
    return v if np.linalg.norm(gradient(v)) < 1e-10 else None


def classify(eigenvalues: np.ndarray) -> str:
    """The lecture's rule: all positive → minimum, all negative → maximum, mixed → saddle."""
    if np.all(eigenvalues > 0):
        return "minimum"
    if np.all(eigenvalues < 0):
        return "maximum"
    return "saddle"


def find_points(grid: int) -> list[dict]:
    found: dict[tuple[float, float], dict] = {}
    starts = np.linspace(-1.9, 1.7, grid)  # off the lines x = 0, y = 0 where H is singular
    for sx in starts:
        for sy in starts:
            v = newton(np.array([sx, sy]))
            if v is None:
                continue
            key = (round(float(v[0]), 6), round(float(v[1]), 6))
            if key in found:
                continue
            eig = np.linalg.eigvalsh(hessian(loss, minigrad.tensor(v)).numpy())
            found[key] = {"point": list(key), "eigenvalues": eig.tolist(), "kind": classify(eig)}
    return sorted(found.values(), key=lambda p: p["point"])


def draw(points: list[dict], out) -> list[str]:
    import matplotlib.pyplot as plt

    xs = np.linspace(-2.2, 2.2, 200)
    gx, gy = np.meshgrid(xs, xs)
    surface = gx**3 - 3 * gx + gy**3 - 3 * gy
    fig = plt.figure(figsize=SLIDE)
    ax3 = fig.add_subplot(1, 2, 1, projection="3d")
    ax3.computed_zorder = False  # the points stay in front of the surface
    ax3.plot_surface(gx, gy, surface, cmap="viridis", alpha=0.75, linewidth=0)
    ax2 = fig.add_subplot(1, 2, 2)
    ax2.contourf(gx, gy, surface, levels=30, cmap="viridis")
    colours = {"minimum": "#2ca02c", "maximum": "#d62728", "saddle": "#ff7f0e"}
    for p in points:
        (x, y), kind = p["point"], p["kind"]
        z = x**3 - 3 * x + y**3 - 3 * y
        ax3.scatter([x], [y], [z], color=colours[kind], s=60, depthshade=False, zorder=5)
        ax2.plot(x, y, "o", color=colours[kind], markersize=10, markeredgecolor="white")
        eig = ", ".join(f"{e:+.0f}" for e in p["eigenvalues"])
        ax2.annotate(
            f"{kind}\nλ = {eig}",
            (x, y),
            textcoords="offset points",
            xytext=(8, 8),
            color="white",
            fontsize=15,
            fontweight="bold",
        )
    ax3.set(xlabel="x", ylabel="y", zlabel="L", title="L(x, y) = x³ − 3x + y³ − 3y")
    ax2.set(xlabel="x", ylabel="y", title="critical points, Hessian eigenvalues λ")
    ax2.set_aspect("equal")
    return save_figure(fig, out, "critical_points")


def main() -> None:
    parser = experiment_parser("critical_points", __doc__.splitlines()[0])
    args = parser.parse_args()
    out = run_folder(args)
    points = find_points(grid=3 if args.quick else 7)
    for p in points:
        eig = ", ".join(f"{e:+.3f}" for e in p["eigenvalues"])
        print(f"({p['point'][0]:+.3f}, {p['point'][1]:+.3f})  eigenvalues {eig}  → {p['kind']}")
    figures = draw(points, out)
    targets: list[dict] = []
    kinds = {tuple(np.round(p["point"]).astype(int)): p["kind"] for p in points}
    expected = {(1, 1): "minimum", (-1, -1): "maximum", (1, -1): "saddle", (-1, 1): "saddle"}
    check_target(
        targets,
        "all positive eigenvalues: minimum; all negative: maximum; mixed: saddle (deck 001)",
        kinds == expected,
    )
    write_summary(
        out,
        "critical_points",
        f"Newton's method found {len(points)} critical points; the Hessian's eigenvalues "
        f"classify them as {', '.join(sorted(kinds.values()))}",
        figures,
        targets,
        points=points,
    )


if __name__ == "__main__":
    main()
