"""Reductions over axes: sum, mean, max, min, logsumexp, product and vector norms.

The gradient is copied back to what was reduced (routed to the winners for max and min). A
product hands each element the product of all the *other* elements, computed without dividing,
so zeros are handled exactly, as PyTorch does.
"""

from __future__ import annotations

import math
from typing import Any

from minigrad.backend import namespace
from minigrad.dims import Axis, AxisError, ShapeError, normalize_axes
from minigrad.op import Op


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` kept as size 1 (what keepdims=True gives)."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class EmptyReductionError(AxisError, RuntimeError):
    """max/min over an axis of size 0: an :class:`AxisError` (the ``IndexError`` PyTorch's
    ``max(dim)`` raises) that is also the ``RuntimeError`` its ``amax`` raises."""


class _Reduction(Op):
    """A reduction over ``axis``; backward first restores the reduced axes as size 1."""

    params = ("axis", "keepdims")

    def __init__(self, axis: Axis = None, keepdims: bool = False) -> None:
        self.axis, self.keepdims = axis, keepdims

    def _setup(self, x: Any) -> None:
        self.in_shape = tuple(x.shape)
        self.axes = normalize_axes(self.axis, x.ndim)

    def _kept(self, array: Any) -> Any:
        """``array`` (a reduced result) reshaped as if keepdims=True."""
        return namespace(array).reshape(array, kept_shape(self.in_shape, self.axes))


class Sum(_Reduction):
    name, symbol = "sum", "Σ"
    rule = "sum copies: every summed element gets the upstream gradient"
    local_rules = ("upstream copied to every summed element of {0}",)

    def forward(self, x: Any) -> Any:
        self._setup(x)
        return namespace(x).sum(x, axis=self.axes, keepdims=self.keepdims)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (namespace(grad).broadcast_to(self._kept(grad), self.in_shape),)


class Mean(_Reduction):
    name, symbol = "mean", "mean"
    rule = "mean copies: every element gets upstream / (number of elements averaged)"
    local_rules = ("upstream / n copied to every averaged element of {0}",)

    def forward(self, x: Any) -> Any:
        self._setup(x)
        count = math.prod(self.in_shape[a] for a in self.axes)
        self.count = max(count, 1)  # an empty mean's gradient is empty: nothing to divide
        xp = namespace(x)
        if count == 0:  # NaN, as in PyTorch, without NumPy's empty-slice warning
            return xp.sum(x, axis=self.axes, keepdims=self.keepdims) * math.nan
        return xp.mean(x, axis=self.axes, keepdims=self.keepdims)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        xp = namespace(grad)
        return (xp.broadcast_to(self._kept(grad) / self.count, self.in_shape),)


class Max(_Reduction):
    name, symbol = "max", "max"
    rule = "max routes: the largest element gets the upstream gradient (ties share it)"
    local_rules = ("upstream at the largest elements of {0} (shared at ties), 0 elsewhere",)
    _reduce = "max"

    def forward(self, x: Any) -> Any:
        self._setup(x)
        if any(self.in_shape[a] == 0 for a in self.axes):
            raise EmptyReductionError(
                f"{self.name} over an axis of size 0 has no value (shape {self.in_shape}); "
                "reduce over non-empty axes, as PyTorch requires"
            )
        xp = namespace(x)
        out = getattr(xp, self._reduce)(x, axis=self.axes, keepdims=True)
        winners = xp.astype(x == out, x.dtype)
        self.saved = (winners / xp.sum(winners, axis=self.axes, keepdims=True),)
        return out if self.keepdims else xp.reshape(out, _dropped(self.in_shape, self.axes))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (self._kept(grad) * self.saved[0],)


class Min(Max):
    name, symbol = "min", "min"
    rule = "min routes: the smallest element gets the upstream gradient (ties share it)"
    local_rules = ("upstream at the smallest elements of {0} (shared at ties), 0 elsewhere",)
    _reduce = "min"


def _dropped(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def stable_logsumexp(x: Any, axes: tuple[int, ...]) -> Any:
    """log Σ exp(x) over ``axes`` with keepdims, shifted by the max so nothing overflows."""
    xp = namespace(x)
    if any(x.shape[a] == 0 for a in axes):  # an empty sum: log 0 = −inf, as in PyTorch
        return xp.full(kept_shape(tuple(x.shape), axes), -math.inf, dtype=x.dtype)
    shift = xp.max(x, axis=axes, keepdims=True)
    shift = xp.where(xp.isfinite(shift), shift, xp.zeros_like(shift))
    return xp.log(xp.sum(xp.exp(x - shift), axis=axes, keepdims=True)) + shift


class LogSumExp(_Reduction):
    name, symbol = "logsumexp", "LSE"
    rule = "logsumexp: each element gets upstream × softmax(x)"
    local_rules = ("upstream × softmax({0})",)

    def forward(self, x: Any) -> Any:
        self._setup(x)
        out = stable_logsumexp(x, self.axes)
        if not self.keepdims:
            out = namespace(x).reshape(out, _dropped(x.shape, self.axes))
        self.saved = (x, out)  # the output itself, so a gradient graph can follow it
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        x, out = self.saved
        return (self._kept(grad) * namespace(x).exp(x - self._kept(out)),)


def _exclusive_products(xp: Any, x: Any, axis: int) -> Any:
    """At each position, the product of every *other* element along ``axis``: the product
    of those before it times the product of those after it, with no division."""
    before = xp.cumulative_prod(x, axis=axis, include_initial=True)
    reverse = xp.cumulative_prod(xp.flip(x, axis=axis), axis=axis, include_initial=True)
    after = xp.flip(reverse, axis=axis)
    n = x.shape[axis]
    lead = (slice(None),) * axis
    return before[(*lead, slice(0, n), Ellipsis)] * after[(*lead, slice(1, n + 1), Ellipsis)]


def products_before(x: Any, axis: int) -> Any:
    """On a Tensor: the product of the elements *before* each position along ``axis``
    (1 at the first), built from ops so that gradient graphs can follow it (also used by
    :class:`~minigrad.ops.Cumprod`)."""
    xp = namespace(x)  # a Tensor's namespace: its functions record ops
    n = x.shape[axis]
    lead = (slice(None),) * axis
    first = xp.ones_like(x[(*lead, slice(0, 1), Ellipsis)])
    if n == 1:
        return first
    return xp.concat([first, x[(*lead, slice(0, n - 1), Ellipsis)].cumprod(axis)], axis=axis)


def _exclusive_products_graph(x: Any, axis: int) -> Any:
    """:func:`_exclusive_products` with Tensor ops (for higher-order gradients)."""
    return products_before(x, axis) * products_before(x.flip(axis), axis).flip(axis)


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
            raise ShapeError(f"norm supports p >= 1 or inf, got p={p}")
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
