"""Backprop as a slide show: one picture per backward step, as the lectures draw it.

This is :func:`minigrad.backward_steps` made visible. Every frame is the same picture of the
graph — small op circles, each tensor's value with its gradient under it once known — with
the active op, its output and its inputs highlighted, and a caption band above the graph
that writes the step in the lectures' words: the rule, the upstream gradient, the local
gradients and the downstream gradients (*downstream = upstream × local*), plus any *copy
sums* or *un-broadcast*. The band holds exactly the rows ``str(step)`` prints
(:meth:`minigrad.BackwardStep.rows`), so a tensor has one name in text and in pictures.
"""

from __future__ import annotations

import html
import json
import subprocess
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minigrad import BackwardStep, Node, Tensor, backend, tensor_label
from viz.grads import private_steps
from viz.graph import draw_graph, place, resolve_collapse
from viz.labels import escape
from viz.layout import Layout, kept_steps, last_segment
from viz.render import pipe, render, renderer_command
from viz.slides import animation, fit_png, page_pixels, svg_to_pdf
from viz.themes import Theme, get_theme
from viz.walk import walk

FRAME_FORMATS = ("png", "svg", "pdf", "gif", "apng")
DECKS = {"pdf": "frames.pdf", "gif": "frames.gif", "apng": "frames.png"}
WRAP = 64  # a band row wraps at this many characters, into the same box on every frame
BAND_ROWS = ("rule", "upstream", "local", "local rule", "downstream")


@dataclass
class Frame:
    """What one picture shows: a heading, band rows, the gradients known, the highlight."""

    caption: str
    grads: dict[Tensor, np.ndarray]
    highlight: list[Tensor | Node] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)


def backward_frames(
    root: Tensor,
    out_dir: str | Path,
    *,
    fmt: str = "png",
    theme: str = "slides",
    dpi: float | None = None,
    page: str | None = None,
    seconds: float = 2.0,
    viewer: bool | None = None,
    **draw_options: Any,
) -> list[Path]:
    """Write the backward pass of ``root`` as pictures, one per step, into ``out_dir``.

    Frame 0 is the forward pass, then one frame per node in backward order (per visible box
    when ``collapse=`` folds scopes), then the finished backward pass. Every frame has the
    same canvas and the same node positions, so paging through them shows only the
    highlight and the numbers change. The band over the graph writes the active step as
    :func:`minigrad.backward_steps` prints it: rule, upstream, local and downstream
    gradients, *copy sums* (a tensor used twice gets the sum of its gradients) and
    *un-broadcast* (a broadcast input's gradient summed back to its shape).

    The backward pass runs privately with ``retain_graph=True``: ``root``'s graph stays
    usable, and ``.grad``, hooks and ``retain_grad`` of every tensor are left exactly as they
    were (the gradients shown are ∂root/∂t of this one pass, not accumulated ``.grad``).

    Parameters
    ----------
    root : Tensor
        A scalar that requires grad, whose graph has not been freed.
    out_dir : str or Path
        Created if missing.
    fmt : {"png", "svg", "pdf", "gif", "apng"}
        ``"png"``/``"svg"``: ``frame_000.<fmt>`` … plus ``index.html``, which pages through
        them with ← and →. ``"pdf"``: one slide deck ``frames.pdf`` with a vector page per
        frame (text stays text), nothing else. ``"gif"``/``"apng"``: one looping animation
        ``frames.gif`` / ``frames.png`` for slide tools that take images, nothing else.
    theme : str
        Any :func:`viz.draw_graph` theme; ``slides`` by default.
    dpi : float, optional
        Resolution of PNG frames and animations (default 96; 150 for sharp slides). A
        16:9 page at ``dpi=150`` is 2000 × 1125 pixels.
    page : {"16:9", "4:3"}, optional
        The slide shape of PDF pages and animation frames (default ``"16:9"``): the picture
        is scaled to fit and centred. With ``fmt="png"`` it makes every PNG exactly that
        page; by default PNG and SVG frames are the picture's own size.
    seconds : float
        How long an animation shows each frame.
    viewer : bool, optional
        Write ``index.html`` beside PNG or SVG frames (default ``True``).
    **draw_options
        Passed to :func:`viz.draw_graph` (``rankdir``, ``collapse``, ``title``, …).

    Returns
    -------
    list of Path
        The images in order, or the one deck / animation.

    Examples
    --------
    >>> import tempfile
    >>> from minigrad import Tensor
    >>> x = Tensor(-2.0, requires_grad=True, name="x")
    >>> y = Tensor(5.0, requires_grad=True, name="y")
    >>> z = Tensor(-4.0, requires_grad=True, name="z")
    >>> f = (x + y) * z
    >>> paths = backward_frames(f, tempfile.mkdtemp(), fmt="svg")
    >>> len(paths), paths[0].name, x.grad is None
    (4, 'frame_000.svg', True)
    >>> [p.name for p in backward_frames(f, tempfile.mkdtemp(), fmt="pdf")]
    ['frames.pdf']
    """
    if fmt not in FRAME_FORMATS:
        raise ValueError(f"fmt={fmt!r}: choose one of {', '.join(FRAME_FORMATS)}")
    if viewer and fmt in DECKS:
        raise ValueError(
            f"viewer=True pages through PNG or SVG frames; fmt={fmt!r} writes one file "
            "(call again with fmt='png' for the viewer)"
        )
    if page is not None:
        page_pixels(page, dpi)  # checks the name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dots, shown = frame_graphs(root, theme, **draw_options)
    look = get_theme(theme)
    if fmt in DECKS:
        path = out / DECKS[fmt]
        if fmt == "pdf":
            svgs = [pipe(dot.source, "svg") for dot in dots]
            path.write_bytes(svg_to_pdf(svgs, page=page or "16:9", background=look.background))
            return [path]
        size = page_pixels(page or "16:9", dpi)
        pngs = [fit_png(pipe(d.source, "png", dpi=dpi), size, look.background) for d in dots]
        return [animation(pngs, path, seconds)]
    paths = []
    for k, dot in enumerate(dots):
        path = out / f"frame_{k:03d}.{fmt}"
        if fmt == "png" and page is not None:
            png = pipe(dot.source, "png", dpi=dpi)
            path.write_bytes(fit_png(png, page_pixels(page, dpi), look.background))
        else:
            render(dot, path, dpi=dpi if fmt == "png" else None)
        paths.append(path)
    if viewer is None or viewer:
        (out / "index.html").write_text(
            viewer_page([p.name for p in paths], [_headline(f) for f in shown]), encoding="utf-8"
        )
    return paths


