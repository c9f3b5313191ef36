"""Rendering: formats, the dot / graphviz-pure fallback, the missing-renderer message, timing."""

from __future__ import annotations

import importlib
import shutil
import time

import pytest

import viz
from minigrad import Tensor
from viz.demo import unroll

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


def test_unknown_extension_and_dot_source(tmp_path) -> None:
    with pytest.raises(ValueError, match=r"\.svg"):
        viz.render(small_graph(), tmp_path / "g.jpeg")
    assert viz.render(small_graph(), tmp_path / "g.dot").read_text().startswith("digraph")


@pytest.mark.slow
def test_100_step_unrolled_lstm_renders_within_bound(tmp_path) -> None:
    start = time.perf_counter()
    dot = viz.draw_graph(unroll("lstm", 100).loss)
    svg = viz.render(dot, tmp_path / "lstm100.svg")
    elapsed = time.perf_counter() - start
    print(f"100-step composed LSTM: {len(dot.source)} bytes of DOT, {elapsed:.1f} s to SVG")
    assert svg.stat().st_size > 100_000
    assert elapsed < 60
