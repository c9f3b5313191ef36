"""The op protocol: a forward rule, a local-gradient rule, and words for people.

An op is a small class. ``forward(*arrays)`` computes the output from its inputs' arrays and
saves what backward will need in ``self.saved``; ``backward(grad)`` returns one gradient per
input (``None`` where there is none) as *upstream × local gradient*. Ops never un-broadcast or
accumulate gradients: the backward driver does that once, for every op.

Each op also carries a ``name``, a graph ``symbol`` and a one-line ``rule`` in the lectures'
words, and, for element-wise ops, :meth:`Op.local_grads` so stepping can show the local
gradient itself.
"""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from minigrad import backend
from minigrad.graph import STATE, Node

if TYPE_CHECKING:
    from minigrad.tensor import Tensor


class Op(ABC):
    """Base class of every differentiable operation.

    Subclasses set the class attributes ``name``, ``symbol`` and ``rule``, and implement
    :meth:`forward` and :meth:`backward`. ``self.needs[i]`` tells backward whether input ``i``
    wants a gradient, so it can skip work.

    Examples
    --------
    A new op, used through :func:`apply`:

    >>> import minigrad
    >>> from minigrad.op import Op, apply
    >>> class Square(Op):
    ...     name, symbol, rule = "square", "x²", "square: downstream = upstream × 2x"
    ...     def forward(self, x):
    ...         self.saved = (x,)
    ...         return x * x
    ...     def backward(self, grad):
    ...         (x,) = self.saved
    ...         return (grad * 2 * x,)
    >>> x = minigrad.Tensor(3.0, requires_grad=True)
    >>> y = apply(Square(), x)
    >>> y.backward()
    >>> x.grad.item()
    6.0
    """

    name: str = "op"
    symbol: str = "op"
    rule: str = ""
    saved: tuple[Any, ...] | None = None
    needs: tuple[bool, ...] = ()
    fresh_grads: bool = False
    """True when :meth:`backward` returns only new arrays that nothing else holds: not the
    upstream gradient, not a view of it or of a saved array, and no array twice. The driver
    then hands them to leaf tensors' ``.grad`` without a defensive copy."""

    @abstractmethod
    def forward(self, *arrays: Any) -> Any:
        """Compute the output array from the input arrays."""

    @abstractmethod
    def backward(self, grad: Any) -> tuple[Any, ...]:
        """Return one gradient array (or ``None``) per input: upstream × local gradient."""

    def local_grads(self) -> tuple[Any, ...] | None:
        """Element-wise local gradients ∂out/∂input_i, for display; ``None`` if not element-wise."""
        return None

    def release(self) -> None:
        """Drop the arrays saved for backward (called after backward unless retain_graph)."""
        self.saved = None

    def describe(self) -> str:
        """Short label with the op's parameters, e.g. ``sum(axis=1)``."""
        return self.name

    def __repr__(self) -> str:
        return f"<op {self.describe()}>"


def apply(op: Op, *inputs: Tensor) -> Tensor:
    """Run ``op`` on ``inputs`` and record a graph node when a gradient is needed.

    This is the only place graph nodes are made, so grad mode, scopes, device checks and
    anomaly detection hold for every op alike.
    """
    arrays = [t.data for t in inputs]
    first = type(arrays[0])
    if len(arrays) > 1:
        for a in arrays:
            if type(a) is not first:
                _check_same_backend(op, inputs)
                break
    try:
        out = op.forward(*arrays)
    except (ValueError, TypeError, IndexError) as exc:
        raise type(exc)(_failure_message(op, inputs, exc)) from exc
    if type(out) is not first and backend.namespace(out) is backend.np:
        out = backend.np.asarray(out)
    requires = False
    if STATE.grad_enabled:
        needs = tuple([t.requires_grad for t in inputs])
        requires = True in needs
    node = None
    if requires:
        op.needs = needs
        node = Node(op, inputs)
    else:
        op.release()
    if STATE.anomaly:
        from minigrad.anomaly import check_forward

        if node is not None:
            node.created_at = traceback.extract_stack()[:-2]
        check_forward(op, out, node)
    return (_Tensor or _tensor_class())._make(out, requires, node)


# tensor.py imports this module, so the Tensor class is bound on first use rather than at
# import time; a function-level import would cost about a microsecond on every op.
_Tensor: Any = None


def _tensor_class() -> Any:
    global _Tensor
    from minigrad.tensor import Tensor

    _Tensor = Tensor
    return Tensor


def _check_same_backend(op: Op, inputs: tuple[Tensor, ...]) -> None:
    libraries = {backend.library_name(backend.namespace(t.data)) for t in inputs}
    devices = {t.device for t in inputs}
    if len(devices) > 1:
        described = " and ".join(sorted(devices))
        raise RuntimeError(
            f"{op.name}: inputs are on different devices ({described}); move them to one "
            "device first, e.g. `x.to('cpu')` or `x.to('cuda')`"
        )
    if len(libraries) > 1:
        described = " and ".join(sorted(libraries))
        raise TypeError(
            f"{op.name}: inputs come from different array libraries ({described}); "
            "make every tensor from the same library (convert with minigrad.tensor(...))"
        )


def _failure_message(op: Op, inputs: tuple[Tensor, ...], exc: Exception) -> str:
    described = ", ".join(f"{tuple(t.shape)} {backend.dtype_name(t.dtype)}" for t in inputs)
    return f"{op.describe()} failed on inputs of shape/dtype [{described}]: {exc}"
