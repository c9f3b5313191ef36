"""Shape methods: reshape/view, flatten, permute/transpose, broadcast, (un)squeeze, split,
chunk, repeat, tile; and the functions that join tensors, :func:`stack` and :func:`concat`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from minigrad import ops
from minigrad.dims import ShapeError, axis_arg, check_axes, check_axis, one_axis
from minigrad.methods._common import promote_all, shape_arg
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


def stack(tensors: Sequence[Any], dim: Any = None, *, axis: Any = None) -> Tensor:
    """Join same-shaped tensors along a new axis ``dim``/``axis`` (default 0).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.stack([minigrad.ones(2), minigrad.zeros(2)], dim=1).shape
    (2, 2)
    """
    items = promote_all(tensors, "stack")
    shapes = {t.shape for t in items}
    if len(shapes) > 1:
        raise ShapeError(f"stack needs tensors of one shape, got shapes {sorted(shapes)}")
    axis = one_axis("stack", items[0].shape, dim, axis, default=0, extra=1)
    return apply(ops.Stack(axis), *items)


def concat(tensors: Sequence[Any], dim: Any = None, *, axis: Any = None) -> Tensor:
    """Join tensors along an existing axis ``dim``/``axis`` (default 0).

    Examples
    --------
    >>> import minigrad
    >>> minigrad.concat([minigrad.ones(2), minigrad.zeros(3)]).shape
    (5,)
    """
    items = promote_all(tensors, "concat")
    if any(t.ndim > 1 for t in items) and any(t.shape == (0,) for t in items):
        # PyTorch's legacy rule: a 1-D empty tensor is skipped beside tensors of more axes
        items = [t for t in items if t.shape != (0,)]
    if items[0].ndim == 0:
        raise ShapeError("concat needs tensors with at least one dimension; use stack")
    axis = one_axis("concat", items[0].shape, dim, axis, default=0)
    return apply(ops.Concat(axis), *items)


class ShapeMethods:
    """The same values in another shape or layout; gradients flow back through each.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.zeros(2, 3)
    >>> x.T.shape, x.reshape(3, 2).shape, x.unsqueeze(0).shape
    ((3, 2), (3, 2), (1, 2, 3))
    """

    __slots__ = ()

    @property
    def T(self: Tensor) -> Tensor:  # noqa: N802 (NumPy's name)
        """All axes reversed (NumPy's ``.T``)."""
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self: Tensor) -> Tensor:  # noqa: N802 (Array API's name)
        """The last two axes swapped (a batch of matrices transposed)."""
        return self.transpose(-2, -1)

    def contiguous(self: Tensor) -> Tensor:
        """``self``: minigrad's arrays need no memory-layout step (PyTorch's no-op case)."""
        return self

    def reshape(self: Tensor, *shape: Any) -> Tensor:
        """The same values in another shape (one axis may be -1)."""
        shape = shape_arg(shape)
        if shape == self.shape:
            return self
        return apply(ops.Reshape(shape), self)

    view = reshape

    def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Axes ``start_dim`` to ``end_dim`` (all by default) merged into one.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(2, 3, 4).flatten(1).shape
        (2, 12)
        """
        if self.ndim == 0:
            return self.reshape(1)
        start = check_axis("flatten", start_dim, self.shape)
        end = check_axis("flatten", end_dim, self.shape)
        if start > end:
            raise ShapeError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor "
                f"of shape {self.shape}"
            )
        merged = math.prod(self.shape[start : end + 1])
        return self.reshape((*self.shape[:start], merged, *self.shape[end + 1 :]))

    def ravel(self: Tensor) -> Tensor:
        """All values as one axis (``flatten()``).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(2, 3).ravel().shape
        (6,)
        """
        return self.reshape(-1)

    def unflatten(self: Tensor, dim: int, sizes: Any) -> Tensor:
        """Axis ``dim`` split into ``sizes`` (one of them may be -1): ``flatten``'s inverse.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(2, 12).unflatten(1, (3, -1)).shape
        (2, 3, 4)
        """
        axis = check_axis("unflatten", dim, self.shape)
        sizes = tuple(int(n) for n in sizes)
        if not sizes:
            raise ShapeError("unflatten needs at least one size")
        size = self.shape[axis] if self.ndim else 1
        known = math.prod(n for n in sizes if n != -1)
        if (
            sizes.count(-1) > 1
            or (-1 not in sizes and known != size)
            or (-1 in sizes and (known == 0 or size % known))
        ):
            raise ShapeError(
                f"unflatten: sizes {sizes} do not multiply to the size {size} of axis {dim} "
                f"(shape {self.shape})"
            )
        return self.reshape((*self.shape[:axis], *sizes, *self.shape[axis + 1 :]))

    def permute(self: Tensor, *axes: Any) -> Tensor:
        """Reorder the axes (``x.permute(2, 0, 1)``)."""
        axes = tuple(check_axis("permute", a, self.shape) for a in shape_arg(axes))
        return apply(ops.Permute(axes), self)

    def transpose(self: Tensor, dim0: int = -2, dim1: int = -1) -> Tensor:
        """Swap two axes (the last two by default)."""
        if self.ndim < 2:  # a 0-d or 1-D tensor swaps an axis with itself (as PyTorch)
            for d in (dim0, dim1):
                check_axis("transpose", d, self.shape)
            return self
        axes = list(range(self.ndim))
        dim0, dim1 = (check_axis("transpose", d, self.shape) for d in (dim0, dim1))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return apply(ops.Permute(tuple(axes)), self)

    def t(self: Tensor) -> Tensor:
        """A matrix transposed; a 0-d or 1-D tensor as it is (PyTorch's ``t``)."""
        if self.ndim > 2:
            raise ShapeError(
                f"t() expects a tensor with at most 2 dimensions, this one has shape "
                f"{self.shape}; use transpose(dim0, dim1) or permute"
            )
        return self if self.ndim < 2 else self.transpose(0, 1)

    def broadcast_to(self: Tensor, *shape: Any) -> Tensor:
        """Repeat along size-1 (or new leading) axes to ``shape``; gradients sum back."""
        shape = shape_arg(shape)
        if shape == self.shape:
            return self
        return apply(ops.BroadcastTo(shape), self)

    def expand(self: Tensor, *sizes: Any) -> Tensor:
        """:meth:`broadcast_to`, where -1 keeps an existing axis's size (PyTorch's ``expand``).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(3, 1).expand(-1, 4).shape
        (3, 4)
        """
        shape = list(shape_arg(sizes))
        lead = len(shape) - self.ndim
        for i, n in enumerate(shape):
            if n == -1:
                if i < lead:
                    raise ShapeError(
                        f"expand: -1 is not allowed for the new leading axis {i} of {tuple(shape)}"
                    )
                shape[i] = self.shape[i - lead]
        return self.broadcast_to(tuple(shape))

    def unsqueeze(self: Tensor, dim: Any = None, *, axis: Any = None) -> Tensor:
        """Insert a size-1 axis at ``dim``/``axis``."""
        axis = one_axis("unsqueeze", self.shape, dim, axis, extra=1)
        shape = list(self.shape)
        shape.insert(axis, 1)
        return self.reshape(tuple(shape))

    def squeeze(self: Tensor, dim: Any = None, *, axis: Any = None) -> Tensor:
        """Drop size-1 axes: all, or those named by ``dim``/``axis`` (an int or a tuple).

        As in PyTorch, naming an axis whose size is not 1 leaves it in place.
        """
        axes = check_axes("squeeze", axis_arg("squeeze", axis, dim), self.shape)
        if axes is None:
            axes = range(self.ndim)
        shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return self.reshape(shape)

    def split(
        self: Tensor,
        split_size_or_sections: int | Sequence[int],
        dim: Any = None,
        *,
        axis: Any = None,
    ) -> list[Tensor]:
        """Split along ``dim``/``axis`` (default 0) into pieces of one size (the last may be
        smaller) or of the given sizes.

        Examples
        --------
        >>> import minigrad
        >>> [p.shape for p in minigrad.ones(5).split(2)]
        [(2,), (2,), (1,)]
        """
        if self.ndim == 0:
            raise ShapeError("split needs a tensor with at least one dimension")
        axis = one_axis("split", self.shape, dim, axis, default=0)
        length = self.shape[axis]
        if isinstance(split_size_or_sections, int):
            if split_size_or_sections <= 0:
                raise ShapeError(f"split size must be positive, got {split_size_or_sections}")
            sizes = [split_size_or_sections] * (length // split_size_or_sections)
            if length % split_size_or_sections:
                sizes.append(length % split_size_or_sections)
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != length:
                raise ShapeError(
                    f"split sizes {sizes} add up to {sum(sizes)}, not to axis length {length}"
                )
        lead = (slice(None),) * axis
        pieces, start = [], 0
        for size in sizes:
            pieces.append(self[(*lead, slice(start, start + size), Ellipsis)])
            start += size
        return pieces

    def chunk(self: Tensor, chunks: int, dim: Any = None, *, axis: Any = None) -> list[Tensor]:
        """Split into ``chunks`` pieces of ⌈n/chunks⌉ along ``dim``/``axis`` (default 0)
        (fewer if that covers the axis already).

        Examples
        --------
        >>> import minigrad
        >>> [p.shape for p in minigrad.ones(5).chunk(3)]
        [(2,), (2,), (1,)]
        """
        if chunks <= 0:
            raise ShapeError(f"chunk needs a positive number of chunks, got {chunks}")
        axis = one_axis("chunk", self.shape, dim, axis, default=0)
        return self.split(max(math.ceil(self.shape[axis] / chunks), 1), axis)

    def repeat(self: Tensor, *sizes: Any) -> Tensor:
        """Tile ``sizes[i]`` times along each axis (PyTorch's ``Tensor.repeat``); the copies'
        gradients sum back (reshape + expand).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.tensor([1.0, 2.0]).repeat(2, 2).tolist()
        [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
        """
        sizes = shape_arg(sizes)
        if len(sizes) < self.ndim:
            raise ShapeError(
                f"repeat needs at least {self.ndim} sizes (one per axis), got {len(sizes)}"
            )
        shape = (1,) * (len(sizes) - self.ndim) + tuple(self.shape)
        spread = tuple(v for n in shape for v in (1, n))
        expanded = tuple(v for r, n in zip(sizes, shape, strict=True) for v in (r, n))
        copies = self.reshape(spread).broadcast_to(expanded)
        return copies.reshape(tuple(r * n for r, n in zip(sizes, shape, strict=True)))

    def narrow(self: Tensor, dim: int, start: Any, length: int) -> Tensor:
        """``length`` entries of axis ``dim`` from ``start`` on (negative ``start`` counts from
        the end), as ``torch.narrow``: a slice, differentiable (the gradient is zero outside).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.arange(12).reshape(3, 4)
        >>> x.narrow(1, 1, 2).tolist()
        [[1, 2], [5, 6], [9, 10]]
        >>> x.narrow(0, -1, 1).tolist()
        [[8, 9, 10, 11]]
        """
        if self.ndim == 0:
            raise ShapeError("narrow() cannot be applied to a 0-d tensor")
        axis = check_axis("narrow", dim, self.shape)
        size = self.shape[axis]
        start, length = _int_arg("narrow", "start", start), _int_arg("narrow", "length", length)
        if not -size <= start <= size:
            raise IndexError(
                f"narrow: start {start} is out of range for dimension {axis} of size {size} "
                f"(expected a start in [{-size}, {size}])"
            )
        if start < 0:
            start += size
        if length < 0 or start + length > size:
            raise ShapeError(
                f"narrow: start ({start}) + length ({length}) exceeds dimension size ({size}); "
                "the length must be in [0, size - start]"
            )
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def tile(self: Tensor, *dims: Any) -> Tensor:
        """Like :meth:`repeat`, with missing leading counts taken as 1."""
        dims = shape_arg(dims)
        return self.repeat((1,) * (self.ndim - len(dims)) + dims)


def _int_arg(op: str, name: str, value: Any) -> int:
    """An int argument that may be given as a one-element integer tensor (``operator.index``)."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int, got {type(value).__name__}") from None


def meshgrid(*tensors: Any, indexing: str = "ij") -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D (or 0-d) tensors: output ``i`` repeats ``tensors[i]`` along
    every other axis. ``indexing="xy"`` swaps the first two axes (NumPy's default);
    PyTorch's and minigrad's default is ``"ij"``.

    Examples
    --------
    >>> import minigrad
    >>> x, y = minigrad.tensor([1.0, 2.0]), minigrad.tensor([3.0, 4.0, 5.0])
    >>> rows, cols = minigrad.meshgrid(x, y)
    >>> rows.shape, cols.tolist()[0]
    ((2, 3), [3.0, 4.0, 5.0])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing not in ("ij", "xy"):
        raise ShapeError(f"meshgrid indexing must be 'ij' or 'xy', got {indexing!r}")
    if not tensors:
        raise ShapeError("meshgrid needs at least one tensor")
    for t in tensors:
        if t.ndim > 1:
            raise ShapeError(f"meshgrid takes 0-d or 1-D tensors, got shape {t.shape}")
    if len({str(t.dtype) for t in tensors}) > 1:
        raise ShapeError(
            "meshgrid needs tensors of one dtype, got " + ", ".join(str(t.dtype) for t in tensors)
        )
    flat = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(flat) > 1
    order = [1, 0, *range(2, len(flat))] if swap else list(range(len(flat)))
    shape = tuple(flat[i].shape[0] for i in order)
    grids = []
    for i, t in enumerate(flat):
        position = order.index(i)
        view = [1] * len(flat)
        view[position] = -1
        grids.append(t.reshape(tuple(view)).broadcast_to(shape))
    return tuple(grids)
