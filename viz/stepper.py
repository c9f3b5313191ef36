"""``viz.stepper``: a graph you step through in the browser, forward then backward.

One self-contained HTML file (the graph's SVG, the steps as JSON and a small script; no server,
no network, nothing fetched): → and the buttons go forward through the forward pass (each op
computing its value) and then back through the backward pass (each op multiplying the upstream
gradient by its local gradients and sending the downstream gradients to its inputs); ← goes
back. The active op, its output and its inputs are highlighted and the panel shows upstream,
local and downstream; hovering a node shows its full value and, once the backward pass has
reached it, its gradient. In Jupyter the object displays itself (an ``<iframe>``).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from minigrad import BackwardStep, Node, Tensor, backend, tensor_label
from viz.grads import gradients, private_steps
from viz.graph import draw_graph, place, resolve_collapse
from viz.labels import number, summary
from viz.layout import Layout
from viz.render import layout_svg
from viz.walk import GraphWalk, walk

FULL_VALUE_CHARS = 4000  # a hovered value longer than this is cut (a large matrix)


@dataclass
class Stepper:
    """A stepper page for one graph: ``.html`` is the page, ``.save(path)`` writes it.

    Displays inline in Jupyter. Made by :func:`viz.stepper`.
    """

    html: str
    steps: list[dict[str, Any]]

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (missing folders are created) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        # an iframe keeps the page's script, styles and ids apart from the notebook's
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            'style="width: 100%; height: 640px; border: 1px solid #ddd" '
            'title="minigrad stepper"></iframe>'
        )


def stepper(
    root: Tensor,
    path: str | Path | None = None,
    *,
    theme: str = "light",
    collapse: Any = None,
    rankdir: str = "LR",
) -> Stepper:
    """An interactive page that steps through ``root``'s forward and backward pass.

    Parameters
    ----------
    root : Tensor
        A scalar that requires grad, whose graph has not been freed (the backward pass runs
        privately: ``.grad`` and hooks are left as they were).
    path : str or Path, optional
        Also write the page there (one ``.html`` file; open it in any browser, offline).
    theme, collapse, rankdir
        As in :func:`viz.draw_graph` (nothing is folded by default: every op is a step).

    Returns
    -------
    Stepper
        ``.html`` is the page; it displays inline in Jupyter.

    Examples
    --------
    >>> from minigrad import Tensor
    >>> x = Tensor(-2.0, requires_grad=True, name="x")
    >>> y = Tensor(5.0, requires_grad=True, name="y")
    >>> z = Tensor(-4.0, requires_grad=True, name="z")
    >>> f = (x + y) * z
    >>> page = stepper(f)
    >>> [s["kind"] for s in page.steps]
    ['start', 'forward', 'forward', 'backward', 'backward', 'done']
    >>> "ArrowRight" in page.html and "http" not in page.html.replace("http://www.w3.org", "")
    True
    """
    graph = walk(root)
    collapse = resolve_collapse(graph, collapse)
    _, item_of = place(graph, Layout(collapse))
    dot = draw_graph(
        root, theme=theme, collapse=collapse, rankdir=rankdir, show_values=True, show_grads=True
    )
    svg = _inline_svg(layout_svg(dot.source))
    names = {t: tensor_label(t, numbers=graph.numbers) for t in graph.tensors}
    steps = _steps(root, graph, item_of, names)
    nodes = _node_info(graph, item_of, names)
    page = PAGE.replace("__SVG__", svg).replace(
        "__DATA__", _script_json({"steps": steps, "nodes": nodes})
    )
    result = Stepper(page, steps)
    if path is not None:
        result.save(path)
    return result


def _inline_svg(svg: bytes) -> str:
    """Graphviz's SVG without the XML prolog and DOCTYPE (which names a DTD on the web)."""
    text = svg.decode("utf-8")
    text = re.sub(r"<\?xml[^>]*\?>", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S).strip()


def _script_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _item(item_of: dict[Any, Any], x: Any) -> str | None:
    found = item_of.get(x)
    return None if found is None else found.id


def _steps(
    root: Tensor, graph: GraphWalk, item_of: dict[Any, Any], names: dict[Tensor, str]
) -> list[dict[str, Any]]:
    ops = [t for t in graph.tensors if t.node is not None]
    steps: list[dict[str, Any]] = [
        {
            "kind": "start",
            "title": "the graph: press → to run the forward pass",
            "active": [],
            "inputs": [],
            "rows": [],
            "known": [],
        }
    ]
    for k, t in enumerate(ops, start=1):
        node = t.node
        assert node is not None
        inputs = ", ".join(names[p] for p in node.parents)
        steps.append(
            {
                "kind": "forward",
                "title": f"forward {k}/{len(ops)} · {node.op.describe()}: "
                f"{names[t]} = {_formula(node, names)}",
                "active": _ids(item_of, node, t),
                "inputs": _ids(item_of, *node.parents),
                "rows": [
                    ["inputs", inputs],
                    ["value", f"{names[t]} = {summary(_array(t.array))}"],
                ],
                "known": [],
            }
        )
    known: list[str] = []
    backward = list(private_steps(root, graph.tensors))
    for step in backward:
        if step.output is not None:
            known.append(_tensor_key(graph, step.output))
        known.extend(_tensor_key(graph, leaf) for leaf in step.completed)
        steps.append(_backward_step(step, len(backward), item_of, names, graph, list(known)))
    steps.append(
        {
            "kind": "done",
            "title": "backward done: every gradient known (hover a node to see it)",
            "active": [],
            "inputs": [],
            "rows": [],
            "known": list(known),
        }
    )
    return steps


