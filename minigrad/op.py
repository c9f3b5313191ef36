"""The op protocol: an op is its rules.

An op is a small class with a ``name``, a graph ``symbol`` and a one-line ``rule`` in the
lectures' words. ``forward(*arrays)`` computes the output from its inputs' arrays and saves
what backward will need in ``self.saved``.

* An **element-wise** op (:class:`Elementwise`) declares only its local gradients
  ∂out/∂input_i in :meth:`Elementwise.local_grads`; its backward is *derived* as
  upstream × local — the lecture's sentence — so stepping can never show a local gradient
  that backward did not use. A local gradient of :data:`PASSES` (add) hands the upstream
  gradient on unchanged, :data:`NEGATES` hands on its negative.
* Every other op (matmul, reductions, shape ops, indexing) writes ``backward(grad)`` itself
  and states each input's rule as text in ``local_rules`` (``"upstream @ {1}ᵀ"``; ``{0}``,
  ``{1}`` … are the inputs' names), which stepping shows in place of the values.

Ops never un-broadcast or accumulate gradients: the backward driver does that once, for
every op. Parameterised ops list their fields in ``params``; :meth:`Op.describe` builds the
label (``sum(axis=1)``) from them. :func:`apply` runs an op on tensors: it is here, below
the Tensor class, and makes outputs of the class :func:`bind_tensor` names.
"""

from __future__ import annotations

import traceback
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend
from minigrad.dims import both_classes
from minigrad.graph import PER_THREAD, STATE, Node, next_seq

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as _TensorClass

Tensor: Any = None
"""The Tensor class :func:`apply` makes (bound by ``minigrad.tensor`` through
:func:`bind_tensor` right after it defines the class; this module imports no Tensor)."""


def bind_tensor(cls: type) -> None:
    """Name the class whose instances :func:`apply` returns (``minigrad.tensor`` calls this)."""
    global Tensor
    Tensor = cls


PASSES: Any = 1.0
"""The local gradient of an input that receives the upstream gradient unchanged (add)."""
NEGATES: Any = -1.0
"""The local gradient of an input that receives the negated upstream gradient (sub, neg)."""


def as_mask(condition: Any, like: Any) -> Any:
    """``condition`` as 0/1 values in ``like``'s dtype: the local gradient of an op that
    routes (relu, clip, where, maximum), or part of one.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([-1.0, 2.0])
    >>> as_mask(x > 0, x)
    array([0., 1.])
    """
    return backend.namespace(like).astype(condition, like.dtype)


class Op(ABC):
    """Base class of every differentiable operation.

    Subclasses set the class attributes ``name``, ``symbol`` and ``rule``, implement
    :meth:`forward` and :meth:`backward`, and state each input's rule in ``local_rules``.
    ``self.needs[i]`` tells backward whether input ``i`` wants a gradient, so it can skip
    work. Element-wise ops derive from :class:`Elementwise` instead and write no backward.

    Examples
    --------
    An op that is not element-wise, used through :func:`minigrad.apply`:

    >>> import minigrad
    >>> from minigrad import Op, apply
    >>> class Total(Op):
    ...     name, symbol, rule = "total", "Σ", "total copies: every element gets upstream"
    ...     local_rules = ("upstream copied to every element of {0}",)
    ...     def forward(self, x):
    ...         self.saved = (x.shape,)
    ...         return x.sum()
    ...     def backward(self, grad):
    ...         (shape,) = self.saved
    ...         return (grad + minigrad.backend.np.zeros(shape, grad.dtype),)
    >>> x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> apply(Total(), x).backward()
    >>> x.grad.tolist()
    [1.0, 1.0]
    """

    name: str = "op"
    symbol: str = "op"
    rule: str = ""
    local_rules: tuple[str, ...] = ()
    """Each input's downstream rule in words, e.g. ``"upstream @ {1}ᵀ"`` for matmul's first
    input; ``{0}``, ``{1}`` … stand for the inputs' names. Shown by stepping when the op has no
    element-wise local gradients."""
    params: tuple[str, ...] = ()
    """The names of the attributes that parameterise the op; :meth:`describe` shows them."""
    linear_in: tuple[int, ...] = ()
    """Inputs the op is linear in (its other inputs take no gradient): indexing, embedding
    lookups, device copies. Their backward, recorded for higher-order gradients, is the op's
    own backward run as an op (:class:`minigrad.higher_order.Adjoint`)."""
    saved: tuple[Any, ...] | None = None
    saved_for: tuple[tuple[int, ...], ...] | None = None
    """Which inputs' gradients use each item of ``saved`` (mul: ``((1,), (0,))``, each input's
    gradient uses the other input). The check of in-place writes then skips the items that no
    input needing a gradient uses, as PyTorch, which saves only those. ``None``: every item
    counts."""
    scalar_output: Any = None
    """A 0-d output as NumPy returned it (a scalar, before it became an array)."""
    needs: tuple[bool, ...] = ()
    derived: bool = False
    """True for :class:`Elementwise` ops: backward is upstream × :meth:`local_grads`."""
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
        """Element-wise local gradients ∂out/∂input_i; ``None`` for ops that are not
        element-wise (their rule is in :attr:`local_rules`)."""
        return None

    def release(self) -> None:
        """Drop the arrays saved for backward (called after backward unless retain_graph)."""
        self.saved = None

    def describe(self) -> str:
        """The op's label with its parameters, e.g. ``sum(axis=1)``, built from ``params``.

        Parameters that are ``None`` or ``False`` (the usual defaults) are left out.
        """
        shown = [
            f"{field}={format_param(getattr(self, field))}"
            for field in self.params
            if getattr(self, field) is not None and getattr(self, field) is not False
        ]
        return f"{self.name}({', '.join(shown)})" if shown else self.name

    def __repr__(self) -> str:
        return f"<op {self.describe()}>"


