"""``draw_graph``: a computational graph as a Graphviz picture, with values and gradients.

Tensors and ops are different kinds of node (parameters, inputs, intermediates, the output,
ops). Nodes are grouped into nested clusters by scope, which lays an unrolled RNN out one time
step after another; see :mod:`viz.layout` for collapsing and windowing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

from minigrad import Node, Tensor, backend, tensor_label
from minigrad import time_step_of as step_of
from viz.colors import LogScale, text_on
from viz.grads import gradients, magnitude
from viz.labels import escape, number, shape_text, summary, table
from viz.layout import (
    ELIDED,
    Collapse,
    Expand,
    Layout,
    Placement,
    focus_steps,
    kept_steps,
    last_segment,
)
from viz.render import RendererNotFoundError, SafeDigraph, layout_svg
from viz.slide_fit import warn_if_illegible as _warn_small_text
from viz.themes import Theme, get_theme
from viz.walk import GraphWalk, walk

SHARED = "parameters (shared across time)"
Grads = Literal["auto", "attr"] | Mapping[Tensor, Any]
Rows = list[tuple[str, str]]


@dataclass
class Item:
    """One DOT node: a tensor, an op, or a collapsed box of many."""

    id: str
    cluster: str
    tensors: list[Tensor] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    box: str | None = None
    copy_of: list[Tensor] = field(default_factory=list)
    users: list[tuple[Tensor, Node]] = field(default_factory=list)
    copy_source: str | None = None  # the collapsed box all ``copy_of`` come from, if one


@dataclass
class Style:
    """Everything about the look of one picture, resolved from ``draw_graph``'s options."""

    theme: Theme
    show_values: bool
    show_grads: bool
    grads: dict[Any, np.ndarray]
    scale: LogScale | None
    highlight: set[int]
    annotate: Mapping[Any, Sequence[tuple[str, str]]]
    layout: Layout = field(default_factory=Layout)
    groups: dict[str, str] = field(default_factory=dict)  # item id → Graphviz group


