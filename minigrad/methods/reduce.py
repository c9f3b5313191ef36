"""Reductions: sum, mean, max, min, logsumexp, prod, norm, var, std, argmax, argmin, any, all.

Every one takes PyTorch's ``dim``/``keepdim`` or NumPy's ``axis``/``keepdims`` (positionally:
the axis, then keepdim), parsed once in :mod:`minigrad.dims`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from minigrad import backend, ops
from minigrad import op as _op
from minigrad.dims import (
    AxisError,
    ShapeError,
    axis_arg,
    check_axes,
    check_axis,
    keep_arg,
    optional_axis,
    reduce_axes,
)
from minigrad.methods._common import ValuesIndices, floating, leaf, with_dtype
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def _max_or_min(t: Tensor, op: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Any:
    """``t.max(...)``/``t.min(...)``: element-wise, values only, or PyTorch's (values, indices)."""
    if isinstance(dim, _op.Tensor):
        return t.maximum(dim) if op == "max" else t.minimum(dim)
    reduce = ops.Max if op == "max" else ops.Min
    if dim is None:  # no axis, or NumPy's axis=: the values only
        axes, keep = reduce_axes(op, t.shape, dim, axis, keepdim, keepdims)
        return apply(reduce(axes, keep), t)
    index = _arg_reduce(t, "arg" + op, dim, True, axis, None)
    values = _take_along(t, index, check_axis(op, dim, t.shape))
    if not keep_arg(op, keepdims, keepdim) and t.ndim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    return ValuesIndices(values, index)


def _take_along(t: Tensor, index: Tensor, axis: int) -> Tensor:
    """``t``'s elements at ``index`` (``t``'s shape with ``axis`` of size 1) along ``axis``.

    Differentiable through indexing, so the gradient reaches the picked elements only.
    """
    if t.ndim == 0:
        return t
    xp = backend.namespace(t.array)
    key = tuple(
        index.array
        if i == axis
        else xp.reshape(xp.arange(n), tuple(n if j == i else 1 for j in range(t.ndim)))
        for i, n in enumerate(t.shape)
    )
    return apply(ops.GetItem(key), t)


