"""The axis-taking tensor methods as functions, PyTorch style: ``minigrad.sum(x, 1)``.

Each takes the axis positionally (PyTorch's ``dim``) or by keyword (``dim=`` or NumPy's
``axis=``), and ``keepdim=``/``keepdims=``; each is the method of the same name, which holds
the logic and the documentation. As in PyTorch, ``max(x, dim)`` and ``min(x, dim)`` give
``(values, indices)``.

Examples
--------
>>> import minigrad
>>> x = minigrad.tensor([[1.0, 3.0], [4.0, 2.0]])
>>> minigrad.sum(x, 1).tolist(), minigrad.max(x, dim=0).indices.tolist()
([4.0, 6.0], [1, 0])
"""

from __future__ import annotations

from typing import Any

from minigrad.tensor import Tensor

__all__ = [
    "all",
    "any",
    "argmax",
    "argmin",
    "flatten",
    "log_softmax",
    "logsumexp",
    "max",
    "mean",
    "min",
    "softmax",
    "squeeze",
    "sum",
    "unsqueeze",
]


def _t(input: Any) -> Tensor:
    return input if isinstance(input, Tensor) else Tensor(input)


def sum(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.sum` as a function."""
    return _t(input).sum(dim, keepdim, **numpy_names)


def mean(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.mean` as a function."""
    return _t(input).mean(dim, keepdim, **numpy_names)


def max(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Any:
    """:meth:`Tensor.max` as a function (``(values, indices)`` when ``dim`` is given)."""
    return _t(input).max(dim, keepdim, **numpy_names)


def min(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Any:
    """:meth:`Tensor.min` as a function (``(values, indices)`` when ``dim`` is given)."""
    return _t(input).min(dim, keepdim, **numpy_names)


def logsumexp(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.logsumexp` as a function."""
    return _t(input).logsumexp(dim, keepdim, **numpy_names)


def argmax(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.argmax` as a function."""
    return _t(input).argmax(dim, keepdim, **numpy_names)


def argmin(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.argmin` as a function."""
    return _t(input).argmin(dim, keepdim, **numpy_names)


def any(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.any` as a function."""
    return _t(input).any(dim, keepdim, **numpy_names)


def all(input: Any, dim: Any = None, keepdim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.all` as a function."""
    return _t(input).all(dim, keepdim, **numpy_names)


def softmax(input: Any, dim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.softmax` as a function."""
    return _t(input).softmax(dim, **numpy_names)


def log_softmax(input: Any, dim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.log_softmax` as a function."""
    return _t(input).log_softmax(dim, **numpy_names)


def squeeze(input: Any, dim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.squeeze` as a function."""
    return _t(input).squeeze(dim, **numpy_names)


def unsqueeze(input: Any, dim: Any = None, **numpy_names: Any) -> Tensor:
    """:meth:`Tensor.unsqueeze` as a function."""
    return _t(input).unsqueeze(dim, **numpy_names)


def flatten(input: Any, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """:meth:`Tensor.flatten` as a function."""
    return _t(input).flatten(start_dim, end_dim)