def draw_graph(
    root: Tensor,
    *,
    show_values: bool | None = None,
    show_grads: bool = True,
    grads: Grads = "auto",
    rankdir: str = "LR",
    theme: str | Theme = "light",
    color_by: Literal["grad"] | None = None,
    grad_range: tuple[int, int] | None = None,
    highlight: Iterable[Tensor | Node] = (),
    collapse: Collapse | Literal["auto"] = "auto",
    expand: Expand = None,
    window: int | None = None,
    title: str | None = None,
    annotate: Mapping[Tensor | Node, Sequence[tuple[str, str]]] | None = None,
    edge_labels: Mapping[tuple[Tensor, Node], str] | None = None,
    fit: str | None = None,
    size: tuple[float, float] | None = None,
) -> SafeDigraph:
    """Draw the graph that computed ``root`` as a ``graphviz.Digraph``.

    Parameters
    ----------
    root : Tensor
        Usually the loss. Everything it was computed from is drawn.
    show_values, show_grads : bool
        Write each tensor's value / gradient in its node (all values up to 4 elements,
        mean and norm beyond). ``show_values`` defaults to ``True`` when at most
        :data:`LARGE_GRAPH` nodes are drawn and ``False`` above, with a note in the picture.
    grads : "auto", "attr" or mapping
        Where gradients come from. ``"auto"`` computes ∂root/∂t for every tensor with a
        private backward pass (see :func:`viz.gradients`; ``.grad`` is left untouched) when
        the graph is still retained, else reads ``.grad``; ``"attr"`` reads ``.grad``; a
        mapping gives them per tensor.
    rankdir : {"LR", "TB", "RL", "BT"}
        Direction of the forward pass.
    theme : "light", "dark", "slides" or Theme
        ``slides`` is large type and high contrast for projectors.
    color_by : "grad" or None
        Colour tensor nodes and edges by ‖gradient‖ on a log scale, with a legend.
    grad_range : (lo, hi), optional
        The colour scale's decades, e.g. ``(-8, 0)``; give two pictures the same range to
        compare them.
    highlight : tensors or nodes
        Drawn with thick outlines, e.g. :func:`viz.path_between` ``(loss, h0)``.
    collapse : "auto", int, str, sequence of str or None
        Fold scopes into single boxes: a scope depth, or scope names / glob patterns
        (``"t=*"`` makes each time step one box). Each box shows the norm of the gradient
        leaving it. ``"auto"`` (the default) folds nn's per-gate weight views (scopes named
        ``weights``) when the graph has more than :data:`LARGE_GRAPH` nodes, and says so in
        the picture; ``None`` folds nothing.
    expand : str or sequence of str, optional
        A *focus view*: open these scopes (names or patterns matched against the end of the
        scope path, e.g. ``"t=2"``) and fold everything else. The parts of an opened scope
        (an LSTM step's gates, cell and hidden state) are boxes that show the value and
        gradient they pass on; the other steps are boxes on the same line, and in a long
        sequence only the first, the last and the focused step's neighbours are kept (with
        ``window=k``: the first and last ``k``). ``collapse`` is not needed with it.
    window : int, optional
        Show only the first and last ``window`` time steps, with an elision box between.
    title : str, optional
        A caption over the picture.
    annotate : mapping, optional
        Extra ``(key, text)`` rows for chosen tensors or op nodes.
    edge_labels : mapping, optional
        ``{(input tensor, op node): text}`` written on the edge from the input to the op.
    fit : {"16:9", "4:3"}, optional
        Stretch the layout to exactly fill a slide of that shape (13.33 × 7.5 or 10 × 7.5
        inches; with ``dpi=150`` a 16:9 PNG is exactly 2000 × 1125 pixels). Warns
        (:class:`viz.IllegibleTextWarning`) when text would be under 8 pt on the slide.
    size : (width, height) in inches, optional
        Scale the picture down to fit in this box, keeping its proportions (with ``fit``,
        the slide's size instead of the default one).

    Returns
    -------
    SafeDigraph
        A ``graphviz.Digraph``: ``.source`` is the DOT text; :func:`viz.render` writes files.

    Examples
    --------
    >>> from minigrad import Tensor
    >>> x = Tensor(-2.0, requires_grad=True, name="x")
    >>> y = Tensor(5.0, requires_grad=True, name="y")
    >>> z = Tensor(-4.0, requires_grad=True, name="z")
    >>> f = (x + y) * z
    >>> dot = draw_graph(f)
    >>> dot.source.count("->")
    6
    >>> "grad" in dot.source and x.grad is None
    True

    A focus view of one step of an unrolled LSTM, the others folded:

    >>> import minigrad, nn
    >>> _, (h, c) = nn.LSTM(2, 3, fused=False)(minigrad.randn(6, 1, 2))
    >>> dot = draw_graph(h.sum(), expand="t=2")
    >>> "forget_gate" in dot.source and "label=<t=2>" in dot.source
    True
    """
    graph = walk(root)
    theme = get_theme(theme)
    scopes = [n.scope for n in graph.nodes]
    if expand is not None:
        layout = focus_layout(scopes, expand, window)
        hidden: list[str] = []
        # a focus view is made for a slide: no text smaller than the body text
        theme = replace(theme, small=theme.fontsize)
    else:
        hidden = ["weight views folded (collapse=None)"] if collapse == "auto" else []
        collapse = resolve_collapse(graph, collapse)
        hidden = hidden if collapse else []
        layout = Layout(collapse, kept_steps(scopes, window))
    want_grads = show_grads or color_by == "grad"
    grad_of = resolve_grads(graph, grads) if want_grads else {}
    scale = None
    if color_by == "grad":
        scale = (
            LogScale(*grad_range)
            if grad_range
            else LogScale.fit(magnitude(g) for g in grad_of.values())
        )
    elif color_by is not None:
        raise ValueError(f"color_by={color_by!r}: the only option is 'grad' (or None)")
    items, item_of = place(graph, layout)
    if show_values is None:  # the picture's size decides, after folding
        show_values = len(items) <= LARGE_GRAPH
        hidden += [] if show_values else ["values hidden (show_values=True)"]
    style = Style(
        theme,
        show_values,
        show_grads,
        grad_of,
        scale,
        lit_ids(graph, highlight),
        annotate or {},
        layout,
    )
    dot = _digraph(theme, rankdir, title, hidden)
    if layout.focus:
        dot.attr(ranksep="0.2")  # a focus view is wide: every column counts
    dot.attr(**slide_size(fit, size))
    # which edges will be drawn decides the line of steps, whose groups the nodes carry
    planned = _emit_edges(SafeDigraph(), graph, item_of, style, edge_labels or {})
    style.groups, line = line_up_steps(items, item_of, graph, planned)
    _emit_nodes(dot, items, graph, style)
    done = _emit_edges(dot, graph, item_of, style, edge_labels or {})
    _order_steps(dot, items, done)
    dot.body.extend(line)
    if scale is not None:
        dot.node("legend", legend(scale, theme), shape="plaintext")
    if fit is not None or size is not None:
        warn_if_illegible(dot)
    return dot


def warn_if_illegible(dot: SafeDigraph) -> None:
    """Lay ``dot`` out and warn if its text would be too small on a slide.

    The graph remembers its checked source, so :func:`viz.render` does not warn again.
    """
    try:
        svg = layout_svg(dot.source)
    except (RendererNotFoundError, RuntimeError):  # no renderer: nothing to measure
        return
    _warn_small_text(svg)
    dot.checked_source = dot.source


def focus_layout(scopes: Sequence[str], expand: Expand, window: int | None) -> Layout:
    """The :class:`Layout` of a focus view; a pattern that opens nothing is an error."""
    layout = Layout(None, focus_steps(scopes, expand, window), expand, scopes)
    if not layout.focus:
        examples = sorted({s for s in scopes if s}, key=len)[:3]
        raise ValueError(
            f"expand={expand!r} matches no scope of this graph; its scopes look like "
            f"{', '.join(map(repr, examples)) or '(none: the graph has no scopes)'}"
        )
    return layout


LARGE_GRAPH = 150
"""Above this many tensors and ops, :func:`draw_graph` hides values and folds weight views
unless told otherwise: a projector cannot show more text than that."""

SLIDES = {"16:9": (13.333, 7.5), "4:3": (10.0, 7.5)}


