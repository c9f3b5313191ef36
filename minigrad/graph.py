"""The computational graph's bookkeeping: nodes, grad mode, scopes, creation order.

A :class:`Node` records which op made a tensor, from which parent tensors, in which scope,
and when (a global sequence number). The backward driver walks nodes in reverse creation
order, which is always a valid topological order because parents exist before children.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

import numpy as np

from minigrad import backend

F = TypeVar("F", bound=Callable[..., Any])


class TensorLike(Protocol):
    """What the graph, the driver and stepping read of a tensor (typing only).

    The modules below ``minigrad.tensor`` are typed against this protocol rather than
    importing :class:`minigrad.Tensor`, so imports point down only; :class:`FreedTensor`
    satisfies it too.
    """

    array: Any
    grad: Any
    requires_grad: bool
    name: str | None
    _node: Node | None
    _hooks: list[Any] | None
    _retain: bool

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def dtype(self) -> Any: ...


class OpLike(Protocol):
    """What a node needs of its op (typing only; :class:`minigrad.Op` is the real thing)."""

    name: str
    symbol: str
    rule: str

    def describe(self) -> str: ...


class Mode:
    """One thread's grad mode and scope (each thread has its own, as in PyTorch)."""

    __slots__ = ("grad_enabled", "grad_stack", "scope_path", "scope_stack")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.grad_stack: list[bool] = []
        self.scope_path = ""
        self.scope_stack: list[str] = []


class _PerThread(threading.local):
    def __init__(self) -> None:
        self.mode = Mode()


PER_THREAD = _PerThread()
"""``PER_THREAD.mode`` is the calling thread's :class:`Mode`; read it once per op."""


class _State:
    """Process-wide switches, read on every op, so kept as plain attributes."""

    __slots__ = ("anomaly", "rebound")

    def __init__(self) -> None:
        self.anomaly = False
        # True once an in-place op was recorded: a tensor may then have a node newer than the
        # nodes that used it before (see Node.parents)
        self.rebound = False


STATE = _State()
_sequence = itertools.count()
next_seq = _sequence.__next__
"""The next node creation number (larger means later)."""


class Node:
    """How a tensor was made: the op, its parents, its scope and its creation number.

    Attributes
    ----------
    op : Op
        The op instance; it holds what it saved for backward until the graph is freed.
    parents : tuple of Tensor
        The op's inputs, in order, as they were when the op ran: a tensor changed in place
        since (``x.add_(1)``) has a newer node, so it is replaced here by the stand-in for its
        earlier value that the in-place op kept (``op.before``).
    scope : str
        The :func:`scope` path the node was created in, e.g. ``"lstm/l0/t=3/forget_gate"``.
    seq : int
        Creation sequence number; larger means later.
    freed : bool
        True once backward released the saved arrays (``retain_graph=False``).
    created_at : list
        The user's stack at creation, set only under :func:`detect_anomaly` (unset
        otherwise, so the other ops pay nothing for it: read it with ``getattr``).
    """

    __slots__ = ("_parents", "created_at", "freed", "op", "scope", "seq")

    def __init__(
        self, op: OpLike, parents: tuple[TensorLike, ...], scope: str | None = None
    ) -> None:
        # ``apply`` fills the same slots inline (once per op): keep the two in step
        self.op = op
        self._parents = parents
        self.scope = PER_THREAD.mode.scope_path if scope is None else scope
        self.seq = next_seq()
        self.freed = False

    @property
    def parents(self) -> tuple[TensorLike, ...]:
        # the backward driver reads ``_parents`` itself, after calling resolve_parents once
        if STATE.rebound:
            resolve_parents(self)
        return self._parents

    @parents.setter
    def parents(self, parents: tuple[TensorLike, ...]) -> None:
        self._parents = parents

    def __repr__(self) -> str:
        where = f" in {self.scope!r}" if self.scope else ""
        return f"<Node #{self.seq} {self.op.name}{where}>"


