"""The backward driver: one loop over the graph's nodes, newest first, for every way of asking
for gradients.

``Tensor.backward()``, ``backward(create_graph=True)``, :func:`grad` and
:func:`backward_steps` all run :func:`run_backward`, so hooks, ``retain_grad``, anomaly
checks, the release of the graph, un-broadcasting and stepping behave the same in each.

The rules of the lectures live here once, for every op: the op gives *upstream × local*, the
driver sums a gradient back over broadcast axes, and *copy sums*: a tensor used by several
ops receives the sum of their contributions. At each node:

1. ``upstream``, the output's gradient, is complete (every consumer has passed down); the
   output's hooks and ``retain_grad`` see it (:meth:`Pass.at_output`);
2. :func:`backward_of` gives the inputs' gradients: upstream × local for an element-wise op,
   the op's ``backward`` otherwise, or that backward recorded as a graph (``create_graph``);
   and, unless ``retain_graph``, the op lets go of the arrays it saved for backward;
3. :func:`minigrad.anomaly.check_backward` checks them under ``detect_anomaly()``;
4. the pass-down hands each input its gradient, summed back over broadcast axes and cast to
   its dtype (:meth:`Pass.fit`), adds it to what the input already has, and finishes a
   leaf once its last consumer has passed down (:meth:`Pass.finish_leaf`); without
   ``retain_graph`` the node's op-made inputs become value-less records (``Pass.records``);
5. an observer, when one is attached (:func:`backward_steps` attaches
   :class:`minigrad.stepping.StepRecorder`), turns what happened into a step, yielded.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from minigrad import backend
from minigrad import op as op_module
from minigrad.anomaly import check_backward
from minigrad.graph import (
    STATE,
    FreedTensor,
    Node,
    TensorLike,
    enable_grad,
    no_grad,
    resolve_parents,
)
from minigrad.inplace import WRITES, check_saved
from minigrad.op import times_local
from minigrad.stepping import BackwardStep, StepRecorder, node_numbers

# ---------------------------------------------------------------------- broadcasting


def broadcast_axes(shape: tuple[int, ...], broadcast_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of ``broadcast_shape`` that broadcasting ``shape`` added or stretched.

    A gradient of ``broadcast_shape`` sums over them to become a gradient of ``shape``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.broadcast_axes((4,), (3, 4)), minigrad.broadcast_axes((3, 1), (3, 4))
    ((0,), (1,))
    """
    extra = len(broadcast_shape) - len(shape)
    return tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and broadcast_shape[extra + i] != 1
    )


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``grad`` over the axes that broadcasting added or stretched, to get ``shape``."""
    if tuple(grad.shape) == shape:
        return grad
    return _sum_to(grad, shape, broadcast_axes(shape, tuple(grad.shape)))


def _sum_to(grad: Any, shape: tuple[int, ...], axes: tuple[int, ...]) -> Any:
    """``grad`` summed over ``axes``, as ``shape`` (arrays, or Tensors under create_graph)."""
    if axes:
        grad = backend.sum(grad, axis=axes)
    return grad if tuple(grad.shape) == shape else backend.reshape(grad, shape)


_SUMMED_AXES: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[int, ...]] = {}
"""(input shape, gradient shape) → the axes to sum, for pairs already checked: the same
broadcasts recur at every step of a training loop."""


def _summed_axes(node: Node, index: int, shape: tuple[int, ...], got: tuple[int, ...]) -> Any:
    """The axes to sum a gradient of shape ``got`` over to get input ``index``'s ``shape``,
    after checking that the input could have been broadcast to ``got`` (a clear error else)."""
    extra = len(got) - len(shape)
    if extra < 0 or not all(n in (1, m) for n, m in zip(shape, got[extra:], strict=True)):
        raise ValueError(
            f"{node.op.describe()}.backward returned a gradient of shape {got} for input "
            f"{index}, whose shape is {shape}: a gradient must have its input's shape (or the "
            "shape the input was broadcast to in forward)"
        )
    if len(_SUMMED_AXES) >= 4096:  # many distinct shapes (varying lengths): start afresh
        _SUMMED_AXES.clear()
    axes = _SUMMED_AXES[shape, got] = broadcast_axes(shape, got)
    return axes


def _position(inputs: tuple[Any, ...], input_grads: tuple[Any, ...], parent: Any, g: Any) -> int:
    """Which input ``parent`` (given gradient ``g``) is: for messages and step records only."""
    pairs = enumerate(zip(inputs, input_grads, strict=True))
    return next(i for i, (p, gi) in pairs if p is parent and gi is g)


# ---------------------------------------------------------------------- one node

GraphBackward = Callable[[Node, Any, Any], tuple[Any, ...]]
_graph_backward: list[GraphBackward] = []
"""The backward-as-a-graph of ``create_graph``: :mod:`minigrad.higher_order` registers it."""


def register_graph_backward(backward: GraphBackward) -> None:
    """Give the driver ``backward(node, output, upstream)`` that runs a node's backward on
    Tensors (``create_graph=True``); :mod:`minigrad.higher_order` calls this on import."""
    _graph_backward[:] = [backward]


def backward_of(
    node: Node, output: Any, upstream: Any, create_graph: bool = False, release: bool = False
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    """The gradients ``node``'s op hands its inputs for ``upstream``, and its local gradients
    (element-wise ops only; ``None`` otherwise).

    An element-wise op states its local gradients once and gets *downstream = upstream ×
    local*; any other op runs its ``backward``; under ``create_graph`` that backward runs on
    Tensors so the gradients are graphs themselves. Checked: one gradient (or None) per input.
    With ``release`` (no ``retain_graph``) the op then lets go of what it saved for backward
    and the node is marked freed.
    """
    op = node.op
    if create_graph:
        grads, local = _graph_backward[0](node, output, upstream), None
    elif op.derived:
        local = op.local_grads()
        if type(local) is not tuple or len(local) != len(node._parents):
            raise _bad_return(node, local, "local_grads", "local gradient", "return (2 * x,)")
        if release:  # an element-wise op holds nothing but ``saved``
            op.saved, node.freed = None, True
        return times_local(upstream, local), local
    else:
        grads, local = op.backward(upstream), None
    if type(grads) is not tuple or len(grads) != len(node._parents):
        raise _bad_return(node, grads, "backward", "gradient", "return (grad * 2,)")
    if release:
        op.release()
        node.freed = True
    return grads, local


def _bad_return(node: Node, returned: Any, method: str, what: str, example: str) -> TypeError:
    """The error for a ``backward`` or ``local_grads`` that did not return one ``what`` (or
    None) per input."""
    op, count = node.op, len(node.parents)
    if type(returned) is not tuple:
        got = f"a {type(returned).__name__}"
    else:
        got = f"{len(returned)} {what}{'s' if len(returned) != 1 else ''}"
    return TypeError(
        f"{op.describe()}.{method} returned {got}; it must return a tuple of {count} "
        f"{what}{'s' if count != 1 else ''} (one per input, None where there is none), "
        f"e.g. `{example}` for one input"
    )


def _freed_error(node: Node) -> RuntimeError:
    return RuntimeError(
        f"backward through the graph a second time: the arrays saved by "
        f"{node.op.describe()} (node #{node.seq}) were already freed by an earlier backward. "
        "Pass retain_graph=True (or create_graph=True) to the first backward() or grad() if "
        "you need to run it again."
    )


def run_hooks(t: TensorLike, grad: Any) -> Any:
    """``grad`` after ``t``'s hooks (each may return a replacement of the same shape)."""
    tensor_class = op_module.Tensor
    for hook in list(t._hooks or ()):
        given = grad if isinstance(grad, tensor_class) else tensor_class._make(grad, False, None)
        replaced = hook(given)
        if replaced is None:
            continue
        if not isinstance(grad, tensor_class) and isinstance(replaced, tensor_class):
            replaced = replaced.array
        if tuple(replaced.shape) != tuple(grad.shape):
            raise ValueError(
                f"a gradient hook returned shape {tuple(replaced.shape)} for a gradient of "
                f"shape {tuple(grad.shape)}; a hook must keep the shape"
            )
        grad = replaced
    return grad


