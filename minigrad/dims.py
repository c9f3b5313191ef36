"""Axis arguments: PyTorch's ``dim``/``keepdim`` beside NumPy's ``axis``/``keepdims``, checked.

Every axis-taking function resolves its keywords here, so both spellings work everywhere and a
wrong axis fails the same way everywhere: an :class:`AxisError` (an ``IndexError``, as in
PyTorch, and a ``ValueError``, as NumPy's ``AxisError``) naming the op, the axis and the shape.
"""

from __future__ import annotations

from typing import Any


class AxisError(IndexError, ValueError):
    """An axis outside a tensor's dimensions (``IndexError`` like PyTorch, ``ValueError`` like
    NumPy's ``AxisError``)."""


class ShapeError(ValueError, RuntimeError):
    """A shape, size or argument that an op cannot take: a ``ValueError`` (as minigrad has
    always raised) that is also the ``RuntimeError`` PyTorch raises, so ``except
    RuntimeError`` written for PyTorch catches it.

    Examples
    --------
    >>> import minigrad
    >>> try:
    ...     minigrad.ones(2, 3) @ minigrad.ones(2, 3)
    ... except RuntimeError as error:
    ...     print(type(error).__name__, isinstance(error, ValueError))
    ShapeError True
    """


class IndexOutOfRangeError(IndexError, RuntimeError):
    """An index outside the size it indexes: an ``IndexError`` that is also the
    ``RuntimeError`` PyTorch raises for out-of-range gather, scatter and embedding ids."""


class DTypeError(TypeError, RuntimeError):
    """Operands whose dtypes an op will not mix (``scatter`` of float32 into float64): a
    ``TypeError`` that is also the ``RuntimeError`` PyTorch raises."""


def both_classes(exc: BaseException) -> type:
    """The class to re-raise ``exc`` as: a plain ``ValueError``/``IndexError`` (from an array
    library) becomes the :class:`ShapeError`/:class:`IndexOutOfRangeError` that is also
    PyTorch's ``RuntimeError``; any other class stays."""
    kind = type(exc)
    return (
        ShapeError if kind is ValueError else IndexOutOfRangeError if kind is IndexError else kind
    )


def axis_arg(op: str, axis: Any, dim: Any) -> Any:
    """The axis given as NumPy's ``axis=`` or PyTorch's ``dim=`` (None when neither).

    Examples
    --------
    >>> axis_arg("sum", None, 1), axis_arg("sum", 0, None)
    (1, 0)
    """
    if dim is None:
        return axis
    if axis is not None:
        raise TypeError(
            f"{op}() got both axis={axis!r} and dim={dim!r}; they are the same argument "
            "(NumPy's and PyTorch's names), pass only one"
        )
    return dim


def keep_arg(op: str, keepdims: Any, keepdim: Any) -> bool:
    """``keepdims`` (NumPy) or ``keepdim`` (PyTorch), whichever was given; False by default.

    Examples
    --------
    >>> keep_arg("sum", None, True), keep_arg("sum", True, None), keep_arg("sum", None, None)
    (True, True, False)
    """
    if keepdim is None:
        return bool(keepdims)
    if keepdims is not None:
        raise TypeError(
            f"{op}() got both keepdims={keepdims!r} and keepdim={keepdim!r}; they are the same "
            "argument (NumPy's and PyTorch's names), pass only one"
        )
    return bool(keepdim)


def check_axis(op: str, axis: Any, shape: tuple[int, ...], extra: int = 0) -> int:
    """``axis`` as a non-negative int for a tensor of ``shape``, or :class:`AxisError`.

    ``extra`` widens the range for ops that insert axes (``stack``, ``unsqueeze``: 1). A 0-d
    tensor accepts ``0`` and ``-1``, as in PyTorch.

    Examples
    --------
    >>> check_axis("softmax", -1, (2, 3))
    1
    >>> check_axis("sum", -1, ())
    0
    """
    if isinstance(axis, bool) or not isinstance(axis, int):
        try:
            axis = int(axis.__index__())
        except (AttributeError, TypeError):
            raise TypeError(f"{op}: axis must be an int, got {type(axis).__name__}") from None
    size = max(len(shape) + extra, 1)
    if not -size <= axis < size:
        raise AxisError(
            f"{op}: axis {axis} is out of range for a tensor of shape {tuple(shape)} "
            f"(expected an axis in [{-size}, {size - 1}])"
        )
    return axis % size