def _headline(frame: Frame) -> str:
    rule = dict(frame.rows).get("rule")
    return f"{frame.caption} — {rule}" if rule else frame.caption


def frame_graphs(root: Tensor, theme: str = "slides", **draw_options: Any) -> tuple[list, list]:
    """The DOT graph of every frame (one canvas, one layout) and the frames themselves."""
    title = draw_options.pop("title", None)
    shown = frames(root, collapse=draw_options.get("collapse", "auto"))
    dots = [
        draw_graph(
            root,
            grads=frame.grads,
            show_grads=True,
            theme=theme,
            highlight=frame.highlight,
            **draw_options,
        )
        for frame in shown
    ]
    one_layout(dots, shown, get_theme(theme), title)
    return dots, shown


def frames(root: Tensor, collapse: Any = None) -> list[Frame]:
    """The frames of ``root``'s backward pass (no files written).

    With ``collapse`` (as in :func:`viz.draw_graph`), the steps inside one folded box make
    one frame: the box is what the picture shows.
    """
    graph = walk(root)
    collapse = resolve_collapse(graph, collapse)
    _, item_of = place(graph, Layout(collapse, kept_steps([n.scope for n in graph.nodes], None)))
    known: dict[Tensor, np.ndarray] = {}
    result = [Frame("forward pass: every value computed, no gradient yet", {})]
    groups: list[list[BackwardStep]] = []
    for step in private_steps(root, graph.tensors):
        if step.output is not None:
            known[step.output] = backend.to_numpy(step.upstream)
        for leaf in step.completed:
            known[leaf] = backend.to_numpy(leaf.grad.array)
        box = item_of[step.node].box
        if groups and box is not None and item_of[groups[-1][-1].node].box == box:
            groups[-1].append(step)
            result[-1] = _box_frame(groups[-1], box, dict(known), len(groups))
            continue
        groups.append([step])
        result.append(_step_frame(step, dict(known), len(groups)))
    for frame in result[1:]:
        frame.caption = frame.caption.replace("{n}", str(len(groups)))
    done = Frame("backward done: every gradient known", dict(known))
    leaves = [t for t in graph.tensors if t.node is None and t in known]
    done.rows = [
        ("", "   ".join(f"{tensor_label(t)}.grad = {_value(known[t])}" for t in leaves[:6]))
    ]
    result.append(done)
    return result


