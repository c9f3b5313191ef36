"""Gradients of gradients: the backward pass recorded as a graph of minigrad ops.

With ``create_graph=True`` every backward formula runs on **Tensors** instead of arrays, so
the gradient it returns is itself the output of a computational graph, which can be
differentiated again, stepped through, or drawn. No op writes its rule twice for this:

* the arrays an op saved are swapped, for the duration of its backward, for the tensors they
  came from — an input's array for that input, the output's array for the output — and any
  other saved array (a mask, a routing weight) for a constant;
* ``namespace(tensor)`` is :class:`TensorNamespace`, so a formula such as
  ``namespace(x).exp(x - out)`` or ``xp.matrix_transpose(b)`` builds minigrad ops;
* an op that is linear in an input (indexing, gathers, embedding lookups, NLL, device
  copies, cumsum) lists it in ``linear_in``: its backward, linear in the upstream gradient,
  is recorded as one :class:`Adjoint` op whose own backward is the op's forward;
* the few others whose backward cannot run on Tensors as written (prod and cumprod, the
  fused cross-entropy and recurrent ops) give a ``backward_graph`` of their own.

The backward driver (:mod:`minigrad.autograd`) calls :func:`backward_as_graph` for every
node under ``create_graph``: this module registers it on import. The first-order backward
never comes here.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from minigrad import backend, creation, functions
from minigrad.autograd import register_graph_backward
from minigrad.graph import STATE, Node, enable_grad
from minigrad.op import Op, apply
from minigrad.tensor import Tensor


def constant(array: Any) -> Tensor:
    """``array`` as a tensor that needs no gradient (a mask, a shape helper)."""
    return Tensor._make(array, False, None)


def _data(x: Any) -> Any:
    return x.array if isinstance(x, Tensor) else x


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

    maximum = staticmethod(functions.maximum)
    minimum = staticmethod(functions.minimum)
    where = staticmethod(functions.where)

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
        """Any other function: the Tensor method or free function of that name
        (``xp.cos(x)`` → ``x.cos()``), so new ops' formulas need no entry here."""
        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> Any:
            if args and isinstance(args[0], Tensor) and callable(getattr(args[0], name, None)):
                return getattr(args[0], name)(*args[1:], **kwargs)
            for module in (functions, creation):
                if callable(getattr(module, name, None)):
                    return getattr(module, name)(*args, **kwargs)
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
    known = {id(p.array): p for p in node.parents}
    known[id(output.array)] = output
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


@contextlib.contextmanager
def _forward_checks_off() -> Iterator[None]:
    checking, STATE.anomaly = STATE.anomaly, False
    try:
        yield
    finally:
        STATE.anomaly = checking


def backward_as_graph(node: Node, output: Tensor, grad: Tensor) -> tuple[Any, ...]:
    """Run ``node``'s backward on tensors, so the gradients it returns are graphs too.

    Under ``detect_anomaly()`` the ops recorded here skip their forward check: the driver
    checks the gradients they return, so a NaN is reported as the backward of ``node``, as
    in a first-order backward.
    """
    op = node.op
    own = getattr(op, "backward_graph", None)
    with enable_grad(), _forward_checks_off():
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


register_graph_backward(backward_as_graph)


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
            data = t.array
            if i in self.op.linear_in:
                data = backend.namespace(data).zeros_like(data)
            args.append(constant(data) if wrap else data)
        return args

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (copy.copy(self.op).forward(*self._forward_args(grad, wrap=False)),)

    def backward_graph(self, grad: Tensor, inputs: Any, output: Any) -> tuple[Any, ...]:
        return (apply(copy.copy(self.op), *self._forward_args(grad, wrap=True)),)