def check_axes(op: str, axis: Any, shape: tuple[int, ...]) -> Any:
    """``axis`` (None, an int or a sequence of ints) checked against ``shape``.

    Returns None for all axes, else a tuple of non-negative axes; a 0-d tensor's ``0``/``-1``
    become ``()`` (nothing to reduce).

    Examples
    --------
    >>> check_axes("sum", (0, -1), (2, 3, 4))
    (0, 2)
    >>> check_axes("sum", 0, ())
    ()
    """
    if axis is None:
        return None
    items = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(check_axis(op, a, shape) for a in items)
    if not shape:
        return ()
    if len(set(axes)) != len(axes):
        raise ShapeError(f"{op}: axis {axis} repeats an axis of a tensor of shape {tuple(shape)}")
    return axes


def reduce_axes(
    op: str,
    shape: tuple[int, ...],
    dim: Any = None,
    axis: Any = None,
    keepdim: Any = None,
    keepdims: Any = None,
) -> tuple[Any, bool]:
    """The axes (None for all, else a tuple) and keepdims of a reduction, from either spelling.

    The one parser of the reductions' ``dim``/``axis`` and ``keepdim``/``keepdims``.

    Examples
    --------
    >>> reduce_axes("sum", (2, 3), dim=-1, keepdims=True)
    ((1,), True)
    >>> reduce_axes("sum", (2, 3))
    (None, False)
    """
    axes = check_axes(op, axis_arg(op, axis, dim), shape)
    return axes, keep_arg(op, keepdims, keepdim)


def one_axis(
    op: str,
    shape: tuple[int, ...],
    dim: Any = None,
    axis: Any = None,
    default: int | None = None,
    extra: int = 0,
) -> int:
    """The one checked axis of an op that takes exactly one, given as ``dim`` or ``axis``.

    ``default`` is used when neither is given; without one the op needs an axis.

    Examples
    --------
    >>> one_axis("softmax", (2, 3), default=-1), one_axis("cumsum", (2, 3), axis=0)
    (1, 0)
    """
    value = axis_arg(op, axis, dim)
    if value is None:
        if default is None:
            raise TypeError(f"{op}() needs an axis: pass dim= (or axis=)")
        value = default
    return check_axis(op, value, shape, extra)


def optional_axis(op: str, shape: tuple[int, ...], dim: Any = None, axis: Any = None) -> Any:
    """One checked axis given as ``dim`` or ``axis``, or None when neither is given.

    Examples
    --------
    >>> optional_axis("prod", (2, 3), axis=-1), optional_axis("prod", (2, 3))
    (1, None)
    """
    value = axis_arg(op, axis, dim)
    return None if value is None else check_axis(op, value, shape)


Axis = int | tuple[int, ...] | None


def normalize_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints; ``None`` means all of them.

    What an op does with the axes it was given (already checked by :func:`check_axes` when
    they came from a user).

    Examples
    --------
    >>> normalize_axes(None, 3), normalize_axes(-1, 3), normalize_axes((2, 0), 3)
    ((0, 1, 2), (2,), (0, 2))
    """
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
        raise ShapeError(f"axis {axis} repeats an axis")
    return tuple(sorted(normalized)) if ndim else ()


def normalize_axis(axis: int, ndim: int) -> int:
    """One axis as a non-negative int; a 0-d tensor takes ``0`` or ``-1`` (as in PyTorch).

    Examples
    --------
    >>> normalize_axis(-1, 3), normalize_axis(-1, 0)
    (2, 0)
    """
    return normalize_axes(axis, max(ndim, 1))[0]