def _value(array: np.ndarray) -> str:
    from minigrad.stepping import format_value

    return format_value(array)


def _box_frame(
    steps: list[BackwardStep], box: str, known: dict[Tensor, np.ndarray], number_: int
) -> Frame:
    frame = Frame(f"step {number_}/{{n}} · {last_segment(box)}: {len(steps)} ops", known)
    frame.rows = [
        ("rule", "every op inside the box runs backward, sending upstream × local to its inputs")
    ]
    frame.highlight = [s.node for s in steps]
    return frame


def _step_frame(step: BackwardStep, known: dict[Tensor, np.ndarray], number_: int) -> Frame:
    rows = step.rows()
    heading = rows[0][1].split(" · ", 1)[1]
    frame = Frame(f"step {number_}/{{n}} · {heading}", known, rows=rows[1:])
    frame.highlight = [step.node, *([step.output] if step.output is not None else [])]
    frame.highlight += [
        p for p, g in zip(step.inputs, step.downstream, strict=True) if g is not None
    ]
    return frame


def one_layout(dots: Sequence[Any], shown: Sequence[Frame], look: Theme, title: str | None) -> None:
    """Give every frame the same node sizes and caption band, so Graphviz places them alike.

    Each node gets the largest size it has in any frame (``fixedsize``: a tensor's box is
    as tall on frame 0 as once its gradient is known); op circles hold only their symbol,
    so their size never depends on the notes. The band is a table of fixed cells, as wide
    and as tall on every frame, above the graph: nothing is ever written on a node or edge.
    """
    sizes: dict[str, tuple[float, float]] = {}
    for dot in dots:
        for name, size in node_sizes(dot.source).items():
            old = sizes.get(name, (0.0, 0.0))
            sizes[name] = (max(old[0], size[0]), max(old[1], size[1]))
    bands = [_band_lines(frame, title) for frame in shown]
    height = max(len(lines) for lines in bands)
    key_width = max((_width(k, look.fontsize, True) for b in bands for k, _, _ in b), default=0)
    text_width = max(_width(t, look.fontsize, bold) for b in bands for _, t, bold in b)
    for dot, lines in zip(dots, bands, strict=True):
        dot.attr(label=_band(lines, height, key_width, text_width, look), labelloc="t")
        dot.attr(pad="0.15,0.2")
        for name, (width, tall) in sizes.items():
            dot.body.append(f"\t{name} [fixedsize=true height={tall:.4f} width={width:.4f}]\n")


def _band_lines(frame: Frame, title: str | None) -> list[tuple[str, str, bool]]:
    """(key, text, bold) lines of a frame's band, long rows wrapped at :data:`WRAP`."""
    lines = [("", title, True)] if title else []
    lines += [("", line, True) for line in textwrap.wrap(frame.caption, WRAP + 12)]
    rows: list[tuple[str, list[str]]] = []
    for key, text in frame.rows:
        if not key and rows and not rows[-1][0]:  # notes follow one another on a line
            rows[-1][1].append(text)
        else:
            rows.append((key, text.split("   ")))
    for key, parts in rows:
        wrapped: list[str] = []
        for part in parts:  # one part per line when the row is too long for one
            if wrapped and len(wrapped[-1]) + 3 + len(part) <= WRAP:
                wrapped[-1] += "   " + part
            else:
                wrapped += textwrap.wrap(part, WRAP, subsequent_indent="  ") or [""]
        lines += [(key if i == 0 else "", line, False) for i, line in enumerate(wrapped)]
    return lines