def _arg_reduce(t: Tensor, op: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    """``argmax``/``argmin`` over one axis, or over the flattened tensor when none is given."""
    axis = axis_arg(op, axis, dim)
    keep = keep_arg(op, keepdims, keepdim)
    xp = backend.namespace(t.array)
    if axis is not None:
        axis = check_axis(op, axis, t.shape)
        if t.ndim == 0:
            return leaf(xp.zeros((), dtype=xp.int64))
    if t.ndim and (t.shape[axis] if axis is not None else t.numel()) == 0:
        raise AxisError(f"{op}: cannot pick from an axis of size 0 (shape {t.shape})")
    data = t.array if axis is not None else xp.reshape(t.array, (-1,))
    out = getattr(xp, op)(data, axis=axis if axis is not None else 0, keepdims=keep)
    if axis is None and keep:
        out = xp.reshape(out, (1,) * t.ndim)
    return leaf(xp.astype(out, xp.int64))


def _logical_reduce(t: Tensor, op: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Tensor:
    """``any``/``all`` as a bool tensor (no gradient)."""
    axes, keep = reduce_axes(op, t.shape, dim, axis, keepdim, keepdims)
    xp = backend.namespace(t.array)
    data = t.array if backend.dtype_name(t.dtype) == "bool" else t.array != 0
    return leaf(getattr(xp, op)(data, axis=axes, keepdims=keep))


def _variance_args(op: str, dim: Any, unbiased: Any, correction: Any) -> tuple[Any, float]:
    """PyTorch's overloads of var/std: ``var(unbiased)`` (a positional bool) or
    ``var(dim, unbiased, keepdim, *, correction)``; returns the dim and the correction."""
    if isinstance(dim, bool):  # x.var(False): the bool is `unbiased`, as in PyTorch
        if unbiased is not None:
            raise TypeError(f"{op}() got a bool as dim and unbiased={unbiased!r}; pass one")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise ShapeError("pass either unbiased= or correction=, not both")
    if correction is not None:
        return dim, float(correction)
    return dim, 0.0 if unbiased is False else 1.0


def _nuclear_norm(x: Tensor, dim: Any, keepdim: bool) -> Tensor:
    """The sum of singular values of the matrices in axes ``dim`` (the last two of a matrix)."""
    if dim is None:
        if x.ndim != 2:
            raise ShapeError(f"norm('nuc') needs a matrix or two dims, got shape {x.shape}")
        dim = (0, 1)
    axes = check_axes("norm", dim, x.shape)
    if axes is None or len(axes) != 2:
        raise ShapeError(f"norm('nuc') needs two dims, got {dim}")
    rest = [i for i in range(x.ndim) if i not in axes]
    out = apply(ops.NuclearNorm(), x.permute(*rest, *axes))
    if keepdim:
        out = out.reshape(tuple(1 if i in axes else n for i, n in enumerate(x.shape)))
    return out


class ReduceMethods:
    """Reductions over all elements or over ``dim``/``axis``.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([[1.0, 3.0], [4.0, 2.0]])
    >>> x.sum(1).tolist(), x.mean(axis=0).tolist(), x.prod(dim=1).tolist()
    ([4.0, 6.0], [2.5, 2.5], [3.0, 8.0])
    """

    __slots__ = ()

    def sum(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
        dtype: Any = None,
    ) -> Tensor:
        """Sum over ``dim``/``axis`` (an int, a tuple, or None for all).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(2, 3).sum(dim=1, keepdim=True).shape
        (2, 1)
        """
        axes, keep = reduce_axes("sum", self.shape, dim, axis, keepdim, keepdims)
        return apply(ops.Sum(axes, keep), with_dtype(self, dtype))

    def mean(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
        dtype: Any = None,
    ) -> Tensor:
        """Mean over ``dim``/``axis`` (integers are averaged in the default float dtype)."""
        axes, keep = reduce_axes("mean", self.shape, dim, axis, keepdim, keepdims)
        return apply(ops.Mean(axes, keep), floating(with_dtype(self, dtype)))

    def max(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Any:
        """The maximum; with ``dim`` (or a positional axis), ``(values, indices)`` as in PyTorch.

        ``x.max()`` and ``x.max(axis=…)`` (NumPy's keyword) give the values only, and ties share
        the gradient equally. ``x.max(dim)`` gives a named tuple ``(values, indices)`` whose
        values pass the gradient to the element at ``indices`` only, as in PyTorch.
        ``x.max(other_tensor)`` is the element-wise :meth:`maximum`.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(dim=1).indices.tolist(), x.max(axis=1).tolist()
        ([1, 0], [5.0, 7.0])
        """
        return _max_or_min(self, "max", dim, keepdim, axis, keepdims)

    def amax(self: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
        """The maximum over ``dim`` (an axis or a tuple; ``()``, the default, is every axis);
        ties share the gradient equally, as PyTorch's ``amax``.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([[1.0, 5.0], [7.0, 2.0]]).amax(1).tolist()
        [5.0, 7.0]
        """
        return self.max(axis=None if dim == () or dim == [] else dim, keepdims=keepdim)

    def amin(self: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
        """The minimum over ``dim`` (see :meth:`amax`).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([[1.0, 5.0], [7.0, 2.0]]).amin().tolist()
        1.0
        """
        return self.min(axis=None if dim == () or dim == [] else dim, keepdims=keepdim)

    def min(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Any:
        """The minimum; ``(values, indices)`` with ``dim`` (see :meth:`max`)."""
        return _max_or_min(self, "min", dim, keepdim, axis, keepdims)

    def logsumexp(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """log Σ exp(x) over ``dim``/``axis``, computed without overflow (−inf if empty)."""
        axes, keep = reduce_axes("logsumexp", self.shape, dim, axis, keepdim, keepdims)
        return apply(ops.LogSumExp(axes, keep), floating(self))

    def prod(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
        dtype: Any = None,
    ) -> Tensor:
        """Product of all elements, or along one ``dim``/``axis``; exact gradients also at zeros.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]).prod(axis=1).tolist()
        [2.0, 12.0]
        """
        one = optional_axis("prod", self.shape, dim, axis)
        keep = keep_arg("prod", keepdims, keepdim)
        return apply(ops.Prod(one if self.ndim else None, keep), with_dtype(self, dtype))

    def norm(
        self: Tensor,
        p: Any = "fro",
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Vector p-norm (p ≥ 1, ``inf``, or ``"fro"`` = 2) over ``dim``/``axis``; gradient 0
        at 0.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([[3.0, -4.0]]).norm(dim=1).tolist()
        [5.0]
        """
        if p == "fro":
            p = 2.0
        if p == "nuc":
            return _nuclear_norm(self, dim if axis is None else axis, bool(keepdim or keepdims))
        if isinstance(p, str):
            raise ShapeError(f"norm supports p = 'fro', 'nuc', a number or ±inf; got {p!r}")
        axes, keep = reduce_axes("norm", self.shape, dim, axis, keepdim, keepdims)
        if p == math.inf or p >= 1:
            return apply(ops.Norm(p, axes, keep), self)
        if p == 0:  # the count of nonzeros; a zero gradient (sign is flat), as PyTorch
            return apply(ops.Sum(axes, keep), self.sign().abs())
        if p == -math.inf:
            return self.abs().amin(() if axes is None else axes, keep)
        return apply(ops.Sum(axes, keep), self.abs() ** float(p)) ** (1.0 / p)

    def var(
        self: Tensor,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: Any = None,
        *,
        correction: float | None = None,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Σ(x − mean)² / (N − correction) over ``dim``/``axis``: ``correction=1`` (Bessel's,
        the default), or ``unbiased=False`` for ``correction=0``.

        As in PyTorch, a lone positional bool is ``unbiased``: ``x.var(False)``.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([1.0, 2.0, 4.0, 7.0])
        >>> x.var().item(), x.var(False).item(), x.var(axis=0, correction=0).item()
        (7.0, 5.25, 5.25)
        """
        dim, correction = _variance_args("var", dim, unbiased, correction)
        axes, keep = reduce_axes("var", self.shape, dim, axis, keepdim, keepdims)
        count = math.prod(self.shape[a] for a in (range(self.ndim) if axes is None else axes))
        centered = self - self.mean(axis=axes, keepdims=True)
        squares = (centered * centered).sum(axis=axes, keepdims=keep)
        return squares / float(max(count - correction, 0))

    def std(
        self: Tensor,
        dim: Any = None,
        unbiased: Any = None,
        keepdim: Any = None,
        *,
        correction: float | None = None,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Standard deviation, √var (see :meth:`var`; ``x.std(False)`` is the biased one)."""
        dim, correction = _variance_args("std", dim, unbiased, correction)
        return self.var(
            dim, None, keepdim, correction=correction, axis=axis, keepdims=keepdims
        ).sqrt()

    def argmax(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Indices of the maxima (of the flattened tensor when no axis is given)."""
        return _arg_reduce(self, "argmax", dim, keepdim, axis, keepdims)

    def argmin(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Indices of the minima (of the flattened tensor when no axis is given)."""
        return _arg_reduce(self, "argmin", dim, keepdim, axis, keepdims)

    def any(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Whether any value is nonzero, over ``dim``/``axis`` (a bool tensor, no gradient)."""
        return _logical_reduce(self, "any", dim, keepdim, axis, keepdims)

    def all(
        self: Tensor,
        dim: Any = None,
        keepdim: Any = None,
        *,
        axis: Any = None,
        keepdims: Any = None,
    ) -> Tensor:
        """Whether every value is nonzero, over ``dim``/``axis`` (a bool tensor, no gradient)."""
        return _logical_reduce(self, "all", dim, keepdim, axis, keepdims)
