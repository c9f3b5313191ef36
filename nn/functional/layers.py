"""Layers as functions: :func:`linear`, :func:`dropout`, :func:`pad`, :func:`one_hot` and
:func:`embedding`."""

from __future__ import annotations

from typing import Any

import numpy as np

import minigrad
from minigrad import ShapeError, Tensor, apply, backend, concat, ops


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` over the last axis of ``x``, as one graph node.

    One op (:class:`minigrad.ops.Linear`) rather than three (transpose, matmul, add): its
    forward folds the leading axes of ``x`` into the rows of one matmul, and its backward
    gives x, weight and bias their gradients directly.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> x = minigrad.ones(4, 3)
    >>> w = minigrad.tensor([[1.0, 2.0, 3.0]])
    >>> F.linear(x, w, minigrad.tensor([0.5])).tolist()
    [[6.5], [6.5], [6.5], [6.5]]
    """
    if bias is None:
        return apply(ops.Linear(), x, weight)
    return apply(ops.Linear(), x, weight, bias)


def check_probability(p: float, who: str) -> None:
    """Raise a ValueError unless ``0 ≤ p ≤ 1``."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{who}: dropout probability must be in [0, 1], got {p}")


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1−p).

    The identity when ``training`` is False or ``p`` is 0, so evaluation needs no rescaling.
    Random numbers come from minigrad's generator: :func:`minigrad.manual_seed` reproduces them.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> minigrad.manual_seed(0)
    >>> kept = F.dropout(minigrad.ones(1000), p=0.25).numpy()
    >>> sorted(set(kept.round(4).tolist()))
    [0.0, 1.3333]
    """
    check_probability(p, "dropout")
    if not training or p == 0.0:
        return x
    xp = backend.namespace(x.array)
    if p == 1.0:
        return x * Tensor(xp.zeros_like(x.array))
    name = backend.dtype_name(x.dtype)
    draws = backend.random_uniform(tuple(x.shape), 0.0, 1.0, name, like=x.array)
    mask = xp.astype(draws >= p, x.dtype) / (1.0 - p)
    return x * Tensor(mask)


def one_hot(tensor: Any, num_classes: int = -1) -> Tensor:
    """``(…, num_classes)`` int64 rows with a 1 at each class id (not differentiable).

    ``num_classes=-1`` takes one more than the largest id, as PyTorch does.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.one_hot(minigrad.tensor([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    ids = tensor.array if isinstance(tensor, Tensor) else np.asarray(tensor)
    host = np.asarray(backend.to_numpy(ids))
    if host.dtype.kind not in "iu":
        raise TypeError(f"one_hot needs integer class ids, got dtype {host.dtype}")
    classes = int(host.max()) + 1 if num_classes == -1 and host.size else num_classes
    if host.size and (host.min() < 0 or host.max() >= classes):
        raise ValueError(
            f"one_hot: class ids must be in [0, {classes}), got {host.min()} to {host.max()}"
        )
    rows = (host[..., None] == np.arange(classes)).astype(np.int64)
    xp = backend.namespace(ids)
    return Tensor.from_array(backend.asarray_on(xp, rows, like=ids))


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pad with ``value`` (``pad`` lists (left, right) for the last axis, then the one before
    it, …); negative amounts crop. The padding has no gradient; the input's passes through.

    ``mode="reflect"`` mirrors the values next to the edge (not the edge itself),
    ``"replicate"`` repeats the edge, ``"circular"`` wraps around; these pad the last 1–3 axes
    of a tensor with one or two axes more (batch, channels), as PyTorch, and the padded
    values send their gradient back to the elements they copy.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.pad(minigrad.tensor([[1.0, 2.0]]), (1, 0, 0, 1)).tolist()
    [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]
    >>> F.pad(minigrad.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect").tolist()
    [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    """
    if mode in ("reflect", "replicate", "circular"):
        return _pad_by_copy(input, [int(p) for p in pad], mode)
    if mode != "constant":
        raise ShapeError(
            f"pad mode must be 'constant', 'reflect', 'replicate' or 'circular', got {mode!r}"
        )
    amounts = [int(p) for p in pad]
    if len(amounts) % 2 or len(amounts) // 2 > input.ndim:
        raise ValueError(
            f"pad needs (left, right) pairs for at most {input.ndim} axes, got {tuple(pad)}"
        )
    out = input
    for k in range(len(amounts) // 2):
        out = _pad_axis(out, input.ndim - 1 - k, amounts[2 * k], amounts[2 * k + 1], value)
    return out


def _pad_by_copy(x: Tensor, amounts: list[int], mode: str) -> Tensor:
    """Reflect, replicate or circular padding: each padded axis re-indexed (a gather whose
    backward adds the copies' gradients to the elements they copy)."""
    axes = len(amounts) // 2
    if len(amounts) % 2 or not 1 <= axes <= 3 or x.ndim not in (axes + 1, axes + 2):
        raise ShapeError(
            f"pad(mode={mode!r}) with {len(amounts)} amounts pads the last {axes} axes of a "
            f"{axes + 1}-D or {axes + 2}-D tensor; got shape {x.shape}"
        )
    out = x
    for k in range(axes):
        axis = x.ndim - 1 - k
        left, right = amounts[2 * k], amounts[2 * k + 1]
        size = out.shape[axis]
        positions = np.arange(-left, size + right)
        if mode == "reflect":
            if size == 0 or max(left, right) >= size:
                raise ShapeError(
                    f"pad(mode='reflect') needs amounts below the axis size {size}; got "
                    f"({left}, {right}) for axis {axis} of shape {x.shape}"
                )
            period = 2 * (size - 1) or 1
            folded = np.mod(positions, period)
            index = np.where(folded < size, folded, period - folded)
        elif mode == "replicate":
            if size == 0:
                raise ShapeError(f"pad(mode='replicate') of an empty axis {axis}: {x.shape}")
            index = np.clip(positions, 0, size - 1)
        else:  # PyTorch crops first (negative amounts), then wraps within what is left
            start, stop = max(-left, 0), size - max(-right, 0)
            left, right, size = max(left, 0), max(right, 0), max(stop - start, 0)
            positions = np.arange(-left, size + right) + start
            if max(left, right) > size:
                raise ShapeError(
                    f"pad(mode='circular') wraps at most once: ({left}, {right}) for axis "
                    f"{axis} of size {size}"
                )
            index = np.mod(positions - start, size) + start if size else positions[:0]
        out = out.index_select(axis, minigrad.tensor(index.astype(np.int64)))
    return out


def _pad_axis(x: Tensor, axis: int, left: int, right: int, value: float) -> Tensor:
    """``x`` cropped (negative amounts) and padded with ``value`` on both sides of ``axis``."""
    lead = (slice(None),) * axis
    size = x.shape[axis]
    start, stop = max(-left, 0), size - max(-right, 0)
    if start or stop != size:
        x = x[(*lead, slice(start, stop), Ellipsis)]
    xp = backend.namespace(x.array)
    pieces = []
    for amount in (left, right):
        shape = (*x.shape[:axis], max(amount, 0), *x.shape[axis + 1 :])
        pieces.append(Tensor.from_array(xp.full(shape, value, dtype=x.dtype)))
    if left <= 0 and right <= 0:
        return x
    return concat([pieces[0], x, pieces[1]], axis)


def embedding(
    input: Any,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight`` picked by the integer ids ``input`` (PyTorch's argument order;
    :func:`minigrad.embedding` takes ``(weight, ids)`` as ``torch.embedding`` does).

    ``padding_idx``'s row gets no gradient; ``max_norm`` first rescales, in place, each row
    ``input`` reads whose ``norm_type``-norm exceeds it (as PyTorch); ``scale_grad_by_freq``
    divides each row's gradient by how often ``input`` reads it. ``sparse`` is accepted; the
    gradient is always dense.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> w = minigrad.tensor([[0.0, 1.0], [2.0, 3.0]], requires_grad=True)
    >>> F.embedding(minigrad.tensor([1, 1, 0]), w, padding_idx=0).sum().backward()
    >>> w.grad.tolist()
    [[0.0, 0.0], [2.0, 2.0]]
    """
    ids = input if isinstance(input, Tensor) else minigrad.tensor(np.asarray(input))
    if weight.ndim != 2:
        raise ShapeError(f"embedding weight must be 2-D (rows, features), got {weight.shape}")
    rows = weight.shape[0]
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise ShapeError(f"padding_idx {padding_idx} is outside the {rows} rows of weight")
        padding_idx %= rows
    if max_norm is not None:
        _renorm_rows(weight, ids, max_norm, norm_type)
    out = minigrad.embedding(weight, ids)
    if padding_idx is not None:
        padded = (ids == padding_idx).unsqueeze(-1)
        out = minigrad.where(padded, minigrad.embedding(weight.detach(), ids), out)
    if scale_grad_by_freq and out.requires_grad:
        flat = backend.to_numpy(ids.array).reshape(-1)
        counts = np.bincount(flat, minlength=rows)[flat].reshape((*ids.shape, 1))
        scale = minigrad.as_tensor(1.0 / counts - 1.0, like=out).to(backend.dtype_name(out.dtype))
        out = out + (out - out.detach()) * scale  # values unchanged; gradient ÷ count
    return out


def _renorm_rows(weight: Tensor, ids: Tensor, max_norm: float, norm_type: float) -> None:
    """PyTorch's ``embedding_renorm_``: the rows ``ids`` read, scaled in place to norm ≤ max."""
    used = np.unique(backend.to_numpy(ids.array))
    host = backend.to_numpy(weight.array)[used]
    norms = np.linalg.norm(host, ord=norm_type, axis=1)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    xp = backend.namespace(weight.array)
    index = backend.asarray_on(xp, used, like=weight.array)
    updated = backend.asarray_on(xp, (host * scale[:, None]).astype(host.dtype), like=weight.array)
    weight.array[index] = updated
