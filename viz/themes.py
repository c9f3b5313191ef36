"""Themes: every colour, font and size a picture uses, in one place per look.

``light`` is for documents, ``dark`` for dark-mode notebooks and slides, ``slides`` for a
projector at the back of a lecture hall: large type, thick lines, maximum contrast.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Theme:
    """Colours (``#rrggbb``), font and sizes for one look.

    Examples
    --------
    >>> get_theme("slides").fontsize > get_theme("light").fontsize
    True
    >>> get_theme("dark").background
    '#1e1e2e'
    """

    name: str
    background: str
    text: str
    muted: str
    edge: str
    cluster_fill: str
    cluster_border: str
    param_fill: str
    input_fill: str
    tensor_fill: str
    output_fill: str
    op_fill: str
    box_fill: str
    highlight: str
    grad_text: str
    fontname: str = "Helvetica"
    fontsize: float = 12.0
    small: float = 10.0
    penwidth: float = 1.2
    highlight_width: float = 4.0


LIGHT = Theme(
    name="light",
    background="#ffffff",
    text="#1a1a1a",
    muted="#5c5c5c",
    edge="#555555",
    cluster_fill="#f5f7fa",
    cluster_border="#b8c2cc",
    param_fill="#ffe3b3",
    input_fill="#dbe9ff",
    tensor_fill="#ffffff",
    output_fill="#c9f0cf",
    op_fill="#eeeeee",
    box_fill="#e8e0f7",
    highlight="#d62728",
    grad_text="#b3261e",
)

DARK = Theme(
    name="dark",
    background="#1e1e2e",
    text="#f0f0f0",
    muted="#b4b4c8",
    edge="#a6adc8",
    cluster_fill="#28283a",
    cluster_border="#585b70",
    param_fill="#7a4f12",
    input_fill="#1f4673",
    tensor_fill="#313244",
    output_fill="#1f6b35",
    op_fill="#45475a",
    box_fill="#4b3b6b",
    highlight="#ff7b72",
    grad_text="#ffab91",
)

SLIDES = replace(
    LIGHT,
    name="slides",
    text="#000000",
    muted="#222222",
    edge="#222222",
    cluster_fill="#f2f2f2",
    cluster_border="#666666",
    param_fill="#ffc870",
    input_fill="#a8cbff",
    output_fill="#8fe39b",
    op_fill="#dddddd",
    grad_text="#b00000",
    fontsize=22.0,
    small=18.0,
    penwidth=2.5,
    highlight_width=7.0,
)

THEMES = {t.name: t for t in (LIGHT, DARK, SLIDES)}


def get_theme(theme: str | Theme) -> Theme:
    """The :class:`Theme` called ``theme`` (``"light"``, ``"dark"``, ``"slides"``), or ``theme``."""
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except KeyError:
        names = ", ".join(repr(n) for n in THEMES)
        msg = f"unknown theme {theme!r}; choose one of {names} or pass a Theme"
        raise ValueError(msg) from None
