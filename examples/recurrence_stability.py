"""Stability of recurrences: what h_t = f(W h_{t-1} + c x_t) does to a single input over time.

LECTURE: deck 003 "Linear recursions" (scalar and vector, complex eigenvalues, "Lesson..") and
"How about non-linearities" / "Vector Process" (sigmoid, tanh, ReLU from positive and negative
starts); deck 003 "The Jacobian of the hidden layers" and deck 001 after Bengio et al. (1994).

Three figures: the linear response ‖Wᵗ h₀‖ for spectral radius < 1, = 1, > 1 and for complex
eigenvalues (with the eigenvalues against the unit circle); the nonlinear scalar and vector
responses for sigmoid, tanh and ReLU from positive and negative starts; and the norm of the
Jacobian product ∂h_t/∂h_0 = ∏ diag(f′(z_k)) W against t. Everything is NumPy: the maths is
a few matrix products, so the run takes a second or two.

Run:
    python examples/recurrence_stability.py            # figures and summary in runs/
    python examples/recurrence_stability.py --quick    # fewer steps (the tests)
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    check_target,
    colour,
    decade_ticks,
    experiment_parser,
    run_folder,
    save_figure,
    suptitle,
    write_summary,
)

NAME = "recurrence_stability"
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    # name → (f, f′ as a function of the pre-activation z)
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0.0), lambda z: (z > 0).astype(float)),
}
SCALAR_WEIGHTS = (0.5, 0.9, 1.0, 1.1, 1.5, 2.0)


def growth_rate(norms: np.ndarray) -> float:
    """The per-step factor r in ‖h_t‖ ≈ a·rᵗ: exp of the least-squares slope of log ‖h_t‖."""
    norms = np.asarray(norms, float)
    ok = np.isfinite(norms) & (norms > 0)
    if ok.sum() < 2:
        return 0.0
    t = np.arange(len(norms))[ok]
    return float(np.exp(np.polyfit(t, np.log(norms[ok]), 1)[0]))


def symmetric_unit(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random symmetric matrix whose largest-magnitude eigenvalue is +1 (smooth response)."""
    a = rng.standard_normal((n, n))
    sym = (a + a.T) / 2
    eig = np.linalg.eigvalsh(sym)
    return sym / eig[np.argmax(np.abs(eig))]