def _backward_step(
    step: BackwardStep,
    total: int,
    item_of: dict[Any, Any],
    names: dict[Tensor, str],
    graph: GraphWalk,
    known: list[str],
) -> dict[str, Any]:
    node = step.node
    out = names.get(step.output, "out") if step.output is not None else "out"
    rows = [["rule", node.op.rule], ["upstream", f"∂L/∂{out} = {summary(_array(step.upstream))}"]]
    for k, parent in enumerate(step.inputs):
        if not parent.requires_grad:
            continue
        name = names.get(parent, f"#{k}")
        if step.local is not None:
            rows.append(["local", f"∂{out}/∂{name} = {summary(_array(step.local[k]))}"])
        g = step.downstream[k] if k < len(step.downstream) else None
        if g is not None:
            rows.append(["downstream", f"∂L/∂{name} = {summary(_array(g))}"])
    for acc in step.accumulations:
        rows.append(["copy sums", acc.describe(graph.numbers)])
    for event in step.unbroadcasts:
        rows.append(["un-broadcast", event.describe(graph.numbers)])
    return {
        "kind": "backward",
        "title": f"backward {step.index}/{total} · {node.op.describe()}: "
        f"{out} = {_formula(node, names)}",
        "active": _ids(item_of, node, *([step.output] if step.output is not None else [])),
        "inputs": _ids(item_of, *[p for p in step.inputs if p.requires_grad]),
        "rows": rows,
        "known": known,
    }


def _formula(node: Node, names: dict[Tensor, str]) -> str:
    args = [names.get(p, "?") for p in node.parents]
    if len(args) == 2 and node.op.symbol in {"+", "−", "×", "÷", "@"}:
        return f"{args[0]} {node.op.symbol} {args[1]}"
    return f"{node.op.describe()}({', '.join(args)})"


def _ids(item_of: dict[Any, Any], *things: Any) -> list[str]:
    found = [i for x in things if (i := _item(item_of, x)) is not None]
    return list(dict.fromkeys(found))


def _tensor_key(graph: GraphWalk, t: Tensor) -> str:
    return graph.ids[t]


def _array(value: Any) -> np.ndarray:
    if isinstance(value, (int, float, np.ndarray, np.generic)):
        return np.asarray(value, dtype=np.float64)
    return np.asarray(backend.to_numpy(value), dtype=np.float64)


def _full(value: Any) -> str:
    if value is None:
        return "freed by backward()"
    array = _array(value)
    if array.ndim == 0:
        return number(float(array))
    text = np.array2string(
        array, threshold=10_000, separator=", ", formatter={"float_kind": number}
    )
    return text if len(text) <= FULL_VALUE_CHARS else text[:FULL_VALUE_CHARS] + " …"