def store_grad(t: TensorLike, grad: Any, owned: bool = False) -> None:
    """Accumulate ``grad`` into ``t.grad``, never aliasing an array another tensor may hold.

    ``owned`` says ``grad`` is already a private array (a sum the driver made, or the output
    of an op with ``fresh_grads``), so it needs no copy. A Tensor ``grad`` (create_graph) is a
    graph and is added as one.
    """
    # the slot itself: ``Tensor.grad``'s setter checks what users assign, not the driver's
    tensor_class, have = op_module.Tensor, t._grad
    if isinstance(grad, tensor_class):
        t._grad = grad if have is None else have + grad
    elif have is None:
        t._grad = tensor_class._make(grad if owned else _own(grad), False, None)
    else:
        have.array = have.array + grad


def _own(array: Any) -> Any:
    if type(array) is np.ndarray:
        return array.copy()
    return backend.namespace(array).asarray(array, copy=True)


# ---------------------------------------------------------------------- one pass

_new_record = object.__new__
_seq = operator.attrgetter("seq")

KEEP_VALUES_UP_TO = 16
"""A freed graph keeps the value and gradient of op-made tensors of at most this many
elements (see :class:`minigrad.graph.FreedTensor`): forward, backward, then draw shows
them, while a training loop's activations (larger) are still released."""
FreedTensor._as_tensor = staticmethod(
    lambda array: op_module.Tensor._make(
        np.asarray(array) if isinstance(array, np.generic) else array, False, None
    )
)