class Elementwise(Op):
    """An op whose output element i depends only on its inputs' element i.

    It declares its local gradients and nothing else: :meth:`local_grads` returns one
    ∂out/∂input_i array per input (``None`` where ``needs[i]`` is false, :data:`PASSES` or
    :data:`NEGATES` where the upstream gradient is handed on as is or negated), and backward
    is always upstream × local, so what stepping shows is what backward used. After a
    backward without ``retain_graph`` the driver drops ``saved`` itself (element-wise ops
    hold nothing else, so their :meth:`release` is not called).

    Examples
    --------
    A new element-wise op is a name, a symbol, a rule, a forward and a local gradient:

    >>> import minigrad
    >>> from minigrad import apply
    >>> from minigrad.op import Elementwise
    >>> class Cube(Elementwise):
    ...     name, symbol, rule = "cube", "x³", "cube: downstream = upstream × 3x²"
    ...     def forward(self, x):
    ...         self.saved = (x,)
    ...         return x * x * x
    ...     def local_grads(self):
    ...         (x,) = self.saved
    ...         return (3 * x * x,)
    >>> x = minigrad.tensor([1.0, -2.0], requires_grad=True)
    >>> apply(Cube(), x).sum().backward()
    >>> x.grad.tolist()
    [3.0, 12.0]
    """

    @abstractmethod
    def local_grads(self) -> tuple[Any, ...]:
        """∂out/∂input_i for each input, broadcastable against the output."""

    derived = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "release" in vars(cls):  # the driver would never call it (see the class docstring)
            raise TypeError(
                f"{cls.__name__}: an element-wise op keeps what backward needs in `saved` "
                "only, so it cannot override release(); derive from Op (and write backward) "
                "to hold other buffers"
            )

    def backward(self, grad: Any) -> tuple[Any, ...]:
        """upstream × local for every input (derived; element-wise ops never override it)."""
        return times_local(grad, self.local_grads())


def times_local(grad: Any, locals_: tuple[Any, ...]) -> tuple[Any, ...]:
    """Downstream = upstream × local, for each input's local gradient.

    ``None`` → no gradient, :data:`PASSES` → the upstream gradient itself (add passes),
    :data:`NEGATES` → its negative. The backward driver calls this directly for element-wise
    ops (one call fewer on the hottest path), with the locals stepping shows.

    Examples
    --------
    >>> import numpy as np
    >>> times_local(np.array([2.0]), (PASSES, np.array([3.0]), None))
    (array([2.]), array([6.]), None)
    """
    # NumPy computes on 0-d arrays through its full ufunc machinery (~0.4 µs a product) but
    # on NumPy scalars in ~40 ns. A 0-d upstream gradient is a NumPy scalar (NumPy returns
    # 0-d results as scalars), so a 0-d local array joins it as a scalar too: same value and
    # dtype, ten times faster — this is what makes scalar (micrograd-style) graphs cheap.
    # One and two inputs spelled out: this runs once per node of every backward pass.
    if len(locals_) == 1:
        (a,) = locals_
        if type(a) is _ndarray and isinstance(grad, _scalar):
            a = a[()]
        return (
            None if a is None else grad if a is PASSES else -grad if a is NEGATES else grad * a,
        )
    if len(locals_) == 2:
        a, b = locals_
        if isinstance(grad, _scalar):
            if type(a) is _ndarray:
                a = a[()]
            if type(b) is _ndarray:
                b = b[()]
        return (
            None if a is None else grad if a is PASSES else -grad if a is NEGATES else grad * a,
            None if b is None else grad if b is PASSES else -grad if b is NEGATES else grad * b,
        )
    if isinstance(grad, _scalar):
        locals_ = tuple([c[()] if type(c) is _ndarray else c for c in locals_])
    return tuple(
        [
            None if c is None else grad if c is PASSES else -grad if c is NEGATES else grad * c
            for c in locals_
        ]
    )


