"""Layout checks on the SVG of unrolled pictures: steps on one line, no text on top of another
text or of a node it does not belong to, slides of exactly the promised size, legible focus views.

The SVG is parsed as Graphviz writes it (both ``dot`` and ``graphviz-pure``): every node, edge
and cluster is a ``<g>`` with a ``<title>``; a text's box is estimated from its anchor, font
size and length (an average Helvetica glyph is about half the font size wide).
"""

from __future__ import annotations

import io
import itertools
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

import minigrad
import viz
from minigrad import Tensor
from nn import GRU, LSTM
from viz.render import layout_svg
from viz.slide_fit import smallest_text

SVG = "{http://www.w3.org/2000/svg}"
GLYPH = 0.45  # an average glyph's width / font size, kept low: no false overlaps


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Box, margin: float = 0.5) -> bool:
        return (
            self.x0 + margin < other.x1
            and other.x0 + margin < self.x1
            and self.y0 + margin < other.y1
            and other.y0 + margin < self.y1
        )

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2


@dataclass
class Text:
    owner: str  # the title of the node, edge or cluster the text belongs to
    kind: str
    text: str
    box: Box


@dataclass
class Shape:
    name: str
    label: str  # its first text: a step box's "t=3"
    box: Box


def _numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _shape_box(group: ET.Element) -> Box | None:
    for element in group.iter():
        tag = element.tag.removeprefix(SVG)
        if tag in ("polygon", "path", "ellipse"):  # the first shape is the node's outline
            if tag == "ellipse":
                cx, cy = float(element.get("cx")), float(element.get("cy"))
                rx, ry = float(element.get("rx")), float(element.get("ry"))
                return Box(cx - rx, cy - ry, cx + rx, cy + ry)
            values = _numbers(element.get("points") or element.get("d") or "")
            xs, ys = values[0::2], values[1::2]
            if xs and ys:
                return Box(min(xs), min(ys), max(xs), max(ys))
    return None


def _text_box(element: ET.Element) -> Box:
    size = float(element.get("font-size", "14"))
    x, y = float(element.get("x")), float(element.get("y"))
    width = GLYPH * size * len((element.text or "").strip())
    anchor = element.get("text-anchor", "start")
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(x0, y - 0.7 * size, x0 + width, y + 0.2 * size)


def parse(svg: bytes) -> tuple[list[Shape], list[Text]]:
    root = ET.fromstring(svg)
    shapes: list[Shape] = []
    texts: list[Text] = []
    for group in root.iter(f"{SVG}g"):
        kind = group.get("class")
        if kind not in ("node", "edge", "cluster"):
            continue
        title = group.find(f"{SVG}title")
        name = title.text if title is not None else ""
        own = [t for t in group.iter(f"{SVG}text") if (t.text or "").strip()]
        texts.extend(Text(name, kind, t.text.strip(), _text_box(t)) for t in own)
        box = _shape_box(group)
        if kind == "node" and box is not None:
            shapes.append(Shape(name, own[0].text.strip() if own else "", box))
    return shapes, texts


def overlaps(svg: bytes) -> list[str]:
    """Every text that lies on another element's text or on a node it does not belong to."""
    shapes, texts = parse(svg)
    found = []
    for k, a in enumerate(texts):
        for b in texts[k + 1 :]:
            if a.owner != b.owner and a.box.overlaps(b.box):
                found.append(f"text {a.text!r} ({a.owner}) on text {b.text!r} ({b.owner})")
        for shape in shapes:
            if shape.name != a.owner and a.box.overlaps(shape.box):
                found.append(f"text {a.text!r} ({a.owner}) on node {shape.label!r}")
    return found


def steps_off_line(svg: bytes) -> list[str]:
    """Step boxes (``t=k``, elision markers) not on one horizontal line, or out of order."""
    shapes, _ = parse(svg)
    steps = step_boxes(shapes)
    ys = [s.box.centre[1] for s in steps]
    problems = [f"{s.label} at y={y:.1f}" for s, y in zip(steps, ys, strict=True)]
    off = bool(ys) and max(ys) - min(ys) > 1.0
    numbered = sorted((int(s.label[2:]), s.box.centre[0]) for s in steps if s.label[:2] == "t=")
    in_order = all(a[1] < b[1] for a, b in itertools.pairwise(numbered))
    return (problems if off else []) + ([] if in_order else [f"steps out of order: {numbered}"])


def step_boxes(shapes: list[Shape]) -> list[Shape]:
    return [s for s in shapes if re.fullmatch(r"t=\d+|… \d+ steps …", s.label)]


