"""Backprop as a slide show: one picture per backward step, and a page to step through them.

This is :func:`minigrad.backward_steps` made visible: each frame highlights the node being
processed, writes its upstream gradient, its local gradients and the downstream gradients it
sends to its inputs, and shows every gradient known so far.
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

from minigrad import BackwardStep, Node, Tensor, backend, broadcast_axes
from viz.grads import private_steps
from viz.graph import draw_graph, place, resolve_collapse
from viz.labels import escape, summary
from viz.layout import Layout, kept_steps, last_segment
from viz.render import render, renderer_command
from viz.themes import get_theme
from viz.walk import walk

FRAME_FORMATS = ("png", "svg", "pdf")
OP_PREFIX = "op"  # draw_graph's DOT ids of op nodes
CAPTION_CHARS = 72  # captions wrap at this many characters, into the same box on every frame


@dataclass
class Frame:
    """What one picture shows: a caption, the gradients known, and the active step's notes."""

    caption: str
    grads: dict[Tensor, np.ndarray]
    highlight: list[Tensor | Node] = field(default_factory=list)
    annotate: dict[Any, list[tuple[str, str]]] = field(default_factory=dict)
    edge_labels: dict[tuple[Tensor, Node], str] = field(default_factory=dict)


def backward_frames(
    root: Tensor,
    out_dir: str | Path,
    *,
    fmt: str = "png",
    theme: str = "slides",
    dpi: float | None = None,
    **draw_options: Any,
) -> list[Path]:
    """Write one image per backward step of ``root`` into ``out_dir``, plus ``index.html``.

    Frame 0 is the forward pass, then one frame per node in backward order (per visible box
    when ``collapse=`` folds scopes), then the finished backward pass. Every frame has the
    same canvas and the same node positions, so paging through them shows only the highlight
    and the numbers change. Frames show *copy sums* (a tensor used twice gets the sum of its
    gradients) and *un-broadcast* (a broadcast input's gradient summed back to its shape).
    ``index.html`` steps through them with ← and →.

    The backward pass runs privately with ``retain_graph=True``: ``root``'s graph stays
    usable, and ``.grad``, hooks and ``retain_grad`` of every tensor are left exactly as they
    were (the gradients shown are ∂root/∂t of this one pass, not accumulated ``.grad``).

    Parameters
    ----------
    root : Tensor
        A scalar that requires grad, whose graph has not been freed.
    out_dir : str or Path
        Created if missing; files are ``frame_000.<fmt>`` …
    fmt : {"png", "svg", "pdf"}
        Image format. ``"pdf"`` writes one multipage ``frames.pdf`` (a slide deck, one page
        per frame) and returns ``[frames.pdf]``; PNG frames beside it feed ``index.html``.
    theme : str
        Any :func:`viz.draw_graph` theme; ``slides`` by default.
    dpi : float, optional
        Resolution of PNG frames and of the PDF's pages (default 96; 150 for sharp slides).
    **draw_options
        Passed to :func:`viz.draw_graph` (``rankdir``, ``collapse``, ``fit``, …).

    Returns
    -------
    list of Path
        The images, in order (or the PDF deck).

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
    """
    if fmt not in FRAME_FORMATS:
        raise ValueError(f"fmt={fmt!r}: choose one of {', '.join(FRAME_FORMATS)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shown = frames(root, collapse=draw_options.get("collapse", "auto"))
    dots = [
        draw_graph(
            root,
            grads=frame.grads,
            show_grads=True,
            theme=theme,
            highlight=frame.highlight,
            annotate=frame.annotate,
            edge_labels=frame.edge_labels,
            **draw_options,
        )
        for frame in shown
    ]
    one_layout(dots, [f.caption for f in shown], theme)
    image = "png" if fmt == "pdf" else fmt
    paths = [
        render(dot, out / f"frame_{k:03d}.{image}", dpi=dpi if image == "png" else None)
        for k, dot in enumerate(dots)
    ]
    (out / "index.html").write_text(
        viewer([p.name for p in paths], [f.caption for f in shown]), encoding="utf-8"
    )
    if fmt == "pdf":
        return [pdf_deck(paths, out / "frames.pdf", dpi or 96)]
    return paths


def frames(root: Tensor, collapse: Any = None) -> list[Frame]:
    """The frames of ``root``'s backward pass (no files written).

    With ``collapse`` (as in :func:`viz.draw_graph`), the steps inside one folded box make
    one frame: the box is what the picture shows.
    """
    graph = walk(root)
    collapse = resolve_collapse(graph, collapse)
    _, item_of = place(graph, Layout(collapse, kept_steps([n.scope for n in graph.nodes], None)))
    known: dict[Tensor, np.ndarray] = {}
    result = [Frame("forward pass: values only", {})]
    groups: list[list[BackwardStep]] = []
    for step in private_steps(root, graph.tensors):
        if step.output is not None:
            known[step.output] = backend.to_numpy(step.upstream)
        for leaf in step.completed:
            known[leaf] = backend.to_numpy(leaf.grad.data)
        box = item_of[step.node].box
        if groups and box is not None and item_of[groups[-1][-1].node].box == box:
            groups[-1].append(step)
            result[-1] = _box_frame(groups[-1], box, dict(known), len(groups))
            continue
        groups.append([step])
        result.append(_step_frame(step, dict(known), len(groups)))
    for frame in result[1:]:
        frame.caption = frame.caption.replace("{n}", str(len(groups)))
    result.append(Frame("backward done: every gradient known", dict(known)))
    return result


def _box_frame(
    steps: list[BackwardStep], box: str, known: dict[Tensor, np.ndarray], number: int
) -> Frame:
    frame = Frame(
        f"step {number}/{{n}} · {last_segment(box)}: {len(steps)} ops inside the box run "
        "backward, each sending upstream × local to its inputs",
        known,
    )
    frame.highlight = [s.node for s in steps]
    return frame


def _step_frame(step: BackwardStep, known: dict[Tensor, np.ndarray], number: int) -> Frame:
    op, node = step.op, step.node
    frame = Frame(f"step {number}/{{n}} · {op.describe()}: {op.rule}", known)
    frame.highlight = [node, *([step.output] if step.output is not None else [])]
    notes = [("upstream", summary(step.upstream))]
    if step.local is not None:
        for k, (parent, local) in enumerate(zip(step.inputs, step.local, strict=False)):
            if parent.requires_grad:
                notes.append((f"local {_input_name(parent, k)}", summary(local)))
    notes.extend(_unbroadcast_notes(step))
    frame.annotate[node] = notes
    for parent, g in zip(step.inputs, step.downstream, strict=True):
        if g is not None:
            frame.edge_labels[(parent, node)] = f"↓ {summary(backend.to_numpy(g))}"
            frame.highlight.append(parent)
    for acc in step.accumulations:
        frame.annotate.setdefault(acc.tensor, []).append(
            ("copy sums", f"{summary(acc.previous)} + {summary(acc.added)} = {summary(acc.total)}")
        )
    return frame


def _unbroadcast_notes(step: BackwardStep) -> list[tuple[str, str]]:
    """*Un-broadcast* events: inputs broadcast to the output's shape get gradients summed back."""
    if step.output is None or step.local is None:
        return []
    notes = []
    out_shape = tuple(step.output.shape)
    for k, (parent, g) in enumerate(zip(step.inputs, step.downstream, strict=True)):
        axes = broadcast_axes(tuple(parent.shape), out_shape)
        if g is not None and axes:
            notes.append(
                (
                    "un-broadcast",
                    f"{_input_name(parent, k)[3:]} was broadcast from {tuple(parent.shape)} to "
                    f"{out_shape}: its gradient sums over axis {', '.join(map(str, axes))}",
                )
            )
    return notes


def _input_name(t: Tensor, k: int) -> str:
    return f"∂/∂{t.name}" if t.name else f"∂/∂in{k}"


def one_layout(dots: Sequence[Any], captions: Sequence[str], theme: str) -> None:
    """Give every frame the same node sizes and caption box, so Graphviz places them alike.

    Each node gets the largest size it has in any frame (``fixedsize``); the caption wraps
    into a box of one size on every frame. Edge labels are ``xlabel``s, placed after layout.
    """
    sizes: dict[str, tuple[float, float]] = {}
    for dot in dots:
        for name, size in node_sizes(dot.source).items():
            old = sizes.get(name, (0.0, 0.0))
            sizes[name] = (max(old[0], size[0]), max(old[1], size[1]))
    look = get_theme(theme)
    lines = [textwrap.wrap(c, CAPTION_CHARS) or [""] for c in captions]
    height = max(map(len, lines))
    for dot, caption in zip(dots, lines, strict=True):
        dot.attr(label=_caption_box(caption, height, look.fontsize * 1.3), labeljust="l")
        for name, (width, tall) in sizes.items():
            # an op is a circle without notes and an ellipse with them: one shape for all
            shape = " shape=ellipse" if name.startswith(OP_PREFIX) else ""
            dot.body.append(
                f"\t{name} [fixedsize=true height={tall:.4f} width={width:.4f}{shape}]\n"
            )


def _caption_box(lines: list[str], height: int, points: float) -> str:
    padded = [escape(line) for line in lines] + [" "] * (height - len(lines))
    width = CAPTION_CHARS * points * 0.62
    text = '<BR ALIGN="LEFT"/>'.join(padded) + '<BR ALIGN="LEFT"/>'
    return (
        f'<<TABLE BORDER="0" CELLPADDING="0"><TR><TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" '
        f'HEIGHT="{height * points * 1.25:.0f}" ALIGN="LEFT" BALIGN="LEFT">'
        f'<FONT POINT-SIZE="{points:g}"><B>{text}</B></FONT></TD></TR></TABLE>>'
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


def pdf_deck(images: Sequence[Path], path: Path, dpi: float) -> Path:
    """One multipage PDF with a page per image, in order (a slide deck)."""
    from PIL import Image

    pages = []
    for image in images:
        with Image.open(image) as frame:
            pages.append(frame.convert("RGB"))
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=float(dpi))
    return path


def viewer(images: Sequence[str], captions: Sequence[str]) -> str:
    """An HTML page that shows ``images`` one at a time; ← and → step through them.

    Examples
    --------
    >>> page = viewer(["a.png", "b.png"], ["one", "two <b>"])
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
