"""The backward driver: one explicit loop over nodes in reverse creation order.

``Tensor.backward()`` and :func:`minigrad.backward_steps` are the same generator, run to the
end or one step at a time, so stepping and backward can never disagree.

The rules of the lectures live here once, for every op: the op gives *upstream × local*, the
driver sums a gradient back over broadcast axes, and *copy sums*: a tensor used by several
ops receives the sum of their contributions.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.graph import STATE, FreedTensor, Node
from minigrad.op import times_local
from minigrad.stepping import Accumulation, BackwardStep, Unbroadcast, node_numbers
from minigrad.tensor import Tensor


def broadcast_axes(shape: tuple[int, ...], broadcast_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of ``broadcast_shape`` that broadcasting ``shape`` added or stretched.

    A gradient of ``broadcast_shape`` sums over them to become a gradient of ``shape``.

    Examples
    --------
    >>> broadcast_axes((4,), (3, 4)), broadcast_axes((3, 1), (3, 4)), broadcast_axes((2,), (2,))
    ((0,), (1,), ())
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
    """``grad`` summed over ``axes`` (what broadcasting added or stretched), as ``shape``."""
    if axes:
        grad = backend.sum(grad, axis=axes)
    return grad if tuple(grad.shape) == shape else backend.reshape(grad, shape)


_SUMMED_AXES: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[int, ...]] = {}
"""(input shape, gradient shape) → the axes to sum, for pairs already checked: the same
broadcasts recur at every step of a training loop."""


@contextlib.contextmanager
def grads_set_aside(tensors: Iterable[Tensor]) -> Iterator[None]:
    """Set aside ``.grad``, hooks and ``retain_grad`` of ``tensors``; put them back on exit.

    For a private backward pass (a picture, a probe) that must not change what the user
    sees in ``.grad`` nor fire their hooks.

    Examples
    --------
    >>> x = Tensor(2.0, requires_grad=True)
    >>> x.grad = Tensor(10.0)
    >>> with grads_set_aside([x]):
    ...     (x * x).backward()
    ...     inside = x.grad.item()
    >>> inside, x.grad.item()
    (4.0, 10.0)
    """
    # freed records (FreedTensor) have no gradient, hooks or retain_grad to set aside
    saved = [(t, t.grad, t._hooks, t._retain) for t in tensors if t.data is not None]
    for t, *_ in saved:
        t.grad, t._hooks, t._retain = None, None, False
    try:
        yield
    finally:
        for t, grad, hooks, retain in saved:
            t.grad, t._hooks, t._retain = grad, hooks, retain


def _graph(root: Tensor, record: bool) -> tuple[list[Node], dict[int, int], dict[Node, Tensor]]:
    """Nodes reachable from ``root``, newest first; leaf fan-in counts; node → output tensor."""
    nodes: list[Node] = []
    leaf_uses: dict[Tensor, int] = {}  # tensors hash by identity
    tensor_of: dict[Node, Tensor] = {}
    seen: set[Node] = set()  # nodes hash by identity
    stack = [root]
    while stack:
        t = stack.pop()
        node = t._node
        if node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        if record or t._hooks is not None or t._retain:
            tensor_of[node] = t
        for parent in node.parents:
            parent_node = parent._node  # set only on op-made tensors, which require grad
            if parent_node is not None:
                if parent_node not in seen:
                    stack.append(parent)
            elif parent.requires_grad:
                leaf_uses[parent] = leaf_uses.get(parent, 0) + 1
    nodes.sort(key=_seq, reverse=True)
    return nodes, leaf_uses, tensor_of


_seq = operator.attrgetter("seq")


def _root_grad(root: Tensor, grad: Any) -> Any:
    if not root.requires_grad:
        raise RuntimeError(
            "backward() on a tensor that does not require grad: no input of the computation "
            "had requires_grad=True (or it ran inside no_grad())"
        )
    xp = backend.namespace(root.data)
    if grad is None:
        if root.numel() != 1:
            raise RuntimeError(
                f"backward() on a non-scalar tensor of shape {root.shape} needs an explicit "
                "gradient: pass grad=minigrad.ones_like(out) for Σ out, or reduce it first "
                "(out.sum().backward())"
            )
        return xp.ones_like(root.data)
    array = grad.data if isinstance(grad, Tensor) else grad
    if not hasattr(array, "shape"):
        array = backend.asarray_on(xp, array, dtype=root.dtype, like=root.data)
    elif backend.namespace(array) is not xp:
        array = backend.asarray_on(xp, backend.to_numpy(array), like=root.data)
    if tuple(array.shape) != root.shape:
        raise ValueError(
            f"backward(grad=...) got a gradient of shape {tuple(array.shape)} for a tensor of "
            f"shape {root.shape}; they must match"
        )
    return array


def _run_hooks(t: Tensor, grad: Any) -> Any:
    for hook in list(t._hooks or ()):
        replaced = hook(Tensor._make(grad, False, None))
        if replaced is not None:
            new = replaced.data if isinstance(replaced, Tensor) else replaced
            if tuple(new.shape) != tuple(grad.shape):
                raise ValueError(
                    f"a gradient hook returned shape {tuple(new.shape)} for a gradient of "
                    f"shape {tuple(grad.shape)}; a hook must keep the shape"
                )
            grad = new
    return grad


def _store_grad(t: Tensor, grad: Any, owned: bool = False) -> None:
    """Accumulate into ``t.grad``, never aliasing an array another tensor may hold.

    ``owned`` says ``grad`` is already a private array (a sum the driver made, or the output
    of an op with ``fresh_grads``), so it needs no copy.
    """
    if t.grad is None:
        t.grad = Tensor._make(grad if owned else _own(grad), False, None)
    else:
        t.grad.data = t.grad.data + grad


def _own(array: Any) -> Any:
    if type(array) is np.ndarray:
        return array.copy()
    return backend.namespace(array).asarray(array, copy=True)


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


def _summed_axes(node: Node, parent: Tensor, grad: Any) -> tuple[int, ...]:
    """The axes to sum ``grad`` over to get ``parent``'s shape, after checking that ``grad``
    has a shape ``parent`` could have been broadcast to (a clear error otherwise)."""
    shape, got = tuple(parent.data.shape), tuple(getattr(grad, "shape", ()))
    extra = len(got) - len(shape)
    if extra < 0 or not all(n in (1, m) for n, m in zip(shape, got[extra:], strict=True)):
        index = next(i for i, p in enumerate(node.parents) if p is parent)
        raise ValueError(
            f"{node.op.describe()}.backward returned a gradient of shape {got} for input "
            f"{index}, whose shape is {shape}: a gradient must have its input's shape (or the "
            "shape the input was broadcast to in forward)"
        )
    if len(_SUMMED_AXES) >= 4096:  # many distinct shapes (varying lengths): start afresh
        _SUMMED_AXES.clear()
    axes = _SUMMED_AXES[shape, got] = broadcast_axes(shape, got)
    return axes


_new_record = object.__new__


def run_backward(
    root: Tensor, grad: Any = None, retain_graph: bool = False, record: bool = True
) -> Iterator[BackwardStep]:
    """Backpropagate from ``root``; yield one :class:`BackwardStep` per node when ``record``."""
    upstream = _root_grad(root, grad)
    if root._node is None:  # backward on a leaf: its gradient is the seed itself
        upstream = _run_hooks(root, upstream) if root._hooks else upstream
        _store_grad(root, upstream)
        return
    nodes, leaf_uses, tensor_of = _graph(root, record)
    grads: dict[Node, Any] = {root._node: upstream}
    pending_leaf: dict[Tensor, Any] = {}
    check = STATE.anomaly
    numbers = node_numbers(nodes) if record else {}
    records: dict[Node, FreedTensor] = {}
    index = 0
    for node in nodes:
        grad_out = grads.pop(node, None)
        if grad_out is None:
            continue
        out = tensor_of.get(node) if tensor_of else None
        if out is not None:
            if out._hooks:
                grad_out = _run_hooks(out, grad_out)
            if out._retain:
                _store_grad(out, grad_out)
        if node.freed:
            raise RuntimeError(
                f"backward through the graph a second time: the arrays saved by "
                f"{node.op.describe()} (node #{node.seq}) were freed by the first backward. "
                "Pass retain_graph=True to the first backward() if you need to run it again."
            )
        op = node.op
        # One gradient (or None) per input, checked here: the loop below zips without
        # strict=True, whose keyword call costs more than the check.
        if op.derived:  # element-wise: downstream = upstream × the locals stepping shows
            local = op.local_grads()
            if type(local) is not tuple or len(local) != len(node.parents):
                raise _bad_return(node, local, "local_grads", "local gradient", "return (2 * x,)")
            input_grads = times_local(grad_out, local)
        else:
            local = None
            input_grads = op.backward(grad_out)
            if type(input_grads) is not tuple or len(input_grads) != len(node.parents):
                raise _bad_return(node, input_grads, "backward", "gradient", "return (grad * 2,)")
        if check:
            from minigrad.anomaly import check_backward

            check_backward(node, input_grads)
        if not retain_graph:
            if op.derived:  # element-wise ops hold nothing but ``saved``
                op.saved = None
            else:
                op.release()
            node.freed = True
        step = None
        if record:
            index += 1
            step = BackwardStep(index, node, out, grad_out, local, numbers=numbers)
        # Without retain_graph, the node's op-made inputs are swapped for FreedTensor
        # records as they are visited: their values go, the graph's shape and names stay.
        # One record per tensor per pass, found by the node that made it; keeping it on
        # that node instead would make record → node → record, a cycle only the garbage
        # collector could free.
        kept = None if retain_graph else []
        for parent, g in zip(node.parents, input_grads):  # noqa: B905 (lengths checked above)
            parent_node, data = parent._node, parent.data
            if kept is not None:
                if parent_node is None or parent._hooks is not None or parent._retain:
                    kept.append(parent)
                else:
                    freed = records.get(parent_node)
                    if freed is None:
                        freed = records[parent_node] = _new_record(FreedTensor)
                        freed._node, freed.name = parent_node, parent.name
                        freed.shape, freed.dtype = data.shape, data.dtype
                    kept.append(freed)
            if g is None or not parent.requires_grad:
                if step is not None:
                    step.downstream.append(None)
                continue
            if g.shape != data.shape:  # broadcast in forward: sum back (or a clear error)
                axes = _SUMMED_AXES.get((data.shape, g.shape))
                if axes is None:
                    axes = _summed_axes(node, parent, g)
                if step is not None:
                    step.unbroadcasts.append(Unbroadcast(parent, tuple(g.shape), axes))
                g = _sum_to(g, tuple(data.shape), axes)
            if g.dtype is not data.dtype and g.dtype != data.dtype:
                g = backend.namespace(g).astype(g, data.dtype)
            if step is not None:
                step.downstream.append(g)
            if parent_node is not None:
                previous = grads.get(parent_node)
                if previous is None:
                    grads[parent_node] = g
                else:
                    grads[parent_node] = previous + g
                    if step is not None:
                        step.accumulations.append(Accumulation(parent, previous, g))
                continue
            previous = pending_leaf.get(parent)
            total = g if previous is None else previous + g
            if previous is not None and step is not None:
                step.accumulations.append(Accumulation(parent, previous, g))
            remaining = leaf_uses[parent] - 1
            leaf_uses[parent] = remaining
            if remaining:
                pending_leaf[parent] = total
                continue
            pending_leaf.pop(parent, None)
            # a sum made here, or a fresh op's array that no recorded step also holds
            owned = previous is not None or (op.fresh_grads and step is None)
            if parent._hooks:
                hooked = _run_hooks(parent, total)
                owned = owned and hooked is total
                total = hooked
            _store_grad(parent, total, owned)
            if step is not None:
                step.completed.append(parent)
        if kept is not None:
            node.parents = tuple(kept)
        if step is not None:
            yield step
    # A leaf whose other consumers passed no gradient (None) is complete now.
    for leaf, total in pending_leaf.items():
        _store_grad(leaf, _run_hooks(leaf, total) if leaf._hooks else total)


def backward_steps(
    root: Tensor, grad: Any = None, retain_graph: bool = False
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
    if not isinstance(root, Tensor):
        raise TypeError(
            f"backward_steps needs the Tensor to backpropagate from (usually the loss), "
            f"got {type(root).__name__}"
        )
    seed = _root_grad(root, grad)  # checked now, not at the first next()
    if root._node is not None and root._node.freed:
        raise RuntimeError(
            f"backward_steps through a graph that a backward already freed (its last op is "
            f"{root._node.op.describe()}); pass retain_graph=True to the earlier backward()"
        )
    return run_backward(root, seed, retain_graph, record=True)
