"""backward_frames and the matplotlib plots: files are real images, nothing is mutated."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad
import viz
from minigrad import Tensor
from nn import GRU, LSTM, RNN, HiddenGradRecorder

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
    rows = dict(frames(f)[1].rows)
    assert rows["upstream"] == "∂L/∂#0 = 1" and rows["local"] == "∂#0/∂x = -4   ∂#0/∂z = -2"
    assert rows["downstream"] == "∂L/∂x = 1 × -4 = -4   ∂L/∂z = 1 × -2 = -2"


def test_frames_name_tensors_as_stepping_and_pictures_do(tmp_path) -> None:
    """An unnamed intermediate is ``#k`` in the band, in ``str(step)`` and in the picture."""
    from viz.frames import frames

    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    f = (x + y) * z
    shown = frames(f)
    steps = list(minigrad.backward_steps(f, retain_graph=True))
    for frame, step in zip(shown[1:-1], steps, strict=True):
        assert frame.rows == step.rows()[1:]  # the band is what stepping prints
        assert frame.caption.endswith(step.rows()[0][1].split(" · ", 1)[1])
    assert "∂L/∂#0 = 1 × -4 = -4" in dict(shown[1].rows)["downstream"]
    assert "in0" not in str([f.rows for f in shown])
    svg = viz.backward_frames(f, tmp_path, fmt="svg")[1].read_text(encoding="utf-8")
    assert ">#0<" in svg and ">∂L/∂#0 = 1 × &#45;4 = &#45;4" in svg.replace("-", "&#45;")


def test_op_circles_stay_small_whatever_the_notes(tmp_path) -> None:
    """An op node holds its symbol only: the same size on every frame, and small."""
    svgs = [p.read_text() for p in viz.backward_frames(broadcast_graph(), tmp_path, fmt="svg")]
    for svg in svgs:
        radii = re.findall(r'<ellipse[^>]*rx="([\d.]+)" ry="([\d.]+)"', svg)
        assert radii and all(float(rx) < 40 and float(ry) < 40 for rx, ry in radii), radii


def _node_positions(svg: str) -> dict[str, str]:
    """Each node's title → the first coordinates Graphviz drew it at."""
    import re

    found = re.findall(
        r'class="node">\s*<title>([^<]+)</title>.*?(?:points|cx|d)="([^"]+)"', svg, flags=re.S
    )
    return dict(found)


def broadcast_graph() -> Tensor:
    b = Tensor([1.0, 2.0, 3.0], requires_grad=True, name="b")
    w = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, name="W")
    loss = ((w + b) * w).sum()  # W is used twice (copy sums); b is broadcast (un-broadcast)
    loss.name = "L"
    return loss


def test_every_frame_has_one_canvas_and_one_layout(tmp_path) -> None:
    paths = viz.backward_frames(broadcast_graph(), tmp_path, fmt="svg")
    svgs = [p.read_text(encoding="utf-8") for p in paths]
    sizes = {re.search(r'<svg width="([^"]+)" height="([^"]+)"', s).groups() for s in svgs}
    assert len(sizes) == 1, sizes
    layouts = [_node_positions(s) for s in svgs]
    assert len(layouts[0]) >= 7 and all(layout == layouts[0] for layout in layouts)


def test_frames_show_copy_sums_and_unbroadcast() -> None:
    from viz.frames import frames

    notes = [text for frame in frames(broadcast_graph()) for _, text in frame.rows]
    unbroadcast = [n for n in notes if "was broadcast" in n]
    assert unbroadcast == [
        "copy sums: b was broadcast from (3,) to (2, 3): its gradient sums over axis 0"
    ]
    copies = [n for n in notes if n.startswith("copy sums: ∂L/∂W")]
    assert len(copies) == 1 and copies[0].endswith("= [[ 3.,  6.,  9.], [ 9., 12., 15.]]")


