"""Backprop by hand: the lecture's first example node by node, a 2-3-1 network, g′ curves.

Decks 000/002/004 (f = (x + y)·z: add passes, mul swaps, copy sums), deck 001 (the four
backprop equations BP1–BP4 on a small sigmoid network) and deck 004 (the scaling of the
gradient, ∂ŷ/∂x = g′(wx + b)·w, for sigmoid, tanh, ReLU and leaky ReLU).

    f(x, y, z) = (x + y) · z   at  x = -2, y = 5, z = -4

Each step prints the op, the rule in the lecture's words, the upstream gradient, the local
gradient(s) and the downstream gradients: downstream = upstream × local. A second example
shows the *copy sums* rule: a value used twice receives the sum of both gradients. Then the
2-3-1 sigmoid network's gradients are computed with BP1–BP4 by hand (NumPy) and checked
against autograd, and the activation functions' derivatives (from autograd) are plotted.

Run:  python examples/backprop_by_hand.py          (a few seconds; figures in runs/)
"""

import numpy as np
from _experiment_kit import check_target, experiment_parser, run_folder, save_figure, write_summary

import minigrad
from minigrad import Tensor, backward_steps
from nn import functional as F  # noqa: N812 (the PyTorch idiom)


def lecture_example() -> None:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    print(f"forward:  q = x + y = {q.item():g},  f = q · z = {f.item():g}\n")
    for step in backward_steps(f):
        print(step, end="\n\n")
    print(
        f"gradients: ∂f/∂x = {x.grad.item():g}, ∂f/∂y = {y.grad.item():g}, "
        f"∂f/∂z = {z.grad.item():g}   (add passes, mul swaps)\n"
    )


def copy_sums_example() -> None:
    w = Tensor(3.0, requires_grad=True, name="w")
    square = w * w
    square.name = "w²"
    g = square + w
    g.name = "g"
    print("g = w·w + w at w = 3: w is used three times, so its gradients are summed\n")
    for step in backward_steps(g):
        print(step, end="\n\n")
    print(f"∂g/∂w = 2w + 1 = {w.grad.item():g}   (copy sums)")


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def two_three_one(seed: int) -> float:
    """Deck 001's 2-3-1 sigmoid network, C = ½|y − a³|²: BP1–BP4 by hand against autograd.

    Returns the largest difference between the hand-derived and autograd gradients.
    """
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=2), np.array([0.8])
    w2, b2, w3, b3 = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(1, 3)), 0.1
    b3 = np.array([b3])
    # forward, by hand
    z2 = w2 @ x + b2
    a2 = sigmoid(z2)
    z3 = w3 @ a2 + b3
    a3 = sigmoid(z3)
    prime = lambda z: sigmoid(z) * (1 - sigmoid(z))  # noqa: E731
    delta3 = (a3 - y) * prime(z3)  # BP1: δᴸ = ∇ₐC ⊙ σ′(zᴸ)
    delta2 = (w3.T @ delta3) * prime(z2)  # BP2: δˡ = ((wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ′(zˡ)
    hand = {"b3": delta3, "w3": np.outer(delta3, a2), "b2": delta2, "w2": np.outer(delta2, x)}
    # the same network in minigrad
    params = {
        k: Tensor(v, requires_grad=True, name=k)
        for k, v in {"w2": w2, "b2": b2, "w3": w3, "b3": b3}.items()
    }
    a = (params["w2"] @ Tensor(x) + params["b2"]).sigmoid()
    out = (params["w3"] @ a + params["b3"]).sigmoid()
    cost = 0.5 * ((Tensor(y) - out) ** 2).sum()
    cost.backward()
    print(f"2-3-1 sigmoid network (deck 001), C = ½|y − a³|² = {cost.item():.5f}")
    print(f"  BP1  δ³ = ∇ₐC ⊙ σ′(z³)                 = {np.array2string(delta3, precision=5)}")
    print(f"  BP2  δ² = ((w³)ᵀ δ³) ⊙ σ′(z²)           = {np.array2string(delta2, precision=5)}")
    worst = 0.0
    for name, rule in [
        ("b3", "BP3  ∂C/∂b³ = δ³"),
        ("w3", "BP4  ∂C/∂w³ = δ³ (a²)ᵀ"),
        ("b2", "BP3  ∂C/∂b² = δ²"),
        ("w2", "BP4  ∂C/∂w² = δ² xᵀ"),
    ]:
        diff = float(np.max(np.abs(hand[name] - params[name].grad.numpy())))
        worst = max(worst, diff)
        print(f"  {rule:28s} autograd agrees to {diff:.1e}")
    return worst