def _node_info(
    graph: GraphWalk,
    item_of: dict[Any, Any],
    names: dict[Tensor, str],
) -> dict[str, dict[str, Any]]:
    """Per drawn node: the tensors it shows, each with its full value and gradient."""
    found = gradients(graph.root, graph.tensors)
    info: dict[str, dict[str, Any]] = {}
    for t in graph.tensors:
        item = _item(item_of, t)
        if item is None:
            continue
        entry = info.setdefault(item, {"tensors": []})
        entry["tensors"].append(
            {
                "key": graph.ids[t],
                "name": names[t],
                "shape": list(t.shape),
                "value": _full(t.array),
                "grad": _full(found[t]) if t in found else "",
            }
        )
        op = _item(item_of, t.node) if t.node is not None else None
        if t.node is not None and op is not None and op != item:
            info.setdefault(op, {"tensors": []})["op"] = f"{t.node.op.describe()}: {t.node.op.rule}"
    return info


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>minigrad · step through forward and backward</title>
<style>
body { margin: 0; font: 16px Helvetica, Arial, sans-serif; color: #111; background: #fff; }
header { display: flex; gap: 10px; align-items: center; padding: 8px 12px;
         border-bottom: 1px solid #ddd; flex-wrap: wrap; }
button { font: inherit; padding: 4px 12px; cursor: pointer; }
#count { color: #555; min-width: 5em; }
#title { font-weight: bold; }
main { display: flex; gap: 12px; padding: 12px; align-items: flex-start; }
#graph { flex: 1 1 auto; overflow: auto; }
#graph svg { width: 100%; height: auto; max-height: 85vh; }
#panel { flex: 0 0 26em; }
#panel table { border-collapse: collapse; width: 100%; }
#panel td { padding: 3px 6px; border-bottom: 1px solid #eee; vertical-align: top; }
#panel td.key { color: #555; white-space: nowrap; }
tr.downstream td, tr.upstream td { color: #b3261e; }
#hover { margin-top: 12px; padding: 8px; background: #f6f6f6; border-radius: 6px;
         white-space: pre-wrap; font-family: monospace; font-size: 13px; min-height: 3em; }
g.node.active polygon, g.node.active ellipse, g.node.active path {
  stroke: #d62728 !important; stroke-width: 5px !important; }
g.node.input polygon, g.node.input ellipse, g.node.input path {
  stroke: #1f77b4 !important; stroke-width: 4px !important; }
g.node { cursor: help; }
g.node:not(.known) text.grad { visibility: hidden; }
kbd { border: 1px solid #999; border-radius: 4px; padding: 0 5px; }
</style></head>
<body>
<header>
  <button id="first" title="back to the start (Home)">start</button>
  <button id="prev" title="one step back (←)">← back</button>
  <button id="next" title="one step forward (→)">next →</button>
  <span id="count"></span><span id="title"></span>
  <span class="legend"><span style="color:#d62728">■</span> active op and its output
  <span style="color:#1f77b4">■</span> its inputs</span>
  <span style="margin-left:auto;color:#555"><kbd>←</kbd> <kbd>→</kbd> to step ·
  hover a node for its value and gradient</span>
</header>
<main>
  <div id="graph">__SVG__</div>
  <div id="panel"><table id="rows"></table><div id="hover">hover a node</div></div>
</main>
<script>
const DATA = __DATA__;
const steps = DATA.steps, nodes = DATA.nodes;
const byId = {};
document.querySelectorAll("#graph g.node").forEach(g => {
  const title = g.querySelector("title");
  if (title) { byId[title.textContent.trim()] = g; g.dataset.item = title.textContent.trim(); }
  const texts = Array.from(g.querySelectorAll("text"));  // the grad row: shown once known
  texts.forEach((t, i) => {
    if (t.textContent.trim() !== "grad") return;
    [t, texts[i + 1]].forEach(x => x && x.classList.add("grad"));
  });
  const tip = g.querySelector("a");  // Graphviz tooltips would cover the hover panel
  if (tip) { tip.removeAttribute("xlink:title"); tip.removeAttribute("title"); }
});
let k = 0, hovered = null;
function escapeHtml(s) {
  const codes = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"};
  return String(s).replace(/[&<>"]/g, c => codes[c]);
}
function show(i) {
  k = Math.max(0, Math.min(steps.length - 1, i));
  const s = steps[k];
  document.getElementById("count").textContent = (k + 1) + " / " + steps.length;
  document.getElementById("title").textContent = s.title;
  document.body.dataset.step = k;
  document.body.dataset.kind = s.kind;
  Object.values(byId).forEach(g => g.classList.remove("active", "input"));
  s.active.forEach(id => byId[id] && byId[id].classList.add("active"));
  s.inputs.forEach(id => byId[id] && byId[id].classList.add("input"));
  const known = new Set(s.known);
  Object.entries(byId).forEach(([id, g]) => {  // a gradient shows once backward got there
    const info = nodes[id];
    g.classList.toggle("known", !!info && info.tensors.some(t => known.has(t.key)));
  });
  document.getElementById("rows").innerHTML = s.rows.map(r =>
    '<tr class="' + r[0].replace(/\\W/g, "") + '"><td class="key">' + escapeHtml(r[0]) +
    '</td><td>' + escapeHtml(r[1]) + '</td></tr>').join("");
  if (hovered) document.getElementById("hover").textContent = describe(hovered) || hovered;
}
function describe(item) {
  const info = nodes[item];
  if (!info) return "";
  const known = new Set(steps[k].known);
  const lines = [];
  if (info.op) lines.push(info.op);
  info.tensors.forEach(t => {
    lines.push(t.name + "  shape (" + t.shape.join(", ") + ")");
    lines.push("value " + t.value);
    lines.push("grad  " + (known.has(t.key) && t.grad ? t.grad : "(not computed yet)"));
  });
  return lines.join("\\n");
}
Object.entries(byId).forEach(([id, g]) => {
  g.addEventListener("mouseenter", () => {
    hovered = id;
    document.getElementById("hover").textContent = describe(id) || id;
  });
});
document.getElementById("first").onclick = () => show(0);
document.getElementById("prev").onclick = () => show(k - 1);
document.getElementById("next").onclick = () => show(k + 1);
document.addEventListener("keydown", e => {
  if (e.key === "ArrowRight" || e.key === " ") { show(k + 1); e.preventDefault(); }
  if (e.key === "ArrowLeft") { show(k - 1); e.preventDefault(); }
  if (e.key === "Home") show(0);
  if (e.key === "End") show(steps.length - 1);
});
show(0);
</script></body></html>
"""
