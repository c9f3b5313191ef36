"""Rendering: formats, the dot / graphviz-pure fallback, the missing-renderer message, timing."""

from __future__ import annotations

import importlib
import shutil
import time

import pytest

import minigrad
import viz
from minigrad import Tensor
from nn import LSTM

render_module = importlib.import_module("viz.render")

PNG = b"\x89PNG\r\n\x1a\n"


def small_graph() -> viz.SafeDigraph:
    x = Tensor(2.0, requires_grad=True, name="x")
    return viz.draw_graph(x * x + 1.0, title="x² + 1")


def hide(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Pretend the given executables are not installed."""
    real = shutil.which

    def which(cmd: str, *args, **kwargs):
        return None if cmd in names else real(cmd, *args, **kwargs)

    monkeypatch.setattr(render_module.shutil, "which", which)


def test_some_renderer_is_installed() -> None:
    assert shutil.which("dot") or shutil.which("graphviz-pure"), "CI must have a renderer"


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_render_svg_and_png(tmp_path, suffix: str) -> None:
    out = viz.render(small_graph(), tmp_path / f"g.{suffix}")
    data = out.read_bytes()
    assert data.startswith(PNG if suffix == "png" else b"<?xml") and len(data) > 500


@pytest.mark.skipif(shutil.which("dot") is None, reason="PDF needs Graphviz's dot")
def test_render_pdf(tmp_path) -> None:
    assert viz.render(small_graph(), tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("graphviz-pure") is None, reason="graphviz-pure not installed")
@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_graphviz_pure_explicitly(tmp_path, suffix: str) -> None:
    out = viz.render(small_graph(), tmp_path / f"g.{suffix}", renderer="graphviz-pure")
    assert out.read_bytes()[:5] in (PNG[:5], b"<?xml")


@pytest.mark.skipif(shutil.which("graphviz-pure") is None, reason="graphviz-pure not installed")
def test_falls_back_to_graphviz_pure_without_dot(tmp_path, monkeypatch) -> None:
    hide(monkeypatch, "dot")
    assert viz.render(small_graph(), tmp_path / "g.png").read_bytes().startswith(PNG)
    with pytest.raises(viz.RendererNotFoundError, match="apt-get install graphviz"):
        viz.render(small_graph(), tmp_path / "g.pdf")


def test_missing_renderers_say_what_to_install(tmp_path, monkeypatch) -> None:
    hide(monkeypatch, "dot", "graphviz-pure")
    with pytest.raises(viz.RendererNotFoundError) as err:
        viz.render(small_graph(), tmp_path / "g.svg")
    assert "apt-get install graphviz" in str(err.value)
    assert "pip install graphviz-pure" in str(err.value)


def test_jupyter_display_never_crashes_without_dot(monkeypatch) -> None:
    dot = small_graph()
    hide(monkeypatch, "dot", "graphviz-pure")
    assert dot._repr_mimebundle_() == {"text/plain": dot.source}
    assert dot._repr_svg_() is None


def test_jupyter_display_renders_svg() -> None:
    bundle = small_graph()._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_png_dpi_scales_the_image(tmp_path) -> None:
    from PIL import Image

    default = viz.render(small_graph(), tmp_path / "a.png")
    sharp = viz.render(small_graph(), tmp_path / "b.png", dpi=192)
    with Image.open(default) as a, Image.open(sharp) as b:
        assert abs(b.width / a.width - 2.0) < 0.1 and abs(b.height / a.height - 2.0) < 0.1
    with pytest.raises(ValueError, match="PNG only"):
        viz.render(small_graph(), tmp_path / "g.svg", dpi=150)
    with pytest.raises(ValueError, match="positive"):
        viz.render(small_graph(), tmp_path / "g.png", dpi=0)


def test_unknown_extension_and_dot_source(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"\.svg"):
        viz.render(small_graph(), tmp_path / "g.jpeg")
    assert viz.render(small_graph(), tmp_path / "g.dot").read_text().startswith("digraph")


@pytest.mark.slow
def test_100_step_unrolled_lstm_renders_within_bound(tmp_path) -> None:
    minigrad.manual_seed(0)
    out, _ = LSTM(2, 3, fused=False)(minigrad.randn(100, 1, 2))
    start = time.perf_counter()
    dot = viz.draw_graph(out[-1].sum())
    svg = viz.render(dot, tmp_path / "lstm100.svg")
    elapsed = time.perf_counter() - start
    print(f"nn.LSTM(fused=False), 100 steps: {len(dot.source)} B of DOT, {elapsed:.1f} s to SVG")
    assert svg.stat().st_size > 100_000
    assert elapsed < 60
