"""Rendering: formats, the dot / graphviz-pure fallback, the missing-renderer message, timing."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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
    """Pretend the given executables are not installed (on PATH nor beside Python)."""
    real = render_module.find_executable

    def find(cmd: str):
        return None if cmd in names else real(cmd)

    monkeypatch.setattr(render_module, "find_executable", find)
    monkeypatch.delenv(render_module.ENV_RENDERER, raising=False)


def test_some_renderer_is_installed() -> None:
    assert shutil.which("dot") or shutil.which("graphviz-pure"), "CI must have a renderer"


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_render_svg_and_png(tmp_path, suffix: str) -> None:
    out = viz.render(small_graph(), tmp_path / f"g.{suffix}")
    data = out.read_bytes()
    assert data.startswith(PNG if suffix == "png" else b"<?xml") and len(data) > 500


DOT_ALLOWED = shutil.which("dot") is not None and os.environ.get("MINIGRAD_RENDERER") in (
    None,
    "dot",
)


@pytest.mark.skipif(not DOT_ALLOWED, reason="PDF needs Graphviz's dot (absent or ruled out)")
def test_render_pdf(tmp_path) -> None:
    assert viz.render(small_graph(), tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("graphviz-pure") is None, reason="graphviz-pure not installed")
@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_graphviz_pure_explicitly(tmp_path, suffix: str) -> None:
    out = viz.render(small_graph(), tmp_path / f"g.{suffix}", renderer="graphviz-pure")
    assert out.read_bytes()[:5] in (PNG[:5], b"<?xml")


@pytest.mark.skipif(shutil.which("graphviz-pure") is None, reason="graphviz-pure not installed")
def test_falls_back_to_graphviz_pure_without_dot(tmp_path, monkeypatch) -> None:
    import pypdf

    hide(monkeypatch, "dot")
    assert viz.render(small_graph(), tmp_path / "g.png").read_bytes().startswith(PNG)
    pdf = viz.render(small_graph(), tmp_path / "g.pdf")  # vector, drawn from the SVG
    page = pypdf.PdfReader(pdf).pages[0]
    assert "x² + 1" in page.extract_text() and not page.images
    with pytest.raises(viz.RendererNotFoundError) as err:
        render_module.renderer_command("pdf")  # no *command* writes PDF here
    assert "MINIGRAD_RENDERER" not in str(err.value)  # the user never set it


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


PURE_BESIDE_PYTHON = (Path(sys.executable).parent / "graphviz-pure").is_file()


@pytest.mark.skipif(
    not PURE_BESIDE_PYTHON, reason="graphviz-pure is not installed beside this Python"
)
def test_renderer_found_beside_python_when_the_environment_is_not_activated(tmp_path) -> None:
    """The venv's python run by path, with nothing of the venv on PATH (a Jupyter kernel)."""
    script = (
        "import viz, minigrad; x = minigrad.Tensor(2.0, requires_grad=True, name='x'); "
        f"print(viz.render(viz.draw_graph(x * x), {str(tmp_path / 'g.png')!r}))"
    )
    env = {**os.environ, "PATH": str(tmp_path), "MINIGRAD_RENDERER": "graphviz-pure"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "g.png").read_bytes().startswith(PNG)


def test_environment_variable_chooses_the_renderer(monkeypatch) -> None:
    monkeypatch.setenv("MINIGRAD_RENDERER", "graphviz-pure")
    if render_module.find_executable("graphviz-pure"):
        assert Path(render_module.renderer_command("svg")[0]).name == "graphviz-pure"
    with pytest.raises(viz.RendererNotFoundError, match="PDF"):
        render_module.renderer_command("pdf")
    if render_module.find_executable("dot"):
        with pytest.raises(viz.RendererNotFoundError, match="MINIGRAD_RENDERER=graphviz-pure"):
            render_module.renderer_command("pdf")
    monkeypatch.setenv("MINIGRAD_RENDERER", "neato")
    with pytest.raises(ValueError, match="MINIGRAD_RENDERER='neato'"):
        render_module.renderer_command("svg")


def test_oversized_png_is_refused_before_drawing(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(render_module, "MAX_PIXELS", 10_000)
    with pytest.raises(viz.ImageTooLargeError) as err:
        viz.render(small_graph(), tmp_path / "big.png", dpi=300)
    message = str(err.value)
    for advice in (".svg", "dpi=", "window=", "collapse=", 'fit="16:9"'):
        assert advice in message
    assert not (tmp_path / "big.png").exists()
    assert viz.render(small_graph(), tmp_path / "big.svg").exists()  # vector: no limit


def test_render_creates_missing_folders(tmp_path) -> None:
    out = viz.render(small_graph(), tmp_path / "a" / "b" / "g.svg")
    assert out.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("hidden", [(), ("dot",)], ids=["any", "without-dot"])
def test_digraph_pipe_and_render_use_the_same_renderer_choice(tmp_path, monkeypatch, hidden):
    if hidden and render_module.find_executable("graphviz-pure") is None:
        pytest.skip("graphviz-pure not installed: nothing to fall back to")
    hide(monkeypatch, *hidden)
    g = small_graph()
    assert g.pipe(format="svg").lstrip().startswith(b"<?xml")
    assert g.pipe(format="svg", encoding="utf-8").lstrip().startswith("<?xml")
    written = g.render(tmp_path / "x", format="png")
    assert written == str(tmp_path / "x.png")
    assert Path(written).read_bytes().startswith(PNG)
    assert (tmp_path / "x").read_text().startswith("digraph")  # the source, as graphviz does
    out = g.render(outfile=tmp_path / "y.svg")
    assert Path(out).read_bytes().lstrip().startswith(b"<?xml")
    with pytest.raises(ValueError, match="engine='neato'"):
        g.render(tmp_path / "z", format="svg", engine="neato")


@pytest.mark.slow
@pytest.mark.skipif(
    render_module.find_executable("graphviz-pure") is None, reason="graphviz-pure not installed"
)
def test_50_step_expanded_lstm_png_is_refused_not_attempted(tmp_path) -> None:
    """graphviz-pure once tried to allocate hundreds of GB for this picture."""
    minigrad.manual_seed(0)
    _, (h, _) = LSTM(2, 3, fused=False)(minigrad.randn(50, 1, 2))
    dot = viz.draw_graph(h.sum(), collapse=None, show_values=True)
    with pytest.raises(viz.ImageTooLargeError, match="megapixels"):
        viz.render(dot, tmp_path / "lstm50.png", dpi=150, renderer="graphviz-pure")
    assert not (tmp_path / "lstm50.png").exists()
