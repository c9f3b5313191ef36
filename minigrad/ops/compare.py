"""Ops that choose between values: maximum, minimum, clip and where route the gradient.

Their local gradients are 0/1 masks (½ at ties of maximum and minimum).
"""

from __future__ import annotations

from typing import Any

from minigrad.backend import namespace
from minigrad.op import Elementwise, as_mask


class Maximum(Elementwise):
    name, symbol = "maximum", "max"
    rule = "max routes: the larger input gets the upstream gradient (ties split it in half)"

    def forward(self, a: Any, b: Any) -> Any:
        self.saved = (a, b)
        return namespace(a).maximum(a, b)

    def _routes(self) -> tuple[Any, Any]:
        a, b = self.saved
        wins_a = as_mask(a > b, a) + 0.5 * as_mask(a == b, a)
        return wins_a, 1 - wins_a

    def local_grads(self) -> tuple[Any, ...]:
        return self._routes()


class Minimum(Maximum):
    name, symbol = "minimum", "min"
    rule = "min routes: the smaller input gets the upstream gradient (ties split it in half)"

    def forward(self, a: Any, b: Any) -> Any:
        self.saved = (b, a)  # min(a, b) routes like max with the inputs swapped
        return namespace(a).minimum(a, b)

    def _routes(self) -> tuple[Any, Any]:
        # saved is (b, a), so max's "first input wins" mask is where b > a, i.e. where a is
        # the minimum: it already belongs to a, and no swap back is needed.
        return super()._routes()


class Clip(Elementwise):
    name, symbol = "clip", "clip"
    rule = "clip routes: upstream passes where low ≤ x ≤ high, else 0"
    params = ("low", "high")

    def __init__(self, low: float | None, high: float | None) -> None:
        self.low, self.high = low, high

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        inside = xp.ones_like(x, dtype=xp.bool)
        if self.low is not None:
            inside = inside & (x >= self.low)
        if self.high is not None:
            inside = inside & (x <= self.high)
        self.saved = (as_mask(inside, x),)
        if self.low is not None and self.high is not None and self.low > self.high:
            return xp.full_like(x, self.high)  # PyTorch's clamp: max wins (gradient 0 above)
        return xp.clip(x, min=self.low, max=self.high)

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class Where(Elementwise):
    name, symbol = "where", "where"
    rule = "where routes: a gets upstream where the condition holds, b gets it elsewhere"

    def forward(self, condition: Any, a: Any, b: Any) -> Any:
        out = namespace(a).where(condition, a, b)
        self.saved = (condition, out)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        condition, like = self.saved
        chosen = as_mask(condition, like)
        return (
            None,
            chosen if self.needs[1] else None,
            1 - chosen if self.needs[2] else None,
        )


class Fmax(Elementwise):
    """The larger value, ignoring NaN (NaN only where both are): PyTorch's ``fmax``."""

    name, symbol = "fmax", "fmax"
    rule = "fmax routes: the chosen input (a at ties) gets the upstream gradient"

    def _first(self, xp: Any, a: Any, b: Any) -> Any:
        return xp.isnan(b) | (a >= b)

    def forward(self, a: Any, b: Any) -> Any:
        xp = namespace(a)
        first = self._first(xp, a, b)
        self.saved = (as_mask(first, a),)
        return xp.where(first, a, b)

    def local_grads(self) -> tuple[Any, ...]:
        (first,) = self.saved
        return first, 1 - first


class Fmin(Fmax):
    """The smaller value, ignoring NaN: PyTorch's ``fmin``."""

    name, symbol = "fmin", "fmin"
    rule = "fmin routes: the chosen input (a at ties) gets the upstream gradient"

    def _first(self, xp: Any, a: Any, b: Any) -> Any:
        return xp.isnan(b) | (a <= b)
