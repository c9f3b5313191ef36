"""Where a node goes in an unrolled graph: which scope cluster, or which collapsed box.

Scopes look like ``lstm/l0/t=3/forget_gate``. Each scope path becomes a nested cluster
(Graphviz lays clusters out separately, which is what makes a 100-step unrolled graph fast).
``collapse`` folds a scope into one box; ``window`` keeps the first and last ``k`` time steps
(segments ``t=<k>``) and folds the rest into one elision box per sequence.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from minigrad import parse_time_step as time_step

ELIDED = "…"

Collapse = int | str | Sequence[str] | None


@dataclass(frozen=True)
class Placement:
    """A node's cluster path (``""`` for top level) and its box scope, if collapsed."""

    cluster: str
    box: str | None = None


def kept_steps(scopes: Iterable[str], window: int | None) -> set[int] | None:
    """The time steps shown by ``window`` (first and last ``window``); ``None`` keeps all.

    Examples
    --------
    >>> sorted(kept_steps([f"rnn/t={t}" for t in range(10)], 2))
    [0, 1, 8, 9]
    """
    if window is None:
        return None
    steps = sorted({t for s in scopes for seg in s.split("/") if (t := time_step(seg)) is not None})
    if len(steps) <= 2 * window:
        return None
    return set(steps[:window] + steps[-window:])


class Layout:
    """Decides the :class:`Placement` of every scope path.

    Parameters
    ----------
    collapse : int, str, sequence of str, or None
        An int ``d`` folds everything deeper than ``d`` scope segments into a box at depth
        ``d``; names or glob patterns (``"t=*"``, ``"forget_gate"``, ``"lstm/l0/t=3"``) fold
        the first scope prefix whose full path or last segment matches.
    kept : set of int or None
        The time steps shown; others fold into an elision box (see :func:`kept_steps`).

    Examples
    --------
    >>> Layout(collapse=3).place("lstm/l0/t=3/forget_gate")
    Placement(cluster='lstm/l0', box='lstm/l0/t=3')
    >>> Layout(collapse="t=*").place("lstm/l0/t=3/cell")
    Placement(cluster='lstm/l0', box='lstm/l0/t=3')
    >>> Layout(kept={0, 9}).place("rnn/t=4/hidden")
    Placement(cluster='rnn', box='rnn/…')
    >>> Layout().place("rnn/t=4/hidden")
    Placement(cluster='rnn/t=4/hidden', box=None)
    """

    def __init__(self, collapse: Collapse = None, kept: set[int] | None = None) -> None:
        if isinstance(collapse, str):
            collapse = [collapse]
        self.collapse = collapse
        self.kept = kept
        self._cache: dict[str, Placement] = {}

    def place(self, scope: str) -> Placement:
        """The placement of a node created in ``scope``."""
        if scope not in self._cache:
            self._cache[scope] = self._place(scope)
        return self._cache[scope]

    def _place(self, scope: str) -> Placement:
        segments = scope.split("/") if scope else []
        for depth, segment in enumerate(segments, start=1):
            prefix = "/".join(segments[: depth - 1])
            step = time_step(segment)
            if self.kept is not None and step is not None and step not in self.kept:
                return Placement(prefix, f"{prefix}/{ELIDED}" if prefix else ELIDED)
            if self._folds(segments[:depth]):
                return Placement(prefix, "/".join(segments[:depth]))
        return Placement(scope)

    def _folds(self, segments: list[str]) -> bool:
        if self.collapse is None:
            return False
        if isinstance(self.collapse, int):
            return len(segments) == self.collapse
        path = "/".join(segments)
        return any(
            fnmatch.fnmatchcase(path, p) or fnmatch.fnmatchcase(segments[-1], p)
            for p in self.collapse
        )


def last_segment(path: str) -> str:
    """``"a/b/c"`` → ``"c"``."""
    return path.rpartition("/")[2]
