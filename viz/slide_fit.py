"""Pictures for slides: exactly the size promised, and text large enough to read.

``draw_graph(..., fit="16:9")`` asks Graphviz for a 13.33 × 7.5-inch drawing; Graphviz rounds
and pads it to a few points less, so :func:`exact_size` sets the SVG's size and pads the PNG
to exactly the slide (2000 × 1125 pixels at ``dpi=150``). :func:`smallest_text` reads a laid
out SVG for the size its smallest text will have on a 13.33-inch-wide slide, and
:func:`warn_if_illegible` warns (:class:`IllegibleTextWarning`) below :data:`MIN_POINTS`,
saying what makes the picture readable.
"""

from __future__ import annotations

import os
import re
import sys
import warnings

MIN_POINTS = 8.0
"""The smallest text, in points on the slide, that :func:`warn_if_illegible` accepts: about
what the back of a lecture room can read on a projected 13.33-inch-wide slide."""
SLIDE_POINTS = (960.0, 540.0)  # a 13.33 × 7.5-inch (16:9) slide, in points

ADVICE = (
    'fold each time step with collapse="t=*", show only the ends with window=k, focus on '
    'one step with expand="t=k" (the other steps folded), hide values with '
    "show_values=False, or write .svg and zoom in"
)


class IllegibleTextWarning(UserWarning):
    """A picture's smallest text would be under :data:`MIN_POINTS` points on a slide."""


_SLIDE = re.compile(r'\bsize="([\d.]+),([\d.]+)!"')
_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.S)
_SCALE = re.compile(rb'<g id="graph0"[^>]*transform="scale\(([\d.]+)(?: ([\d.]+))?\)')
_FONT = re.compile(rb'font-size="([\d.]+)"')
_BACKGROUND = re.compile(r'\bbgcolor="(#[0-9a-fA-F]{6})"')


def slide_inches(source: str) -> tuple[float, float] | None:
    """The slide size, in inches, that DOT ``source`` must fill exactly (``fit=``), else None.

    Examples
    --------
    >>> slide_inches('digraph { ratio=fill size="13.333,7.5!" }')
    (13.333, 7.5)
    >>> slide_inches('digraph { size="6,4" }') is None
    True
    """
    match = _SLIDE.search(source)
    if match is None or "ratio=fill" not in source:
        return None
    return float(match.group(1)), float(match.group(2))


def exact_size(data: bytes, fmt: str, source: str, dpi: float) -> bytes:
    """``data`` (an SVG or PNG of ``source``) at exactly the slide size ``source`` asks for.

    Graphviz's output is a few points or pixels off; the SVG gets the exact width and height
    (its drawing centred), the PNG goes through :func:`viz.slides.fit_png` (padded or trimmed
    evenly with the background colour).
    Anything else, or a picture not fitted to a slide, is returned as it is.
    """
    inches = slide_inches(source)
    if inches is None:
        return data
    if fmt == "svg":
        width, height = (f"{72 * x:.2f}pt" for x in inches)
        return _SVG_TAG.sub(
            lambda tag: re.sub(
                rb'height="[\d.]+pt"',
                f'height="{height}"'.encode(),
                re.sub(rb'width="[\d.]+pt"', f'width="{width}"'.encode(), tag.group(0), count=1),
                count=1,
            ),
            data,
            count=1,
        )
    if fmt != "png":
        return data
    from viz.slides import fit_png  # imported here: viz.slides imports viz.render

    match = _BACKGROUND.search(source)
    size = (round(inches[0] * dpi), round(inches[1] * dpi))
    return fit_png(data, size, match.group(1) if match else "#ffffff")


def smallest_text(svg: bytes) -> float | None:
    """The size, in points, of the SVG's smallest text shown on a 13.33 × 7.5-inch slide.

    A picture larger than the slide is scaled down to fit it; a smaller one is shown as it
    is. ``None`` when the picture has no text.

    Examples
    --------
    >>> svg = (b'<svg width="1920pt" height="540pt" viewBox="0 0 1920 540">'
    ...        b'<g id="graph0" class="graph" transform="scale(1 1) rotate(0)">'
    ...        b'<text font-size="14.00">a</text><text font-size="10.00">b</text>')
    >>> smallest_text(svg)  # twice the slide's width: 10 pt text shows at 5 pt
    5.0
    """
    from viz.render import svg_size_points

    fonts = [float(f) for f in _FONT.findall(svg)]
    if not fonts:
        return None
    scale = _SCALE.search(svg)
    drawn = 1.0 if scale is None else min(float(g) for g in scale.groups() if g is not None)
    width, height = svg_size_points(svg)
    shown = min(1.0, SLIDE_POINTS[0] / width, SLIDE_POINTS[1] / height)
    return min(fonts) * drawn * shown


def advice(svg: bytes) -> str | None:
    """The warning for an SVG whose text would be too small on a slide, else ``None``."""
    points = smallest_text(svg)
    if points is None or points >= MIN_POINTS:
        return None
    return (
        f"the smallest text of this picture would be {points:.1f} pt on a 13.33-inch-wide "
        f"slide (under {MIN_POINTS:g} pt cannot be read from the back of a room): {ADVICE}"
    )


def warn_if_illegible(svg: bytes) -> bool:
    """Warn with :class:`IllegibleTextWarning` if ``svg``'s text is too small; True if so."""
    message = advice(svg)
    if message is None:
        return False
    warnings.warn(message, IllegibleTextWarning, stacklevel=_caller_level())
    return True


_HERE = os.path.dirname(os.path.abspath(__file__))


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside this package: the user's line."""
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == (
        _HERE
    ):
        frame, level = frame.f_back, level + 1
    return level