def empty_quarters(svg: bytes) -> list[str]:
    """The quarters of the canvas (in layout coordinates) without any node in them."""
    shapes, _ = parse(svg)
    x0, x1 = min(s.box.x0 for s in shapes), max(s.box.x1 for s in shapes)
    y0, y1 = min(s.box.y0 for s in shapes), max(s.box.y1 for s in shapes)
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quarters = {
        "top left": Box(x0, y0, xm, ym),
        "top right": Box(xm, y0, x1, ym),
        "bottom left": Box(x0, ym, xm, y1),
        "bottom right": Box(xm, ym, x1, y1),
    }
    return [n for n, q in quarters.items() if not any(q.overlaps(s.box, 0) for s in shapes)]


def recurrent(kind: type, steps: int, hidden: int = 3) -> Tensor:
    minigrad.manual_seed(0)
    _, state = kind(2, hidden, fused=False)(minigrad.randn(steps, 1, 2))
    h = state[0] if isinstance(state, tuple) else state
    loss = h.sum()
    loss.name = "loss"
    return loss


def quiet(root: Tensor, **options) -> viz.SafeDigraph:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", viz.IllegibleTextWarning)
        return viz.draw_graph(root, **options)


# --- the checks can fail --------------------------------------------------------------------


def _two_steps(second_top: int, label_x: int) -> bytes:
    """t=0 at the top left, t=1 lower by ``second_top``, an edge label starting at label_x."""
    top, bottom, text = second_top, second_top + 20, second_top + 14
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="100pt">
    <g class="node"><title>a</title><polygon fill="#fff" points="0,0 40,0 40,20 0,20 0,0"/>
      <text x="20" y="14" text-anchor="middle" font-size="10">t=0</text></g>
    <g class="node"><title>b</title>
      <polygon fill="#fff" points="50,{top} 90,{top} 90,{bottom} 50,{bottom} 50,{top}"/>
      <text x="70" y="{text}" text-anchor="middle" font-size="10">t=1</text></g>
    <g class="edge"><title>a-&gt;b</title>
      <text x="{label_x}" y="{text}" font-size="10">grad -4</text></g>
    </svg>""".encode()


def test_the_checks_catch_what_they_look_for() -> None:
    staircase = _two_steps(second_top=30, label_x=52)
    assert steps_off_line(staircase) and not steps_off_line(_two_steps(0, 52))
    assert any("on node 't=1'" in p for p in overlaps(staircase))
    assert "text 't=1' (b) on text 'grad -4' (a->b)" in overlaps(staircase)
    assert overlaps(_two_steps(30, 100)) == []
    assert empty_quarters(staircase) == ["top right", "bottom left"]


# --- unrolled pictures -------------------------------------------------------------------------


@pytest.mark.parametrize("steps", [2, 4, 9])
@pytest.mark.parametrize("kind", [LSTM, GRU])
def test_folded_steps_sit_on_one_line_in_order(kind: type, steps: int) -> None:
    dot = quiet(recurrent(kind, steps), collapse=["t=*", "weights"], theme="slides", fit="16:9")
    svg = layout_svg(dot.source)
    assert len(step_boxes(parse(svg)[0])) == steps
    assert steps_off_line(svg) == []
    assert overlaps(svg) == []
    if steps >= 4:  # (two steps leave a corner to the clusters' background)
        assert empty_quarters(svg) == []


def test_weight_copies_sit_on_their_own_row_above_the_steps() -> None:
    dot = quiet(recurrent(LSTM, 5), collapse=["t=*", "weights"], fit="16:9")
    shapes, _ = parse(layout_svg(dot.source))
    steps = [s for s in shapes if s.label.startswith("t=")]
    copies = [s for s in shapes if s.label == "copy of weights"]
    assert len(copies) == 5
    step_top = min(s.box.y0 for s in steps)
    assert all(c.box.y1 <= step_top for c in copies)  # SVG y grows downwards: above
    ys = [c.box.centre[1] for c in copies]
    assert max(ys) - min(ys) < 1.0


def test_window_keeps_the_line() -> None:
    dot = quiet(recurrent(LSTM, 12), collapse=["t=*", "weights"], window=2)
    assert steps_off_line(layout_svg(dot.source)) == []


def test_a_slide_is_exactly_the_size_promised_and_filled(tmp_path) -> None:
    from PIL import Image

    dot = quiet(recurrent(LSTM, 4), collapse=["t=*", "weights"], theme="slides", fit="16:9")
    for dpi, size in ((150, (2000, 1125)), (96, (1280, 720)), (60, (800, 450))):
        with Image.open(viz.render(dot, tmp_path / f"s{dpi}.png", dpi=dpi)) as image:
            assert image.size == size
    svg = viz.render(dot, tmp_path / "s.svg").read_bytes()
    assert re.search(rb'<svg width="959.98pt" height="540.00pt"', svg)
    assert empty_quarters(svg) == []
    four_three = quiet(recurrent(LSTM, 2), collapse=["t=*", "weights"], fit="4:3")
    with Image.open(viz.render(four_three, tmp_path / "s43.png", dpi=100)) as image:
        assert image.size == (1000, 750)


def test_a_small_graph_scaled_up_to_a_slide_is_exact_too(tmp_path) -> None:
    from PIL import Image

    x = Tensor(2.0, requires_grad=True, name="x")
    with Image.open(viz.render(viz.draw_graph(x * x, fit="16:9"), tmp_path / "x.png")) as image:
        assert image.size == (1280, 720)


# --- focus view --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "steps", "focus"),
    [(LSTM, 1, 0), (LSTM, 4, 2), (LSTM, 30, 15), (LSTM, 30, 29), (GRU, 6, 0), (GRU, 30, 14)],
)
def test_focus_view_is_legible_on_a_slide(kind: type, steps: int, focus: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", viz.IllegibleTextWarning)
        dot = viz.draw_graph(recurrent(kind, steps), expand=f"t={focus}", fit="16:9")
    svg = layout_svg(dot.source)
    assert smallest_text(svg) >= 8.0
    assert overlaps(svg) == []
    source = dot.source
    gates = ("forget_gate", "output_gate") if kind is LSTM else ("reset_gate", "update_gate")
    for gate in gates:  # every gate of the focused step, with its value and gradient
        assert f"<B>{gate}</B>" in source
    assert source.count(">&#160;&#160;grad<") >= 4 and f"label=<t={focus}>" in source
    assert steps_off_line(svg) == []


def test_focus_view_keeps_the_focus_and_the_step_before() -> None:
    source = viz.draw_graph(recurrent(LSTM, 30), expand="t=15").source
    assert "label=<t=15>" in source and ">t=14</B>" in source
    assert source.count("… 14 steps …") == 2  # t=0…13 and t=16…29
    assert ">t=16</B>" not in source and ">t=0</B>" not in source


def test_focus_view_of_a_plain_step_opens_its_one_part() -> None:
    from nn import RNN

    source = viz.draw_graph(recurrent(RNN, 3), expand="t=1").source
    assert "label=<hidden>" in source and "tanh" in source


def test_focus_on_nothing_says_what_the_scopes_look_like() -> None:
    with pytest.raises(ValueError, match=r"expand='t=99' matches no scope.*'lstm/l0/"):
        viz.draw_graph(recurrent(LSTM, 2), expand="t=99")


# --- legibility warnings -------------------------------------------------------------------------


def test_a_slide_with_tiny_text_warns_and_says_what_to_do(tmp_path) -> None:
    loss = recurrent(LSTM, 4)
    with pytest.warns(viz.IllegibleTextWarning) as caught:
        dot = viz.draw_graph(loss, collapse="weights", fit="16:9")
    message = str(caught[0].message)
    assert caught[0].filename == __file__  # points at the user's line
    for advice in ('collapse="t=*"', "window=", 'expand="t=k"', ".svg"):
        assert advice in message
    assert float(re.search(r"would be ([\d.]+) pt", message).group(1)) < 8
    with warnings.catch_warnings():
        warnings.simplefilter("error", viz.IllegibleTextWarning)
        viz.render(dot, tmp_path / "said.png", dpi=50)  # draw_graph said it already
    with pytest.warns(viz.IllegibleTextWarning):
        viz.render(quiet(loss, collapse="weights"), tmp_path / "big.png", dpi=30)


def test_legible_pictures_and_svg_do_not_warn(tmp_path) -> None:
    x = Tensor(-2.0, requires_grad=True, name="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error", viz.IllegibleTextWarning)
        viz.render(viz.draw_graph(x * x, fit="16:9"), tmp_path / "ok.png")
        big = viz.draw_graph(recurrent(LSTM, 3), collapse="weights")
        viz.render(big, tmp_path / "zoom.svg")  # an SVG can be zoomed: no warning


def test_pixels_of_a_png_match_the_svg_layout(tmp_path) -> None:
    from PIL import Image

    dot = quiet(recurrent(GRU, 3), expand="t=1", fit="16:9")
    png = viz.render(dot, tmp_path / "g.png", dpi=150).read_bytes()
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (2000, 1125)
