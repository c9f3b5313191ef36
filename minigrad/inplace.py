"""In-place ops (``x.add_(y)``, ``x += y``, ``x[i] = v``) and the version counters that keep
backward honest about them.

An in-place op computes its out-of-place result with the ordinary op (so its gradient rule
is that op's) and writes it into the tensor's own array. When the write is recorded, the
tensor becomes the output of the op's node (labelled ``add_``), and the node gets a
*stand-in* for the value before the write (``op.before``): a copy of the old values that keeps
the old node. The op computes from the stand-in, so what it saved for backward is not the
array being overwritten; and nodes made before the write, which hold the tensor itself, are
pointed back at the stand-in (:func:`minigrad.graph.resolve_parents`).

Versions are counted per *storage* (the array at the root of a chain of NumPy/CuPy views),
in :data:`WRITES`, and only once an in-place op ever ran: ``t._version`` is the number of
writes to ``t``'s storage. Before running a node's backward, the driver asks
:func:`check_saved` whether an array the op saved was written after the op ran; if so it
raises, as PyTorch does, instead of returning a wrong gradient. With no in-place op the
registry is empty and the driver tests just that.
"""

from __future__ import annotations

import sys
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend, ops
from minigrad import op as op_module
from minigrad.graph import PER_THREAD, STATE, Node, next_seq

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor

# ---------------------------------------------------------------------- versions


class _Writes:
    """The in-place writes to one storage: how many, and the last few as (sequence number,
    op name), the sequence numbers counted with the graph's nodes."""

    __slots__ = ("count", "ref", "seqs", "stand_ins")

    def __init__(self, ref: Any) -> None:
        self.ref, self.count = ref, 0
        self.seqs: deque[tuple[int, str]] = deque(maxlen=64)
        self.stand_ins: deque[int] = deque(maxlen=64)  # ids of the values before recorded writes


WRITES: dict[int, _Writes] = {}
"""id(storage) → its writes. ndarrays are weak-referenceable but not hashable: an entry
leaves when its array dies, so a program whose in-place ops are over pays nothing again."""


def storage(array: Any) -> Any:
    """The array that owns ``array``'s memory: ``array`` itself, or the root of its views."""
    base = getattr(array, "base", None)
    while base is not None and hasattr(base, "shape") and hasattr(base, "dtype"):
        array, base = base, getattr(base, "base", None)
    return array


def version(array: Any) -> int:
    """How many in-place writes went to ``array``'s storage (``Tensor._version``)."""
    root = storage(array)
    entry = WRITES.get(id(root))
    return 0 if entry is None or entry.ref() is not root else entry.count


def bump(array: Any, name: str, before: Any = None) -> None:
    """Count an in-place write by op ``name`` to ``array``'s storage (``before``: the stand-in
    for the earlier value, when the write was recorded)."""
    root = storage(array)
    key = id(root)
    entry = WRITES.get(key)
    if entry is None or entry.ref() is not root:
        try:
            ref = weakref.ref(root, lambda _, key=key: _forget(key))
        except TypeError:  # an array type without weak references: its writes go uncounted
            return
        entry = WRITES[key] = _Writes(ref)
    entry.count += 1
    entry.seqs.append((next_seq(), name))
    if before is not None:
        entry.stand_ins.append(id(before))


def _forget(key: int) -> None:
    entry = WRITES.get(key)
    if entry is not None and entry.ref() is None:
        del WRITES[key]


def _arrays_in(saved: Any, depth: int = 0) -> Iterator[Any]:
    for item in saved:
        if isinstance(item, (tuple, list)):
            if depth < 2:
                yield from _arrays_in(item, depth + 1)
        elif isinstance(item, op_module.Tensor):
            yield item.array
        elif hasattr(item, "shape") and hasattr(item, "dtype") and not isinstance(item, np.generic):
            yield item


def check_saved(node: Node) -> None:
    """Raise if an array ``node``'s op saved for backward was written in place since the op
    ran (the driver calls this only while :data:`WRITES` is not empty)."""
    saved = node.op.saved
    if not saved or not isinstance(saved, (tuple, list)):
        return
    saved_for = node.op.saved_for
    if saved_for is not None:
        needs = node.op.needs
        saved = [
            item
            for item, users in zip(saved, saved_for)  # noqa: B905 (an op may save extras)
            if any(needs[i] for i in users)
        ]
    for array in _arrays_in(saved):
        root = storage(array)
        entry = WRITES.get(id(root))
        if entry is None or entry.ref() is not root or entry.seqs[-1][0] < node.seq:
            continue
        later = [name for seq, name in entry.seqs if seq > node.seq]
        raise RuntimeError(_modified_message(node, root, entry, entry.count - len(later), later[0]))