def slide_size(fit: str | None, size: tuple[float, float] | None) -> dict[str, str]:
    """Graphviz attributes that scale a picture to a slide (``fit``) or into a box (``size``).

    Examples
    --------
    >>> slide_size("16:9", None)
    {'size': '13.333,7.5!', 'ratio': 'fill', 'pad': '0'}
    >>> slide_size(None, (6, 4))
    {'size': '6,4'}
    """
    if fit is not None and fit not in SLIDES:
        raise ValueError(f"fit={fit!r}: choose one of {', '.join(map(repr, SLIDES))} (or None)")
    if size is not None:
        width, height = size
        if not (width > 0 and height > 0):
            raise ValueError(f"size={size!r}: give (width, height) in inches, both positive")
    if fit is None:
        return {} if size is None else {"size": f"{size[0]:g},{size[1]:g}"}
    width, height = size or SLIDES[fit]
    # no pad: Graphviz adds it after scaling, which made slides a few pixels narrow
    return {"size": f"{width:g},{height:g}!", "ratio": "fill", "pad": "0"}


def resolve_collapse(graph: GraphWalk, collapse: Collapse | Literal["auto"]) -> Collapse:
    """``collapse="auto"``: fold nn's weight views (scopes named ``weights``) in large graphs."""
    if collapse != "auto":
        return collapse
    large = len(graph.tensors) + len(graph.nodes) > LARGE_GRAPH
    return ["weights"] if large and _has_scope(graph, "weights") else None


def _has_scope(graph: GraphWalk, name: str) -> bool:
    return any(name in n.scope.split("/") for n in graph.nodes)


def resolve_grads(graph: GraphWalk, grads: Grads) -> dict[Tensor, np.ndarray]:
    """Gradients per tensor as NumPy arrays, from the ``grads`` option of :func:`draw_graph`."""
    if isinstance(grads, Mapping):
        return {
            t: backend.to_numpy(g.array if isinstance(g, Tensor) else g) for t, g in grads.items()
        }
    if grads == "auto":
        try:
            found = gradients(graph.root, graph.tensors)
        except RuntimeError:  # graph freed by an earlier backward(): fall back to .grad
            found = {}
        if found:
            return found
    elif grads != "attr":
        raise ValueError(f"grads={grads!r}: use 'auto', 'attr' or a mapping tensor → gradient")
    return {t: backend.to_numpy(t.grad.array) for t in graph.tensors if t.grad is not None}


def place(graph: GraphWalk, layout: Layout) -> tuple[dict[str, Item], dict[Any, Item]]:
    """Group tensors and ops into DOT items (boxes where collapsed), in topological order."""
    items: dict[str, Item] = {}
    item_of: dict[Any, Item] = {}
    boxes = 0
    for t in graph.tensors:
        if _is_shared(t, graph, layout):
            _place_copies(t, graph, layout, items, item_of)
        where = _placement(t, graph, layout)
        if where.box is None:
            if t.node is not None:
                item_of[t.node] = items[graph.ids[t.node]] = Item(
                    graph.ids[t.node], where.cluster, nodes=[t.node]
                )
            item_of[t] = items[graph.ids[t]] = Item(graph.ids[t], where.cluster, [t])
            continue
        key = f"box:{where.box}"
        if key not in items:
            items[key] = Item(f"box{boxes}", where.cluster, box=where.box)
            boxes += 1
        box = item_of[t] = items[key]
        box.tensors.append(t)
        if t.node is not None:
            box.nodes.append(t.node)
            item_of[t.node] = box
    return items, item_of


def _is_shared(t: Tensor, graph: GraphWalk, layout: Layout) -> bool:
    """Made outside the time steps and read in several (a weight reused at every step)."""
    if t.node is not None and step_of(t.node.scope) is not None:
        return False
    if t.node is None and not t.requires_grad:
        return False
    steps = {step_of(n.scope) for n in graph.consumers.get(t, [])} - {None}
    return len(steps) > 1


def _place_copies(
    t: Tensor, graph: GraphWalk, layout: Layout, items: dict[str, Item], item_of: dict[Any, Item]
) -> None:
    """One *copy* node of ``t`` per scope that reads it, beside its readers.

    Drawing every use as an edge from one shared node makes Graphviz route long edges
    across the whole unrolled graph (minutes for 20 steps); local copies keep it fast and
    show the copy → sum of the weight gradient.
    """
    for node in graph.consumers[t]:
        where = layout.place(node.scope)
        # one copy node per box or cluster for all the shared tensors read there: an LSTM
        # gate reads four (W_ih, W_hh, b_ih, b_hh views), and four boxes per gate crowd it
        key = f"copies:{where.box}" if where.box else f"copies:{where.cluster}"
        cluster = where.cluster
        step = layout.opened_step(where.cluster)
        if step is not None:
            # a focused step reads one copy, in the row of the other steps' copies
            key, cluster = f"copies:{step}", step.rpartition("/")[0]
        if key not in items:
            items[key] = Item(f"{graph.ids[t]}c{len(items)}", cluster)
        copy = items[key]
        if not any(c is t for c in copy.copy_of):
            source = layout.place(t.node.scope).box if t.node is not None else None
            copy.copy_source = source if not copy.copy_of or copy.copy_source == source else None
            copy.copy_of.append(t)
        copy.users.append((t, node))
        item_of[(id(t), id(node))] = copy