def _width(text: str, size: float, bold: bool) -> float:
    """Points ``text`` needs at ``size``: Helvetica's metrics, with room for wider fonts."""
    from viz.slides import _layout_width

    return 1.12 * _layout_width(text, bold, size)


def _band(
    lines: list[tuple[str, str, bool]],
    height: int,
    key_width: float,
    text_width: float,
    look: Theme,
) -> str:
    row_height, gap = look.fontsize * 1.3, look.fontsize * 0.6
    cells = []
    padded = lines + [("", " ", False)] * (height - len(lines))
    for key, text, bold in padded:
        body = escape(text) if text.strip() else "&#160;"
        colour = look.grad_text if key in ("upstream", "downstream") else look.text
        if bold:
            body, colour = f"<B>{body}</B>", look.text
        font = f'POINT-SIZE="{look.fontsize:g}"'
        key_cell = f'<FONT COLOR="{look.muted}" {font}>{escape(key)}</FONT>' if key else "&#160;"
        cells.append(
            f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{key_width + 8:.0f}" HEIGHT="{row_height:.0f}" '
            f'ALIGN="RIGHT">{key_cell}</TD><TD WIDTH="{gap:.0f}"></TD>'
            f'<TD FIXEDSIZE="TRUE" WIDTH="{text_width + 8:.0f}" HEIGHT="{row_height:.0f}" '
            f'ALIGN="LEFT"><FONT COLOR="{colour}" {font}>{body}</FONT></TD></TR>'
        )
    return (
        f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0" '
        f'BGCOLOR="{look.cluster_fill}"><TR><TD COLSPAN="3" HEIGHT="6"></TD></TR>'
        f'{"".join(cells)}<TR><TD COLSPAN="3" HEIGHT="8"></TD></TR></TABLE>>'
    )


def node_sizes(source: str) -> dict[str, tuple[float, float]]:
    """Width and height (inches) Graphviz gives each node of DOT ``source``."""
    command = [renderer_command("svg")[0], "-Tplain"]
    done = subprocess.run(command, input=source.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"{Path(command[0]).name} failed to lay out a frame: {message}")
    sizes = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split(maxsplit=6)
        if parts and parts[0] == "node":
            sizes[parts[1]] = (float(parts[4]), float(parts[5]))
    return sizes


def viewer_page(images: Sequence[str], captions: Sequence[str]) -> str:
    """An HTML page that shows ``images`` one at a time; ← and → step through them.

    Examples
    --------
    >>> page = viewer_page(["a.png", "b.png"], ["one", "two <b>"])
    >>> "ArrowRight" in page and "two &lt;b&gt;" in page
    True
    """
    data = json.dumps(
        [{"src": i, "caption": html.escape(c)} for i, c in zip(images, captions, strict=True)]
    )
    return VIEWER.replace("__FRAMES__", data.replace("</", "<\\/"))


VIEWER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>minigrad · backward pass</title>
<style>
body { margin: 0; background: #fff; font: 20px Helvetica, Arial, sans-serif; color: #111;
       display: flex; flex-direction: column; align-items: center; }
header { padding: 12px; } img { max-width: 98vw; max-height: 82vh; }
kbd { border: 1px solid #999; border-radius: 4px; padding: 0 6px; }
</style></head>
<body>
<header><span id="count"></span> · <span id="caption"></span>
 · <kbd>←</kbd> <kbd>→</kbd> to step</header>
<img id="frame" alt="backward step">
<script>
const frames = __FRAMES__;
let k = 0;
function show(i) {
  k = Math.max(0, Math.min(frames.length - 1, i));
  document.getElementById("frame").src = frames[k].src;
  document.getElementById("caption").innerHTML = frames[k].caption;
  document.getElementById("count").textContent = (k + 1) + " / " + frames.length;
}
document.addEventListener("keydown", e => {
  if (e.key === "ArrowRight" || e.key === " ") show(k + 1);
  if (e.key === "ArrowLeft") show(k - 1);
  if (e.key === "Home") show(0);
  if (e.key === "End") show(frames.length - 1);
});
document.getElementById("frame").addEventListener("click", () => show(k + 1));
show(0);
</script></body></html>
"""