def _modified_message(node: Node, root: Any, entry: _Writes, then: int, last: str) -> str:
    op = node.op
    who, role = "a tensor", "its output"
    for i, parent in enumerate(node._parents):
        same = parent.array is not None and storage(parent.array) is root
        if same or id(parent) in entry.stand_ins:
            who = f"the tensor {parent.name!r}" if parent.name else "the tensor"
            role = f"its input {i}"
            break
    fix = (
        "build the new values out of place (minigrad.where, concat) instead of x[i] = v"
        if last == "index_put_"
        else f"use the out-of-place form (x = x.{_plain(last)}(...) instead of x.{last}(...)"
        f"{_AUGMENTED.get(last, '')})"
    )
    return (
        f"backward through {op.describe()} needs {who} ({role}) as it was when {op.name} ran "
        f"(version {then}), but an in-place op ({last}) changed it since (now version "
        f"{entry.count}). {fix[0].upper()}{fix[1:]}, or clone() the tensor before changing it."
    )


_AUGMENTED = {
    "add_": " or x += ...",
    "sub_": " or x -= ...",
    "mul_": " or x *= ...",
    "div_": " or x /= ...",
    "pow_": " or x **= ...",
}


def _plain(name: str) -> str:
    return name[:-1] if name.endswith("_") else name


# ---------------------------------------------------------------------- in-place ops


def run(
    x: Tensor,
    name: str,
    compute: Callable[[Tensor], Tensor],
    operands: tuple[Any, ...] = (),
    *,
    direct: Callable[[Tensor], None] | None = None,
    any_cast: bool = False,
    metadata: bool = False,
) -> Tensor:
    """``x.<name>(...)``: write ``compute(x)``, the out-of-place result, into ``x``.

    ``operands`` are the op's other arguments (any tensor among them may need a gradient).
    ``direct(x)``, when given, writes the result into ``x.array`` itself when nothing is
    recorded (``x[i] = v`` sets one element instead of copying the whole array twice).
    ``any_cast`` allows any dtype conversion (``copy_``); otherwise a result that cannot be
    cast to ``x``'s dtype (a float result into an int tensor) raises, as in PyTorch.
    ``metadata`` ops (``unsqueeze_``, ``t_``) give ``x`` a new view of the same values.
    Returns ``x``.
    """
    tracked = getattr(type(x), "_tracks_versions", True)
    recording = PER_THREAD.mode.grad_enabled and (
        x.requires_grad
        or any(isinstance(o, op_module.Tensor) and o.requires_grad for o in operands)
    )
    if not recording:
        if metadata:
            x.array = compute(x).array
        elif direct is not None:
            direct(x)
        else:
            _write(x, compute(x), name, any_cast)
        if tracked:
            bump(x.array, name)
        return x
    if x._node is None and x.requires_grad:
        raise RuntimeError(_leaf_message(x, name))
    _refuse_views(x, name)
    before = op_module.Tensor._make(
        x.array if metadata else _copy(x.array), x.requires_grad, x._node
    )
    before.name = x.name
    result = compute(before)
    node = result._node
    if metadata:
        x.array = result.array
    else:
        _write(x, result, name, any_cast)
        if backend.dtype_name(result.dtype) != backend.dtype_name(x.dtype):
            result = op_module.apply(ops.Cast(backend.dtype_name(x.dtype)), result)
    if node is not None:
        _label(node.op, name)
    if tracked:
        bump(x.array, name, before)
    if result._node is not None:
        result._node.op.before = before
        before._hooks, x._hooks = x._hooks, None  # hooks see the gradient of the earlier value
        x._node, x.requires_grad = result._node, True
        STATE.rebound = True
    return x


def _copy(array: Any) -> Any:
    if type(array) is np.ndarray:
        return array.copy()
    return backend.namespace(array).asarray(array, copy=True)


def _label(op: Any, name: str) -> None:
    """Show the node as the in-place op it was: ``add_`` (symbol ``+=``)."""
    symbol = op.symbol
    op.name = name
    op.symbol = f"{symbol}=" if len(symbol) == 1 and not symbol.isalnum() else name


