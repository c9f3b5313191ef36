"""The Jacobian product ∏ diag(f′)·W_hh of a trained tanh RNN, next to the measured ‖∂L/∂h_t‖.

Deck 003 (after Bengio et al. 1994) and deck 001: backprop through time multiplies the
upstream gradient by the hidden map's Jacobian ∂h_t/∂h_{t−1} = diag(1 − h_t²)·W_hh once per
step, so ∂L/∂h_k = (J_T ⋯ J_{k+1})ᵀ ∂L/∂h_T shrinks (or grows) exponentially with the
distance T − k. This script

1. trains a tanh ``nn.RNN`` on a task that needs memory (recall the first input after T
   steps);
2. computes every step's Jacobian with ``minigrad.functional.jacobian`` (and checks it
   against the closed form diag(1 − h_t²)·W_hh);
3. plots the singular values of the product ∂h_T/∂h_k against the distance T − k, at
   initialisation and after training, next to ‖∂L/∂h_k‖ measured by backprop
   (``nn.HiddenGradRecorder``), which the product predicts exactly.

Run:  python examples/jacobian_product.py           (about half a minute)
"""

from __future__ import annotations

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
from minigrad.functional import jacobian


class Recall(nn.Module):
    """tanh RNN → linear read-out of the last hidden state."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.rnn = nn.RNN(1, hidden, fused=False)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: minigrad.Tensor) -> minigrad.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[-1])


def batch(rng: np.random.Generator, steps: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """x_0 = ±1 to remember, then small noise; the target is x_0 at the last step."""
    x = rng.normal(scale=0.1, size=(steps, size, 1))
    x[0, :, 0] = rng.choice([-1.0, 1.0], size=size)
    return x, x[0].copy()


def train(model: Recall, steps: int, seq: int, rng: np.random.Generator, show: bool) -> list:
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in progress(range(steps), total=steps, desc="training", enabled=show):
        x, y = batch(rng, seq, 32)
        loss = nn.functional.mse_loss(model(minigrad.tensor(x)), minigrad.tensor(y))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return losses


def step_jacobians(model: Recall, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """J_t = ∂h_t/∂h_{t−1} for t = 1 … T−1 (by minigrad.functional.jacobian), and the states."""
    rnn = model.rnn
    w_ih, w_hh = rnn.weight_ih_l0, rnn.weight_hh_l0
    bias = rnn.bias_ih_l0 + rnn.bias_hh_l0
    with nn.StateRecorder(rnn) as rec, minigrad.no_grad():
        model(minigrad.tensor(x))
    states = rec.values("h")[:, 0].astype(np.float64)  # (T, H)
    jacobians = []
    for t in range(1, len(states)):
        drive = minigrad.tensor(x[t, 0]) @ w_ih.T + bias

        def step(h: minigrad.Tensor, drive: minigrad.Tensor = drive) -> minigrad.Tensor:
            return (drive + h @ w_hh.T).tanh()

        jac = jacobian(step, minigrad.tensor(states[t - 1], dtype=w_hh.dtype)).numpy()
        closed_form = np.diag(1 - states[t] ** 2) @ w_hh.numpy()
        np.testing.assert_allclose(jac, closed_form, atol=1e-4)
        jacobians.append(jac.astype(np.float64))
    return jacobians, states


def products(jacobians: list[np.ndarray]) -> list[np.ndarray]:
    """∂h_T/∂h_k for k = T … 0: the identity, J_T, J_T·J_{T−1}, …"""
    out = [np.eye(jacobians[0].shape[0])]
    for jac in reversed(jacobians):
        out.append(out[-1] @ jac)
    return out


def measured_grad_norms(model: Recall, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """‖∂L/∂h_k‖ by backprop for L = the read-out at the last step, and ∂L/∂h_T."""
    with nn.HiddenGradRecorder(model.rnn, keep_grads=True) as rec:
        y = model(minigrad.tensor(x))
    y.sum().backward()
    model.zero_grad()
    grads = rec.grads  # (layer, direction, t) → ∂L/∂h_t
    return rec.norms()[::-1], grads[max(grads)][0].astype(np.float64)


def analyse(model: Recall, x: np.ndarray) -> dict:
    jacobians, _ = step_jacobians(model, x)
    chain = products(jacobians)
    singular = np.array([np.linalg.svd(p, compute_uv=False) for p in chain])
    measured, g_last = measured_grad_norms(model, x)
    predicted = np.array([np.linalg.norm(p.T @ g_last) for p in chain])
    distance = np.arange(len(chain))
    slope = np.polyfit(distance[1:], np.log10(singular[1:, 0] + 1e-300), 1)[0]
    return {
        "singular": singular,
        "measured": measured,
        "predicted": predicted,
        "decades_per_step": float(slope),
        "max_rel_error": float(np.max(np.abs(predicted - measured) / (measured + 1e-30))),
    }


def draw(before: dict, after: dict, out) -> list[str]:
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    runs = [(before, "at initialisation", "--", "C0"), (after, "trained", "-", "C1")]
    for result, label, style, colour in runs:
        distance = np.arange(len(result["singular"]))
        singular = result["singular"]
        left.semilogy(
            distance, singular[:, 0], style, color=colour, lw=2.2, label=f"σ_max, {label}"
        )
        left.semilogy(distance, singular[:, 1:], style, color=colour, lw=0.6, alpha=0.45)
        right.semilogy(
            distance,
            result["measured"],
            "o",
            color=colour,
            ms=4,
            label=f"measured by backprop, {label}",
        )
        right.semilogy(
            distance, result["predicted"], style, color=colour, label=f"‖(∏J)ᵀ ∂L/∂h_T‖, {label}"
        )
    left.set(
        xlabel="distance T − k (steps back in time)",
        ylabel="singular values of ∂h_T/∂h_k = ∏ diag(f′)·W_hh",
        title="The Jacobian product over time",
    )
    right.set(
        xlabel="distance T − k", ylabel="‖∂L/∂h_k‖", title="Backprop measures what it predicts"
    )
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    return save_figure(fig, out, "jacobian_product", svg=True)


def main() -> None:
    parser = experiment_parser("jacobian_product", __doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="training steps")
    parser.add_argument("--seq-len", type=int, default=20, help="sequence length T")
    parser.add_argument("--hidden", type=int, default=16)
    args = parser.parse_args()
    if args.quick:
        args.steps, args.seq_len = 20, 8
    out = run_folder(args)
    rng = np.random.default_rng(args.seed)
    minigrad.manual_seed(args.seed)
    model = Recall(args.hidden)
    model.to("float64")
    probe, _ = batch(rng, args.seq_len, 1)
    before = analyse(model, probe)
    losses = train(model, args.steps, args.seq_len, rng, not args.no_progress)
    after = analyse(model, probe)
    print(f"loss {losses[0]:.3f} → {np.mean(losses[-20:]):.3f} over {args.steps} steps")
    for name, result in [("initialisation", before), ("trained", after)]:
        print(
            f"{name}: σ_max of ∂h_T/∂h_k changes by {result['decades_per_step']:+.3f} "
            f"decades per step; backprop vs the product: max rel. error "
            f"{result['max_rel_error']:.1e}"
        )
    targets: list[dict] = []
    check_target(
        targets,
        "backprop's ‖∂L/∂h_k‖ equals ‖(∏ diag(f′)W_hh)ᵀ ∂L/∂h_T‖",
        after["max_rel_error"] < 1e-6 and before["max_rel_error"] < 1e-6,
    )
    check_target(
        targets,
        "the product shrinks exponentially with distance at initialisation "
        "(Bengio 1994: vanishing gradients)",
        before["decades_per_step"] < 0,
    )
    write_summary(
        out,
        "jacobian_product",
        f"σ_max of ∏ diag(f′)W_hh changes by {before['decades_per_step']:+.3f} decades/step at "
        f"initialisation and {after['decades_per_step']:+.3f} after training; backprop's "
        f"‖∂L/∂h_k‖ matches the product to {after['max_rel_error']:.0e}",
        draw(before, after, out),
        targets,
        decades_per_step={
            "initialisation": before["decades_per_step"],
            "trained": after["decades_per_step"],
        },
        final_loss=float(np.mean(losses[-20:])),
    )


if __name__ == "__main__":
    main()