class Pass:
    """The state of one backward pass: the gradients waiting, and where the finished ones go
    (``.grad`` for ``backward()``, ``found`` for :func:`grad`).

    ``grads`` holds every gradient still being summed: a node's (its output's, keyed by the
    node) until the node's turn comes, a leaf's (keyed by the tensor) until its last consumer
    has passed down. *Copy sums* is that one dictionary.

    ``records`` holds the value-less :class:`FreedTensor` that stands for each op-made tensor
    once its consumers are freed (no ``retain_graph``): one per tensor per pass, found by the
    node that made it. Keeping it on that node instead would make record → node → record, a
    cycle only the garbage collector could free.
    """

    __slots__ = ("create_graph", "found", "grads", "leaf_uses", "observer", "records", "retain")

    def __init__(
        self,
        leaf_uses: dict[Any, int],
        retain_graph: bool,
        create_graph: bool,
        found: dict[Any, Any] | None,
        observer: StepRecorder | None,
    ) -> None:
        self.grads: dict[Any, Any] = {}
        self.records: dict[Node, FreedTensor] = {}
        self.leaf_uses = leaf_uses
        self.retain, self.create_graph = retain_graph, create_graph
        self.found, self.observer = found, observer

    def seed(self, root: Any, seed: Any) -> None:
        """Start from ``root`` with gradient ``seed``."""
        key = root if root._node is None else root._node
        previous = self.grads.get(key)
        self.grads[key] = seed if previous is None else previous + seed

    def at_output(self, out: Any, upstream: Any) -> Any:
        """``out``'s gradient is complete: its hooks, ``retain_grad``, or :func:`grad`'s
        answer for an intermediate input."""
        if out._hooks:
            upstream = run_hooks(out, upstream)
        found = self.found
        if found is None:
            if out._retain:
                store_grad(out, upstream)
        elif out in found:
            found[out] = upstream
        return upstream

    def fit(
        self, node: Node, inputs: tuple[Any, ...], input_grads: tuple[Any, ...], parent: Any, g: Any
    ) -> Any:
        """``g`` summed back over the axes forward broadcast ``parent`` along, in its dtype."""
        data, given, observer = parent.array, g, self.observer
        if g.shape != data.shape:
            shape, got = tuple(data.shape), tuple(g.shape)
            axes = _SUMMED_AXES.get((shape, got))
            if axes is None:
                axes = _summed_axes(node, _position(inputs, input_grads, parent, g), shape, got)
            g = _sum_to(g, shape, axes)
            if observer is not None:
                observer.unbroadcast(parent, got, axes)
        if g.dtype is not data.dtype and g.dtype != data.dtype:
            g = backend.namespace(g).astype(g, data.dtype)
        if observer is not None:
            observer.adjusted(_position(inputs, input_grads, parent, given), g)
        return g

    def finish_leaf(self, leaf: Any, total: Any, owned: bool = False) -> None:
        """``leaf``'s gradient is complete: its hooks, then ``.grad`` (or :func:`grad`'s
        answer)."""
        found = self.found
        if found is not None and leaf not in found:
            return
        if leaf._hooks:
            hooked = run_hooks(leaf, total)
            owned, total = owned and hooked is total, hooked
        if found is None:
            store_grad(leaf, total, owned)
        else:
            found[leaf] = total
        if self.observer is not None:
            self.observer.completed_leaf(leaf)

    def finish(self) -> None:
        """Leaves whose other consumers passed no gradient (None) are complete now: every
        node's entry was taken at its turn, so what is left belongs to leaves."""
        grads, self.grads = self.grads, {}
        for leaf, total in grads.items():
            self.finish_leaf(leaf, total)


