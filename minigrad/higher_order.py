"""Gradients of gradients: the backward pass recorded as a graph of minigrad ops.

With ``create_graph=True`` every backward formula runs on **Tensors** instead of arrays, so
the gradient it returns is itself the output of a computational graph, which can be
differentiated again, stepped through, or drawn. No op writes its rule twice for this:

* the arrays an op saved are swapped, for the duration of its backward, for the tensors they
  came from — an input's array for that input, the output's array for the output — and any
  other saved array (a mask, a routing weight) for a constant;
* ``namespace(tensor)`` is :class:`TensorNamespace`, so a formula such as
  ``namespace(x).exp(x - out)`` or ``xp.matrix_transpose(b)`` builds minigrad ops;
* the few ops whose backward writes into arrays in place (indexing, embedding, the fused
  losses) give a ``backward_graph`` of their own, written with other ops.

This keeps the first-order backward exactly as fast as before: it never comes here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.autograd import broadcast_axes
from minigrad.graph import Node, enable_grad, no_grad
from minigrad.op import Op
from minigrad.tensor import Tensor, apply


def constant(array: Any) -> Tensor:
    """``array`` as a tensor that needs no gradient (a mask, a shape helper)."""
    return Tensor._make(array, False, None)


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Tensor) else x


class TensorNamespace:
    """The Array API functions the ops' backward formulas call, as minigrad ops on Tensors.

    ``minigrad.backend.namespace(tensor)`` returns it, so a formula written for arrays runs
    unchanged on tensors and records a graph. Functions whose result has no gradient
    (``sign``, ``isfinite``, ``zeros_like`` …) return constants.
    """

    bool = np.bool_

    @staticmethod
    def sum(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return x.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return x.mean(axis=axis, keepdims=keepdims)

    @staticmethod
    def max(x: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return x.max(axis=axis, keepdims=keepdims)

    @staticmethod
    def reshape(x: Tensor, shape: Sequence[int]) -> Tensor:
        return x.reshape(tuple(shape))

    @staticmethod
    def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
        return x.broadcast_to(tuple(shape))

    @staticmethod
    def permute_dims(x: Tensor, axes: Sequence[int]) -> Tensor:
        return x.permute(tuple(axes))

    @staticmethod
    def expand_dims(x: Tensor, axis: int) -> Tensor:
        return x.unsqueeze(axis)

    @staticmethod
    def matrix_transpose(x: Tensor) -> Tensor:
        return x.mT

    @staticmethod
    def matmul(a: Tensor, b: Tensor) -> Tensor:
        return a @ b

    @staticmethod
    def astype(x: Any, dtype: Any) -> Tensor:
        if not isinstance(x, Tensor) or not x.requires_grad:
            return constant(backend.namespace(_data(x)).astype(_data(x), dtype))
        return x.to(backend.dtype_name(dtype))

    @staticmethod
    def exp(x: Tensor) -> Tensor:
        return x.exp()

    @staticmethod
    def log(x: Tensor) -> Tensor:
        return x.log()

    @staticmethod
    def sqrt(x: Tensor) -> Tensor:
        return x.sqrt()

    @staticmethod
    def tanh(x: Tensor) -> Tensor:
        return x.tanh()

    @staticmethod
    def abs(x: Tensor) -> Tensor:
        return x.abs()

    @staticmethod
    def maximum(a: Any, b: Any) -> Tensor:
        from minigrad.functions import maximum

        return maximum(a, b)

    @staticmethod
    def minimum(a: Any, b: Any) -> Tensor:
        from minigrad.functions import minimum

        return minimum(a, b)

    @staticmethod
    def where(condition: Any, a: Any, b: Any) -> Tensor:
        from minigrad.functions import where

        return where(condition, a, b)

    @staticmethod
    def sign(x: Tensor) -> Tensor:
        return _constant_of(x, "sign")

    @staticmethod
    def isfinite(x: Tensor) -> Tensor:
        return _constant_of(x, "isfinite")

    @staticmethod
    def ones_like(x: Tensor, dtype: Any = None) -> Tensor:
        return _constant_of(x, "ones_like", dtype=dtype)

    @staticmethod
    def zeros_like(x: Tensor, dtype: Any = None) -> Tensor:
        return _constant_of(x, "zeros_like", dtype=dtype)

    def __getattr__(self, name: str) -> Any:
        """Any other function: the Tensor method or ``minigrad`` function of that name
        (``xp.cos(x)`` → ``x.cos()``), so new ops' formulas need no entry here."""
        import minigrad

        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], Tensor) and callable(getattr(args[0], name, None)):
                return getattr(args[0], name)(*args[1:], **kwargs)
            if callable(getattr(minigrad, name, None)):
                return getattr(minigrad, name)(*args, **kwargs)
            raise NotImplementedError(
                f"create_graph: a backward formula calls xp.{name}, which has no Tensor "
                "version; higher-order gradients through this op are not supported"
            )

        return call

    @staticmethod
    def full_like(x: Tensor, value: Any, dtype: Any = None) -> Tensor:
        data = _data(x)
        return constant(backend.namespace(data).full_like(data, _data(value), dtype=dtype))