SHARE_EDGES = 24  # above this many shared → copy edges, they are left out (slow layouts)


def _placement(t: Tensor, graph: GraphWalk, layout: Layout) -> Placement:
    if t.node is not None:
        return layout.place(t.node.scope)
    if t.requires_grad and _is_shared(t, graph, layout):
        return Placement(SHARED)
    users = graph.consumers.get(t, [])
    if layout.focus and t.requires_grad and users:
        # a focus view draws a parameter read only by a folded box (nn's weights) inside it
        spots = {layout.place(n.scope) for n in users}
        spot = next(iter(spots))
        if len(spots) == 1 and spot.box is not None and not layout.inside_opened(spot.box):
            return spot
    if not t.requires_grad and users:  # a constant lives with its only consumer's scope
        spots = {layout.place(n.scope) for n in users}
        steps = {layout.opened_step(s.cluster) for s in spots}
        lone_box = len(spots) == 1 and next(iter(spots)).box is not None
        if len(steps) == 1 and (step := steps.pop()) is not None and not lone_box:
            # read inside a focused step (x_t): beside it, so the step's first column is
            # its own and the previous step's box can sit on the line beside it
            return Placement(step.rpartition("/")[0])
        if len(spots) == 1:
            return spots.pop()
    return Placement("")


def _digraph(theme: Theme, rankdir: str, title: str | None, notes: Sequence[str]) -> SafeDigraph:
    dot = SafeDigraph("minigrad")
    dot.attr(
        rankdir=rankdir,
        bgcolor=theme.background,
        fontname=theme.fontname,
        fontcolor=theme.text,
        fontsize=f"{theme.fontsize * 1.3:g}",
        nodesep="0.25",
        ranksep="0.35",
        newrank="true",  # one global ranking: time steps follow each other left to right
        forcelabels="true",  # draw every edge label, even where it overlaps
        labelloc="t",
    )
    caption = [f"<B>{escape(title)}</B>"] if title else []
    if notes:
        small = f'<FONT POINT-SIZE="{theme.small:g}" COLOR="{theme.muted}">'
        caption.append(f"{small}large graph: {escape('; '.join(notes))}</FONT>")
    if caption:
        dot.attr(label=f"<{'<BR/>'.join(caption)}>")
    dot.attr(
        "node",
        fontname=theme.fontname,
        fontsize=f"{theme.fontsize:g}",
        fontcolor=theme.text,
        color=theme.edge,
        penwidth=f"{theme.penwidth:g}",
        margin="0.08,0.04",
    )
    dot.attr(
        "edge",
        color=theme.edge,
        penwidth=f"{theme.penwidth:g}",
        arrowsize="0.7",
        fontname=theme.fontname,
        fontsize=f"{theme.small:g}",
        fontcolor=theme.text,
    )
    return dot


def _emit_nodes(dot: SafeDigraph, items: dict[str, Item], graph: GraphWalk, style: Style) -> None:
    children: dict[str, list[str]] = {}
    members: dict[str, list[Item]] = {}
    for item in items.values():
        members.setdefault(item.cluster, []).append(item)
        path = item.cluster
        while path:
            parent = path.rpartition("/")[0]
            kids = children.setdefault(parent, [])
            if path in kids:
                break
            kids.append(path)
            path = parent
    counter = itertools.count()
    _emit_cluster(dot, "", children, members, graph, style, counter)


def _emit_cluster(
    dot: Any,
    path: str,
    children: dict[str, list[str]],
    members: dict[str, list[Item]],
    graph: GraphWalk,
    style: Style,
    counter: Iterator[int],
) -> None:
    for item in members.get(path, []):
        dot.node(item.id, **node_attrs(item, graph, style))
    theme = style.theme
    for child in children.get(path, []):
        with dot.subgraph(name=f"cluster_{next(counter)}") as sub:
            sub.attr(
                label=f"<{escape(last_segment(child))}>",
                style="rounded,filled",
                fillcolor=theme.cluster_fill,
                color=theme.cluster_border,
                fontcolor=theme.muted,
                fontsize=f"{theme.small:g}",
                margin="6",
                tooltip=_plain(child),
            )
            _emit_cluster(sub, child, children, members, graph, style, counter)


def node_attrs(item: Item, graph: GraphWalk, style: Style) -> dict[str, str]:
    """DOT attributes for one item."""
    if item.copy_of:
        attrs = _copy_attrs(item, style)
    elif item.box is not None:
        attrs = _box_attrs(item, graph, style)
    elif item.nodes and not item.tensors:
        attrs = _op_attrs(item.nodes[0], style)
    else:
        attrs = _tensor_attrs(item.tensors[0], graph, style)
    if _lit(item, style):
        attrs.update(color=style.theme.highlight, penwidth=f"{style.theme.highlight_width:g}")
    if item.id in style.groups:
        attrs["group"] = style.groups[item.id]
    return attrs


def tensor_kind(t: Tensor, graph: GraphWalk) -> str:
    """``"output"``, ``"param"`` (leaf that requires grad), ``"input"`` or ``"tensor"``."""
    if t is graph.root:
        return "output"
    if t.node is None:
        return "param" if t.requires_grad else "input"
    return "tensor"


