"""Products, running sums and products along an axis, and vector norms.

None of these is element-wise, so each writes its backward and states its rule in words:
a running sum hands each element the sum of the upstream gradients of every later position;
a product hands each element the product of all the *other* elements (computed without
dividing, so zeros are handled exactly, as PyTorch does).
"""

from __future__ import annotations

import math
from typing import Any

from minigrad.backend import namespace
from minigrad.op import Op
from minigrad.ops.reduce import normalize_axes


def _flip(xp: Any, array: Any, axis: int) -> Any:
    return xp.flip(array, axis=axis)


def _exclusive_products(xp: Any, x: Any, axis: int) -> Any:
    """At each position, the product of every *other* element along ``axis``: the product
    of those before it times the product of those after it, with no division."""
    before = xp.cumulative_prod(x, axis=axis, include_initial=True)
    after = _flip(xp, xp.cumulative_prod(_flip(xp, x, axis), axis=axis, include_initial=True), axis)
    n = x.shape[axis]
    lead = (slice(None),) * axis
    return before[(*lead, slice(0, n), Ellipsis)] * after[(*lead, slice(1, n + 1), Ellipsis)]


def _shifted_products(x: Any, axis: int) -> Any:
    """On a Tensor: the product of the elements *before* each position along ``axis``
    (1 at the first), built from ops so that gradient graphs can follow it."""
    from minigrad.functions import concat, ones_like

    n = x.shape[axis]
    lead = (slice(None),) * axis
    first = ones_like(x[(*lead, slice(0, 1), Ellipsis)])
    if n == 1:
        return first
    return concat([first, x[(*lead, slice(0, n - 1), Ellipsis)].cumprod(axis)], axis=axis)


def _exclusive_products_graph(x: Any, axis: int) -> Any:
    """:func:`_exclusive_products` with Tensor ops (for higher-order gradients)."""
    return _shifted_products(x, axis) * _shifted_products(x.flip(axis), axis).flip(axis)


def _scan_axis(dim: int, x: Any) -> int:
    return normalize_axes(dim, max(x.ndim, 1))[0]


def _at_least_1d(xp: Any, x: Any) -> Any:
    """A 0-d array as shape (1,), so a scan has an axis to run along (as PyTorch allows)."""
    return xp.reshape(x, (1,)) if x.ndim == 0 else x


class Prod(Op):
    """Product over one axis, or over every element when ``dim`` is None."""

    name, symbol = "prod", "prod"
    rule = "product: each element gets upstream × the product of the other elements"
    local_rules = ("upstream × the product of the other elements of {0} along the axis",)
    params = ("dim", "keepdim")

    def __init__(self, dim: int | None = None, keepdim: bool = False) -> None:
        self.dim, self.keepdim = dim, keepdim

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        self.in_shape = tuple(x.shape)
        flat = x if self.dim is not None else xp.reshape(x, (-1,))
        self.axis = normalize_axes(self.dim if self.dim is not None else 0, flat.ndim)[0]
        self.saved = (flat,)
        return xp.prod(flat, axis=self.axis, keepdims=self.keepdim and self.dim is not None)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        (flat,) = self.saved
        xp = namespace(flat)
        others = _exclusive_products(xp, flat, self.axis)
        kept = xp.expand_dims(grad, axis=self.axis) if grad.ndim < flat.ndim else grad
        return (xp.reshape(kept * others, self.in_shape),)

    def backward_graph(self, grad: Any, inputs: Any, output: Any) -> tuple[Any, ...]:
        """The same rule with Tensor ops, for higher-order gradients."""
        x = inputs[0]
        flat = x if self.dim is not None else x.reshape(-1)
        kept = grad.unsqueeze(self.axis) if grad.ndim < flat.ndim else grad
        return ((kept * _exclusive_products_graph(flat, self.axis)).reshape(self.in_shape),)


