"""Where a node goes in an unrolled graph: which scope cluster, or which collapsed box.

Scopes look like ``lstm/l0/t=3/forget_gate``. Each scope path becomes a nested cluster
(Graphviz lays clusters out separately, which is what makes a 100-step unrolled graph fast).
``collapse`` folds a scope into one box; ``window`` keeps the first and last ``k`` time steps
(segments ``t=<k>``) and folds the rest into one elision box per run of hidden steps.
``expand`` makes a *focus view*: the expanded scopes are open (their parts drawn as boxes that
show the value and gradient they pass on) and everything else is folded.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from minigrad import parse_time_step as time_step

ELIDED = "…"

Collapse = int | str | Sequence[str] | None
Expand = str | Sequence[str] | None

FOCUS_BEFORE = 1
"""A focus view keeps this many steps before the expanded one (where its state comes from);
the others fold into elision boxes, so a sequence of any length fits a slide."""


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


def focus_steps(
    scopes: Sequence[str], expand: Expand, window: int | None = None
) -> set[int] | None:
    """The time steps a focus view shows: the expanded ones and the step before each.

    ``window`` also keeps that many steps at each end. An elision box replaces at least two
    steps (one hidden step is shown instead: a box is as wide as the marker).

    Examples
    --------
    >>> scopes = [f"lstm/l0/t={t}/cell" for t in range(20)]
    >>> sorted(focus_steps(scopes, "t=7"))
    [6, 7]
    >>> sorted(focus_steps(scopes, "t=7", window=1))
    [0, 6, 7, 19]
    >>> sorted(focus_steps(scopes, "t=2"))
    [0, 1, 2]
    >>> focus_steps(scopes[:4], "t=2") is None  # short: every step is shown
    True
    """
    patterns = _patterns(expand)
    steps = sorted({t for s in scopes for seg in s.split("/") if (t := time_step(seg)) is not None})
    if not steps or not patterns:
        return None
    focused = set()
    for scope in scopes:
        segments = scope.split("/")
        for depth, segment in enumerate(segments, start=1):
            step = time_step(segment)
            if step is not None and _matches(patterns, segments[:depth]):
                focused.add(step)
    ends = window or 0
    kept = set(steps[:ends] + steps[len(steps) - ends :])
    for step in focused:
        at = steps.index(step)
        kept.update(steps[max(at - FOCUS_BEFORE, 0) : at + 1])
    for k, step in enumerate(steps):  # a lone hidden step is drawn: a marker saves nothing
        alone = (k == 0 or steps[k - 1] in kept) and (k + 1 == len(steps) or steps[k + 1] in kept)
        if step not in kept and alone:
            kept.add(step)
    return None if kept >= set(steps) else kept


def _patterns(expand: Expand) -> list[str]:
    if expand is None:
        return []
    return [expand] if isinstance(expand, str) else list(expand)


def _matches(patterns: Sequence[str], segments: Sequence[str]) -> bool:
    """Whether a pattern matches the end of the scope path ``segments``, segment by segment.

    ``"t=2"`` matches ``lstm/l0/t=2``; ``"l0/t=*"`` matches every step of layer 0; a ``*``
    never spans a ``/``.
    """
    for pattern in patterns:
        wanted = pattern.split("/")
        if len(wanted) <= len(segments) and all(
            fnmatch.fnmatchcase(seg, pat)
            for seg, pat in zip(segments[-len(wanted) :], wanted, strict=True)
        ):
            return True
    return False


class Layout:
    """Decides the :class:`Placement` of every scope path.

    Parameters
    ----------
    collapse : int, str, sequence of str, or None
        An int ``d`` folds everything deeper than ``d`` scope segments into a box at depth
        ``d``; names or glob patterns (``"t=*"``, ``"forget_gate"``, ``"lstm/l0/t=3"``) fold
        the first scope prefix whose full path or last segment matches.
    kept : set of int or None
        The time steps shown; each run of others folds into an elision box (see
        :func:`kept_steps`).
    expand : str, sequence of str, or None
        Scope names or patterns (matched against the end of the scope path, a ``*`` never
        spanning a ``/``) to open: an opened scope's sub-scopes are boxes, everything off the
        path to an opened scope is folded where it branches off, and a scope with a single
        sub-scope opens that one too. ``collapse`` is then not needed.
    scopes : iterable of str
        Every scope of the graph; ``expand`` needs them to know which scopes branch.

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
    >>> scopes = [f"lstm/l0/t={t}/{part}" for t in (2, 3) for part in ("cell", "hidden")]
    >>> focus = Layout(expand="t=2", scopes=scopes)
    >>> focus.place("lstm/l0/t=2/cell")  # a part of the focused step: one box
    Placement(cluster='lstm/l0/t=2', box='lstm/l0/t=2/cell')
    >>> focus.place("lstm/l0/t=3/cell")  # another step: folded whole
    Placement(cluster='lstm/l0', box='lstm/l0/t=3')
    """

    def __init__(
        self,
        collapse: Collapse = None,
        kept: set[int] | None = None,
        expand: Expand = None,
        scopes: Iterable[str] = (),
    ) -> None:
        if isinstance(collapse, str):
            collapse = [collapse]
        self.collapse = collapse
        self.kept = kept
        self.expand = _patterns(expand)
        self.opened, self.expanded = _opened(self.expand, scopes) if self.expand else (set(), set())
        self._cache: dict[str, Placement] = {}

    @property
    def focus(self) -> bool:
        """Whether this is a focus view (``expand`` opened some scope)."""
        return bool(self.opened)

    def opened_step(self, cluster: str) -> str | None:
        """The opened time step's path that ``cluster`` lies in (a focus view), else None.

        Examples
        --------
        >>> scopes = [f"lstm/l0/t={t}/{part}" for t in (2, 3) for part in ("cell", "hidden")]
        >>> Layout(expand="t=2", scopes=scopes).opened_step("lstm/l0/t=2")
        'lstm/l0/t=2'
        """
        segments = cluster.split("/")
        for depth, segment in enumerate(segments, start=1):
            if time_step(segment) is not None:
                path = "/".join(segments[:depth])
                return path if path in self.opened else None
        return None

    def inside_opened(self, box: str) -> bool:
        """Whether ``box`` is a part of an opened scope (a gate of the focused step)."""
        return box.rpartition("/")[0] in self.expanded and time_step(last_segment(box)) is None

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
                marker = self._elision(step)
                return Placement(prefix, f"{prefix}/{marker}" if prefix else marker)
            path = "/".join(segments[:depth])
            if self.opened and path not in self.opened:
                return Placement(prefix, path)
            if not self.opened and self._folds(segments[:depth]):
                return Placement(prefix, path)
        return Placement(scope)

    def _elision(self, step: int) -> str:
        """The elision box of ``step``'s run of hidden steps: ``…`` after the first steps
        shown, then ``…2``, ``…3``; ``…0`` before them."""
        assert self.kept is not None
        run = sum(1 for k in self.kept if k < step and k + 1 not in self.kept)
        if run == 0:  # hidden steps before the first one shown
            return f"{ELIDED}0"
        return ELIDED if run == 1 else f"{ELIDED}{run}"

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


def _opened(patterns: Sequence[str], scopes: Iterable[str]) -> tuple[set[str], set[str]]:
    """The scope paths a focus view opens (matches, their parents, lone sub-scopes), and
    those of them that are expanded (all but the parents)."""
    children: dict[str, set[str]] = {}
    opened: set[str] = set()
    for scope in scopes:
        segments = scope.split("/") if scope else []
        for depth in range(1, len(segments) + 1):
            path = "/".join(segments[:depth])
            children.setdefault("/".join(segments[: depth - 1]), set()).add(path)
            if _matches(patterns, segments[:depth]):
                opened.update("/".join(segments[:k]) for k in range(1, depth + 1))
    expanded = {p for p in opened if _matches(patterns, p.split("/"))}
    todo = list(expanded)
    while todo:  # a scope with one part opens that part: a single box would show nothing new
        kids = children.get(todo.pop(), set())
        if len(kids) == 1 and (kid := next(iter(kids))) not in expanded:
            opened.add(kid)
            expanded.add(kid)
            todo.append(kid)
    return opened, expanded


def last_segment(path: str) -> str:
    """``"a/b/c"`` → ``"c"``."""
    return path.rpartition("/")[2]
