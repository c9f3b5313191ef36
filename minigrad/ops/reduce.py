"""Reductions and normalisations over axes: the gradient is copied back to what was reduced."""

from __future__ import annotations

import math
from typing import Any

from minigrad import backend
from minigrad.backend import namespace
from minigrad.dims import AxisError
from minigrad.op import Op

Axis = int | tuple[int, ...] | None


def normalize_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints; ``None`` means all of them."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    size = max(ndim, 1)  # a 0-d tensor takes axis 0 or -1, as in PyTorch
    normalized = []
    for a in axes:
        if not -size <= a < size:
            raise AxisError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
        normalized.append(a % size)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"axis {axis} repeats an axis")
    return tuple(sorted(normalized)) if ndim else ()


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` with the reduced ``axes`` kept as size 1 (what keepdims=True gives)."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


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
            raise AxisError(
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


def _stable_logsumexp(x: Any, axes: tuple[int, ...]) -> Any:
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
        out = _stable_logsumexp(x, self.axes)
        if not self.keepdims:
            out = namespace(x).reshape(out, _dropped(x.shape, self.axes))
        self.saved = (x, out)  # the output itself, so a gradient graph can follow it
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        x, out = self.saved
        return (self._kept(grad) * namespace(x).exp(x - self._kept(out)),)


class Softmax(Op):
    name, symbol = "softmax", "softmax"
    rule = "softmax: downstream = y ⊙ (upstream − Σ upstream ⊙ y)"
    local_rules = ("y ⊙ (upstream − Σ upstream ⊙ y), y = softmax({0})",)
    params = ("axis",)

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        axes = normalize_axes(self.axis, x.ndim)
        out = xp.exp(x - _stable_logsumexp(x, axes))
        self.saved = (out, axes)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        out, axes = self.saved
        return (out * (grad - backend.sum(grad * out, axis=axes, keepdims=True)),)


class LogSoftmax(Op):
    name, symbol = "log_softmax", "log softmax"
    rule = "log softmax: downstream = upstream − softmax(x) × Σ upstream"
    local_rules = ("upstream − softmax({0}) × Σ upstream",)
    params = ("axis",)

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: Any) -> Any:
        axes = normalize_axes(self.axis, x.ndim)
        out = x - _stable_logsumexp(x, axes)
        self.saved = (out, axes)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        out, axes = self.saved
        xp = namespace(out)
        return (grad - xp.exp(out) * backend.sum(grad, axis=axes, keepdims=True),)