def _walk(
    roots: Sequence[Any], every_output: bool = False, wanted: dict[Any, Any] | None = None
) -> tuple[list[Node], dict[Any, int], dict[Node, Any]]:
    """Nodes reachable from ``roots``, newest first; each leaf's number of uses; node →
    output tensor for outputs with hooks or ``retain_grad`` or among ``wanted`` (for all
    outputs with ``every_output``)."""
    nodes: list[Node] = []
    leaf_uses: dict[Any, int] = {}  # tensors hash by identity
    output_of: dict[Node, Any] = {}
    seen: set[Node] = set()  # nodes hash by identity
    stack = list(roots)
    rebound = STATE.rebound  # an in-place op was recorded: point nodes at their inputs' values
    while stack:
        t = stack.pop()
        node = t._node
        if node is None or node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        if every_output or t._hooks is not None or t._retain or (wanted and t in wanted):
            output_of[node] = t
        if rebound:
            resolve_parents(node)
        for parent in node._parents:
            parent_node = parent._node  # set only on op-made tensors, which require grad
            if parent_node is not None:
                if parent_node not in seen:
                    stack.append(parent)
            elif parent.requires_grad:
                leaf_uses[parent] = leaf_uses.get(parent, 0) + 1
    nodes.sort(key=_seq, reverse=True)
    return nodes, leaf_uses, output_of


def run_backward(
    roots: Sequence[Any],
    seeds: Sequence[Any],
    *,
    retain_graph: bool = False,
    create_graph: bool = False,
    found: dict[Any, Any] | None = None,
    observer: StepRecorder | None = None,
) -> Iterator[BackwardStep]:
    """Backpropagate from ``roots`` with ``seeds`` as their gradients, node by node.

    Gradients go to the ``.grad`` of leaves (and of ``retain_grad`` tensors), or, when
    ``found`` is given, into ``found`` for the tensors that are its keys (nothing else is
    touched). With an ``observer``, one step is yielded per node; the caller runs the
    generator to the end.

    The pass-down is written in the loop rather than called: a call per node, with the
    pass's state read back from its object, measured 0.3 µs per op (+13 % on the
    scalar chain of ``benchmarks/bench_engine_overhead.py``).
    """
    nodes, leaf_uses, output_of = _walk(roots, create_graph or observer is not None, found)
    state = Pass(leaf_uses, retain_graph, create_graph, found, observer)
    for root, seed in zip(roots, seeds, strict=True):
        state.seed(root, seed)
    grads, records, check = state.grads, state.records, STATE.anomaly
    versions = bool(WRITES)  # an in-place op ran: check what each op saved is unchanged
    small = KEEP_VALUES_UP_TO
    for node in nodes:
        upstream = grads.pop(node, None)
        if upstream is None:
            continue
        if records:  # a small freed record keeps its gradient too (for pictures after backward)
            record = records.get(node)
            if record is not None and record.array is not None:
                record._grad = upstream
        out = output_of.get(node) if output_of else None
        if out is not None:
            upstream = state.at_output(out, upstream)
        if node.freed:
            raise _freed_error(node)
        if versions:
            check_saved(node)
        inputs = node._parents
        input_grads, local = backward_of(node, out, upstream, create_graph, not retain_graph)
        if check:
            check_backward(node, input_grads)
        # pass down: each input's gradient, fitted to it, summed with what it has (copy sums)
        kept: list[Any] | None = None if retain_graph else []
        for parent, g in zip(inputs, input_grads):  # noqa: B905 (lengths checked by backward_of)
            parent_node, data = parent._node, parent.array
            if kept is not None:  # the freed graph keeps a value-less record of an op-made input
                if parent_node is None or parent._hooks is not None or parent._retain:
                    kept.append(parent)
                else:
                    record = records.get(parent_node)
                    if record is None:  # one per tensor per pass (see Pass.records)
                        record = records[parent_node] = _new_record(FreedTensor)
                        record._node, record.name = parent_node, parent.name
                        record.shape, record.dtype = data.shape, data.dtype
                        record.array = data if data.size <= small else None
                    kept.append(record)
            if g is None or not parent.requires_grad:
                continue
            if g.shape != data.shape or (g.dtype is not data.dtype and g.dtype != data.dtype):
                g = state.fit(node, inputs, input_grads, parent, g)
            key = parent if parent_node is None else parent_node
            previous = grads.get(key)
            grads[key] = g if previous is None else previous + g
            if previous is not None and observer is not None:
                observer.accumulated(parent, previous, g)
            if parent_node is None:  # a leaf: finished at its last consumer
                remaining = leaf_uses[parent] - 1
                leaf_uses[parent] = remaining
                if not remaining:
                    # a sum made here, or a fresh op's array that no recorded step also holds
                    owned = previous is not None or (node.op.fresh_grads and observer is None)
                    state.finish_leaf(parent, grads.pop(parent), owned)
        if kept is not None:
            node._parents = tuple(kept)
        if observer is not None:
            yield observer.step(node, out, upstream, local, inputs, input_grads)
    state.finish()


