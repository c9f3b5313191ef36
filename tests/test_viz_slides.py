"""Pictures for slides: no text on a node or another text in any frame, exact slide sizes."""

from __future__ import annotations

import os
import shutil

import pytest
from PIL import Image
from svg_boxes import boxes, overlaps

import minigrad
import viz
from minigrad import Tensor
from nn import LSTM, RNN

RENDERERS = [
    r
    for r in ("dot", "graphviz-pure")
    if shutil.which(r) and os.environ.get("MINIGRAD_RENDERER") in (None, r)
]


@pytest.fixture(params=RENDERERS or [None])
def renderer(request, monkeypatch):
    if request.param is None:
        pytest.skip("no renderer installed")
    monkeypatch.setenv("MINIGRAD_RENDERER", request.param)
    return request.param


def lecture() -> Tensor:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    return (x + y) * z


def shared_and_broadcast() -> Tensor:
    b = Tensor([1.0, 2.0, 3.0], requires_grad=True, name="b")
    w = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, name="W")
    loss = ((w + b) * w).sum()
    loss.name = "L"
    return loss


def rnn_loss() -> Tensor:
    minigrad.manual_seed(0)
    out, _ = RNN(2, 3, fused=False)(minigrad.randn(3, 1, 2))
    return out[-1].sum()


@pytest.mark.parametrize(
    "graph, options",
    [(lecture, {}), (shared_and_broadcast, {}), (rnn_loss, {"collapse": "t=*"})],
    ids=["lecture", "copy-and-broadcast", "rnn-collapsed"],
)
def test_no_text_lands_on_a_node_or_another_text(tmp_path, renderer, graph, options) -> None:
    paths = viz.backward_frames(graph(), tmp_path, fmt="svg", **options)
    for path in paths:
        svg = path.read_text(encoding="utf-8")
        nodes, texts = boxes(svg)
        assert nodes and len(texts) > len(nodes)  # the parser found what it checks
        assert overlaps(svg) == [], path.name


def test_layout_check_catches_a_label_on_a_node(renderer) -> None:
    """The check above can fail: an edge label written on the graph lands on nodes."""
    f = lecture()
    x = f.node.parents[0].node.parents[0]
    labels = {(x, f.node.parents[0].node): "a long label written on the edge, over nodes"}
    svg = viz.draw_graph(f, edge_labels=labels, theme="slides").pipe(format="svg")
    assert overlaps(svg)


def test_frames_keep_op_nodes_compact_and_notes_off_the_graph(tmp_path, renderer) -> None:
    """Op circles only hold their symbol; the step's numbers are all in the band."""
    paths = viz.backward_frames(lecture(), tmp_path, fmt="svg")
    svg = paths[2].read_text(encoding="utf-8")  # the add step
    nodes, texts = boxes(svg)
    ops = [n for n in nodes if n.owner.startswith("op")]
    assert len(ops) == 2 and all(n.right - n.left < 60 for n in ops)
    band = [t for t in texts if t.owner is None]
    top_of_graph = min(n.top for n in nodes)
    assert {"upstream", "local", "downstream"} <= {t.what for t in band}
    assert all(t.bottom <= top_of_graph for t in band)  # above the graph, never on it


@pytest.mark.parametrize("fit, dpi, size", [("16:9", 150, (2000, 1125)), ("4:3", None, (960, 720))])
def test_fit_png_is_exactly_the_promised_size(tmp_path, renderer, fit, dpi, size) -> None:
    """README: fit="16:9" at dpi=150 is 2000 × 1125 pixels."""
    minigrad.manual_seed(0)
    _, (h, _) = LSTM(2, 3, fused=False)(minigrad.randn(2, 1, 2))
    dot = viz.draw_graph(h.sum(), collapse="weights", show_values=False, theme="slides", fit=fit)
    with Image.open(viz.render(dot, tmp_path / "slide.png", dpi=dpi)) as image:
        assert image.size == size