_KIND = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def _write(x: Tensor, result: Tensor, name: str, any_cast: bool) -> None:
    """Write ``result``'s values into ``x``'s array, checking shape and dtype as PyTorch."""
    values, dest = result.array, x.array
    if tuple(values.shape) != tuple(dest.shape):
        raise RuntimeError(
            f"{name}: output with shape {tuple(dest.shape)} doesn't match the broadcast shape "
            f"{tuple(values.shape)}: an in-place op cannot change the tensor's shape; use the "
            f"out-of-place form ({_plain(name)})"
        )
    if values.dtype != dest.dtype:
        have, want = backend.dtype_name(values.dtype), backend.dtype_name(dest.dtype)
        if not any_cast and _KIND[np.dtype(have).kind] > _KIND[np.dtype(want).kind]:
            raise RuntimeError(
                f"{name}: the result is {have} but the tensor is {want}, and an in-place op "
                f"keeps the tensor's dtype (PyTorch: result type can't be cast to the desired "
                f"output type); use the out-of-place form (x = x.{_plain(name)}(...)) or "
                f"convert the tensor first (x = x.to('{have}'))"
            )
        xp = backend.namespace(dest)
        values = xp.astype(values, dest.dtype)
    assign(x, ..., values)


def assign(x: Tensor, key: Any, values: Any) -> None:
    """``x.array[key] = values``, with a clear error for read-only arrays."""
    dest = x.array
    if isinstance(dest, np.generic):  # a NumPy scalar cannot be written: make it an array
        dest = x.array = np.array(dest)
    try:
        dest[key] = values
    except ValueError as exc:
        if "read-only" not in str(exc):
            raise
        raise RuntimeError(
            "cannot write into this tensor in place: its values are read-only (a broadcast "
            "view, e.g. from expand); clone() it first"
        ) from None


def _leaf_message(x: Tensor, name: str) -> str:
    who = f"the leaf tensor {x.name!r}" if x.name else "a leaf tensor"
    var = x.name if x.name and x.name.isidentifier() else "w"
    return (
        f"{name} on {who} that requires grad: writing into it would change the "
        "value that backward differentiates with respect to (PyTorch: a leaf Variable that "
        "requires grad is being used in an in-place operation). Update parameters under "
        f"`with minigrad.no_grad():` (as an optimizer step does), or use the out-of-place form "
        f"({var} = {var}.{_plain(name)}(...))"
    )


class ViewWriteError(NotImplementedError):
    """A recorded in-place write through a view, which minigrad refuses (see
    :func:`_refuse_views`)."""


def _refuse_views(x: Tensor, name: str) -> None:
    """Raise if ``x``'s values are a view of another tensor's, which a recorded write would
    change behind that tensor's graph: ``x`` is the output of an op that returned a view of
    its input (``getitem``, ``reshape``, ``transpose``), or, for a leaf, a view of an array
    something else still holds (``t[0]`` of a ``t`` that needs no gradient)."""
    node = x._node
    if node is None:
        if _held_elsewhere(x.array):
            raise ViewWriteError(
                f"{name} on a view: this tensor shares its values with another tensor (it was "
                "indexed, reshaped or transposed from it), which would see the new values but "
                "not their graph, and minigrad does not record in-place writes through views. "
                "Write into the base tensor (base[idx] = ...), or make this one a tensor of its "
                "own first (x = x.clone())"
            )
        return
    root = storage(x.array)
    for parent in node._parents:
        array = parent.array
        if array is not None and storage(array) is root:
            base = f"{parent.name!r}" if parent.name else "its input"
            raise ViewWriteError(
                f"{name} on a view: this tensor is the output of {node.op.describe()}, which "
                f"shares its values with {base}, and minigrad does not record in-place writes "
                "through views. Make it a tensor of its own first (x = x.clone()), or write "
                "into the base tensor (base[idx] = ...)"
            )


def _held_elsewhere(array: Any) -> bool:
    """Whether an array ``array`` is a view of is referenced by more than the view itself
    (a temporary's view, ``arange(6).reshape(2, 3)``, is the only holder of its base)."""
    base = getattr(array, "base", None)
    while base is not None and hasattr(base, "shape"):
        # held by: the view's .base, this frame's variable, getrefcount's argument
        if sys.getrefcount(base) > 3:
            return True
        base = getattr(base, "base", None)
    return False