def test_collapsed_frames_advance_per_visible_box(tmp_path) -> None:
    from viz.frames import frames

    loss = composed_loss(RNN, 4)
    expanded = frames(loss)
    boxed = frames(loss, collapse="t=*")
    assert len(expanded) - len(boxed) == 4 * (6 - 1)  # each step's 6 ops make one frame
    assert [f.caption.split(" · ")[1].split(":")[0] for f in boxed[4:8]] == [
        "t=3",
        "t=2",
        "t=1",
        "t=0",
    ]
    assert boxed[4].caption.startswith(f"step 4/{len(boxed) - 2} ")
    paths = viz.backward_frames(loss, tmp_path, fmt="svg", collapse="t=*")
    assert len(paths) == len(boxed)


@pytest.mark.parametrize("page, aspect", [(None, 16 / 9), ("4:3", 4 / 3)])
def test_pdf_deck_is_vector_slides_and_nothing_else(tmp_path, page, aspect) -> None:
    import pypdf

    options = {} if page is None else {"page": page}
    (deck,) = viz.backward_frames(broadcast_graph(), tmp_path, fmt="pdf", **options)
    assert [p.name for p in tmp_path.iterdir()] == ["frames.pdf"]  # no PNGs, no index.html
    reader = pypdf.PdfReader(deck)
    assert len(reader.pages) == 5  # forward, 3 ops, done
    for page_ in reader.pages:
        width, height = float(page_.mediabox.width), float(page_.mediabox.height)
        assert abs(width / height - aspect) < 1e-9 and height == 540  # 7.5 inches
        assert not page_.images  # drawn, not pictures of a drawing
    text = reader.pages[2].extract_text()
    assert "upstream" in text and "downstream" in text and "∂L/∂W" in text
    with pytest.raises(ValueError, match="fmt='jpeg'"):
        viz.backward_frames(broadcast_graph(), tmp_path, fmt="jpeg")
    with pytest.raises(ValueError, match="page='3:2'"):
        viz.backward_frames(broadcast_graph(), tmp_path, fmt="pdf", page="3:2")


def test_pdf_deck_without_dot(tmp_path, monkeypatch) -> None:
    import pypdf

    monkeypatch.setenv("MINIGRAD_RENDERER", "graphviz-pure")
    (deck,) = viz.backward_frames(broadcast_graph(), tmp_path, fmt="pdf")
    assert "∂L/∂W" in pypdf.PdfReader(deck).pages[3].extract_text()


@pytest.mark.parametrize("fmt, name", [("gif", "frames.gif"), ("apng", "frames.png")])
def test_animation_of_the_frames(tmp_path, fmt, name) -> None:
    from PIL import Image

    (path,) = viz.backward_frames(broadcast_graph(), tmp_path, fmt=fmt, dpi=72, seconds=1.5)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    with Image.open(path) as image:
        assert image.size == (960, 540) and image.n_frames == 5  # 16:9 at 72 dpi
        assert image.info["duration"] == 1500 and image.info.get("loop") == 0
        image.seek(2)  # a backward step: its highlight keeps its colour in the one palette
        colours = {c for _, c in image.convert("RGB").getcolors(1 << 16)}
        red = tuple(int(viz.get_theme("slides").highlight[i : i + 2], 16) for i in (1, 3, 5))
        assert any(sum(abs(a - b) for a, b in zip(c, red, strict=True)) < 30 for c in colours)


def test_png_frames_on_exact_slides(tmp_path) -> None:
    from PIL import Image

    paths = viz.backward_frames(broadcast_graph(), tmp_path, dpi=150, page="16:9")
    for path in paths:
        with Image.open(path) as image:
            assert image.size == (2000, 1125)


def composed_loss(layer: type, steps: int) -> Tensor:
    minigrad.manual_seed(0)
    out, _ = layer(2, 3, fused=False)(minigrad.randn(steps, 1, 2))
    return out[-1].sum()