def _tensor_attrs(t: Tensor, graph: GraphWalk, style: Style) -> dict[str, str]:
    theme = style.theme
    kind = tensor_kind(t, graph)
    fill = {
        "output": theme.output_fill,
        "param": theme.param_fill,
        "input": theme.input_fill,
        "tensor": theme.tensor_fill,
    }[kind]
    grad = style.grads.get(t)
    if style.scale is not None and grad is not None:
        fill = style.scale.colour(magnitude(grad))
    ink = text_on(fill) if style.scale is not None else theme.text
    rows: Rows = []
    # unnamed results get the names stepping prints (#seq), so text steps and pictures agree
    heading = escape(tensor_label(t, numbers=graph.numbers) if t.name or t.node else "")
    if t.shape:
        heading = f"{heading} {escape(shape_text(t.shape))}".strip()
    if heading:
        rows.append(("", f"<B>{heading}</B>" if t.name else heading))
    if style.show_values:
        # a backward without retain_graph released intermediate values (as PyTorch does)
        value = "freed by backward()" if t.array is None else summary(t.array)
        rows.append(("data", f"<I>{escape(value)}</I>" if t.array is None else escape(value)))
    if style.show_grads and grad is not None:
        grad_ink = theme.grad_text if style.scale is None else ink
        rows.append(("grad", f'<FONT COLOR="{grad_ink}">{escape(summary(grad))}</FONT>'))
    users = len(graph.consumers.get(t, []))
    if users > 1 and t.requires_grad:
        rows.append(("", f"<I>used {users}× → grads sum</I>"))
    rows.extend(_notes(t, style))
    return {
        "label": table(rows or [("", " ")], ink, theme.fontsize, theme.fontsize),
        "shape": "box",
        "style": "rounded,filled,bold" if kind == "output" else "rounded,filled",
        "fillcolor": fill,
        "tooltip": _plain(f"{t.name or 'tensor'} {shape_text(t.shape)} {_scope_of(t)}".strip()),
    }


def _copy_attrs(item: Item, style: Style) -> dict[str, str]:
    """A per-scope copy of a shared parameter, with its share of the gradient."""
    theme = style.theme
    parts = [style.grads.get((id(t), id(n))) for t, n in item.users]
    found = [g for g in parts if g is not None]
    norm = math.sqrt(sum(magnitude(g) ** 2 for g in found)) if found else None
    fill = theme.param_fill
    if style.scale is not None and norm is not None:
        fill = style.scale.colour(norm)
    ink = text_on(fill) if style.scale is not None else theme.text
    names = list(dict.fromkeys((t.name or "shared").split("[")[0] for t in item.copy_of))
    if len(item.copy_of) == 1:
        names = [item.copy_of[0].name or "shared"]
    elif item.copy_source is not None:  # e.g. nn's views, folded into one "weights" box
        names = [f"copy of {last_segment(item.copy_source)}"]
    rows: Rows = [("", f"<I>{escape(n)}</I>") for n in names]
    if style.show_grads and norm is not None:
        rows.append(("‖grad‖", escape(number(norm))))
    return {
        "label": table(rows, ink, theme.small, theme.small),
        "shape": "box",
        "style": "rounded,filled,dashed",
        "fillcolor": fill,
        "tooltip": _plain(f"copy of {', '.join(names)}: the copies' gradients are summed"),
    }


def _op_attrs(node: Node, style: Style) -> dict[str, str]:
    theme = style.theme
    rows: Rows = [("", f"<B>{escape(node.op.symbol)}</B>")]
    steps = gathered_steps(node)
    if len(steps) > SHARE_EDGES:
        rows.append(("", f"<I>from steps {steps[0]}…{steps[-1]}</I>"))
    rows.extend(_notes(node, style))
    return {
        "label": table(rows, theme.text, theme.fontsize, theme.fontsize * 1.15),
        # a circle only around a short symbol (+ × @ Σ): a word (reshape, tanh) in a circle
        # grows it into the largest thing on the slide
        "shape": "circle" if len(rows) == 1 and len(node.op.symbol) <= 2 else "ellipse",
        "style": "filled",
        "fillcolor": theme.op_fill,
        "width": "0.3",
        "tooltip": _plain(f"{node.op.describe()}: {node.op.rule}"),
    }


def _box_attrs(item: Item, graph: GraphWalk, style: Style) -> dict[str, str]:
    theme = style.theme
    assert item.box is not None
    name = last_segment(item.box)
    if name.startswith(ELIDED):
        return _elision_attrs(item, theme)
    norm = _box_grad_norm(item, graph, style)
    fill = theme.box_fill if style.scale is None or norm is None else style.scale.colour(norm)
    ink = text_on(fill) if style.scale is not None else theme.text
    part = style.layout.inside_opened(item.box)
    rows: Rows = [("", f"<B>{escape(name)}</B>")]
    leaves = [t for t in item.tensors if t.node is None and t.requires_grad]
    if leaves:  # parameters drawn inside the box (a focus view)
        for t in leaves:  # one a line: a narrow box
            name = escape(t.name or "parameter")
            rows.append(("", f'<FONT POINT-SIZE="{theme.small:g}"><I>{name}</I></FONT>'))
    if not part:
        rows.append(("ops", str(len(item.nodes))))
        if style.show_grads and norm is not None:
            rows.append(("‖grad‖", escape(number(norm))))
    label = (
        _part_label(item, graph, style, ink)  # a gate of the focused step: what it passes on
        if part
        else table(rows, ink, theme.fontsize, theme.fontsize * 1.15)
    )
    return {
        "label": label,
        "shape": "box",
        "style": "rounded,filled" if part else "filled,bold",
        "fillcolor": fill,
        "tooltip": _plain(f"{item.box}: {len(item.nodes)} ops folded"),
    }


