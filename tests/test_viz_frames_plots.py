"""backward_frames and the matplotlib plots: files are real images, nothing is mutated."""

from __future__ import annotations

import numpy as np
import pytest

import viz
from minigrad import Tensor
from viz.demo import unroll

PNG = b"\x89PNG\r\n\x1a\n"


def is_png(path) -> bool:
    data = open(path, "rb").read()
    return data.startswith(PNG) and len(data) > 2_000


def test_backward_frames_one_per_step_plus_viewer(tmp_path) -> None:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    f = (x + y) * z
    x.grad = Tensor(10.0)
    paths = viz.backward_frames(f, tmp_path)
    assert len(paths) == 2 + 2  # forward, two ops, done
    assert all(is_png(p) for p in paths)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "ArrowRight" in page and "frame_003.png" in page and "mul swaps" in page
    assert x.grad.item() == 10.0 and y.grad is None  # .grad left as it was
    f.backward()  # graph still usable
    assert z.grad.item() == 3.0


def test_frames_write_upstream_local_downstream() -> None:
    from viz.frames import frames

    x = Tensor(-2.0, requires_grad=True, name="x")
    z = Tensor(-4.0, requires_grad=True, name="z")
    f = x * z
    step = frames(f)[1]
    notes = dict(next(iter(step.annotate.values())))
    assert notes["upstream"] == "1" and notes["local ∂/∂x"] == "-4"
    assert sorted(step.edge_labels.values()) == ["↓ -2", "↓ -4"]


def test_grad_norm_plot_saves_png(tmp_path) -> None:
    norms = {
        kind.upper(): viz.hidden_grad_norms(unroll(kind, 12).loss)
        for kind in ("rnn", "lstm", "gru")
    }
    assert all(len(v) == 12 for v in norms.values())
    fig = viz.grad_norm_plot(norms, save=tmp_path / "flow.png")
    assert fig.axes[0].get_yscale() == "log" and is_png(tmp_path / "flow.png")


def test_hidden_grad_norms_needs_composed_scopes() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="fused=False"):
        viz.hidden_grad_norms((x * x).sum())


def test_eigenvalue_plot_splits_gate_blocks(tmp_path) -> None:
    w = unroll("lstm", 1).params["weight_hh_l0"]
    fig = viz.eigenvalue_plot(w, save=tmp_path / "eig.png", gates=["i", "f", "g", "o"])
    assert "ρ =" in fig.axes[0].get_title() and is_png(tmp_path / "eig.png")


def test_training_curves(tmp_path) -> None:
    viz.training_curves(
        {"train": [3, 2, 1.5], "val": [3, 2.5, 2]}, save=tmp_path / "c.png", log=True
    )
    assert is_png(tmp_path / "c.png")


def test_text_heatmap_png_and_html(tmp_path) -> None:
    text = "to be, or not\nto be"
    acts = np.tanh(np.linspace(-2, 2, len(text)))
    viz.text_heatmap(text, acts, save=tmp_path / "h.png", width=20, title="unit 7")
    page = viz.text_heatmap_html(text, acts, save=tmp_path / "h.html")
    assert is_png(tmp_path / "h.png") and page.count("<span") == len(text)
    with pytest.raises(ValueError, match="one activation per character"):
        viz.text_heatmap("abc", [0.1])
