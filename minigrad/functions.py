"""The free functions, PyTorch style: ``minigrad.sum(x, 1)``, ``minigrad.gather(x, 1, i)``.

Each is one line over the Tensor method of the same name (which holds the logic, see
:mod:`minigrad.methods`), or a function of a methods module (``stack``, ``where``,
``einsum`` …). Axis-taking functions accept PyTorch's ``dim``/``keepdim`` and NumPy's
``axis``/``keepdims``; as in PyTorch, ``max(x, dim)`` and ``min(x, dim)`` give
``(values, indices)``.

Examples
--------
>>> import minigrad
>>> x = minigrad.tensor([[1.0, 3.0], [4.0, 2.0]])
>>> minigrad.sum(x, 1).tolist(), minigrad.max(x, dim=0).indices.tolist()
([4.0, 6.0], [1, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from minigrad.creation import as_tensor
from minigrad.methods._common import SortResult, ValuesIndices  # noqa: F401
from minigrad.methods.compare import maximum, minimum, where  # noqa: F401
from minigrad.methods.index import embedding  # noqa: F401
from minigrad.methods.linalg import einsum  # noqa: F401
from minigrad.methods.shape import concat, meshgrid, stack  # noqa: F401
from minigrad.tensor import Tensor

cat = concat


def sum(
    input: Any,
    dim: Any = None,
    keepdim: Any = None,
    *,
    axis: Any = None,
    keepdims: Any = None,
    dtype: Any = None,
) -> Tensor:
    """:meth:`Tensor.sum` as a function."""
    return as_tensor(input).sum(dim, keepdim, axis=axis, keepdims=keepdims, dtype=dtype)


def mean(
    input: Any,
    dim: Any = None,
    keepdim: Any = None,
    *,
    axis: Any = None,
    keepdims: Any = None,
    dtype: Any = None,
) -> Tensor:
    """:meth:`Tensor.mean` as a function."""
    return as_tensor(input).mean(dim, keepdim, axis=axis, keepdims=keepdims, dtype=dtype)


def max(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Any:
    """:meth:`Tensor.max` as a function (``(values, indices)`` when ``dim`` is given)."""
    return as_tensor(input).max(dim, keepdim, axis=axis, keepdims=keepdims)


def min(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Any:
    """:meth:`Tensor.min` as a function (``(values, indices)`` when ``dim`` is given)."""
    return as_tensor(input).min(dim, keepdim, axis=axis, keepdims=keepdims)


def logsumexp(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """:meth:`Tensor.logsumexp` as a function."""
    return as_tensor(input).logsumexp(dim, keepdim, axis=axis, keepdims=keepdims)


def argmax(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """:meth:`Tensor.argmax` as a function."""
    return as_tensor(input).argmax(dim, keepdim, axis=axis, keepdims=keepdims)


def argmin(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """:meth:`Tensor.argmin` as a function."""
    return as_tensor(input).argmin(dim, keepdim, axis=axis, keepdims=keepdims)


def any(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """:meth:`Tensor.any` as a function."""
    return as_tensor(input).any(dim, keepdim, axis=axis, keepdims=keepdims)


def all(
    input: Any, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
) -> Tensor:
    """:meth:`Tensor.all` as a function."""
    return as_tensor(input).all(dim, keepdim, axis=axis, keepdims=keepdims)


def prod(
    input: Any,
    dim: Any = None,
    keepdim: Any = None,
    *,
    axis: Any = None,
    keepdims: Any = None,
    dtype: Any = None,
) -> Tensor:
    """Product of all elements, or along one ``dim``; exact gradients also at zeros.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.prod(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]), dim=1).tolist()
    [2.0, 12.0]
    """
    return as_tensor(input).prod(dim, keepdim, axis=axis, keepdims=keepdims, dtype=dtype)


def softmax(input: Any, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """:meth:`Tensor.softmax` as a function."""
    return as_tensor(input).softmax(dim, axis=axis, dtype=dtype)


def log_softmax(input: Any, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """:meth:`Tensor.log_softmax` as a function."""
    return as_tensor(input).log_softmax(dim, axis=axis, dtype=dtype)


def squeeze(input: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """:meth:`Tensor.squeeze` as a function."""
    return as_tensor(input).squeeze(dim, axis=axis)


def unsqueeze(input: Any, dim: Any = None, *, axis: Any = None) -> Tensor:
    """:meth:`Tensor.unsqueeze` as a function."""
    return as_tensor(input).unsqueeze(dim, axis=axis)


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """:meth:`Tensor.flatten` as a function."""
    return as_tensor(input).flatten(start_dim, end_dim)


def narrow(input: Any, dim: int, start: Any, length: int) -> Tensor:
    """:meth:`Tensor.narrow` as a function."""
    return as_tensor(input).narrow(dim, start, length)


def is_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a minigrad Tensor (``torch.is_tensor``).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.is_tensor(minigrad.ones(1)), minigrad.is_tensor([1.0])
    (True, False)
    """
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    """:meth:`Tensor.is_floating_point` as a function."""
    return input.is_floating_point()