def _elision_attrs(item: Item, theme: Theme) -> dict[str, str]:
    steps = {seg for n in item.nodes for seg in n.scope.split("/") if seg.startswith("t=")}
    text = f"{ELIDED} {len(steps)} steps {ELIDED}"
    return {
        "label": f'<<FONT POINT-SIZE="{theme.fontsize:g}">{text}</FONT>>',
        "shape": "box",
        "style": "dashed,rounded",
        "color": theme.muted,
        "tooltip": f"{len(steps)} time steps not shown",
    }


def _part_label(item: Item, graph: GraphWalk, style: Style, ink: str) -> str:
    """A part of a focused step: its name over the value and gradient it passes on.

    Values and gradients stand side by side, one row per element when there are at most
    four (a narrow box: a whole LSTM step fits a slide), else their summaries.
    """
    theme = style.theme
    grad_ink = theme.grad_text if style.scale is None else ink
    assert item.box is not None

    def cell(text: str, colour: str = ink, align: str = "RIGHT") -> str:
        shown = "&#160;&#160;" + escape(text)  # a gap between the columns
        font = f'<FONT COLOR="{colour}" POINT-SIZE="{theme.fontsize:g}">{shown}</FONT>'
        return f'<TD ALIGN="{align}">{font}</TD>'

    columns: list[tuple[str, str, list[str]]] = []
    for t in _leaving(item, graph):
        grad = style.grads.get(t)
        if style.show_values and t.array is not None:
            columns.append(("data", ink, _elements(t.array)))
        if style.show_grads and grad is not None:
            columns.append(("grad", grad_ink, _elements(grad)))
    title = f'<FONT COLOR="{ink}" POINT-SIZE="{theme.fontsize * 1.15:g}"><B>'
    title += f"{escape(last_segment(item.box))}</B></FONT>"
    lines = [
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">',
        f'<TR><TD COLSPAN="{max(len(columns), 1)}">{title}</TD></TR>',
    ]
    if columns:
        lines.append("<TR>" + "".join(cell(h, c, "CENTER") for h, c, _ in columns) + "</TR>")
        for k in range(max(len(v) for _, _, v in columns)):
            lines.append(
                "<TR>"
                + "".join(cell(v[k] if k < len(v) else "", c) for _, c, v in columns)
                + "</TR>"
            )
    lines.append("</TABLE>>")
    return "".join(lines)


def _elements(value: Any) -> list[str]:
    """Each number of a small array (at most four), else its summary, as table rows."""
    array = np.asarray(backend.to_numpy(value), dtype=np.float64)
    return [number(v) for v in array.ravel()] if array.size <= 4 else [summary(array)]


def _leaving(item: Item, graph: GraphWalk) -> list[Tensor]:
    """The tensors made in a box and used outside it (or the root)."""
    inside = {id(n) for n in item.nodes}
    return [
        t
        for t in item.tensors
        if t.node is not None
        and (t is graph.root or any(id(n) not in inside for n in graph.consumers.get(t, [])))
    ]


def _box_grad_norm(item: Item, graph: GraphWalk, style: Style) -> float | None:
    """‖∂L/∂(everything leaving the box)‖: the gradient that reaches this block."""
    found = [style.grads[t] for t in _leaving(item, graph) if t in style.grads]
    if not found:
        return None
    return math.sqrt(sum(magnitude(g) ** 2 for g in found))


def _notes(x: Tensor | Node, style: Style) -> Rows:
    return [(escape(k), escape(v)) for k, v in style.annotate.get(x, ())]


def _scope_of(t: Tensor) -> str:
    return f"in {t.node.scope}" if t.node is not None and t.node.scope else ""


