"""Gradient magnitude → colour on a log scale, shared by graph nodes, edges and legends.

The palette runs from deep blue (vanishing) through purple and orange to yellow (exploding),
a perceptually ordered scale (matplotlib's *plasma*), so "how many decades" reads at a glance
on light and dark backgrounds alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

PLASMA = ("#0d0887", "#5302a3", "#8b0aa5", "#b83289", "#db5c68", "#f48849", "#febd2a", "#f0f921")
ZERO = "#9e9e9e"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def interpolate(stops: tuple[str, ...], x: float) -> str:
    """The colour at ``x`` in [0, 1] along ``stops``, as ``#rrggbb``.

    Examples
    --------
    >>> interpolate(("#000000", "#ffffff"), 0.5)
    '#808080'
    """
    x = min(max(x, 0.0), 1.0) * (len(stops) - 1)
    k = min(int(x), len(stops) - 2)
    a, b = _rgb(stops[k]), _rgb(stops[k + 1])
    frac = x - k
    return "#" + "".join(f"{round(u + (v - u) * frac):02x}" for u, v in zip(a, b, strict=True))


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on ``fill``."""
    r, g, b = _rgb(fill)
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


@dataclass(frozen=True)
class LogScale:
    """Maps magnitudes in ``[10**lo, 10**hi]`` to colours; zero gets grey.

    Examples
    --------
    >>> scale = LogScale.fit([1e-6, 1e-2, 1.0])
    >>> scale.lo, scale.hi
    (-6, 0)
    >>> scale.colour(1e-6), scale.colour(0.0)
    ('#0d0887', '#9e9e9e')
    """

    lo: int
    hi: int
    stops: tuple[str, ...] = PLASMA

    @classmethod
    def fit(cls, magnitudes: Iterable[float], decades: int = 2) -> LogScale:
        """A scale spanning the positive finite ``magnitudes`` (at least ``decades`` wide)."""
        logs = [math.log10(m) for m in magnitudes if m > 0 and math.isfinite(m)]
        lo, hi = (math.floor(min(logs)), math.ceil(max(logs))) if logs else (-3, 0)
        while hi - lo < decades:
            lo, hi = lo - 1, hi + (hi - lo < decades - 1)
        return cls(lo, hi)

    def position(self, magnitude: float) -> float:
        """Where ``magnitude`` falls on the scale, 0 (smallest) to 1 (largest)."""
        return (math.log10(magnitude) - self.lo) / (self.hi - self.lo)

    def colour(self, magnitude: float) -> str:
        """The colour of ``magnitude``; grey for 0, the ends for values off the scale."""
        if not magnitude > 0:
            return ZERO
        if not math.isfinite(magnitude):
            return self.stops[-1]
        return interpolate(self.stops, self.position(magnitude))

    def ticks(self) -> list[tuple[str, str]]:
        """``(label, colour)`` per decade, for a legend: ``[("1e-6", "#0d0887"), …]``."""
        return [(f"1e{e}", self.colour(10.0**e)) for e in range(self.lo, self.hi + 1)]
