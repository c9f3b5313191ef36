"""What one backward step looks like to a person: the lecture slide, as an object.

Each :class:`BackwardStep` records one node of the backward pass: the op and its rule, the
upstream gradient ∂L/∂out, the local gradients ∂out/∂input (for element-wise ops), the
downstream gradients sent to each input, and every *copy sums* accumulation it caused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend

if TYPE_CHECKING:
    from minigrad.graph import Node
    from minigrad.graph import TensorLike as Tensor
    from minigrad.op import Op

Numbers = dict["Node", int]


def tensor_label(t: Tensor | None, node: Node | None = None, numbers: Numbers | None = None) -> str:
    """A tensor's display name: its ``name``, else ``#k``, else its value or ``leaf``.

    ``#k`` numbers the graph's op nodes 0, 1, … in creation order (``numbers``, from
    :func:`node_numbers`), so the same computation gets the same names in text steps and in
    ``viz`` pictures; without ``numbers`` the node's global sequence number stands in.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor(2.0, requires_grad=True, name="x")
    >>> y = x * 3
    >>> minigrad.tensor_label(x), minigrad.tensor_label(y, numbers={y.node: 0})
    ('x', '#0')
    """
    if t is not None and t.name:
        return t.name
    node = node if node is not None else (t._node if t is not None else None)
    if node is not None:
        number = numbers.get(node, node.seq) if numbers else node.seq
        return f"#{number}"
    if t is not None and not t.requires_grad:
        return format_value(t.array)
    return "leaf"


def node_numbers(nodes: Iterable[Node]) -> Numbers:
    """Number a graph's op nodes 0, 1, … in creation order (the names of unnamed results).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor(2.0, requires_grad=True)
    >>> y = x * x + x
    >>> sorted(node_numbers([y.node, y.node.parents[0].node]).values())
    [0, 1]
    """
    return {node: k for k, node in enumerate(sorted(nodes, key=lambda n: n.seq))}


FULL_UP_TO = 16
"""Arrays with at most this many elements are printed in full (a 3 × 3 or 4 × 4 matrix)."""


def format_value(value: Any) -> str:
    """Numbers as ``-4``/``0.25``, arrays of up to 16 elements in full, larger ones as a summary.

    Examples
    --------
    >>> import numpy as np
    >>> format_value(np.zeros((3, 3)))
    '[[0., 0., 0.], [0., 0., 0.], [0., 0., 0.]]'
    >>> format_value(np.ones((5, 4)))
    '[5×4 array: mean 1, |max| 1]'
    """
    if value is None:
        return "—"
    if isinstance(value, (int, float)):
        return f"{value:.4g}"
    array = backend.to_numpy(value)
    if array.size == 1:
        return f"{array.reshape(()).item():.4g}"
    if array.size <= FULL_UP_TO:
        text = np.array2string(array, precision=3, separator=", ", suppress_small=True)
        return " ".join(line.strip() for line in text.splitlines() if line.strip())
    return (
        f"[{'×'.join(map(str, array.shape))} array: mean {array.mean():.3g}, "
        f"|max| {np.abs(array).max():.3g}]"
    )


@dataclass
class Accumulation:
    """A *copy sums* event: ``tensor`` already had ``previous`` and now also gets ``added``."""

    tensor: Tensor
    previous: Any
    added: Any

    @property
    def total(self) -> Any:
        return self.previous + self.added

    def __str__(self) -> str:
        return self.describe()

    def describe(self, numbers: Numbers | None = None) -> str:
        """The event in words, unnamed tensors numbered by ``numbers``."""
        name = tensor_label(self.tensor, numbers=numbers)
        return (
            f"copy sums: ∂L/∂{name} = {format_value(self.previous)} + "
            f"{format_value(self.added)} = {format_value(self.total)}"
        )


@dataclass
class Unbroadcast:
    """An input was broadcast in forward, so its gradient is summed back to its shape."""

    tensor: Tensor
    broadcast_shape: tuple[int, ...]
    axes: tuple[int, ...]

    def __str__(self) -> str:
        return self.describe()

    def describe(self, numbers: Numbers | None = None) -> str:
        """The event in words, unnamed tensors numbered by ``numbers``."""
        shape = tuple(self.tensor.shape)
        over = "axis" if len(self.axes) == 1 else "axes"
        axes = ", ".join(map(str, self.axes))
        return (
            f"copy sums: {tensor_label(self.tensor, numbers=numbers)} was broadcast from "
            f"{shape} to {self.broadcast_shape}: its gradient sums over {over} {axes}"
        )


@dataclass
class BackwardStep:
    """One node of the backward pass.

    Attributes
    ----------
    index : int
        1 for the first node processed (the loss's op), 2 for the next, …
    node : Node
        The graph node; ``node.parents`` are the inputs.
    output : Tensor
        The tensor this node produced.
    upstream : array
        ∂L/∂output, complete (every consumer has contributed).
    local : tuple or None
        ∂output/∂input_i for element-wise ops, else ``None`` (see ``op.rule``).
    downstream : list
        What each input received: upstream × local, summed back over broadcast axes.
    accumulations : list of Accumulation
        Inputs that already had a gradient from another consumer (copy sums).
    unbroadcasts : list of Unbroadcast
        Inputs that forward broadcast, whose gradient was summed back to their shape.
    completed : list of Tensor
        Leaves whose ``.grad`` became final at this step.
    numbers : dict
        The graph's node numbers (:func:`node_numbers`), naming unnamed results ``#k``.
    """

    index: int
    node: Node
    output: Tensor | None
    upstream: Any
    local: tuple[Any, ...] | None
    downstream: list[Any] = field(default_factory=list)
    accumulations: list[Accumulation] = field(default_factory=list)
    unbroadcasts: list[Unbroadcast] = field(default_factory=list)
    completed: list[Tensor] = field(default_factory=list)
    numbers: Numbers = field(default_factory=dict, repr=False)
    _inputs: tuple[Tensor, ...] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # the inputs as the op saw them: a backward that frees the graph swaps node.parents
        # for value-less records
        if self._inputs is None:
            self._inputs = self.node.parents

    @property
    def op(self) -> Op:
        return self.node.op

    @property
    def inputs(self) -> tuple[Tensor, ...]:
        return self._inputs

    @property
    def rule(self) -> str:
        return self.node.op.rule

    def __str__(self) -> str:
        rows = self.rows()
        lines = [rows[0][1]]
        lines.extend(f"  {key:<11} {text}" if key else f"  {text}" for key, text in rows[1:])
        return "\n".join(lines)

    def rows(self) -> list[tuple[str, str]]:
        """The step as ``(key, text)`` rows, the lecture's words: what ``str(step)`` prints.

        The first row (key ``"step"``) is the heading; then ``rule``, ``upstream``,
        ``local`` (or ``local rule``), ``downstream``, and one row (key ``""``) per copy sum,
        un-broadcast and finished leaf. Pictures (``viz.backward_frames``) write these same
        rows, so a tensor has the same name in text and in pictures.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor(-2.0, requires_grad=True, name="x")
        >>> z = minigrad.tensor(-4.0, requires_grad=True, name="z")
        >>> step = next(minigrad.backward_steps(x * z))
        >>> [key for key, _ in step.rows()]
        ['step', 'rule', 'upstream', 'local', 'downstream', '', '']
        >>> dict(step.rows())["local"]
        '∂#0/∂x = -4   ∂#0/∂z = -2'
        """
        op, out = self.op, self._label(self.output, self.node)
        names = [self._label(p) for p in self.inputs]
        formula = _formula(op, names)
        heading = f"step {self.index} · {op.describe()}: {out} = {formula}"
        if self.node.scope:
            heading += f"   [{self.node.scope}]"
        rule, _ = rules_for(op, self.inputs)
        rows = [("step", heading), ("rule", rule)]
        rows.append(("upstream", f"∂L/∂{out} = {format_value(self.upstream)}"))
        # the local gradient is ∂(this op's output)/∂input; a root named L would make it read
        # like the downstream ∂L/∂input, so it is then written with the op's formula
        of = f"({formula})" if out == "L" else out
        if self.local is not None:
            parts = [
                f"∂{of}/∂{n} = {format_value(v)}"
                for n, v, p in zip(names, self.local, self.inputs, strict=True)
                if p.requires_grad
            ]
            rows.append(("local", "   ".join(parts)))
        elif rules_for(op, self.inputs)[1]:
            rows.append(("local rule", "   ".join(self._local_rules(names))))
        down = []
        for i, (n, g, p) in enumerate(zip(names, self.downstream, self.inputs, strict=True)):
            if g is None or not p.requires_grad:
                continue
            if self.local is not None:
                product = f"{format_value(self.upstream)} × {format_value(self.local[i])} = "
                if self.upstream.size > 1 or np.size(self.local[i]) > 1:
                    product = ""
                down.append(f"∂L/∂{n} = {product}{format_value(g)}")
            else:
                down.append(f"∂L/∂{n} = {format_value(g)}")
        rows.append(("downstream", "   ".join(down) if down else "(no input needs a gradient)"))
        rows.extend(("", u.describe(self.numbers)) for u in self.unbroadcasts)
        rows.extend(("", a.describe(self.numbers)) for a in self.accumulations)
        rows.extend(
            ("", f"{self._label(t)}.grad = {format_value(t.grad.array)}") for t in self.completed
        )
        return rows

    def _label(self, t: Tensor | None, node: Node | None = None) -> str:
        return tensor_label(t, node, self.numbers)

    def _local_rules(self, names: list[str]) -> list[str]:
        """Each input's rule in words, with the inputs' names filled in."""
        rules = rules_for(self.op, self.inputs)[1]
        shown = []
        for i, (name, p) in enumerate(zip(names, self.inputs, strict=True)):
            if not p.requires_grad:
                continue
            template = rules[i] if i < len(rules) else rules[-1]
            shown.append(f"∂L/∂{name} = {template.format(*names, i=name)}")
        return shown

    def __repr__(self) -> str:
        op, out = self.op, self._label(self.output, self.node)
        names = [self._label(p) for p in self.inputs]
        return f"<BackwardStep {self.index} · {op.describe()}: {out} = {_formula(op, names)}>"


def rules_for(op: Op, inputs: tuple[Tensor, ...]) -> tuple[str, tuple[str, ...]]:
    """The op's rule and its inputs' rule templates, stated for these inputs' shapes.

    Matmul's ``upstream @ Bᵀ`` holds for matrices; for a vector operand the gradient is an
    outer product or a matrix-vector product, and a batched operand's gradient is summed over
    the batch axes it was broadcast along. Every other op states one rule for all shapes.

    Examples
    --------
    >>> import minigrad
    >>> W = minigrad.ones(3, 3, requires_grad=True)
    >>> x = minigrad.ones(3, requires_grad=True)
    >>> rule, (for_W, for_x) = rules_for((W @ x).node.op, (W, x))
    >>> for_W.format("W", "x"), for_x.format("W", "x")
    ('upstream ⊗ x (outer product: [i, j] = upstream[i] · x[j])', 'Wᵀ @ upstream')
    """
    if op.symbol == "@" and len(inputs) == 2:
        return _matmul_rules(tuple(inputs[0].shape), tuple(inputs[1].shape))
    return op.rule, op.local_rules


def _matmul_rules(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[str, tuple[str, ...]]:
    if len(a) == 1 and len(b) == 1:
        return (
            "matmul, vector · vector (a dot product): each input gets upstream × the other",
            ("upstream × {1}", "upstream × {0}"),
        )
    if len(b) == 1:
        batch = a[:-2]
        summed = f", summed over the batch {batch}" if batch else ""
        return (
            f"matmul, {'batched ' if batch else ''}matrix @ vector: the matrix gets the outer "
            "product of upstream and the vector, the vector gets matrixᵀ @ upstream" + summed,
            (
                "upstream ⊗ {1} (outer product: [i, j] = upstream[i] · {1}[j])"
                + (" per batch element" if batch else ""),
                "{0}ᵀ @ upstream" + summed,
            ),
        )
    if len(a) == 1:
        batch = b[:-2]
        summed = f", summed over the batch {batch}" if batch else ""
        return (
            f"matmul, vector @ {'batched ' if batch else ''}matrix: the vector gets matrix @ "
            "upstream, the matrix gets the outer product of the vector and upstream" + summed,
            (
                "{1} @ upstream" + summed,
                "{0} ⊗ upstream (outer product: [i, j] = {0}[i] · upstream[j])"
                + (" per batch element" if batch else ""),
            ),
        )
    if len(a) == 2 and len(b) == 2:
        return (
            "matmul, matrix @ matrix: A gets upstream @ Bᵀ, B gets Aᵀ @ upstream",
            ("upstream @ {1}ᵀ", "{0}ᵀ @ upstream"),
        )
    batch = tuple(np.broadcast_shapes(a[:-2], b[:-2]))

    def summed(own: tuple[int, ...]) -> str:
        return "" if own == batch else f", summed over the batch {batch} it was broadcast to"

    return (
        f"matmul, batched (batch {batch}): one matrix product per batch element; A gets "
        "upstream @ Bᵀ, B gets Aᵀ @ upstream",
        ("upstream @ {1}ᵀ" + summed(a[:-2]), "{0}ᵀ @ upstream" + summed(b[:-2])),
    )


def _formula(op: Op, names: list[str]) -> str:
    if len(names) == 2 and op.symbol in {"+", "−", "×", "÷", "@"}:
        return f"{names[0]} {op.symbol} {names[1]}"
    return f"{op.describe()}({', '.join(names)})"


class StepRecorder:
    """The backward driver's observer for :func:`minigrad.backward_steps`: it hears what
    happens at a node (copy sums, un-broadcasts, finished leaves) and makes the node's
    :class:`BackwardStep` from it."""

    def __init__(self, numbers: Numbers) -> None:
        self.numbers, self.index = numbers, 0
        self._start()

    def _start(self) -> None:
        self.accumulations: list[Accumulation] = []
        self.unbroadcasts: list[Unbroadcast] = []
        self.completed: list[Tensor] = []
        self.fitted: dict[int, Any] = {}

    def accumulated(self, tensor: Tensor, previous: Any, added: Any) -> None:
        """*Copy sums*: ``tensor`` had ``previous`` and now also gets ``added``."""
        self.accumulations.append(Accumulation(tensor, previous, added))

    def unbroadcast(self, tensor: Tensor, shape: tuple[int, ...], axes: tuple[int, ...]) -> None:
        """``tensor``'s gradient of ``shape`` was summed over ``axes`` back to its shape."""
        self.unbroadcasts.append(Unbroadcast(tensor, shape, axes))

    def adjusted(self, index: int, grad: Any) -> None:
        """Input ``index`` received ``grad`` (un-broadcast or cast) rather than what the op gave."""
        self.fitted[index] = grad

    def completed_leaf(self, leaf: Tensor) -> None:
        """``leaf.grad`` became final at this node."""
        self.completed.append(leaf)

    def step(
        self,
        node: Node,
        output: Tensor | None,
        upstream: Any,
        local: tuple[Any, ...] | None,
        inputs: tuple[Tensor, ...],
        input_grads: tuple[Any, ...],
    ) -> BackwardStep:
        """The record of ``node``, from what the driver reported since the last one."""
        self.index += 1
        downstream = [
            self.fitted.get(i, g) if g is not None and p.requires_grad else None
            for i, (p, g) in enumerate(zip(inputs, input_grads, strict=True))
        ]
        step = BackwardStep(
            self.index,
            node,
            output,
            upstream,
            local,
            downstream,
            self.accumulations,
            self.unbroadcasts,
            self.completed,
            self.numbers,
            inputs,
        )
        self._start()
        return step
