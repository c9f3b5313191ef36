"""Regenerate the README gallery in docs/gallery/: python examples/make_gallery.py

Every picture is deterministic: fixed seeds, and viz writes byte-identical DOT every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import minigrad
import viz
from minigrad import Tensor
from nn.rnn import GRU, LSTM, RNN
from viz.demo import unroll

OUT = Path(__file__).resolve().parent.parent / "docs" / "gallery"


def lecture_graph() -> Tensor:
    """f = (x + y) z with x = -2, y = 5, z = -4: the lectures' first example."""
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    return f


def demo_loss(kind: str, steps: int) -> Tensor:
    """The same cell in viz.demo: nn's scopes without its per-gate weight slicing, so the
    graph pictures show the recurrence rather than the parameter bookkeeping."""
    return unroll(kind, steps).loss


def recurrent_loss(kind: type, steps: int, hidden: int = 3, seed: int = 0) -> Tensor:
    """Loss = Σ h_T of a one-layer composed-form recurrent layer over ``steps`` steps."""
    minigrad.manual_seed(seed)
    model = kind(2, hidden, fused=False)
    out, _ = model(minigrad.randn(steps, 1, 2))
    loss = out[-1].sum()
    loss.name = "loss"
    return loss


def shrink(path: Path) -> None:
    """Re-save a PNG with a 256-colour palette: the gallery is committed, keep it small."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    f = lecture_graph()
    viz.render(viz.draw_graph(f, theme="slides", title="f = (x + y) · z"), OUT / "lecture.png")
    viz.render(viz.draw_graph(f, theme="dark", title="f = (x + y) · z"), OUT / "lecture_dark.png")

    lstm = demo_loss("lstm", steps=6)
    viz.render(
        viz.draw_graph(
            lstm,
            collapse="t=*",
            show_values=False,
            title="LSTM unrolled over 6 steps, one box per step",
        ),
        OUT / "lstm_collapsed.png",
    )
    viz.render(
        viz.draw_graph(
            demo_loss("lstm", steps=2), show_values=False, title="LSTM, 2 steps, every gate"
        ),
        OUT / "lstm_expanded.svg",
    )

    for name in ("rnn", "lstm"):
        loss = demo_loss(name, steps=8)
        dot = viz.draw_graph(
            loss,
            collapse="t=*",
            color_by="grad",
            grad_range=(-4, 1),
            show_values=False,
            title=f"{name.upper()}: ‖∂L/∂·‖ by colour",
        )
        viz.render(dot, OUT / f"grad_colour_{name}.png")

    frames = viz.backward_frames(lecture_graph(), OUT / "frames", fmt="png")
    for extra in frames[:1] + frames[2:]:
        extra.unlink()  # the gallery keeps one frame; the script shows how to make all
    (OUT / "frames" / "index.html").unlink()

    norms = {
        kind.__name__: viz.hidden_grad_norms(recurrent_loss(kind, steps=40, hidden=16))
        for kind in (RNN, LSTM, GRU)
    }
    viz.grad_norm_plot(
        norms,
        save=OUT / "grad_flow.png",
        title="‖∂L/∂h_t‖ through 40 steps (L = Σ h_40, PyTorch init)",
    )
    text = "the quick brown fox jumps over the lazy dog"
    viz.text_heatmap(
        text,
        np.tanh(np.sin(np.arange(len(text)) / 3.0) * 2),
        width=44,
        save=OUT / "heatmap.png",
        title="a hidden unit over characters (demo data)",
    )
    for png in OUT.rglob("*.png"):
        shrink(png)
    print("\n".join(sorted(str(p.relative_to(OUT.parent.parent)) for p in OUT.rglob("*.*"))))


if __name__ == "__main__":
    sys.exit(main())