def linear_matrices(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Symmetric W (real eigenvalues) with spectral radius 0.9, 1 and 1.1, and a W with complex
    eigenvalues 0.97·e^{±0.5i} (and two real ones inside the circle)."""
    sym = symmetric_unit(n, rng)
    cases = {f"ρ = {r:g}": r * sym for r in (0.9, 1.0, 1.1)}
    r, theta = 0.97, 0.5
    block = np.diag(np.linspace(0.3, 0.6, n))
    block[:2, :2] = r * np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    basis = rng.standard_normal((n, n))
    cases["complex, |λ| = 0.97"] = basis @ block @ np.linalg.inv(basis)
    return cases


def linear_response(w: np.ndarray, h0: np.ndarray, steps: int) -> np.ndarray:
    """h_t = W h_{t−1} for t = 0 … steps−1, rows are time."""
    hs = [h0]
    for _ in range(steps - 1):
        hs.append(w @ hs[-1])
    return np.array(hs)


def figure_linear(cases: dict[str, np.ndarray], steps: int, n: int):
    """‖h_t‖ (log), the first component h_t[0] (oscillation) and the eigenvalues."""
    fig, axes = plt.subplots(1, 3, gridspec_kw={"width_ratios": [1.2, 1.2, 1]})
    h0 = np.ones(n)
    rates, sign_changes = {}, {}
    for k, (label, w) in enumerate(cases.items()):
        hs = linear_response(w, h0, steps)
        sign_changes[label] = int(np.sum(np.diff(np.sign(hs[:, 0])) != 0))
        norms = np.linalg.norm(hs, axis=1)
        rates[label] = growth_rate(norms[steps // 2 :])
        axes[0].plot(norms, color=f"C{k}", label=label)
        if label.startswith("complex"):
            axes[1].plot(hs[:, 0], color=f"C{k}", label=label)
        eig = np.linalg.eigvals(w)
        axes[2].scatter(eig.real, eig.imag, s=60, color=f"C{k}", label=label)
    axes[0].set(
        yscale="log", xlabel="t (steps)", ylabel=r"$\|h_t\|$", title="length of the response"
    )
    axes[1].set(xlabel="t (steps)", ylabel=r"$h_t[0]$", title="complex λ: it oscillates")
    circle = np.exp(1j * np.linspace(0, 2 * np.pi, 200))
    axes[2].plot(circle.real, circle.imag, "k--", lw=1, label="unit circle")
    axes[2].set(xlabel="Re λ", ylabel="Im λ", title="eigenvalues of W", aspect="equal")
    axes[0].legend(fontsize=12)
    suptitle(fig, r"Vector linear recursion $h_t = W h_{t-1}$, single input $h_0 = [1\ 1\ 1\ 1]$")
    return fig, rates, sign_changes


LINEAR_SCALAR_WEIGHTS = (0.8, 1.0, 1.2)


def figure_linear_scalar(steps: int):
    """The deck's first picture: h(t) = w h(t−1) + c x(t) with one input x(0) = 1, c = 1, so
    h(t) = wᵗ; w < 1 vanishes, w = 1 holds, w > 1 blows up (and w < 0 alternates in sign)."""
    fig, axes = plt.subplots(1, 2)
    t = np.arange(steps)
    responses = {}
    short = 16  # the alternating panel on a linear axis: a few steps show it best
    for k, w in enumerate(LINEAR_SCALAR_WEIGHTS):
        responses[w] = w ** t.astype(float)
        responses[-w] = (-w) ** t.astype(float)
        axes[0].plot(t, responses[w], color=f"C{k}", label=f"w = {w:g}")
        axes[1].plot(t[:short], responses[-w][:short], "o-", color=f"C{k}", label=f"w = {-w:g}")
    axes[0].set(yscale="log", title="w > 0: vanishes, holds or blows up")
    decade_ticks(axes[0])
    axes[1].set(title="w < 0: the same, with alternating sign")
    for ax in axes:
        ax.set(xlabel="t (steps after the input)", ylabel=r"$h(t) = w^t\, c\, x(0)$")
        ax.legend(fontsize=13)
    suptitle(fig, r"Scalar linear recursion $h(t) = w\,h(t-1) + c\,x(t)$, one input at t = 0")
    return fig, responses


TAPS = {
    "1 tap: 0.9": (0.9,),
    "2 taps: 0.5, 0.4": (0.5, 0.4),
    "5 taps: 0.5, 0, 0, 0, 0.4": (0.5, 0.0, 0.0, 0.0, 0.4),
    "2 taps: 0.5, −0.4": (0.5, -0.4),
}


def tap_response(taps: tuple[float, ...], steps: int) -> np.ndarray:
    """h(t) = Σ_k taps[k−1]·h(t−k) + x(t) for one input x(0) = 1.

    >>> tap_response((0.5,), 4).tolist()
    [1.0, 0.5, 0.25, 0.125]
    """
    h = np.zeros(steps + len(taps))
    k0 = len(taps)
    h[k0] = 1.0
    for t in range(k0 + 1, steps + k0):
        h[t] = sum(w * h[t - 1 - i] for i, w in enumerate(taps))
    return h[k0:]


def tap_modes(taps: tuple[float, ...]) -> np.ndarray:
    """The modes of the recursion: roots of z^K − Σ w_k z^(K−k) (the companion eigenvalues)."""
    return np.roots([1.0, *(-w for w in taps)])


def figure_taps(steps: int):
    """Deck 003 "deeper recursion": more taps add modes; the slowest mode sets the memory."""
    fig, axes = plt.subplots(1, 2, gridspec_kw={"width_ratios": [1.6, 1]})
    rates, radii = {}, {}
    for k, (label, taps) in enumerate(TAPS.items()):
        hs = tap_response(taps, steps)
        modes = tap_modes(taps)
        radii[label] = float(np.abs(modes).max())
        rates[label] = growth_rate(np.abs(hs[steps // 2 :]))
        axes[0].plot(
            np.abs(hs), color=f"C{k}", label=f"{label} (slowest |mode| {radii[label]:.3f})"
        )
        axes[1].scatter(modes.real, modes.imag, s=70, color=f"C{k}", label=label)
    circle = np.exp(1j * np.linspace(0, 2 * np.pi, 200))
    axes[1].plot(circle.real, circle.imag, "k--", lw=1)
    axes[0].set(
        yscale="log",
        xlabel="t (steps after the input)",
        ylabel=r"$|h(t)|$",
        title="response to one input",
    )
    axes[1].set(xlabel="Re z", ylabel="Im z", title="modes (roots)", aspect="equal")
    axes[0].legend(fontsize=12, loc="lower left")
    suptitle(fig, r"Multi-tap recursion $h(t) = \sum_k w_k\,h(t-k) + x(t)$: taps add modes")
    return fig, rates, radii


def scalar_response(f: Callable, w: float, start: float, steps: int) -> np.ndarray:
    """h(t) = f(w h(t−1) + c x(t)) with c = 1, a single input x(0) = start, h(−1) = 0."""
    hs = [f(np.float64(start))]
    for _ in range(steps - 1):
        hs.append(f(w * hs[-1]))
    return np.array(hs)


def settle_step(hs: np.ndarray, tol: float = 1e-3) -> int:
    """First t after which h stays within ``tol`` of its final value (len(hs) if never)."""
    far = np.nonzero(np.abs(hs - hs[-1]) > tol)[0]
    return int(far[-1] + 1) if len(far) else 0


def figure_scalar(steps: int):
    """h(t) for each activation (columns), positive and negative starts (rows), each w."""
    fig, axes = plt.subplots(2, 3, sharex=True)
    runs: dict[str, dict[str, dict[float, np.ndarray]]] = {}
    for col, (act, (f, _)) in enumerate(ACTIVATIONS.items()):
        runs[act] = {}
        for row, start in enumerate((1.0, -1.0)):
            sign = "+" if start > 0 else "−"
            runs[act][sign] = {w: scalar_response(f, w, start, steps) for w in SCALAR_WEIGHTS}
            ax = axes[row, col]
            for k, (w, hs) in enumerate(runs[act][sign].items()):
                ax.plot(hs, color=f"C{k}", label=f"w = {w:g}")
            if act == "relu" and start > 0:
                ax.set_yscale("symlog", linthresh=1.0)
                decade_ticks(ax)
            elif act == "relu":
                ax.set_ylim(-0.2, 1.0)
                ax.text(
                    0.5,
                    0.5,
                    "no response: h(t) = 0",
                    transform=ax.transAxes,
                    ha="center",
                    fontsize=15,
                )
            if row == 0:
                ax.set_title(act, color=colour(act))
            else:
                ax.set_xlabel("t (steps)")
        axes[0, col].set_ylabel("h(t), x(0) = +1" if col == 0 else "")
        axes[1, col].set_ylabel("h(t), x(0) = −1" if col == 0 else "")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=13)
    suptitle(fig, r"Scalar recursion $h(t) = f(w\,h(t-1) + c\,x(t))$, one input at t = 0")
    return fig, runs


def figure_vector(n: int, steps: int, rng: np.random.Generator):
    """‖h_t‖ of h(t) = f(W h(t−1)) from ±[1 … 1]/√N, for ρ(W) = 0.5 … 1.5."""
    sym = symmetric_unit(n, rng)
    radii = (0.5, 0.9, 1.0, 1.1, 1.5)
    fig, axes = plt.subplots(2, 3, sharex=True)
    final: dict[str, dict[str, list[float]]] = {}
    for col, (act, (f, _)) in enumerate(ACTIVATIONS.items()):
        final[act] = {}
        for row, sign in enumerate((1.0, -1.0)):
            ax = axes[row, col]
            h0 = sign * np.ones(n) / np.sqrt(n)
            ends = []
            for k, r in enumerate(radii):
                hs = [f(h0)]
                for _ in range(steps - 1):
                    hs.append(f(r * sym @ hs[-1]))
                norms = np.linalg.norm(hs, axis=1)
                ends.append(float(norms[-1]))
                ax.plot(norms, color=f"C{k}", label=f"ρ(W) = {r:g}")
            final[act]["+" if sign > 0 else "−"] = ends
            if act == "relu" and sign > 0:
                ax.set_yscale("symlog", linthresh=1e-3)
                decade_ticks(ax)
            elif act == "relu":
                ax.set_ylim(-0.2, 1.0)
                ax.text(
                    0.5, 0.5, "no response: h = 0", transform=ax.transAxes, ha="center", fontsize=15
                )
            elif act == "tanh":
                ax.set_yscale("log")
                decade_ticks(ax)
            if row == 0:
                ax.set_title(act, color=colour(act))
            else:
                ax.set_xlabel("t (steps)")
    axes[0, 0].set_ylabel(r"$\|h_t\|$, $h_0 = +[1 \dots 1]/\sqrt{N}$")
    axes[1, 0].set_ylabel(r"$\|h_t\|$, $h_0 = -[1 \dots 1]/\sqrt{N}$")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", fontsize=13)
    suptitle(fig, rf"Vector recursion $h(t) = f(W h(t-1))$, N = {n}, W symmetric")
    return fig, final


def jacobian_norms(
    act: str, w: np.ndarray, xs: np.ndarray, h0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """‖∂h_t/∂h_0‖₂ (spectral norm) and the states for h_t = f(W h_{t−1} + x_t).

    ∂h_t/∂h_{t−1} = diag(f′(z_t)) W, so ∂h_t/∂h_0 is their product over the steps.
    """
    f, df = ACTIVATIONS[act]
    h, jac = h0, np.eye(len(h0))
    norms, states = [1.0], [h0]
    for x in xs:
        z = w @ h + x
        h = f(z)
        jac = (df(z)[:, None] * w) @ jac
        norms.append(float(np.linalg.norm(jac, 2)))
        states.append(h)
    return np.array(norms), np.array(states)


def figure_jacobian(n: int, steps: int, rng: np.random.Generator):
    """‖∏ diag(f′) W‖ against t for tanh and for linear, at several spectral radii."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    xs = 0.5 * rng.standard_normal((steps, n))
    h0 = np.zeros(n)
    fig, ax = plt.subplots()
    rates = {}
    for k, r in enumerate((0.8, 1.0, 1.2, 2.0)):
        w = r * q  # orthogonal × r: every singular value is r
        for act, style in (("tanh", "-"), ("linear", ":")):
            if act == "linear":
                norms = r ** np.arange(steps + 1.0)
            else:
                norms, _ = jacobian_norms(act, w, xs, h0)
            label = f"{act}, W = {r:g}·Q"
            rates[label] = growth_rate(norms)
            ax.plot(norms, style, label=label, color=f"C{k}", alpha=1.0 if act == "tanh" else 0.7)
    ax.set(yscale="log", xlabel="t (steps)")
    ax.set_ylabel(r"$\|\partial h_t/\partial h_0\|_2$ (spectral norm)")
    ax.legend(fontsize=13, ncol=2)
    suptitle(
        fig,
        r"Jacobian product $\partial h_t/\partial h_0 = \Pi_k\, \mathrm{diag}(f'(z_k))\,W$: "
        rf"N = {n}, W = r·Q (Q orthogonal), inputs with variance 0.25",
        width=90,
    )
    return fig, rates


def main(argv: list[str] | None = None) -> dict:
    parser = experiment_parser(NAME, __doc__.split("\n\n")[0])
    args = parser.parse_args(argv)
    out = run_folder(args)
    steps = 30 if args.quick else 60
    rng = np.random.default_rng(args.seed)
    figures, targets = [], []

    fig, scalar_linear = figure_linear_scalar(steps)
    figures += save_figure(fig, out, "linear_scalar", svg=True)
    fig, linear_rates, sign_changes = figure_linear(linear_matrices(4, rng), steps, 4)
    figures += save_figure(fig, out, "linear_recursion", svg=True)
    fig, tap_rates, tap_radii = figure_taps(steps)
    figures += save_figure(fig, out, "multi_tap", svg=True)
    fig, scalar = figure_scalar(steps)
    figures += save_figure(fig, out, "scalar_nonlinear", svg=True)
    fig, vector_final = figure_vector(16, steps, rng)
    figures += save_figure(fig, out, "vector_nonlinear")
    fig, jacobian_rates = figure_jacobian(16, steps, rng)
    figures += save_figure(fig, out, "jacobian_product")

    check_scalar_linear_targets(targets, scalar_linear)
    check_linear_targets(targets, linear_rates, sign_changes)
    check_tap_targets(targets, tap_rates, tap_radii)
    settle = check_scalar_targets(targets, scalar)
    tanh_rate = growth_rate(np.abs(scalar["tanh"]["+"][0.9]))
    finding = (
        "Scalar linear: h(t) = wᵗ vanishes for |w| < 1, holds at 1, blows up for |w| > 1 "
        "and alternates in sign for w < 0. Multi-tap: the response decays like the slowest "
        "mode ("
        + ", ".join(f"{k}: ×{tap_rates[k]:.3f}/step vs |mode| {tap_radii[k]:.3f}" for k in TAPS)
        + "). "
        f"Vector linear: ‖h_t‖ changes by a factor {linear_rates['ρ = 0.9']:.3f}, "
        f"{linear_rates['ρ = 1']:.3f} and {linear_rates['ρ = 1.1']:.3f} per step for "
        "ρ = 0.9, 1, 1.1 (the largest eigenvalue), and complex eigenvalues oscillate. "
        f"Sigmoid settles within {max(settle['sigmoid'].values())} steps for every w; tanh "
        f"forgets exponentially (×{tanh_rate:.3f} per step at w = 0.9) and remembers longest "
        "near w = 1; ReLU blows up for w > 1 and never responds to a negative start. "
        f"The tanh Jacobian product shrinks ×{jacobian_rates['tanh, W = 1·Q']:.3f} per step "
        f"even with all singular values of W at 1."
    )
    return write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        steps=steps,
        linear_growth_rates=linear_rates,
        scalar_linear_final={str(w): float(h[-1]) for w, h in scalar_linear.items()},
        tap_growth_rates=tap_rates,
        tap_slowest_mode=tap_radii,
        linear_sign_changes=sign_changes,
        tanh_scalar_growth_rate_w09=tanh_rate,
        scalar_settle_steps={a: {str(w): s for w, s in d.items()} for a, d in settle.items()},
        vector_final_norms=vector_final,
        jacobian_growth_rates=jacobian_rates,
    )