# ---------------------------------------------------------------------- entry points


def seed_of(output: Any, gradient: Any, who: str, create_graph: bool = False) -> Any:
    """The gradient to start backward from at ``output``: ``gradient`` checked, or 1 for a
    one-element output; a Tensor under ``create_graph``, an array otherwise."""
    argument = "grad_outputs" if who == "grad()" else "grad"
    if not output.requires_grad:
        raise RuntimeError(
            f"{who} on a tensor that does not require grad: no input of the computation had "
            "requires_grad=True (or it ran inside no_grad())"
        )
    like = output.array
    xp = backend.namespace(like)
    if gradient is None:
        if output.numel() != 1:
            raise RuntimeError(
                f"{who} on a non-scalar tensor of shape {output.shape} needs an explicit "
                f"gradient (the output is not a scalar): pass "
                f"{argument}=minigrad.ones_like(out) for Σ out, or reduce it first (out.sum())"
            )
        array = xp.ones_like(like)
    else:
        tensor_class = op_module.Tensor
        if create_graph and isinstance(gradient, tensor_class):
            array = gradient
        else:
            array = gradient.array if isinstance(gradient, tensor_class) else gradient
            if not hasattr(array, "shape"):
                array = backend.asarray_on(xp, array, dtype=output.dtype, like=like)
            elif backend.namespace(array) is not xp:
                array = backend.asarray_on(xp, backend.to_numpy(array), like=like)
        if tuple(array.shape) != output.shape:
            raise ValueError(
                f"{who}: {argument} of shape {tuple(array.shape)} is a gradient of shape "
                f"{tuple(array.shape)} for a tensor of shape {output.shape}; they must match"
            )
    if create_graph and not isinstance(array, op_module.Tensor):
        return op_module.Tensor._make(array, False, None)
    return array


def backward(
    root: Any, gradient: Any = None, retain_graph: bool | None = None, create_graph: bool = False
) -> None:
    """``root.backward()``: accumulate gradients into ``.grad`` (see :meth:`Tensor.backward`)."""
    seed = seed_of(root, gradient, "backward()", create_graph)
    retain = create_graph if retain_graph is None else bool(retain_graph)
    with enable_grad() if create_graph else contextlib.nullcontext():
        for _ in run_backward([root], [seed], retain_graph=retain, create_graph=create_graph):
            pass


def backward_steps(
    root: Any, grad: Any = None, retain_graph: bool = False
) -> Iterator[BackwardStep]:
    """Walk backward one node at a time; each step shows upstream, local and downstream.

    The same driver as :meth:`Tensor.backward`: running the generator to the end leaves
    exactly the gradients ``backward()`` would.

    Examples
    --------
    >>> from minigrad import Tensor, backward_steps
    >>> x = Tensor(-2.0, requires_grad=True, name="x")
    >>> y = Tensor(5.0, requires_grad=True, name="y")
    >>> z = Tensor(-4.0, requires_grad=True, name="z")
    >>> q = x + y; q.name = "q"
    >>> f = q * z; f.name = "f"
    >>> steps = list(backward_steps(f))
    >>> [s.op.name for s in steps]
    ['mul', 'add']
    >>> x.grad.item(), y.grad.item(), z.grad.item()
    (-4.0, -4.0, 3.0)
    """
    if not isinstance(root, op_module.Tensor):
        raise TypeError(
            f"backward_steps needs the Tensor to backpropagate from (usually the loss), "
            f"got {type(root).__name__}"
        )
    seed = seed_of(root, grad, "backward_steps()")  # checked now, not at the first next()
    if root._node is not None and root._node.freed:
        raise _freed_error(root._node)
    nodes, _, _ = _walk([root])
    recorder = StepRecorder(node_numbers(nodes))
    return run_backward([root], [seed], retain_graph=retain_graph, observer=recorder)