def resolve_parents(node: Node) -> None:
    """Point ``node`` at its inputs as they were when it ran.

    Nodes hold their input tensors, and an in-place op rebinds its tensor to a newer node
    (``h.mul_(2)`` makes ``h`` the output of a ``mul_`` node). A node made before that write
    must still send its gradient to ``h``'s earlier value: every in-place node keeps a stand-in
    for it (``op.before``, which has the earlier node), so a parent whose node is newer than
    ``node`` is replaced by the stand-in, as many writes back as needed. Runs only once an
    in-place op was recorded (``STATE.rebound``).
    """
    parents, fixed, seq = node._parents, None, node.seq
    for i, p in enumerate(parents):
        q = p
        while q._node is not None and q._node.seq > seq:
            before = getattr(q._node.op, "before", None)
            if before is None:
                break
            q = before
        if q is not p:
            if fixed is None:
                fixed = list(parents)
            fixed[i] = q
    if fixed is not None:
        node._parents = tuple(fixed)


class FreedTensor:
    """What the graph keeps of an intermediate tensor once ``backward()`` freed the graph.

    After a backward without ``retain_graph``, each op's inputs that were made by other ops
    are replaced in its node by this record: the name, shape, dtype and node stay (so
    the graph can still be walked, drawn and named in the "freed" error), large values do
    not, so a loss kept in a list no longer keeps the step's activations alive — as in
    PyTorch. A *small* tensor (at most ``minigrad.autograd.KEEP_VALUES_UP_TO`` = 16
    elements) keeps its value in ``array`` and its gradient in ``grad``, so the lecture order
    — forward, ``backward()``, then draw — still shows values and gradients; the few numbers
    cost no more than the record itself. Tensors the user still holds keep their values;
    tensors with hooks or ``retain_grad()`` stay whole in the graph. Hooks and
    ``retain_grad`` of a record are always empty. The backward driver fills the fields
    directly, without ``__init__`` (it makes one record per op-made tensor of every pass).

    Examples
    --------
    >>> import minigrad
    >>> from minigrad import Tensor
    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> loss = (x * 2).sum()
    >>> loss.backward()
    >>> kept = loss.node.parents[0]          # 2 elements: value and gradient kept
    >>> kept
    <freed tensor (2,) float32 made by mul: value [2., 4.] kept, its graph released by backward()>
    >>> kept.array.tolist(), kept.grad.tolist(), kept.node.freed
    ([2.0, 4.0], [1.0, 1.0], True)
    >>> big = minigrad.ones(100, requires_grad=True)
    >>> loss = (big * 2).sum()
    >>> loss.backward()
    >>> loss.node.parents[0]                 # 100 elements: released
    <freed tensor (100,) float32 made by mul: its values were released by backward()>
    """

    __slots__ = ("_grad", "_node", "array", "dtype", "name", "shape")
    requires_grad = True
    _hooks = None
    _retain = False
    _as_tensor: Any = None
    """Wraps a kept gradient array as a Tensor (registered by the backward driver, which
    sits above the Tensor class; this module imports none)."""

    @property
    def grad(self) -> Any:
        """The gradient of a small tensor, as a Tensor (``None`` once released)."""
        kept = getattr(self, "_grad", None)  # set only on small records, at their node's turn
        return None if kept is None else FreedTensor._as_tensor(kept)

    @property
    def node(self) -> Node | None:
        """The node that made the tensor; its own inputs are freed records too."""
        return self._node

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def is_leaf(self) -> bool:
        return False

    def __repr__(self) -> str:
        name = f"{self.name} " if self.name else ""
        shape = tuple(int(n) for n in self.shape)
        made = f"<freed tensor {name}{shape} {self.dtype} made by {self._node.op.name}: "
        if self.array is None:
            return made + "its values were released by backward()>"
        value = np.array2string(backend.to_numpy(self.array), precision=4, separator=", ")
        return made + f"value {' '.join(value.split())} kept, its graph released by backward()>"