def test_grad_norms_by_step_matches_nn_recorder(tmp_path) -> None:
    norms = {}
    for layer in (RNN, LSTM, GRU):
        by_scope = viz.grad_norms_by_step(composed_loss(layer, 12))
        minigrad.manual_seed(0)
        module = layer(2, 3, fused=False)
        with HiddenGradRecorder(module) as rec:
            out, _ = module(minigrad.randn(12, 1, 2))
        out[-1].sum().backward()
        np.testing.assert_allclose(by_scope, rec.norms(), rtol=1e-5)
        norms[layer.__name__] = rec.norms()  # the recorder's arrays plot as they are
    runs = np.stack([norms["LSTM"], norms["LSTM"] * 2])  # (runs, T): mean and band
    fig = viz.grad_norm_plot(
        {**norms, "LSTM ×2 runs": runs},
        save=tmp_path / "flow.png",
        styles={"LSTM ×2 runs": {"linestyle": "--"}},
    )
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 4 and is_png(tmp_path / "flow.png")
    assert ax.lines[3].get_linestyle() == "--" and len(ax.collections) == 1
    with pytest.raises(ValueError, match="1-D array"):
        viz.grad_norm_plot({"bad": np.ones((2, 2, 2))})


def test_grad_norms_by_step_picks_a_layer_and_needs_composed_scopes() -> None:
    minigrad.manual_seed(0)
    out, _ = LSTM(2, 3, num_layers=2, fused=False)(minigrad.randn(5, 1, 2))
    assert len(viz.grad_norms_by_step(out[-1].sum(), layer="lstm/l0")) == 5
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="fused=False"):
        viz.grad_norms_by_step((x * x).sum())


def test_eigenvalue_plot_splits_gate_blocks(tmp_path) -> None:
    w = LSTM(2, 3).weight_hh_l0
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


ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def test_import_viz_leaves_matplotlib_backend_alone() -> None:
    import subprocess
    import sys

    code = "import matplotlib; matplotlib.use('svg'); import viz; print(matplotlib.get_backend())"
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "svg"


def test_plots_show_inline_once_in_jupyter() -> None:
    """In a real kernel (inline backend): a plot that is a cell's result shows once, as PNG."""
    import os

    nbclient = pytest.importorskip("nbclient", reason="nbclient (dev extra) runs the kernel")
    nbformat = pytest.importorskip("nbformat", reason="nbformat (dev extra) builds the notebook")
    notebook = nbformat.v4.new_notebook()
    cells = [
        "import matplotlib; before = matplotlib.get_backend(); import viz\n"
        "assert matplotlib.get_backend() == before, matplotlib.get_backend()",
        "viz.training_curves({'train': [3.0, 2.0, 1.5]})",
        "for _ in range(3): viz.training_curves({'train': [1.0, 0.5]})",
        "import matplotlib.pyplot as plt; print(len(plt.get_fignums()))",
    ]
    notebook.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = str(ROOT)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute(env=env)
    outputs = [cell.outputs for cell in notebook.cells]
    assert not [o for out in outputs for o in out if o.output_type == "error"]
    images = [o for o in outputs[1] if "image/png" in o.get("data", {})]
    assert len(images) == 1  # shown, and only once
    assert outputs[3][0]["text"].strip() == "0"  # no figures pile up in pyplot


def test_no_raw_tex_in_plot_titles_and_no_time_derivative_legend() -> None:
    """Titles and labels write subscripts as mathtext ($h_{t-1}$) or Unicode, never bare."""
    calls = re.compile(r"(set_title|suptitle|set_ylabel|set_xlabel|title=|ylabel=|xlabel=)")
    sources = [*(ROOT / "viz").glob("*.py"), *(ROOT / "examples").glob("*.py")]
    bare = []
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if calls.search(line) and "_{" in re.sub(r"\$[^$]*\$", "", line):
                bare.append(f"{path.name}:{number}: {line.strip()}")
    assert bare == []
    x = Tensor(2.0, requires_grad=True, name="x")
    legend = viz.draw_graph(x * x, color_by="grad").source
    assert "‖∂L/∂·‖ (log scale)" in legend and "∂L/∂t" not in legend