def check_scalar_linear_targets(targets: list, responses: dict[float, np.ndarray]) -> None:
    """The scalar slide: |w| < 1 vanishes, |w| = 1 holds, |w| > 1 blows up; w < 0 alternates."""
    size = {w: abs(h[-1]) for w, h in responses.items()}
    check_target(
        targets,
        "scalar w < 1: the response vanishes; w = 1: it stays; w > 1: it blows up (deck 003) — "
        "|h| at the last step < 0.01, = 1 and > 100; with w < 0 the sign alternates every step",
        size[0.8] < 0.01
        and size[1.0] == 1.0
        and size[1.2] > 100
        and all(np.all(np.diff(np.sign(responses[-w])) != 0) for w in (0.8, 1.0, 1.2)),
    )


def check_tap_targets(targets: list, rates: dict[str, float], radii: dict[str, float]) -> None:
    """Deck 003 "deeper recursion": each tap adds a mode; the slowest sets the memory."""
    check_target(
        targets,
        "adding taps adds modes to memory in non-obvious ways (deck 003): each response "
        "decays at its slowest mode's rate (within 2 %), and taps with the same total weight "
        "0.9 give different memories",
        all(abs(rates[k] - radii[k]) <= 0.02 * radii[k] for k in TAPS)
        and len({round(radii[k], 3) for k in list(TAPS)[:3]}) == 3,
    )