class _GradMode(contextlib.ContextDecorator):
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __enter__(self) -> None:
        mode = PER_THREAD.mode
        mode.grad_stack.append(mode.grad_enabled)
        mode.grad_enabled = self.enabled

    def __exit__(self, *exc: object) -> None:
        mode = PER_THREAD.mode
        mode.grad_enabled = mode.grad_stack.pop()


def no_grad() -> _GradMode:
    """Context manager (or decorator) in which ops record no graph.

    Examples
    --------
    >>> from minigrad import Tensor, no_grad
    >>> w = Tensor(2.0, requires_grad=True)
    >>> with no_grad():
    ...     y = w * 3
    >>> y.requires_grad
    False
    """
    return _GradMode(False)


def enable_grad() -> _GradMode:
    """Context manager (or decorator) that turns graph recording back on inside ``no_grad``.

    Examples
    --------
    >>> from minigrad import Tensor, no_grad, enable_grad
    >>> w = Tensor(2.0, requires_grad=True)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = w * 3
    >>> y.requires_grad
    True
    """
    return _GradMode(True)


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph."""
    return PER_THREAD.mode.grad_enabled


@contextlib.contextmanager
def scope(name: str) -> Iterator[str]:
    """Tag every node created inside with a path segment (``"lstm/l0/t=3"``).

    Scopes nest; ``nn`` uses them for layers, time steps and gates and ``viz`` clusters by
    them. A node stores a reference to the current path string, so they cost nothing when
    nothing reads them.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.Tensor(1.0, requires_grad=True)
    >>> with minigrad.scope("layer"), minigrad.scope("t=0"):
    ...     y = x * 2
    >>> y.node.scope
    'layer/t=0'
    """
    name = str(name)
    if not name or "/" in name:
        raise ValueError(f"scope name {name!r} must be non-empty and contain no '/'")
    mode = PER_THREAD.mode
    mode.scope_stack.append(name)
    previous = mode.scope_path
    mode.scope_path = f"{previous}/{name}" if previous else name
    try:
        yield mode.scope_path
    finally:
        mode.scope_stack.pop()
        mode.scope_path = previous


TIME_STEP_PREFIX = "t="


def time_step_scope(t: int) -> contextlib.AbstractContextManager[str]:
    """The scope of time step ``t`` (segment ``"t=<t>"``): what ``nn`` writes, ``viz`` reads.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.Tensor(1.0, requires_grad=True)
    >>> with minigrad.scope("rnn"), minigrad.time_step_scope(3):
    ...     y = x * 2
    >>> y.node.scope, minigrad.time_step_of(y.node.scope)
    ('rnn/t=3', 3)
    """
    if isinstance(t, bool) or not isinstance(t, int) or t < 0:
        raise ValueError(f"a time step is a non-negative int, got {t!r}")
    return scope(f"{TIME_STEP_PREFIX}{t}")


def parse_time_step(segment: str) -> int | None:
    """The step of one scope segment: ``"t=12"`` → 12; anything else → ``None``.

    Examples
    --------
    >>> parse_time_step("t=12"), parse_time_step("forget_gate"), parse_time_step("t=x")
    (12, None, None)
    """
    if not segment.startswith(TIME_STEP_PREFIX):
        return None
    digits = segment[len(TIME_STEP_PREFIX) :]
    return int(digits) if digits.isdigit() and digits.isascii() else None


def time_step_of(path: str) -> int | None:
    """The time step a scope path belongs to (its first ``t=<k>`` segment), else ``None``.

    Examples
    --------
    >>> time_step_of("lstm/l0/t=3/cell"), time_step_of("lstm/l0")
    (3, None)
    """
    for segment in path.split("/"):
        step = parse_time_step(segment)
        if step is not None:
            return step
    return None


def current_scope() -> str:
    """The scope path new nodes are tagged with now (``""`` at top level)."""
    return PER_THREAD.mode.scope_path