class Cumsum(Op):
    name, symbol = "cumsum", "cumsum"
    rule = "running sum: each element gets the sum of the upstream gradients from it onward"
    local_rules = ("reverse running sum of upstream along the axis of {0}",)
    params = ("dim",)
    linear_in = (0,)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any) -> Any:
        self.axis, self.in_shape = _scan_axis(self.dim, x), tuple(x.shape)
        xp = namespace(x)
        out = xp.cumulative_sum(_at_least_1d(xp, x), axis=self.axis)
        return xp.reshape(out, self.in_shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        xp = namespace(grad)
        grad = _at_least_1d(xp, grad)
        running = xp.cumulative_sum(_flip(xp, grad, self.axis), axis=self.axis)
        return (xp.reshape(_flip(xp, running, self.axis), self.in_shape),)


class Cumprod(Op):
    """Running product; backward is exact also where the input has zeros."""

    name, symbol = "cumprod", "cumprod"
    rule = "running product: x_i gets Σ over k ≥ i of upstream_k × (x_1…x_k without x_i)"
    local_rules = ("Σ over later positions k of upstream_k × the product of the other x_j up to k",)
    params = ("dim",)

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: Any) -> Any:
        self.axis, self.in_shape = _scan_axis(self.dim, x), tuple(x.shape)
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
        from minigrad.functions import stack

        axis = self.axis
        x = inputs[0].reshape(1) if inputs[0].ndim == 0 else inputs[0]
        grad = grad.reshape(1) if grad.ndim == 0 else grad
        lead = (slice(None),) * axis
        n = x.shape[axis]
        running = [grad[(*lead, n - 1, Ellipsis)]]
        for i in range(n - 2, -1, -1):
            running.append(grad[(*lead, i, Ellipsis)] + x[(*lead, i + 1, Ellipsis)] * running[-1])
        later = stack(running[::-1], axis=axis)
        return ((_shifted_products(x, axis) * later).reshape(self.in_shape),)


def _norm_value(xp: Any, x: Any, p: float, axes: tuple[int, ...]) -> Any:
    magnitude = xp.abs(x)
    if p == math.inf:
        return xp.max(magnitude, axis=axes, keepdims=True)
    if p == 1:
        return xp.sum(magnitude, axis=axes, keepdims=True)
    return xp.sum(magnitude**p, axis=axes, keepdims=True) ** (1 / p)


class Norm(Op):
    """Vector p-norm over ``dim`` (all elements when None) for p ≥ 1 or inf.

    At a zero vector the gradient is 0 (the subgradient PyTorch returns), not NaN.
    """

    name, symbol = "norm", "‖x‖"
    rule = "p-norm: each element gets upstream × sign(x)·|x|^(p−1) / ‖x‖^(p−1)"
    local_rules = ("upstream × ∂‖{0}‖/∂{0} (x/‖x‖ for p = 2, sign(x) for p = 1)",)
    params = ("p", "dim", "keepdim")

    def __init__(self, p: float = 2.0, dim: Any = None, keepdim: bool = False) -> None:
        if not (p == math.inf or p >= 1):
            raise ValueError(f"norm supports p >= 1 or inf, got p={p}")
        self.p, self.dim, self.keepdim = float(p), dim, keepdim

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        self.axes = normalize_axes(self.dim, x.ndim)
        out = _norm_value(xp, x, self.p, self.axes)
        if not self.keepdim:
            out = xp.reshape(out, tuple(n for i, n in enumerate(x.shape) if i not in self.axes))
        self.saved = (x, out)  # the output itself, so a gradient graph can follow it
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        x, out = self.saved
        xp = namespace(x)
        kept = tuple(1 if i in self.axes else n for i, n in enumerate(x.shape))
        grad, out = xp.reshape(grad, kept), xp.reshape(out, kept)
        sign = xp.sign(x)
        if self.p == 1:
            return (grad * sign,)
        safe = xp.where(out == 0, xp.ones_like(out), out)
        if self.p == math.inf:
            winners = xp.astype(xp.abs(x) == out, x.dtype)
            share = winners / xp.sum(winners, axis=self.axes, keepdims=True)
            return (grad * sign * xp.where(out == 0, xp.zeros_like(share), share),)
        local = sign * xp.abs(x) ** (self.p - 1) / safe ** (self.p - 1)
        return (grad * xp.where(out == 0, xp.zeros_like(local), local),)
