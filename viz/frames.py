"""Backprop as a slide show: one picture per backward step, and a page to step through them.

This is :func:`minigrad.backward_steps` made visible: each frame highlights the node being
processed, writes its upstream gradient, its local gradients and the downstream gradients it
sends to its inputs, and shows every gradient known so far.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from minigrad import BackwardStep, Node, Tensor, backend
from viz.grads import private_steps
from viz.graph import draw_graph
from viz.labels import summary
from viz.render import render
from viz.walk import walk


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
    **draw_options: Any,
) -> list[Path]:
    """Write one image per backward step of ``root`` into ``out_dir``, plus ``index.html``.

    Frame 0 is the forward pass, then one frame per node in backward order, then the
    finished backward pass. ``index.html`` steps through them with ← and →.

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
        Image format.
    theme : str
        Any :func:`viz.draw_graph` theme; ``slides`` by default.
    **draw_options
        Passed to :func:`viz.draw_graph` (``rankdir``, ``collapse``, …).

    Returns
    -------
    list of Path
        The images, in order.

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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    shown = frames(root)
    for k, frame in enumerate(shown):
        dot = draw_graph(
            root,
            grads=frame.grads,
            show_grads=True,
            theme=theme,
            title=frame.caption,
            highlight=frame.highlight,
            annotate=frame.annotate,
            edge_labels=frame.edge_labels,
            **draw_options,
        )
        paths.append(render(dot, out / f"frame_{k:03d}.{fmt}"))
    (out / "index.html").write_text(
        viewer([p.name for p in paths], [f.caption for f in shown]),
        encoding="utf-8",
    )
    return paths


def frames(root: Tensor) -> list[Frame]:
    """The frames of ``root``'s backward pass (no files written)."""
    graph = walk(root)
    known: dict[Tensor, np.ndarray] = {}
    result = [Frame("forward pass: values only", {})]
    steps = []
    for step in private_steps(root, graph.tensors):
        if step.output is not None:
            known[step.output] = backend.to_numpy(step.upstream)
        for leaf in step.completed:
            known[leaf] = backend.to_numpy(leaf.grad.data)
        steps.append(step)
        result.append(_step_frame(step, dict(known)))
    for frame in result[1:]:
        frame.caption = frame.caption.replace("{n}", str(len(steps)))
    result.append(Frame("backward done: every gradient known", dict(known)))
    return result


def _step_frame(step: BackwardStep, known: dict[Tensor, np.ndarray]) -> Frame:
    op, node = step.op, step.node
    frame = Frame(f"step {step.index}/{{n}} · {op.describe()}: {op.rule}", known)
    frame.highlight = [node, *([step.output] if step.output is not None else [])]
    notes = [("upstream", summary(step.upstream))]
    if step.local is not None:
        for k, (parent, local) in enumerate(zip(step.inputs, step.local, strict=False)):
            if parent.requires_grad:
                notes.append((f"local {_input_name(parent, k)}", summary(local)))
    frame.annotate[node] = notes
    for parent, g in zip(step.inputs, step.downstream, strict=True):
        if g is not None:
            frame.edge_labels[(parent, node)] = f"↓ {summary(backend.to_numpy(g))}"
            frame.highlight.append(parent)
    return frame


def _input_name(t: Tensor, k: int) -> str:
    return f"∂/∂{t.name}" if t.name else f"∂/∂in{k}"


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