def var(
    input: Tensor,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: Any = None,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """Σ(x − mean)² / (N − correction); ``correction=1`` (Bessel's, the default) or
    ``unbiased=False`` for ``correction=0``.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0, 3.0, 4.0])
    >>> minigrad.var(x).item(), minigrad.var(x, correction=0).item()
    (1.6666666269302368, 1.25)
    """
    return input.var(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)


def std(
    input: Tensor,
    dim: Any = None,
    unbiased: Any = None,
    keepdim: Any = None,
    *,
    correction: float | None = None,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """√var (see :func:`var`).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.std(minigrad.tensor([1.0, 3.0]), correction=0).item()
    1.0
    """
    return input.std(dim, unbiased, keepdim, correction=correction, axis=axis, keepdims=keepdims)


def cumsum(input: Tensor, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running sum along ``dim``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.cumsum(minigrad.tensor([1.0, 2.0, 3.0]), 0).tolist()
    [1.0, 3.0, 6.0]
    """
    return input.cumsum(dim, axis=axis, dtype=dtype)


def cumprod(input: Tensor, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
    """Running product along ``dim``; exact gradients also at zeros.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.cumprod(minigrad.tensor([1.0, 2.0, 3.0]), 0).tolist()
    [1.0, 2.0, 6.0]
    """
    return input.cumprod(dim, axis=axis, dtype=dtype)


def norm(
    input: Tensor,
    p: Any = "fro",
    dim: Any = None,
    keepdim: Any = None,
    *,
    axis: Any = None,
    keepdims: Any = None,
) -> Tensor:
    """Vector p-norm (p ≥ 1, ``inf``, or ``"fro"`` = 2 over ``dim``); gradient 0 at 0.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([3.0, -4.0])
    >>> minigrad.norm(x).item(), minigrad.norm(x, 1).item(), minigrad.norm(x, float("inf")).item()
    (5.0, 7.0, 4.0)
    """
    return input.norm(p, dim, keepdim, axis=axis, keepdims=keepdims)


def argsort(
    input: Tensor,
    dim: Any = None,
    descending: bool = False,
    *,
    axis: Any = None,
    stable: bool = False,
) -> Tensor:
    """Indices that sort ``input`` along ``dim`` (stable; not differentiable).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.argsort(minigrad.tensor([3.0, 1.0, 2.0])).tolist()
    [1, 2, 0]
    """
    return input.argsort(dim, descending, axis=axis, stable=stable)


def sort(
    input: Tensor,
    dim: Any = None,
    descending: bool = False,
    *,
    axis: Any = None,
    stable: bool = False,
) -> ValuesIndices:
    """Sorted values (differentiable: each goes back to where it came from) and indices.

    Examples
    --------
    >>> import minigrad
    >>> values, indices = minigrad.sort(minigrad.tensor([3.0, 1.0, 2.0]), descending=True)
    >>> values.tolist(), indices.tolist()
    ([3.0, 2.0, 1.0], [0, 2, 1])
    """
    return input.sort(dim, descending, axis=axis, stable=stable)


def topk(
    input: Tensor,
    k: int,
    dim: Any = None,
    largest: bool = True,
    sorted: bool = True,
    *,
    axis: Any = None,
) -> ValuesIndices:
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, always in
    sorted order (``sorted=False`` is accepted and gives the same).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.topk(minigrad.tensor([1.0, 5.0, 3.0]), 2).values.tolist()
    [5.0, 3.0]
    """
    return input.topk(k, dim, largest, sorted, axis=axis)


def gather(input: Tensor, dim: int, index: Any) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (PyTorch's ``gather``).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    >>> y = minigrad.gather(x, 1, [[2, 2], [0, 1]])
    >>> y.tolist()
    [[3.0, 3.0], [4.0, 5.0]]
    >>> y.sum().backward(); x.grad.tolist()
    [[0.0, 0.0, 2.0], [1.0, 1.0, 0.0]]
    """
    return input.gather(dim, index)


def scatter_add(input: Tensor, dim: int, index: Any, src: Tensor) -> Tensor:
    """A copy of ``input`` with ``src`` added at ``index`` along ``dim`` (not in place).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.scatter_add(minigrad.zeros(3), 0, [0, 2, 0], minigrad.ones(3)).tolist()
    [2.0, 0.0, 1.0]
    """
    return input.scatter_add(dim, index, src)


def scatter(input: Tensor, dim: int, index: Any, src: Any, *, reduce: str | None = None) -> Tensor:
    """A copy of ``input`` with ``src`` (a tensor or a number) written at ``index`` along
    ``dim`` (not in place; NumPy and CuPy).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.scatter(minigrad.zeros(3), 0, [2, 0], minigrad.tensor([5.0, 7.0])).tolist()
    [7.0, 0.0, 5.0]
    """
    return input.scatter(dim, index, src, reduce=reduce)


def index_select(input: Tensor, dim: int, index: Any) -> Tensor:
    """The slices ``index`` (1-D) names along ``dim``; repeated indices add their gradients.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.index_select(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, [1, 1]).tolist()
    [[2.0, 2.0], [4.0, 4.0]]
    """
    return input.index_select(dim, index)


def masked_fill(input: Tensor, mask: Any, value: float) -> Tensor:
    """``value`` where ``mask`` is true, else ``input`` (whose gradient is 0 where filled).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0])
    >>> minigrad.masked_fill(x, x > 1.5, 0.0).tolist()
    [1.0, 0.0]
    """
    return input.masked_fill(mask, value)


def repeat_interleave(
    input: Tensor, repeats: Any, dim: Any = None, *, output_size: int | None = None
) -> Tensor:
    """Repeat each element (of the flattened input when ``dim`` is None) ``repeats`` times.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.repeat_interleave(minigrad.tensor([1.0, 2.0]), 2).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    return input.repeat_interleave(repeats, dim, output_size=output_size)


def tile(input: Tensor, dims: Any) -> Tensor:
    """Like :func:`repeat`, with missing leading ``dims`` taken as 1.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.tile(minigrad.tensor([[1.0, 2.0]]), (2,)).tolist()
    [[1.0, 2.0, 1.0, 2.0]]
    """
    return input.tile(dims)


def chunk(input: Tensor, chunks: int, dim: Any = None, *, axis: Any = None) -> list[Tensor]:
    """Split into ``chunks`` pieces of ⌈n/chunks⌉ (fewer if that covers the axis already).

    Examples
    --------
    >>> import minigrad
    >>> [p.shape for p in minigrad.chunk(minigrad.ones(5), 3)]
    [(2,), (2,), (1,)]
    """
    return input.chunk(chunks, dim, axis=axis)


def split(
    input: Tensor, split_size_or_sections: int | Sequence[int], dim: Any = None, *, axis: Any = None
) -> list[Tensor]:
    """Split ``x`` along ``dim``/``axis`` (default 0) into pieces of one size (the last may be
    smaller) or of the given sizes.

    Examples
    --------
    >>> import minigrad
    >>> [p.shape for p in minigrad.split(minigrad.ones(5), 2)]
    [(2,), (2,), (1,)]
    """
    return input.split(split_size_or_sections, dim, axis=axis)


def flip(input: Tensor, dims: Any) -> Tensor:
    """Reverse the order along each of ``dims``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.flip(minigrad.tensor([1.0, 2.0, 3.0]), (0,)).tolist()
    [3.0, 2.0, 1.0]
    """
    return input.flip(dims)


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements along ``dims`` with wrap-around (flattened first when ``dims`` is None).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.roll(minigrad.tensor([1.0, 2.0, 3.0]), 1).tolist()
    [3.0, 1.0, 2.0]
    """
    return input.roll(shifts, dims)


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below ``diagonal``) of the last two axes; 0 elsewhere.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.tril(minigrad.ones(2, 2)).tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    return input.tril(diagonal)


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above ``diagonal``) of the last two axes; 0 elsewhere.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.triu(minigrad.ones(2, 2)).tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    return input.triu(diagonal)


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal of the (``dim1``, ``dim2``) planes, as a new last axis (PyTorch's order).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.diagonal(minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])).tolist()
    [1.0, 4.0]
    """
    return input.diagonal(offset, dim1, dim2)


def lerp(input: Tensor, end: Any, weight: Any) -> Tensor:
    """``input + weight × (end − input)``.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.lerp(minigrad.tensor([0.0]), minigrad.tensor([10.0]), 0.3).tolist()
    [3.0]
    """
    return input.lerp(end, weight)


def atan2(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.atan2` as a function."""
    return as_tensor(input).atan2(other)


def arctan2(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.atan2` as a function."""
    return as_tensor(input).atan2(other)


def hypot(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.hypot` as a function."""
    return as_tensor(input).hypot(other)


def copysign(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.copysign` as a function."""
    return as_tensor(input).copysign(other)


def logaddexp(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.logaddexp` as a function."""
    return as_tensor(input).logaddexp(other)


def logaddexp2(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.logaddexp2` as a function."""
    return as_tensor(input).logaddexp2(other)


def fmod(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.fmod` as a function."""
    return as_tensor(input).fmod(other)


def xlogy(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.xlogy` as a function."""
    return as_tensor(input).xlogy(other)


def float_power(input: Any, exponent: Any) -> Tensor:
    """:meth:`Tensor.float_power` as a function."""
    return as_tensor(input).float_power(exponent)


def rsub(input: Any, other: Any, alpha: float = 1) -> Tensor:
    """:meth:`Tensor.rsub` as a function."""
    return as_tensor(input).rsub(other, alpha)


def fmax(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.fmax` as a function."""
    return as_tensor(input).fmax(other)


def fmin(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.fmin` as a function."""
    return as_tensor(input).fmin(other)


def clamp(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """:meth:`Tensor.clamp` as a function."""
    return as_tensor(input).clamp(min, max)


def clip(input: Any, min: Any = None, max: Any = None) -> Tensor:
    """:meth:`Tensor.clip` as a function."""
    return as_tensor(input).clip(min, max)


def clamp_min(input: Any, min: Any) -> Tensor:
    """:meth:`Tensor.clamp_min` as a function."""
    return as_tensor(input).clamp_min(min)


def clamp_max(input: Any, max: Any) -> Tensor:
    """:meth:`Tensor.clamp_max` as a function."""
    return as_tensor(input).clamp_max(max)


def heaviside(input: Any, values: Any) -> Tensor:
    """:meth:`Tensor.heaviside` as a function."""
    return as_tensor(input).heaviside(values)


def logical_and(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.logical_and` as a function."""
    return as_tensor(input).logical_and(other)


def logical_or(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.logical_or` as a function."""
    return as_tensor(input).logical_or(other)


def logical_xor(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.logical_xor` as a function."""
    return as_tensor(input).logical_xor(other)


def logical_not(input: Any) -> Tensor:
    """:meth:`Tensor.logical_not` as a function."""
    return as_tensor(input).logical_not()


def eq(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.eq` as a function."""
    return as_tensor(input).eq(other)


def ne(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.ne` as a function."""
    return as_tensor(input).ne(other)


def lt(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.lt` as a function."""
    return as_tensor(input).lt(other)


def le(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.le` as a function."""
    return as_tensor(input).le(other)


def gt(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.gt` as a function."""
    return as_tensor(input).gt(other)


def ge(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.ge` as a function."""
    return as_tensor(input).ge(other)


def amax(input: Any, dim: Any = (), keepdim: bool = False) -> Tensor:
    """:meth:`Tensor.amax` as a function."""
    return as_tensor(input).amax(dim, keepdim)


def amin(input: Any, dim: Any = (), keepdim: bool = False) -> Tensor:
    """:meth:`Tensor.amin` as a function."""
    return as_tensor(input).amin(dim, keepdim)


def mm(input: Any, mat2: Any) -> Tensor:
    """:meth:`Tensor.mm` as a function."""
    return as_tensor(input).mm(mat2)


def bmm(input: Any, mat2: Any) -> Tensor:
    """:meth:`Tensor.bmm` as a function."""
    return as_tensor(input).bmm(mat2)


def mv(input: Any, vec: Any) -> Tensor:
    """:meth:`Tensor.mv` as a function."""
    return as_tensor(input).mv(vec)


def dot(input: Any, other: Any) -> Tensor:
    """:meth:`Tensor.dot` as a function."""
    return as_tensor(input).dot(other)


def outer(input: Any, vec2: Any) -> Tensor:
    """:meth:`Tensor.outer` as a function."""
    return as_tensor(input).outer(vec2)


def ger(input: Any, vec2: Any) -> Tensor:
    """:meth:`Tensor.outer` as a function."""
    return as_tensor(input).outer(vec2)


def ravel(input: Any) -> Tensor:
    """:meth:`Tensor.ravel` as a function."""
    return as_tensor(input).ravel()


def unflatten(input: Any, dim: int, sizes: Any) -> Tensor:
    """:meth:`Tensor.unflatten` as a function."""
    return as_tensor(input).unflatten(dim, sizes)


def diag(input: Any, diagonal: int = 0) -> Tensor:
    """:meth:`Tensor.diag` as a function."""
    return as_tensor(input).diag(diagonal)


def masked_select(input: Any, mask: Any) -> Tensor:
    """:meth:`Tensor.masked_select` as a function."""
    return as_tensor(input).masked_select(mask)


def transpose(input: Any, dim0: int, dim1: int) -> Tensor:
    """:meth:`Tensor.transpose` as a function."""
    return as_tensor(input).transpose(dim0, dim1)


def acosh(input: Any) -> Tensor:
    """:meth:`Tensor.acosh` as a function."""
    return as_tensor(input).acosh()


def asinh(input: Any) -> Tensor:
    """:meth:`Tensor.asinh` as a function."""
    return as_tensor(input).asinh()


def atanh(input: Any) -> Tensor:
    """:meth:`Tensor.atanh` as a function."""
    return as_tensor(input).atanh()


def arccosh(input: Any) -> Tensor:
    """:meth:`Tensor.acosh` as a function."""
    return as_tensor(input).acosh()


def arcsinh(input: Any) -> Tensor:
    """:meth:`Tensor.asinh` as a function."""
    return as_tensor(input).asinh()


def arctanh(input: Any) -> Tensor:
    """:meth:`Tensor.atanh` as a function."""
    return as_tensor(input).atanh()


def erfc(input: Any) -> Tensor:
    """:meth:`Tensor.erfc` as a function."""
    return as_tensor(input).erfc()


def erfinv(input: Any) -> Tensor:
    """:meth:`Tensor.erfinv` as a function."""
    return as_tensor(input).erfinv()


def sinc(input: Any) -> Tensor:
    """:meth:`Tensor.sinc` as a function."""
    return as_tensor(input).sinc()


def frac(input: Any) -> Tensor:
    """:meth:`Tensor.frac` as a function."""
    return as_tensor(input).frac()


def deg2rad(input: Any) -> Tensor:
    """:meth:`Tensor.deg2rad` as a function."""
    return as_tensor(input).deg2rad()


def rad2deg(input: Any) -> Tensor:
    """:meth:`Tensor.rad2deg` as a function."""
    return as_tensor(input).rad2deg()


def signbit(input: Any) -> Tensor:
    """:meth:`Tensor.signbit` as a function."""
    return as_tensor(input).signbit()


def isposinf(input: Any) -> Tensor:
    """:meth:`Tensor.isposinf` as a function."""
    return as_tensor(input).isposinf()


def isneginf(input: Any) -> Tensor:
    """:meth:`Tensor.isneginf` as a function."""
    return as_tensor(input).isneginf()


def logit(input: Any, eps: float | None = None) -> Tensor:
    """:meth:`Tensor.logit` as a function."""
    return as_tensor(input).logit(eps)


def nan_to_num(
    input: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """:meth:`Tensor.nan_to_num` as a function."""
    return as_tensor(input).nan_to_num(nan, posinf, neginf)


def cummax(input: Any, dim: Any = None) -> ValuesIndices:
    """:meth:`Tensor.cummax` as a function."""
    return as_tensor(input).cummax(dim)


def cummin(input: Any, dim: Any = None) -> ValuesIndices:
    """:meth:`Tensor.cummin` as a function."""
    return as_tensor(input).cummin(dim)


def logcumsumexp(input: Any, dim: Any = None) -> Tensor:
    """:meth:`Tensor.logcumsumexp` as a function."""
    return as_tensor(input).logcumsumexp(dim)
