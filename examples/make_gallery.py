"""Regenerate the README gallery in docs/gallery/: python examples/make_gallery.py

Every picture is deterministic: fixed seeds, and viz writes byte-identical DOT every run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

import minigrad
import nn
import viz
from minigrad import Tensor
from nn import GRU, LSTM, RNN, HiddenGradRecorder

OUT = Path(__file__).resolve().parent.parent / "docs" / "gallery"
DPI = 150  # sharp on a projector; the graphs are also committed small enough at this size


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


def recurrent_loss(kind: type, steps: int, hidden: int = 3, seed: int = 0) -> Tensor:
    """Loss = Σ h_T of a one-layer composed-form (``fused=False``) nn layer over ``steps``.

    Taken from the final state ``h_n`` rather than ``out[-1]``: the same number, but the
    graph then ends at the last step instead of stacking every step's output first.
    """
    minigrad.manual_seed(seed)
    model = kind(2, hidden, fused=False)
    _, state = model(minigrad.randn(steps, 1, 2))
    h_n = state[0] if isinstance(state, tuple) else state
    loss = h_n.sum()
    loss.name = "loss"
    return loss


def step_norms(
    kind: type, steps: int, seed: int, hidden: int = 16, forget_bias: float | None = None
) -> np.ndarray:
    """‖∂L/∂h_t‖ for L = Σ h_T, recorded by nn.HiddenGradRecorder (fused form: same maths).

    ``forget_bias`` sets the LSTM's forget-gate bias with ``nn.init.lstm_forget_bias_``, as
    Jozefowicz et al. (2015) recommend; PyTorch's init draws it from ±1/√H like the rest.
    """
    minigrad.manual_seed(seed)
    model = kind(2, hidden)
    if forget_bias is not None:
        nn.init.lstm_forget_bias_(model, forget_bias)
    with HiddenGradRecorder(model) as recorder:
        out, _ = model(minigrad.randn(steps, 1, 2))
    out[-1].sum().backward()
    return recorder.norms()


def stepper_screenshot(path: Path, presses: int = 4) -> None:
    """The stepper page of the lecture graph after ``presses`` → presses, in headless Chromium.

    Needs Playwright (the ``dev`` extra) and a Chromium (``apt-get install chromium``).
    """
    import shutil
    import tempfile

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser = None
    if browser is None:
        print(f"skipped {path.name}: needs playwright and chromium", file=sys.stderr)
        return
    page = Path(tempfile.mkdtemp()) / "stepper.html"
    viz.stepper(lecture_graph(), page)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser, args=["--no-sandbox"])
        tab = chromium.new_page(viewport={"width": 1280, "height": 560})
        tab.goto(page.as_uri())
        for _ in range(presses):
            tab.keyboard.press("ArrowRight")
        tab.hover("g.node[data-item=t0]")
        tab.screenshot(path=str(path))
        chromium.close()


def shrink(path: Path) -> None:
    """Re-save a PNG with a 64-colour palette: the gallery is committed, keep it small."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Regenerate the README gallery (overwrites docs/gallery/ in place)."
    )
    parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    f = lecture_graph()
    viz.render(viz.draw_graph(f, theme="slides", title="f = (x + y) · z"), OUT / "lecture.png")
    viz.render(viz.draw_graph(f, theme="dark", title="f = (x + y) · z"), OUT / "lecture_dark.png")

    # nn's composed form: the per-gate weight views are made once, in scope "weights", and
    # every step reads copies of them (their gradients sum there); fold that scope to one box
    viz.render(
        viz.draw_graph(
            recurrent_loss(LSTM, steps=6),
            collapse=["t=*", "weights"],
            show_values=False,
            theme="slides",
            title="nn.LSTM(fused=False) unrolled over 6 steps, one box per step",
        ),
        OUT / "lstm_collapsed.png",
        dpi=DPI,
    )
    expanded = viz.draw_graph(
        recurrent_loss(LSTM, steps=2),
        collapse="weights",
        show_values=False,
        show_grads=False,  # the structure; the other pictures show the gradients
        title="nn.LSTM(fused=False), 2 steps, every gate",
    )
    viz.render(expanded, OUT / "lstm_expanded.svg")
    steps = viz.draw_graph(
        recurrent_loss(LSTM, steps=4),
        collapse=["t=*", "weights"],
        show_values=False,
        theme="slides",
        fit="16:9",
        title="nn.LSTM(fused=False), 4 steps on one line, weight copies above",
    )
    viz.render(steps, OUT / "lstm_steps_16x9.png", dpi=DPI)
    focus = viz.draw_graph(
        recurrent_loss(LSTM, steps=12),
        expand="t=6",
        theme="slides",
        fit="16:9",
        title="focus on step 6 of 12: every gate's value and gradient",
    )
    viz.render(focus, OUT / "lstm_focus_16x9.png", dpi=DPI)
    stepper_screenshot(OUT / "stepper.png")

    for kind in (RNN, LSTM):
        dot = viz.draw_graph(  # 8 steps in a row were 5.8 pt on a slide: show the ends only
            recurrent_loss(kind, steps=12),
            collapse=["t=*", "weights"],
            window=2,
            color_by="grad",
            grad_range=(-4, 1),
            show_values=False,
            theme="slides",
            fit="16:9",
            title=f"nn.{kind.__name__}, 12 steps: ‖∂L/∂·‖ by colour (L = Σ h_11)",
        )
        viz.render(dot, OUT / f"grad_colour_{kind.__name__.lower()}.png", dpi=DPI)

    frames = viz.backward_frames(lecture_graph(), OUT / "frames", fmt="png", dpi=DPI)
    for extra in frames[:1] + frames[2:]:
        extra.unlink()  # the gallery keeps one frame; the script shows how to make all
    (OUT / "frames" / "index.html").unlink()

    seeds = range(8)
    runs = {
        "RNN (tanh)": [step_norms(RNN, 40, s) for s in seeds],
        "GRU": [step_norms(GRU, 40, s) for s in seeds],
        "LSTM": [step_norms(LSTM, 40, s) for s in seeds],
        "LSTM, forget-gate bias 1": [step_norms(LSTM, 40, s, forget_bias=1.0) for s in seeds],
    }
    fig = viz.grad_norm_plot(
        {label: np.stack(r) for label, r in runs.items()},
        styles={"LSTM, forget-gate bias 1": {"linestyle": "--", "color": "black"}},
        title=r"$\Vert \partial L / \partial h_t \Vert$ over 40 steps (t = 0…39), "
        r"$L = \sum h_{39}$, H = 16, PyTorch init"
        "\n"
        "except dashed; geometric mean of 8 seeds, band = min–max",
    )
    fig.savefig(OUT / "grad_flow.png", dpi=DPI)
    # atlas_heatmap.png (a real unit of a trained LSTM) comes from examples/activations.py
    for png in OUT.rglob("*.png"):
        shrink(png)
    print("\n".join(sorted(str(p.relative_to(OUT.parent.parent)) for p in OUT.rglob("*.*"))))


if __name__ == "__main__":
    sys.exit(main())