def _constant_of(x: Any, function: str, **kwargs: Any) -> Tensor:
    data = _data(x)
    kwargs = {k: v for k, v in kwargs.items() if v is not None}
    return constant(getattr(backend.namespace(data), function)(data, **kwargs))


TENSOR_NAMESPACE = TensorNamespace()
backend.register_namespace(Tensor, TENSOR_NAMESPACE)


def tensor_view(saved: Any, node: Node, output: Tensor) -> Any:
    """``saved`` with each array replaced by the tensor it came from (else a constant)."""
    known = {id(p.data): p for p in node.parents}
    known[id(output.data)] = output
    scalar = getattr(node.op, "scalar_output", None)  # a 0-d output as NumPy returned it
    if scalar is not None:
        known[id(scalar)] = output

    def swap(item: Any) -> Any:
        if isinstance(item, tuple):
            return tuple(swap(i) for i in item)
        if hasattr(item, "shape") and hasattr(item, "dtype") and not isinstance(item, Tensor):
            found = known.get(id(item))
            return constant(item) if found is None else found
        return item

    return swap(saved)


def backward_as_graph(node: Node, output: Tensor, grad: Tensor) -> tuple[Any, ...]:
    """Run ``node``'s backward on tensors, so the gradients it returns are graphs too."""
    op = node.op
    own = getattr(op, "backward_graph", None)
    with enable_grad():
        if own is not None:
            return tuple(own(grad, node.parents, output))
        if op.linear_in:
            return tuple(
                apply(Adjoint(op, i, node.parents), grad) if i in op.linear_in and need else None
                for i, need in enumerate(op.needs)
            )
        saved = op.saved
        op.saved = tensor_view(saved, node, output)
        try:
            return tuple(op.backward(grad))
        finally:
            op.saved = saved


def _unbroadcast_tensor(grad: Tensor, shape: tuple[int, ...]) -> Tensor:
    axes = broadcast_axes(shape, tuple(grad.shape))
    if axes:
        grad = grad.sum(axis=axes)
    return grad if tuple(grad.shape) == shape else grad.reshape(shape)


def _nodes_from(roots: Iterable[Tensor]) -> tuple[list[Node], dict[Node, Tensor]]:
    """Every node reachable from ``roots``, newest first, and each node's output tensor."""
    output_of: dict[Node, Tensor] = {}
    stack = [r for r in roots if r.node is not None]
    while stack:
        t = stack.pop()
        if t.node in output_of:
            continue
        output_of[t.node] = t
        stack.extend(p for p in t.node.parents if p.node is not None and p.requires_grad)
    return sorted(output_of, key=lambda n: n.seq, reverse=True), output_of


def backprop(
    roots: Sequence[Tensor],
    seeds: Sequence[Any],
    *,
    create_graph: bool,
    retain_graph: bool,
) -> dict[int, Any]:
    """Backpropagate from ``roots`` (with ``seeds`` as their gradients); return ``id(t) →``
    gradient for every tensor reached (Tensors when ``create_graph``, else arrays)."""
    nodes, output_of = _nodes_from(roots)
    totals: dict[int, Any] = {}
    for root, seed in zip(roots, seeds, strict=True):
        key = id(root)
        totals[key] = seed if key not in totals else totals[key] + seed
    for node in nodes:
        out = output_of[node]
        grad = totals.get(id(out))
        if grad is None:
            continue
        if node.freed:
            raise RuntimeError(
                f"differentiating through a graph a backward already freed (at "
                f"{node.op.describe()}); pass retain_graph=True (or create_graph=True) to the "
                "earlier backward()/grad()"
            )
        if create_graph:
            input_grads = backward_as_graph(node, out, grad)
        else:
            input_grads = node.op.backward(grad)
        if not retain_graph:
            node.op.release()
            node.freed = True
        for parent, g in zip(node.parents, input_grads, strict=True):
            if g is None or not parent.requires_grad:
                continue
            shape = tuple(parent.shape)
            if tuple(g.shape) != shape:
                g = _unbroadcast_tensor(g, shape) if create_graph else _unbroadcast(g, shape)
            key = id(parent)
            totals[key] = g if key not in totals else totals[key] + g
    return totals


def _unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    from minigrad.autograd import unbroadcast

    return unbroadcast(grad, shape)


