"""Text for graph nodes: escaping, number formatting, and Graphviz HTML-like labels.

Every string from the user (tensor names, scope names) goes through :func:`escape` before it
reaches DOT, so names with ``<``, ``&``, quotes or backslashes draw as written.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from minigrad import backend

SMALL = 4  # tensors with at most this many elements show every value

# Glyphs that graphviz-pure's built-in font lacks (they draw as empty boxes), with stand-ins
# that both renderers draw. Checked by rendering every non-ASCII character the project writes.
STAND_INS = str.maketrans(
    {"⋯": "…", "⊙": "×", "⊗": "×", "∘": "·", "∗": "*", "⟨": "<", "⟩": ">", "∇": "grad "}
)


def drawable(text: str) -> str:
    """``text`` with the glyphs some renderers cannot draw replaced by ones all can.

    Examples
    --------
    >>> drawable("y ⊙ (upstream − Σ upstream ⊙ y) ⋯")
    'y × (upstream − Σ upstream × y) …'
    """
    return text.translate(STAND_INS)


def escape(text: str) -> str:
    """Escape ``text`` for an HTML-like Graphviz label (``&``, ``<``, ``>``, quotes).

    Backslashes need no escaping inside HTML-like labels (they are not DOT escapes there).
    Glyphs a renderer cannot draw are replaced first (see :func:`drawable`).

    Examples
    --------
    >>> escape('h<t> & "c"')
    'h&lt;t&gt; &amp; &quot;c&quot;'
    """
    return html.escape(drawable(text), quote=True)


def number(x: float) -> str:
    """A number in at most 4 significant digits: ``-4``, ``0.25``, ``1.5e-07``."""
    if x == 0:
        return "0"
    return f"{x:.3g}" if abs(x) < 1e-3 or abs(x) >= 1e4 else f"{x:.4g}"


def shape_text(shape: tuple[int, ...]) -> str:
    """``"3×4"`` for a shape, ``"scalar"`` for ``()``."""
    return "×".join(map(str, shape)) if shape else "scalar"


def summary(value: Any) -> str:
    """Every value of a small array, else mean and norm (``μ 0.1 ‖·‖ 2.3``).

    Examples
    --------
    >>> summary(np.array(-4.0)), summary(np.array([1.0, 2.5]))
    ('-4', '[1, 2.5]')
    >>> summary(np.ones((3, 4)))
    'μ 1 ‖·‖ 3.464'
    """
    if not isinstance(value, (int, float, np.ndarray)):
        value = backend.to_numpy(value)
    array = np.asarray(value, dtype=np.float64)
    if array.size <= SMALL:
        flat = [number(v) for v in array.ravel()]
        return flat[0] if array.ndim == 0 else "[" + ", ".join(flat) + "]"
    return f"μ {number(array.mean())} ‖·‖ {number(float(np.linalg.norm(array)))}"


def table(rows: list[tuple[str, str]], colour: str, size: float, title_size: float) -> str:
    """An HTML-like label: a bold title row, then ``(key, text)`` rows; inputs pre-escaped.

    A row whose key is ``""`` spans both columns.
    """
    lines = ['<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">']
    for key, text in rows:
        if not key:
            lines.append(f'<TR><TD COLSPAN="2">{_font(text, colour, title_size)}</TD></TR>')
        else:
            lines.append(
                f'<TR><TD ALIGN="RIGHT">{_font(key + "&#160;", colour, size)}</TD>'
                f'<TD ALIGN="LEFT">{_font(text, colour, size)}</TD></TR>'
            )
    lines.append("</TABLE>>")
    return "".join(lines)


def _font(text: str, colour: str, size: float) -> str:
    return f'<FONT COLOR="{colour}" POINT-SIZE="{size:g}">{text}</FONT>'