def check_linear_targets(targets: list, rates: dict[str, float], signs: dict[str, int]) -> None:
    """Deck 003's "Lesson..": > 1 blows up, < 1 vanishes, complex eigenvalues oscillate."""
    check_target(
        targets,
        "largest eigenvalue > 1: the response blows up; < 1: it vanishes (deck 003)",
        rates["ρ = 1.1"] > 1.0 > rates["ρ = 0.9"],
    )
    real = [label for label in signs if label.startswith("ρ")]
    check_target(
        targets,
        "complex eigenvalues cause an oscillatory response (deck 003): h_t[0] changes sign "
        "repeatedly, unlike with real positive-dominant eigenvalues",
        signs["complex, |λ| = 0.97"] >= 3
        and signs["complex, |λ| = 0.97"] > max(signs[r] for r in real),
    )


def check_scalar_targets(targets: list, runs: dict) -> dict[str, dict[float, int]]:
    """The scalar-recursion statements of deck 003, each checked on the runs."""
    settle = {act: {w: settle_step(runs[act]["+"][w]) for w in SCALAR_WEIGHTS} for act in runs}
    steps = len(runs["tanh"]["+"][1.0])
    check_target(
        targets,
        "sigmoid saturates in a limited number of steps regardless of w (deck 003)",
        max(settle["sigmoid"].values()) < steps // 2,
    )
    tanh_memory = {w: int(np.sum(np.abs(hs) > 0.1)) for w, hs in runs["tanh"]["+"].items()}
    decays = all(abs(runs["tanh"]["+"][w][-1]) < 0.05 for w in SCALAR_WEIGHTS if w < 1)
    saturates = all(abs(runs["tanh"]["+"][w][-1]) > 0.1 for w in SCALAR_WEIGHTS if w > 1)
    contracting = [w for w in SCALAR_WEIGHTS if w <= 1]
    longest = max(contracting, key=lambda w: tanh_memory[w])
    check_target(
        targets,
        "tanh is sensitive to w, eventually saturates, prefers weights close to 1.0 (deck 003)",
        decays and saturates and longest == 1.0,
    )
    check_target(
        targets, "ReLU can blow up (deck 003)", runs["relu"]["+"][SCALAR_WEIGHTS[-1]][-1] > 1e3
    )
    check_target(
        targets,
        "with a negative start ReLU has no response (deck 003)",
        all(np.all(hs == 0) for hs in runs["relu"]["−"].values()),
    )
    mirrored = {
        act: all(np.allclose(runs[act]["−"][w], -runs[act]["+"][w]) for w in SCALAR_WEIGHTS)
        for act in runs
    }
    check_target(
        targets,
        "only tanh gives reasonable behaviour: it alone answers a negative start with the "
        "mirror image, and forgets exponentially (deck 003)",
        mirrored == {"sigmoid": False, "tanh": True, "relu": False}
        and growth_rate(np.abs(runs["tanh"]["+"][0.9])) < 1.0,
    )
    return settle


if __name__ == "__main__":
    main()