ACTIVATIONS = {
    "sigmoid": lambda x: x.sigmoid(),
    "tanh": lambda x: x.tanh(),
    "ReLU": lambda x: x.relu(),
    "leaky ReLU (0.1)": lambda x: F.leaky_relu(x, 0.1),
}


def derivatives(grid: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """g(x) and g′(x) on ``grid`` for each activation, g′ from autograd (Σ g(x) backward)."""
    curves = {}
    for name, g in ACTIVATIONS.items():
        x = minigrad.tensor(grid, requires_grad=True)
        y = g(x)
        y.sum().backward()
        curves[name] = (y.numpy(), x.grad.numpy())
    return curves


def draw(grid: np.ndarray, curves: dict, out) -> list[str]:
    import matplotlib.pyplot as plt
    from _experiment_kit import colour, suptitle

    fig, (top, bottom) = plt.subplots(1, 2, sharex=True)
    for name, (value, slope) in curves.items():
        style = "--" if name.startswith("leaky") else "-"  # ReLU stays visible beneath it
        key = "relu" if "ReLU" in name else name
        top.plot(grid, value, style, label=name, color=colour(key) if "leaky" not in name else "k")
        bottom.plot(
            grid, slope, style, label=name, color=colour(key) if "leaky" not in name else "k"
        )
    top.set(xlabel="x (pre-activation)", ylabel="g(x)", title="activation g")
    bottom.set(xlabel="x (pre-activation)", ylabel="g′(x)", title="its derivative g′")
    bottom.axhline(0.25, color="grey", lw=1, ls=":")
    bottom.annotate("sigmoid: g′ ≤ 0.25", (grid[0], 0.29), fontsize=14, color="grey")
    top.legend(fontsize=13)
    suptitle(
        fig,
        r"The gradient through a unit is scaled by g′: $\partial\hat y/\partial x = "
        r"g'(wx + b)\,w$ (deck 004)",
    )
    return save_figure(fig, out, "activation_derivatives", svg=True)


def main(argv: list[str] | None = None) -> None:
    parser = experiment_parser("backprop_by_hand", __doc__.split("\n\n")[0])
    args = parser.parse_args(argv)
    lecture_example()
    copy_sums_example()
    print()
    worst = two_three_one(args.seed)
    grid = np.linspace(-5.0, 5.0, 201)
    curves = derivatives(grid)
    largest = {name: float(slope.max()) for name, (_, slope) in curves.items()}
    vanishing = {name: float(np.mean(slope < 0.01)) for name, (_, slope) in curves.items()}
    print("\nlargest g′ on [−5, 5]: " + ", ".join(f"{k} {v:.3g}" for k, v in largest.items()))
    out = run_folder(args)
    targets: list[dict] = []
    check_target(
        targets, "autograd's gradients equal the hand-derived BP1–BP4 (deck 001)", worst < 1e-12
    )
    check_target(
        targets,
        "some activations scale the gradient down: sigmoid's g′ never "
        "exceeds 0.25, ReLU's is 0 for x < 0 (deck 004)",
        largest["sigmoid"] <= 0.25 and vanishing["ReLU"] > 0.4,
    )
    write_summary(
        out,
        "backprop_by_hand",
        f"autograd matches BP1–BP4 on the 2-3-1 network to {worst:.0e}; the largest g′ is "
        + ", ".join(f"{k} {v:.2f}" for k, v in largest.items())
        + f"; g′ < 0.01 on {vanishing['sigmoid']:.0%} of [−5, 5] for sigmoid, "
        f"{vanishing['tanh']:.0%} for tanh, {vanishing['ReLU']:.0%} for ReLU",
        draw(grid, curves, out),
        targets,
        bp_max_difference=worst,
        largest_derivative=largest,
        near_zero_fraction=vanishing,
    )


if __name__ == "__main__":
    main()
