"""detect_anomaly: stop at the first NaN/Inf and say which op made it, and where."""

from __future__ import annotations

import contextlib
import os
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend
from minigrad.graph import STATE

if TYPE_CHECKING:
    from minigrad.graph import Node
    from minigrad.graph import OpLike as Op

_LIBRARY_DIRS: list[str] = [os.path.dirname(os.path.abspath(__file__)) + os.sep]
"""Where library code lives: the user's line is the first frame outside every one of them."""


def register_library(directory: str) -> None:
    """Treat code under ``directory`` as library code in :func:`detect_anomaly` reports.

    An anomaly names the user's line: the first frame of the op's creation stack outside
    minigrad and every registered directory. A package built on minigrad registers its own
    directory on import (``nn`` and ``viz`` do), so its frames are skipped too.

    Examples
    --------
    >>> import os, minigrad
    >>> minigrad.register_library(os.path.dirname(minigrad.__file__))  # already known: no-op
    """
    path = os.path.join(os.path.abspath(directory), "")
    if path not in _LIBRARY_DIRS:
        _LIBRARY_DIRS.append(path)


class AnomalyError(FloatingPointError):
    """A NaN or Inf appeared in forward or backward under :func:`detect_anomaly`."""


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Raise at the first NaN/Inf made in forward or backward, naming the op and the user's line.

    The report also names the first bad element: its index, its value and the op's inputs
    there. NumPy's own floating-point warnings (``RuntimeWarning: divide by zero``) are
    silenced inside the block, since every op's result is checked and reported instead; this
    holds for any NumPy code run inside it. Slower (every op checks its output and records a
    stack), so use it to debug.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([0.0], requires_grad=True)
    >>> with minigrad.detect_anomaly():
    ...     try:
    ...         y = x.log() * 0
    ...     except minigrad.AnomalyError as err:
    ...         print("caught:", str(err).splitlines()[0])
    caught: detect_anomaly: forward of log produced -inf
    """
    previous = STATE.anomaly
    STATE.anomaly = True
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            yield
    finally:
        STATE.anomaly = previous


def _nonfinite(array: Any) -> str | None:
    if hasattr(array, "requires_grad"):  # a Tensor: a gradient recorded as a graph
        array = array.array
    xp = backend.namespace(array)
    if not backend.is_floating(array.dtype):
        return None
    if bool(xp.all(xp.isfinite(array))):
        return None
    if bool(xp.any(xp.isnan(array))):
        return "NaN"
    return "inf" if bool(xp.any(array == float("inf"))) else "-inf"


def _first_bad(array: Any, inputs: tuple[Any, ...] = ()) -> str:
    """Where the first non-finite element of ``array`` is, its value, and the inputs' values
    at that element (those that broadcast to ``array``'s shape)."""
    if hasattr(array, "requires_grad"):
        array = array.array
    host = np.asarray(backend.to_numpy(array))
    bad = np.argwhere(~np.isfinite(host))
    index = tuple(int(k) for k in bad[0])
    shown = f"{index}" if host.ndim else "()"
    text = f"  first bad element: index {shown} = {host[index]}"
    if bad.shape[0] > 1:
        text += f" (1 of {bad.shape[0]} bad elements)"
    values = []
    for k, t in enumerate(inputs):
        data = getattr(t, "array", None)
        if data is None:
            continue
        value = np.asarray(backend.to_numpy(data))
        try:
            values.append(f"input {k} = {np.broadcast_to(value, host.shape)[index]:.6g}")
        except (ValueError, TypeError):
            continue
    if values:
        text += f"; there {', '.join(values)}"
    return text


def _user_frame(stack: list[traceback.FrameSummary] | None) -> str:
    for frame in reversed(stack or []):
        if not os.path.abspath(frame.filename).startswith(tuple(_LIBRARY_DIRS)):
            code = f": {frame.line}" if frame.line else ""
            return f'File "{frame.filename}", line {frame.lineno}, in {frame.name}{code}'
    return "(creation site not recorded)"


def check_forward(op: Op, out: Any, node: Node | None) -> None:
    """Raise :class:`AnomalyError` if the forward result ``out`` holds NaN/Inf."""
    kind = _nonfinite(out)
    if kind is None:
        return
    where = _user_frame(getattr(node, "created_at", None) if node else traceback.extract_stack())
    inputs = node.parents if node is not None else ()
    raise AnomalyError(
        f"detect_anomaly: forward of {op.describe()} produced {kind}\n"
        f"{_first_bad(out, inputs)}\n  created at {where}"
    )


def check_backward(node: Node, grads: tuple[Any, ...]) -> None:
    """Raise :class:`AnomalyError` if a gradient from ``node``'s backward holds NaN/Inf."""
    for i, g in enumerate(grads):
        if g is None:
            continue
        kind = _nonfinite(g)
        if kind is not None:
            scope = f" in scope {node.scope!r}" if node.scope else ""
            raise AnomalyError(
                f"detect_anomaly: backward of {node.op.describe()} (node #{node.seq}{scope}) "
                f"produced {kind} in the gradient of input {i}\n"
                f"{_first_bad(g, node.parents)}\n"
                f"  the op was created at {_user_frame(getattr(node, 'created_at', None))}"
            )
