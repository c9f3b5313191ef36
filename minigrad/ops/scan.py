"""Running sums and products along an axis (cumsum, cumprod).

Neither is element-wise, so each writes its backward and states its rule in words: a running
sum hands each element the sum of the upstream gradients of every later position; a running
product hands each element the upstream-weighted products of the *other* elements, computed
without dividing, so zeros are handled exactly, as PyTorch does.
"""

from __future__ import annotations

from typing import Any

from minigrad.backend import namespace
from minigrad.dims import normalize_axis
from minigrad.op import Op
from minigrad.ops.reduce import products_before


def _at_least_1d(xp: Any, x: Any) -> Any:
    """A 0-d array as shape (1,), so a scan has an axis to run along (as PyTorch allows)."""
    return xp.reshape(x, (1,)) if x.ndim == 0 else x


class Cumsum(Op):
    name, symbol = "cumsum", "cumsum"
    rule = "running sum: each element gets the sum of the upstream gradients from it onward"
    local_rules = ("reverse running sum of upstream along the axis of {0}",)
    params = ("dim",)
    linear_in = (0,)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any) -> Any:
        self.axis, self.in_shape = normalize_axis(self.dim, x.ndim), tuple(x.shape)
        xp = namespace(x)
        out = xp.cumulative_sum(_at_least_1d(xp, x), axis=self.axis)
        return xp.reshape(out, self.in_shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        xp = namespace(grad)
        grad = _at_least_1d(xp, grad)
        running = xp.cumulative_sum(xp.flip(grad, axis=self.axis), axis=self.axis)
        return (xp.reshape(xp.flip(running, axis=self.axis), self.in_shape),)


class Cumprod(Op):
    """Running product; backward is exact also where the input has zeros."""

    name, symbol = "cumprod", "cumprod"
    rule = "running product: x_i gets Σ over k ≥ i of upstream_k × (x_1…x_k without x_i)"
    local_rules = ("Σ over later positions k of upstream_k × the product of the other x_j up to k",)
    params = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any) -> Any:
        self.axis, self.in_shape = normalize_axis(self.dim, x.ndim), tuple(x.shape)
        xp = namespace(x)
        x = _at_least_1d(xp, x)
        self.saved = (x,)
        return xp.reshape(xp.cumulative_prod(x, axis=self.axis), self.in_shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        (x,) = self.saved
        xp = namespace(x)
        grad = _at_least_1d(xp, grad)
        axis = self.axis
        n = x.shape[axis]
        if n == 0 or 0 in x.shape:  # an empty input has an empty gradient
            return (xp.reshape(xp.zeros_like(x), self.in_shape),)
        lead = (slice(None),) * axis
        before = xp.cumulative_prod(x, axis=axis, include_initial=True)
        columns = []
        for i in range(n):  # one vectorised pass per position keeps zeros exact
            later = x[(*lead, slice(i + 1, n), Ellipsis)]
            ones = xp.ones_like(x[(*lead, slice(i, i + 1), Ellipsis)])
            partial = xp.cumulative_prod(xp.concat([ones, later], axis=axis), axis=axis)
            weights = before[(*lead, slice(i, i + 1), Ellipsis)] * partial
            upstream = grad[(*lead, slice(i, n), Ellipsis)]
            columns.append(xp.sum(upstream * weights, axis=axis, keepdims=True))
        return (xp.reshape(xp.concat(columns, axis=axis), self.in_shape),)

    def backward_graph(self, grad: Any, inputs: Any, output: Any) -> tuple[Any, ...]:
        """With Tensor ops, for higher-order gradients: x_i gets (x_1…x_{i−1}) · r_i where
        r_i = upstream_i + x_{i+1} · r_{i+1} (no division, so zeros stay exact)."""
        axis = self.axis
        x = inputs[0].reshape(1) if inputs[0].ndim == 0 else inputs[0]
        grad = grad.reshape(1) if grad.ndim == 0 else grad
        lead = (slice(None),) * axis
        n = x.shape[axis]
        if n == 0 or 0 in x.shape:
            return (grad.reshape(self.in_shape) * 0,)
        running = [grad[(*lead, n - 1, Ellipsis)]]
        for i in range(n - 2, -1, -1):
            running.append(grad[(*lead, i, Ellipsis)] + x[(*lead, i + 1, Ellipsis)] * running[-1])
        later = namespace(x).stack(running[::-1], axis=axis)  # records a Stack op
        return ((products_before(x, axis) * later).reshape(self.in_shape),)
