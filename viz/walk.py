"""Walking a computational graph: tensors in topological order, with stable local IDs.

Every picture starts here. IDs come from a counter in creation (topological) order, never
from ``id()`` or the engine's global sequence numbers, so the same computation gives the same
IDs in every run and every process.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minigrad import Node, Tensor


@dataclass
class GraphWalk:
    """The tensors and ops reachable from a root, in topological order.

    Attributes
    ----------
    root : Tensor
        The tensor the walk started from (usually the loss).
    tensors : list of Tensor
        Every tensor, parents before children; leaves come just before their first use.
    ids : dict
        Tensor → ``"t<k>"`` and Node → ``"op<k>"``, counters in topological order.
    consumers : dict
        Tensor → list of Nodes that read it (in creation order); ``len > 1`` is a *copy*.
    numbers : dict
        Node → k in creation order: an unnamed result is ``#k``, as stepping names it.
    """

    root: Tensor
    tensors: list[Tensor] = field(default_factory=list)
    ids: dict[Tensor | Node, str] = field(default_factory=dict)
    consumers: dict[Tensor, list[Node]] = field(default_factory=dict)
    numbers: dict[Node, int] = field(default_factory=dict)

    @property
    def nodes(self) -> list[Node]:
        """The op nodes, in creation order."""
        return [t.node for t in self.tensors if t.node is not None]

    def parents(self, t: Tensor) -> tuple[Tensor, ...]:
        """The inputs of the op that made ``t`` (empty for leaves)."""
        return () if t.node is None else t.node.parents


def walk(root: Tensor) -> GraphWalk:
    """Collect the graph that produced ``root`` without recursion.

    Examples
    --------
    >>> from minigrad import Tensor
    >>> x = Tensor(-2.0, requires_grad=True, name="x")
    >>> f = (x + 5.0) * x
    >>> w = walk(f)
    >>> [w.ids[t] for t in w.tensors]
    ['t0', 't1', 't2', 't3']
    >>> len(w.consumers[x])
    2
    """
    made: dict[Node, Tensor] = {}
    stack, seen = [root], {id(root)}
    leaves: list[Tensor] = []
    while stack:
        t = stack.pop()
        if t.node is None:
            leaves.append(t)
            continue
        made[t.node] = t
        for parent in t.node.parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    result = GraphWalk(root)
    placed: set[int] = set()
    for node in sorted(made, key=_seq):
        for parent in node.parents:
            if parent.node is None and id(parent) not in placed:
                placed.add(id(parent))
                result.tensors.append(parent)
            result.consumers.setdefault(parent, []).append(node)
        result.tensors.append(made[node])
        result.numbers[node] = len(result.numbers)
    if root.node is None:
        result.tensors.append(root)
    for k, t in enumerate(result.tensors):
        result.ids[t] = f"t{k}"
        if t.node is not None:
            result.ids[t.node] = f"op{k}"
    return result


def _seq(node: Node) -> int:
    return node.seq


def path_between(root: Tensor, target: Tensor) -> list[Tensor]:
    """Every tensor on a path from ``target`` forward to ``root`` (both included).

    These are the routes backprop takes from the loss back to ``target``, e.g. from the loss
    back to ``h_0`` in an unrolled RNN; pass the result as ``draw_graph(highlight=...)``.

    Examples
    --------
    >>> from minigrad import Tensor
    >>> x = Tensor(1.0, requires_grad=True, name="x")
    >>> y = Tensor(2.0, requires_grad=True, name="y")
    >>> q = x * 3
    >>> f = q + y
    >>> path = path_between(f, x)
    >>> len(path), path[0] is x, path[-1] is f
    (3, True, True)
    """
    graph = walk(root)
    reaches = {id(target)}
    on_path: list[Tensor] = []
    for t in graph.tensors:
        if id(t) in reaches or any(id(p) in reaches for p in graph.parents(t)):
            reaches.add(id(t))
            on_path.append(t)
    return on_path
