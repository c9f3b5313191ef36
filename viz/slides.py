"""Slide-shaped output: vector PDF pages from SVG, rasters of an exact size, animations.

A PDF page here is the SVG that ``dot`` or ``graphviz-pure`` wrote, drawn by svglib and
ReportLab (pure-Python wheels, no system library): lines stay lines and text stays text, in
DejaVu Sans taken from matplotlib's own fonts and embedded, so every glyph the pictures use
(∂, ‖, Σ, ↓, …) is there on every machine. Graphviz sized the boxes for Helvetica's metrics;
each text is narrowed to the width Graphviz gave it, so nothing spills out of its box.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from viz.render import DEFAULT_DPI, svg_size_points

PAGES = {"16:9": (960.0, 540.0), "4:3": (720.0, 540.0)}
"""Slide pages in points: 13.33 × 7.5 and 10 × 7.5 inches (PowerPoint's and Beamer's shapes)."""
MARGIN = 18.0  # points of background around the drawing on a page
MIN_SQUEEZE = 0.85  # DejaVu is wider than Helvetica; narrower than this reads as squashed
FONT = "MinigradSans"
SVG_NS = "{http://www.w3.org/2000/svg}"


def page_points(page: str) -> tuple[float, float]:
    """Width and height in points of a ``"16:9"`` or ``"4:3"`` page.

    Examples
    --------
    >>> page_points("16:9"), page_points("4:3")
    ((960.0, 540.0), (720.0, 540.0))
    """
    if page not in PAGES:
        raise ValueError(f"page={page!r}: choose one of {', '.join(map(repr, PAGES))}")
    return PAGES[page]


def page_pixels(page: str, dpi: float | None) -> tuple[int, int]:
    """The pixel size of a ``page`` at ``dpi`` (96 by default): ``"16:9"`` at 150 is 2000 × 1125.

    Examples
    --------
    >>> page_pixels("16:9", 150), page_pixels("4:3", None)
    ((2000, 1125), (960, 720))
    """
    width, height = page_points(page)
    dpi = dpi or DEFAULT_DPI
    return round(width / 72 * dpi), round(height / 72 * dpi)


@cache
def _fonts() -> Any:
    """svglib's font map with DejaVu Sans (from matplotlib) as the one family, registered once."""
    import matplotlib
    from svglib.fonts import FontMap

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    fonts = FontMap()
    for weight, style, suffix in (
        ("normal", "normal", ""),
        ("bold", "normal", "-Bold"),
        ("normal", "italic", "-Oblique"),
        ("bold", "italic", "-BoldOblique"),
    ):
        _, ok = fonts.register_font(
            FONT, str(folder / f"DejaVuSans{suffix}.ttf"), weight=weight, style=style
        )
        if not ok:
            raise RuntimeError(f"could not load DejaVuSans{suffix}.ttf from {folder}")
    return fonts