def _seed(output: Tensor, grad_output: Any, create_graph: bool) -> Any:
    if not output.requires_grad:
        raise RuntimeError(
            "grad: an output does not require grad: no input of its computation had "
            "requires_grad=True (or it ran inside no_grad())"
        )
    if grad_output is None:
        if output.numel() != 1:
            raise RuntimeError(
                f"grad: output of shape {output.shape} is not a scalar: pass grad_outputs "
                "(e.g. minigrad.ones_like(output)) or reduce it first"
            )
        array = backend.namespace(output.data).ones_like(output.data)
    else:
        array = _data(grad_output)
        if not hasattr(array, "shape"):
            array = backend.asarray_on(
                backend.namespace(output.data), array, dtype=output.dtype, like=output.data
            )
        if tuple(array.shape) != output.shape:
            raise ValueError(
                f"grad: grad_outputs of shape {tuple(array.shape)} for an output of shape "
                f"{output.shape}; they must match"
            )
    if not create_graph:
        return array
    return grad_output if isinstance(grad_output, Tensor) else constant(array)


def _as_list(x: Tensor | Sequence[Tensor], what: str) -> list[Tensor]:
    items = [x] if isinstance(x, Tensor) else list(x)
    for item in items:
        if not isinstance(item, Tensor):
            raise TypeError(f"grad: {what} must be Tensors, got {type(item).__name__}")
    return items


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """The gradients of ``outputs`` with respect to ``inputs``, as ``torch.autograd.grad``.

    Returns one tensor per input and leaves every ``.grad`` untouched. With
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
    outs = _as_list(outputs, "outputs")
    ins = _as_list(inputs, "inputs")
    if grad_outputs is None:
        given = [None] * len(outs)
    elif isinstance(grad_outputs, Tensor) or hasattr(grad_outputs, "shape"):
        given = [grad_outputs]
    else:
        given = list(grad_outputs)
    if len(given) != len(outs):
        raise ValueError(f"grad: {len(given)} grad_outputs for {len(outs)} outputs")
    for i, t in enumerate(ins):
        if not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad")
    seeds = [_seed(o, g, create_graph) for o, g in zip(outs, given, strict=True)]
    retain = create_graph if retain_graph is None else retain_graph
    with no_grad() if not create_graph else enable_grad():
        totals = backprop(outs, seeds, create_graph=create_graph, retain_graph=retain)
    result: list[Tensor | None] = []
    for i, t in enumerate(ins):
        g = totals.get(id(t))
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} was not used to compute the outputs; pass "
                    "allow_unused=True to get None for it"
                )
            result.append(None)
        else:
            result.append(g if isinstance(g, Tensor) else constant(g))
    return tuple(result)


def backward_create_graph(root: Tensor, grad_output: Any, retain_graph: bool | None) -> None:
    """``root.backward(create_graph=True)``: accumulate graph-valued gradients in ``.grad``."""
    seed = _seed(root, grad_output, True)
    retain = True if retain_graph is None else retain_graph
    totals = backprop([root], [seed], create_graph=True, retain_graph=retain)
    _, output_of = _nodes_from([root])
    leaves = {id(p): p for n in output_of for p in n.parents if p.node is None}
    if root.node is None:
        leaves[id(root)] = root
    for key, leaf in leaves.items():
        g = totals.get(key)
        if g is None or not leaf.requires_grad:
            continue
        leaf.grad = g if leaf.grad is None else leaf.grad + g


class Adjoint(Op):
    """The backward of an op that is linear in input ``index``, recorded as an op.

    Indexing, embedding lookups, NLL and device copies are linear in one input, so their
    backward is linear in the upstream gradient and its own backward is the original op's
    forward: ``x[key]`` ↔ "write upstream back at ``key``". Any order of derivative follows.
    """

    linear_in = (0,)

    def __init__(self, op: Op, index: int, inputs: tuple[Tensor, ...]) -> None:
        self.op, self.index, self.inputs = op, index, inputs
        self.name = f"{op.name}_backward"
        self.symbol = f"∂{op.symbol}"
        self.rule = f"backward of {op.name}: linear in upstream, so its own backward is {op.name}"
        self.local_rules = (f"{op.name} applied to upstream",)

    def forward(self, grad: Any) -> Any:
        needs = self.op.needs
        self.op.needs = tuple(i == self.index for i in range(len(self.inputs)))
        try:
            return self.op.backward(grad)[self.index]
        finally:
            self.op.needs = needs

    def _forward_args(self, upstream: Any, wrap: bool) -> list[Any]:
        """The op's inputs with ``upstream`` in place of input ``index``; the op's other
        linear inputs are zeros (the map from input ``index`` alone), the rest constants."""
        args = []
        for i, t in enumerate(self.inputs):
            if i == self.index:
                args.append(upstream)
                continue
            data = t.data
            if i in self.op.linear_in:
                data = backend.namespace(data).zeros_like(data)
            args.append(constant(data) if wrap else data)
        return args

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (copy.copy(self.op).forward(*self._forward_args(grad, wrap=False)),)

    def backward_graph(self, grad: Tensor, inputs: Any, output: Any) -> tuple[Any, ...]:
        return (apply(copy.copy(self.op), *self._forward_args(grad, wrap=True)),)