_ndarray, _scalar = np.ndarray, np.generic


def format_param(value: Any) -> str:
    """A parameter as a label shows it: ``1``, ``(2, 3)``, ``0:4``, ``float64``, ``'mean'``."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, slice):
        parts = ["" if v is None else str(v) for v in (value.start, value.stop, value.step)]
        return ":".join(parts[:2] if value.step is None else parts)
    if value is Ellipsis:
        return "..."
    if isinstance(value, tuple):
        inner = ", ".join(format_param(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"array{tuple(value.shape)}"
    return repr(value) if isinstance(value, str) else str(value)


def check_same_backend(op: Op, inputs: tuple[_TensorClass, ...]) -> None:
    """Raise a clear error when an op's inputs live on different devices or libraries."""
    libraries = {backend.library_name(backend.namespace(t.array)) for t in inputs}
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


def failure_message(op: Op, inputs: tuple[_TensorClass, ...], exc: Exception) -> str:
    """The message for an op whose forward failed: the op, and its inputs' shapes and dtypes."""
    described = ", ".join(f"{tuple(t.shape)} {backend.dtype_name(t.dtype)}" for t in inputs)
    return f"{op.describe()} failed on inputs of shape/dtype [{described}]: {exc}"


_new = object.__new__


def apply(op: Op, *inputs: _TensorClass) -> _TensorClass:
    """Run ``op`` on ``inputs`` and record a graph node when a gradient is needed.

    This is the only place graph nodes are made, so grad mode, scopes, device checks and
    anomaly detection hold for every op alike. It runs the op's ``forward`` on the inputs'
    arrays and wraps the result in the Tensor class :func:`bind_tensor` named, so the ops
    themselves compute on arrays.

    Examples
    --------
    >>> import minigrad
    >>> from minigrad import ops
    >>> a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> y = minigrad.apply(ops.Mul(), a, a)
    >>> y.tolist(), y.node.op.name
    ([1.0, 4.0], 'mul')
    """
    # One and two inputs (almost every op) are spelled out: this runs once per op, and a
    # comprehension costs a frame of its own.
    if len(inputs) == 2:
        x, y = inputs
        a, b = x.array, y.array
        arrays = (a, b)
        first = type(a)
        if type(b) is not first:
            check_same_backend(op, inputs)
        needs = (x.requires_grad, y.requires_grad)
    elif len(inputs) == 1:
        (x,) = inputs
        a = x.array
        arrays = (a,)
        first = type(a)
        needs = (x.requires_grad,)
    else:
        arrays = tuple([t.array for t in inputs])
        first = type(arrays[0])
        if any(type(a) is not first for a in arrays):
            check_same_backend(op, inputs)
        needs = tuple([t.requires_grad for t in inputs])
    try:
        out = op.forward(*arrays)
    except (ValueError, TypeError, IndexError) as exc:
        # one message, which repeats the op's own: not chained to it (a chained traceback
        # printed it twice), but carrying its traceback, so the op's failing line still shows
        error = both_classes(exc)(failure_message(op, inputs, exc))
        raise error.with_traceback(exc.__traceback__) from None
    if type(out) is not first and isinstance(out, np.generic):
        # NumPy gives 0-d results as scalars; remember which one, since backward may have
        # saved it: a gradient graph (create_graph) must know it is the output
        op.scalar_output = out
        out = np.asarray(out)
    mode = PER_THREAD.mode
    requires = mode.grad_enabled and True in needs
    node = None
    if requires:
        op.needs = needs
        # Node() and Tensor._make, inlined: this runs once per op, and calling them measured
        # 5 % slower on the scalar chain. A test checks that every slot is filled.
        node = _new(Node)
        node.op = op
        node._parents = inputs
        node.scope = mode.scope_path
        node.seq = next_seq()
        node.freed = False
    else:
        op.release()
    if STATE.anomaly:
        from minigrad.anomaly import check_forward

        if node is not None:
            node.created_at = traceback.extract_stack()[:-2]
        check_forward(op, out, node)
    t = _new(Tensor)
    t.array = out
    t._grad = None
    t.requires_grad = requires
    t.name = None
    t._node = node
    t._hooks = None
    t._retain = False
    return t