def _layout_width(text: str, bold: bool, size: float) -> float:
    """The width Graphviz gave ``text``: Helvetica's metrics (DejaVu's, narrowed, for the rest)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    helvetica = "Helvetica-Bold" if bold else "Helvetica"
    dejavu = _font_name(bold, False)
    width = 0.0
    for ch in text:
        try:
            ch.encode("cp1252")
            width += stringWidth(ch, helvetica, size)
        except UnicodeEncodeError:
            width += 0.9 * stringWidth(ch, dejavu, size)
    return width


def _font_name(bold: bool, italic: bool) -> str:
    _fonts()
    return (
        FONT
        + {(0, 0): "", (1, 0): "-Bold", (0, 1): "-Italic", (1, 1): "-BoldItalic"}[
            (int(bold), int(italic))
        ]
    )


def _prepare(svg: bytes) -> Any:
    """The SVG as an lxml tree ready for svglib: one font, texts fitted, links and titles gone."""
    from lxml import etree
    from reportlab.pdfbase.pdfmetrics import stringWidth

    root = etree.fromstring(svg, parser=etree.XMLParser(resolve_entities=False))
    for title in list(root.iter(f"{SVG_NS}title")):
        title.getparent().remove(title)
    for link in root.iter(f"{SVG_NS}a"):
        link.tag = f"{SVG_NS}g"  # keep what the link holds, drop the link
    for text in list(root.iter(f"{SVG_NS}text")):
        content = "".join(text.itertext())
        bold = text.get("font-weight") == "bold"
        italic = text.get("font-style") == "italic"
        text.set("font-family", FONT)
        size = float(text.get("font-size", "14"))
        drawn = stringWidth(content, _font_name(bold, italic), size)
        if not content.strip() or drawn <= 0 or "x" not in text.attrib:
            continue
        # centre the text on the slot Graphviz measured, narrowed to (about) its width
        slot = _layout_width(content, bold, size)
        x, y = float(text.get("x")), float(text.get("y", "0"))
        anchor = text.get("text-anchor", "start")
        centre = x + {"start": slot / 2, "end": -slot / 2}.get(anchor, 0.0)
        text.set("text-anchor", "middle")
        text.set("x", f"{centre:g}")
        squeeze = min(1.0, max(MIN_SQUEEZE, slot / drawn))
        if squeeze < 0.999:
            group = etree.Element(f"{SVG_NS}g")
            narrow = (
                f"translate({centre:g} {y:g}) scale({squeeze:.4f} 1) translate({-centre:g} {-y:g})"
            )
            group.set("transform", narrow)
            text.addprevious(group)
            group.append(text)
    return root


def drawing(svg: bytes) -> Any:
    """A ReportLab Drawing of a Graphviz SVG (vector shapes and real text)."""
    from svglib.svglib import SvgRenderer

    root = _prepare(svg)
    quiet = logging.getLogger("svglib.svglib")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # e.g. "unsupported tag": what it leaves out we removed
    try:
        return SvgRenderer("", font_map=_fonts()).render(root)
    finally:
        quiet.setLevel(level)


def svg_to_pdf(
    svgs: Sequence[bytes], page: str | None = None, background: str | None = None
) -> bytes:
    """One PDF with a vector page per SVG, in order.

    Parameters
    ----------
    svgs : sequence of bytes
        SVG documents as Graphviz writes them.
    page : {"16:9", "4:3"}, optional
        Every page that shape (13.33 × 7.5 or 10 × 7.5 inches), the drawing scaled to fit
        and centred on ``background``; by default each page is its drawing's own size.
    background : str, optional
        ``#rrggbb`` around the drawing (default: the drawing's own background, else white).

    Examples
    --------
    >>> from viz.render import pipe
    >>> svg = pipe("digraph { a -> b }", "svg")
    >>> pdf = svg_to_pdf([svg, svg], page="16:9")
    >>> pdf[:5], pdf.count(b"/Type /Page\\n") + pdf.count(b"/Type /Page ") > 0
    (b'%PDF-', True)
    """
    from reportlab.graphics import renderPDF
    from reportlab.lib.colors import HexColor
    from reportlab.pdfgen.canvas import Canvas

    if not svgs:
        raise ValueError("svg_to_pdf needs at least one SVG")
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, pageCompression=1)
    for svg in svgs:
        picture = drawing(svg)
        width, height = svg_size_points(svg)
        if page is None:
            canvas.setPageSize((width, height))
            renderPDF.draw(picture, canvas, 0, 0)
            canvas.showPage()
            continue
        page_w, page_h = page_points(page)
        canvas.setPageSize((page_w, page_h))
        canvas.setFillColor(HexColor(background or svg_background(svg)))
        canvas.rect(0, 0, page_w, page_h, stroke=0, fill=1)
        scale = min((page_w - 2 * MARGIN) / width, (page_h - 2 * MARGIN) / height)
        canvas.saveState()
        canvas.translate((page_w - width * scale) / 2, (page_h - height * scale) / 2)
        canvas.scale(scale, scale)
        renderPDF.draw(picture, canvas, 0, 0)
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def svg_background(svg: bytes) -> str:
    """The fill of the background polygon Graphviz draws first (``#ffffff`` if none).

    Examples
    --------
    >>> svg_background(b'<g class="graph"><polygon fill="#1e1e2e" stroke="none"/>')
    '#1e1e2e'
    """
    import re

    found = re.search(rb'class="graph".*?<polygon fill="(#[0-9a-fA-F]{6})"', svg, flags=re.S)
    return found.group(1).decode() if found else "#ffffff"


def fit_png(data: bytes, size: tuple[int, int], background: str) -> bytes:
    """A PNG of exactly ``size`` pixels: ``data`` centred on ``background``.

    A picture a few pixels too large (Graphviz rounds its margins) loses them from its
    edges; one much larger is scaled down to fit; one smaller is padded, never blown up.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (1990, 1100), "red").save(buf, "PNG")
    >>> out = Image.open(io.BytesIO(fit_png(buf.getvalue(), (2000, 1125), "#ffffff")))
    >>> out.size, out.getpixel((1000, 5)), out.getpixel((1000, 562))
    ((2000, 1125), (255, 255, 255), (255, 0, 0))
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        picture = image.convert("RGB")
        dpi = image.info.get("dpi")
    scale = min(size[0] / picture.width, size[1] / picture.height)
    if scale < 0.98:
        shape = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
        picture = picture.resize(shape, Image.Resampling.LANCZOS)
    picture = picture.crop(_centred(picture.size, size))
    canvas = Image.new("RGB", size, background)
    canvas.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2))
    out = io.BytesIO()
    canvas.save(out, "PNG", **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def _centred(have: tuple[int, int], want: tuple[int, int]) -> tuple[int, int, int, int]:
    left = max(0, (have[0] - want[0]) // 2)
    top = max(0, (have[1] - want[1]) // 2)
    return left, top, left + min(have[0], want[0]), top + min(have[1], want[1])


def animation(frames: Sequence[bytes], path: Path, seconds: float) -> Path:
    """An animated GIF (``.gif``) or APNG (``.png``) of same-sized PNG ``frames``, looping."""
    from PIL import Image

    images = []
    for data in frames:
        with Image.open(io.BytesIO(data)) as image:
            images.append(image.convert("RGB"))
    options: dict[str, Any] = {"save_all": True, "append_images": images[1:], "loop": 0}
    options["duration"] = round(seconds * 1000)
    if path.suffix.lower() == ".gif":
        # one palette from (a sample of) every frame: colours stay put from frame to frame,
        # and a highlight that only later frames show keeps its colour
        sample = images[:: max(1, len(images) // 16)]
        small = [im.resize((max(1, im.width // 2), max(1, im.height // 2))) for im in sample]
        sheet = Image.new("RGB", (small[0].width, small[0].height * len(small)))
        for k, im in enumerate(small):
            sheet.paste(im, (0, k * small[0].height))
        palette = sheet.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        images = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
        options["append_images"] = images[1:]
        options["optimize"] = False
    images[0].save(path, **options)
    return path