def _tensors(x: Any, what: str) -> list[Any]:
    items = [x] if isinstance(x, op_module.Tensor) else list(x)
    for item in items:
        if not isinstance(item, op_module.Tensor):
            raise TypeError(f"grad: {what} must be Tensors, got {type(item).__name__}")
    return items


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Any, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, as ``torch.autograd.grad``.

    Returns one tensor per input and leaves every ``.grad`` untouched; hooks and
    ``detect_anomaly()`` act as in ``backward()`` (it is the same driver). With
    ``create_graph=True`` the gradients are graphs themselves, so they can be differentiated
    again (to any order). ``retain_graph`` defaults to ``create_graph``. An input that the
    outputs do not depend on is an error unless ``allow_unused=True`` (then its gradient is
    ``None``).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x ** 3).sum()
    >>> (g,) = minigrad.grad(y, [x], create_graph=True)    # 3x², itself a graph
    >>> g.tolist()
    [3.0, 12.0]
    >>> (h,) = minigrad.grad(g.sum(), [x])                  # 6x
    >>> h.tolist()
    [6.0, 12.0]
    """
    outs, ins = _tensors(outputs, "outputs"), _tensors(inputs, "inputs")
    if grad_outputs is None:
        given = [None] * len(outs)
    elif isinstance(grad_outputs, op_module.Tensor) or hasattr(grad_outputs, "shape"):
        given = [grad_outputs]
    else:
        given = list(grad_outputs)
    if len(given) != len(outs):
        raise ValueError(f"grad: {len(given)} grad_outputs for {len(outs)} outputs")
    for i, t in enumerate(ins):
        if not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    seeds = [seed_of(o, g, "grad()", create_graph) for o, g in zip(outs, given, strict=True)]
    retain = create_graph if retain_graph is None else retain_graph
    found: dict[Any, Any] = dict.fromkeys(ins)
    with enable_grad() if create_graph else no_grad():
        for _ in run_backward(
            outs, seeds, retain_graph=retain, create_graph=create_graph, found=found
        ):
            pass
    return tuple(_answer(found[t], i, allow_unused) for i, t in enumerate(ins))


def _answer(g: Any, index: int, allow_unused: bool) -> Any:
    if g is None:
        if not allow_unused:
            raise RuntimeError(
                f"grad: input {index} was not used to compute the outputs; pass "
                "allow_unused=True to get None for it"
            )
        return None
    tensor_class = op_module.Tensor
    return g if isinstance(g, tensor_class) else tensor_class._make(g, False, None)


@contextlib.contextmanager
def grads_set_aside(tensors: Iterable[Any]) -> Iterator[None]:
    """Set aside ``.grad``, hooks and ``retain_grad`` of ``tensors``; put them back on exit.

    For a private backward pass (a picture, a probe) that must not change what the user
    sees in ``.grad`` nor fire their hooks.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor(2.0, requires_grad=True)
    >>> x.grad = minigrad.tensor(10.0)
    >>> with minigrad.grads_set_aside([x]):
    ...     (x * x).backward()
    ...     inside = x.grad.item()
    >>> inside, x.grad.item()
    (4.0, 10.0)
    """
    # freed records (FreedTensor) have no hooks or retain_grad, and no .grad of their own
    saved = [(t, t._grad, t._hooks, t._retain) for t in tensors if type(t) is not FreedTensor]
    for t, *_ in saved:
        t._grad, t._hooks, t._retain = None, None, False
    try:
        yield
    finally:
        for t, grad, hooks, retain in saved:
            t._grad, t._hooks, t._retain = grad, hooks, retain