def _plain(text: str) -> str:
    """Text for a quoted (non-HTML) DOT attribute: backslashes doubled, quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _emit_edges(
    dot: SafeDigraph,
    graph: GraphWalk,
    item_of: dict[Any, Item],
    style: Style,
    labels: Mapping[tuple[Tensor, Node], str],
) -> set[tuple[str, str]]:
    """Draw every edge; returns the ``(tail id, head id)`` pairs drawn."""
    done: set[tuple[str, str]] = set()
    for t in graph.tensors:
        node = t.node
        if node is None:
            continue
        op = item_of[node]
        steps = gathered_steps(node)
        for parent in node.parents:
            tail = item_of.get((id(parent), id(node)), item_of[parent])
            extra = _gather_edge(parent, steps)
            if extra is not None:
                _edge(dot, tail, op, parent, style, done, labels.get((parent, node)), **extra)
        _edge(dot, op, item_of[t], t, style, done, None)
    unique = {id(i): i for i in item_of.values()}.values()
    copies = [(t, item) for item in unique for t in item.copy_of]
    if len({(item_of[t].id, item.id) for t, item in copies}) <= SHARE_EDGES:
        for t, item in sorted(copies, key=lambda pair: _item_order(pair[1])):
            dashed = {"style": "dashed", "constraint": "false"}
            _edge(dot, item_of[t], item, t, style, done, None, **dashed)
    return done


def _order_steps(dot: SafeDigraph, items: dict[str, Item], drawn: set[tuple[str, str]]) -> None:
    """Invisible edges that put every node of step t+1 after step t's last node.

    Without them the parts of step t+1 that do not wait for step t (the input projections)
    are ranked beside step t, the step clusters overlap in x, and Graphviz stacks them into a
    diagonal staircase; with them the unrolled graph reads left to right, one step after
    another, as on the lecture slides.
    """
    by_step: dict[int, list[Item]] = {}
    for item in items.values():
        step = step_of(item.cluster)
        if step is not None:
            by_step.setdefault(step, []).append(item)
    step_by_id = {item.id: step for step, group in by_step.items() for item in group}
    fed_inside = {h for t, h in drawn if step_by_id.get(t, -1) == step_by_id.get(h, -2)}
    feeds_inside = {t for t, h in drawn if step_by_id.get(t, -1) == step_by_id.get(h, -2)}
    steps = sorted(by_step)
    for before, after in itertools.pairwise(steps):
        ends = [i for i in by_step[before] if i.id not in feeds_inside]
        if not ends:
            continue
        for entry in by_step[after]:
            if entry.id not in fed_inside:
                dot.edge(ends[-1].id, entry.id, style="invis", weight="0", minlen="2")


def line_up_steps(
    items: dict[str, Item],
    item_of: dict[Any, Item],
    graph: GraphWalk,
    drawn: set[tuple[str, str]],
) -> tuple[dict[str, str], list[str]]:
    """Folded time steps on one horizontal line, their weight copies on a row above.

    Per sequence (the scope holding ``t=0``, ``t=1``, …), the step boxes and elision boxes
    share a Graphviz ``group``, which keeps the edges between them straight, and an unfolded
    (focused) step between two boxes is bridged by an invisible edge of the same group. The
    per-step copies of the weights form a second group, chained in step order from the box
    they copy, each in the same column as the step before its own (``rank=same``), so the
    dashed copy edges never cross the steps.

    Returns the group of each node on a line and the DOT statements to add after the edges.
    """
    dot = SafeDigraph()  # collects the statements
    groups: dict[str, str] = {}
    lines: dict[str, list[tuple[int, str, Item | None]]] = {}
    for key, item in items.items():
        if item.box is None or not key.startswith("box:"):
            continue
        name = last_segment(item.box)
        step = step_of(name) if not name.startswith(ELIDED) else _first_step(item)
        if step is not None:
            lines.setdefault(item.cluster, []).append((step, item.box, item))
    for cluster in {i.cluster for i in items.values()}:
        step = step_of(last_segment(cluster))
        parent = cluster.rpartition("/")[0]
        if step is not None and parent in lines:  # an opened step among folded ones
            lines[parent].append((step, cluster, None))
    for prefix, stations in sorted(lines.items()):
        stations.sort(key=lambda s: s[0])
        group = f"steps {prefix}"
        line: list[str] = []
        for k, (_, cluster, item) in enumerate(stations):
            if item is not None:
                line.append(item.id)
            else:  # an opened step: the line runs through it
                line.extend(_through_opened(stations, k, cluster, items, drawn))
        groups.update((node, group) for node in line)
        for before, after in itertools.pairwise(line):
            # beside the real edge, if any: a heavy one keeps the line straight
            dot.edge(before, after, style="invis", weight=LINE_WEIGHT)
        copies = [items.get(f"copies:{where}") for _, where, _ in stations]
        groups.update(_line_up_copies(dot, stations, copies, item_of, f"copies {prefix}"))
    return groups, dot.body


LINE_WEIGHT = "100"  # how much Graphviz favours a straight line of steps over short edges


def _through_opened(
    stations: list[tuple[int, str, Item | None]],
    k: int,
    cluster: str,
    items: dict[str, Item],
    drawn: set[tuple[str, str]],
) -> list[str]:
    """Run the line of steps through an opened step, along its shortest chain of nodes.

    The line enters where the previous step's state arrives and leaves where the next step
    reads it; for an LSTM that is the cell state's path, the other parts stack around it. A
    shortest chain has no edge skipping over a node of it, so every edge on the line can be
    straight.
    """
    inside = [i.id for i in items.values() if f"{i.cluster}/".startswith(f"{cluster}/")]
    ids = set(inside)
    before = stations[k - 1][2] if k > 0 else None
    after = stations[k + 1][2] if k + 1 < len(stations) else None
    succ: dict[str, list[str]] = {i: [] for i in inside}
    has_pred: set[str] = set()
    for tail, head in sorted(drawn):
        if tail in ids and head in ids:
            succ[tail].append(head)
            has_pred.add(head)
    starts = [i for i in inside if before is not None and (before.id, i) in drawn]
    starts = starts or [i for i in inside if i not in has_pred]
    ends = {i for i in inside if after is not None and (i, after.id) in drawn}
    ends = ends or {i for i in inside if not succ[i]}
    paths = [p for p in (_shortest(start, ends, succ) for start in starts) if p]
    if not paths:
        return []
    length = min(map(len, paths))
    tied = [p for p in paths if len(p) == length]
    return tied[len(tied) // 2]  # the middle one: the others stack on both sides


def _shortest(start: str, ends: set[str], succ: dict[str, list[str]]) -> list[str]:
    """The shortest path from ``start`` to one of ``ends`` along ``succ`` ([] if none)."""
    came: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node in ends:
            path = [node]
            while (prev := came[path[-1]]) is not None:
                path.append(prev)
            return path[::-1]
        for nxt in succ[node]:
            if nxt not in came:
                came[nxt] = node
                queue.append(nxt)
    return []


def _line_up_copies(
    dot: SafeDigraph,
    stations: list[tuple[int, str, Item | None]],
    copies: list[Item | None],
    item_of: dict[Any, Item],
    group: str,
) -> dict[str, str]:
    chain = [c for c in copies if c is not None]
    if len(chain) < 2:
        return {}
    groups = {copy.id: group for copy in chain}
    sources = {item_of[t].id for c in chain for t in c.copy_of if t in item_of}
    if len(sources) == 1:
        chain.insert(0, items_by_id(item_of)[sources.pop()])
    for a, b in itertools.pairwise(chain):
        dot.edge(a.id, b.id, style="invis", weight="10")
    for (_, _, before), copy in zip(stations, copies[1:], strict=False):
        if before is not None and copy is not None and copy.cluster == before.cluster:
            # same column, copy first: above the step line in a left-to-right picture
            dot.body.append(f"\t{{rank=same; {before.id} -> {copy.id} [style=invis]}}\n")
    return groups


def items_by_id(item_of: dict[Any, Item]) -> dict[str, Item]:
    return {item.id: item for item in item_of.values()}


def _first_step(item: Item) -> int | None:
    steps = [s for n in item.nodes if (s := step_of(n.scope)) is not None]
    return min(steps) if steps else None


def gathered_steps(node: Node) -> list[int]:
    """The time steps an op outside time reads from, when it reads from 3 or more.

    Such a *gather* (e.g. stacking every ``h_t`` into the output) would need an edge from
    every step across the whole picture; Graphviz lays those out very slowly.
    """
    if step_of(node.scope) is not None:
        return []
    steps = sorted(
        {s for p in node.parents if p.node is not None and (s := step_of(p.node.scope)) is not None}
    )
    return steps if len(steps) >= 3 else []


def _gather_edge(parent: Tensor, steps: list[int]) -> dict[str, str] | None:
    """Extra attributes for an edge into a gather; ``None`` to leave it out."""
    if not steps or parent.node is None or step_of(parent.node.scope) in (None, steps[-1]):
        return {}
    return {"constraint": "false"} if len(steps) <= SHARE_EDGES else None


def _item_order(item: Item) -> tuple[int, str]:
    return (len(item.id), item.id)


def _edge(
    dot: SafeDigraph,
    tail: Item,
    head: Item,
    carrier: Tensor,
    look: Style,
    done: set[tuple[str, str]],
    label: str | None,
    **attrs: str,
) -> None:
    """Draw one edge; ``attrs`` are extra DOT attributes (``style``, ``constraint``)."""
    key = (tail.id, head.id)
    if tail is head or key in done:
        return
    done.add(key)
    grad = look.grads.get(carrier)
    if look.scale is not None and grad is not None:
        attrs.update(
            color=look.scale.colour(magnitude(grad)), penwidth=f"{look.theme.penwidth * 2:g}"
        )
    if _lit(tail, look) and _lit(head, look) and carrier is not None:
        attrs.update(color=look.theme.highlight, penwidth=f"{look.theme.highlight_width:g}")
    if label:
        # an xlabel is placed after layout: labels that come and go (backward frames) never
        # move a node
        attrs.update(xlabel=f"<{escape(label)}>", fontcolor=look.theme.grad_text)
    dot.edge(tail.id, head.id, **attrs)


def _lit(item: Item, style: Style) -> bool:
    return any(id(x) in style.highlight for x in (*item.tensors, *item.nodes, *item.copy_of))


def lit_ids(graph: GraphWalk, highlight: Iterable[Tensor | Node]) -> set[int]:
    """``id``s of the highlighted tensors and nodes, plus each op joining two of them."""
    ids = {id(h) for h in highlight}
    for t in graph.tensors:
        if id(t) in ids and t.node is not None and any(id(p) in ids for p in t.node.parents):
            ids.add(id(t.node))
    return ids


def legend(scale: LogScale, theme: Theme) -> str:
    """An HTML-like label: one coloured cell per decade of ‖gradient‖."""
    cells = "".join(
        f'<TD BGCOLOR="{colour}" WIDTH="40"><FONT COLOR="{text_on(colour)}" '
        f'POINT-SIZE="{theme.small:g}">{label}</FONT></TD>'
        for label, colour in scale.ticks()
    )
    caption = f'<FONT COLOR="{theme.text}" POINT-SIZE="{theme.small:g}">‖∂L/∂·‖ (log scale)</FONT>'
    return (
        f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
        f'<TR><TD COLSPAN="{len(scale.ticks())}" BORDER="0">{caption}</TD></TR>'
        f"<TR>{cells}</TR></TABLE>>"
    )
