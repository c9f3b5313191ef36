"""Geometry of a Graphviz SVG for layout tests: the box of every node and of every text.

A text's box is measured with Helvetica's metrics (ReportLab ships them): exact for
graphviz-pure, whose font has Helvetica's metrics, and a lower bound for ``dot`` with a wider
system font, so an overlap found here is a real one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree

from reportlab.pdfbase.pdfmetrics import stringWidth

SVG = "{http://www.w3.org/2000/svg}"
SLACK = 0.5  # points two boxes may share before they count as overlapping (rounding)


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float
    what: str
    owner: str | None  # the node a text belongs to (its title), None for free text

    def overlaps(self, other: Box) -> bool:
        return (
            min(self.right, other.right) - max(self.left, other.left) > SLACK
            and min(self.bottom, other.bottom) - max(self.top, other.top) > SLACK
        )


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text)]


def _shape_box(element: ElementTree.Element) -> tuple[float, float, float, float] | None:
    tag = element.tag.removeprefix(SVG)
    if tag == "ellipse":
        cx, cy = float(element.get("cx")), float(element.get("cy"))
        rx, ry = float(element.get("rx")), float(element.get("ry"))
        return cx - rx, cy - ry, cx + rx, cy + ry
    if tag in ("polygon", "polyline", "path"):
        values = _numbers(element.get("points") or element.get("d") or "")
        xs, ys = values[0::2], values[1::2]
        if xs and ys:
            return min(xs), min(ys), max(xs), max(ys)
    return None


def text_box(element: ElementTree.Element, owner: str | None) -> Box | None:
    content = "".join(element.itertext())
    if not content.strip():
        return None
    size = float(element.get("font-size", "14"))
    font = "Helvetica-Bold" if element.get("font-weight") == "bold" else "Helvetica"
    width = stringWidth(content.rstrip("\xa0 "), font, size)
    x, y = float(element.get("x")), float(element.get("y"))
    anchor = element.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return Box(left, y - 0.72 * size, left + width, y + 0.21 * size, content, owner)


def boxes(svg: str | bytes) -> tuple[list[Box], list[Box]]:
    """(node boxes, text boxes) of an SVG that Graphviz wrote."""
    root = ElementTree.fromstring(svg)
    nodes: list[Box] = []
    texts: list[Box] = []
    in_nodes: set[int] = set()
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "node":
            continue
        title = group.findtext(f"{SVG}title") or "?"
        shapes = [b for e in group.iter() if (b := _shape_box(e)) is not None]
        if shapes:
            nodes.append(
                Box(
                    min(b[0] for b in shapes),
                    min(b[1] for b in shapes),
                    max(b[2] for b in shapes),
                    max(b[3] for b in shapes),
                    f"node {title}",
                    title,
                )
            )
        for element in group.iter(f"{SVG}text"):
            in_nodes.add(id(element))
            if (box := text_box(element, title)) is not None:
                texts.append(box)
    for element in root.iter(f"{SVG}text"):
        if id(element) not in in_nodes and (box := text_box(element, None)) is not None:
            texts.append(box)
    return nodes, texts


def overlaps(svg: str | bytes) -> list[str]:
    """Every text that overlaps a node it does not belong to, or another text."""
    nodes, texts = boxes(svg)
    found = []
    for text in texts:
        for node in nodes:
            if node.owner != text.owner and text.overlaps(node):
                found.append(f"text {text.what!r} ({text.owner}) on {node.what}")
    for i, one in enumerate(texts):
        for other in texts[i + 1 :]:
            if one.overlaps(other):
                found.append(f"text {one.what!r} ({one.owner}) on text {other.what!r}")
    return found
