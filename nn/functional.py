"""Layers, losses and activations as functions (PyTorch's ``torch.nn.functional``).

Class axis convention
---------------------
:func:`cross_entropy` and :func:`nll_loss` follow PyTorch by default: the classes are on axis
1, so inputs are ``(N, C)`` with targets ``(N,)``, or ``(N, C, d1, …)`` with targets
``(N, d1, …)``. Recurrent language models produce ``(T, B, C)`` logits with ``(T, B)``
targets: pass ``axis=-1`` for those (no transpose needed).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from minigrad import Tensor, backend, ops
from minigrad.op import Op, apply

_REDUCTIONS = ("mean", "sum", "none")


# ---------------------------------------------------------------------- layers


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


# ---------------------------------------------------------------------- activations


def relu(x: Tensor) -> Tensor:
    """max(x, 0), element-wise.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.relu(minigrad.tensor([-1.0, 3.0])).tolist()
    [0.0, 3.0]
    """
    return x.relu()


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, else ``negative_slope`` × x.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.leaky_relu(minigrad.tensor([-2.0]), 0.5).tolist()
    [-1.0]
    """
    return x.leaky_relu(negative_slope)


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent, element-wise.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.tanh(minigrad.zeros(1)).tolist()
    [0.0]
    """
    return x.tanh()


def sigmoid(x: Tensor) -> Tensor:
    """Logistic sigmoid, element-wise.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.sigmoid(minigrad.zeros(1)).tolist()
    [0.5]
    """
    return x.sigmoid()


def softmax(x: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """exp(x) / Σ exp(x) along ``dim``/``axis`` (default: the last axis; stable for large x).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.softmax(minigrad.tensor([[1000.0, 1000.0]])).tolist()
    [[0.5, 0.5]]
    """
    return x.softmax(dim, axis=axis)


def log_softmax(x: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """x − logsumexp(x) along ``dim``/``axis`` (default: the last axis; stable for large x).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.log_softmax(minigrad.tensor([[0.0, 0.0]])).tolist()[0][0]
    -0.6931
    """
    return x.log_softmax(dim, axis=axis)


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
    xp = backend.namespace(x.data)
    if p == 1.0:
        return x * Tensor(xp.zeros_like(x.data))
    name = backend.dtype_name(x.dtype)
    draws = backend.random_uniform(tuple(x.shape), 0.0, 1.0, name, like=x.data)
    mask = xp.astype(draws >= p, x.dtype) / (1.0 - p)
    return x * Tensor(mask)


# ---------------------------------------------------------------------- helpers


def _check_reduction(reduction: str, who: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{who}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _as_tensor(value: Any, like: Tensor) -> Tensor:
    """``value`` as a Tensor on ``like``'s backend and device (Tensors pass through)."""
    if isinstance(value, Tensor):
        return value
    xp = backend.namespace(like.data)
    if isinstance(value, (int, float, list, tuple)):
        value = np.asarray(value)
        if value.dtype.kind == "f":  # Python floats follow the input, as Tensor ops do
            value = value.astype(backend.dtype_name(like.dtype))
    if backend.namespace(value) is not xp:
        value = backend.asarray_on(xp, backend.to_numpy(value), like=like.data)
    return Tensor(value)


def _reduce(losses: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


# ---------------------------------------------------------------------- classification


def _targets(xp: Any, ids: Any, ignore_index: int | None, dtype: Any) -> tuple[Any, Any, Any]:
    """Safe column ids, the ``(M,)`` 1/0 mask of counted rows, and their count.

    Ignored rows point at class 0 with weight 0. With ``ignore_index=None`` (no row is
    ignored, the usual case) the mask is ``None`` and the count is M. Gathering and scattering
    one column per row (:func:`minigrad.backend.take_along_rows`, ``add_along_rows``) touches
    M numbers, where a ``(M, C)`` one-hot mask would build, multiply and sum M·C of them.
    """
    if ignore_index is None:
        return ids, None, ids.shape[0]
    counted = ids != ignore_index
    kept = xp.astype(counted, dtype)
    return xp.where(counted, ids, xp.zeros_like(ids)), kept, backend.sum(kept)


def _at_least_one(xp: Any, count: Any) -> Any:
    """``count``, or 1 where it is 0, so dividing by it never makes inf or NaN."""
    if isinstance(count, int):
        return max(count, 1)
    return xp.where(count == 0, xp.ones_like(count), count)


def _masked(values: Any, kept: Any) -> Any:
    """``values`` with the ignored rows zeroed (nothing to do when none is ignored)."""
    return values if kept is None else values * kept


class _RowsLossOp(Op):
    """Shared state of the ``(M, C)``-rows losses: the reduction and the ignored class id."""

    def __init__(self, reduction: str, ignore_index: int | None) -> None:
        self.reduction = reduction
        self.ignore_index = ignore_index

    def describe(self) -> str:
        return f"{self.name}({self.reduction})"

    def _reduce(self, xp: Any, losses: Any, count: Any) -> Any:
        if self.reduction == "none":
            return losses
        total = backend.sum(losses)
        if self.reduction != "mean":
            return total
        mean = total / _at_least_one(xp, count)
        # no row counted (all ignored, or none at all): NaN, as PyTorch's mean of nothing
        if isinstance(count, int):
            return mean if count else xp.full_like(mean, float("nan"))
        return xp.where(count == 0, xp.full_like(mean, float("nan")), mean)

    def _row_scale(self, xp: Any, grad: Any, kept: Any, count: Any) -> Any:
        """``(M,)`` factor of each row's gradient: upstream (÷ count for mean), 0 if ignored.

        With no row counted every row's factor is 0, as in PyTorch: a loss over nothing sends
        no gradient (never NaN, which the next optimizer step would spread everywhere).
        """
        if self.reduction == "none":
            return _masked(grad, kept)
        scaled = grad / _at_least_one(xp, count) if self.reduction == "mean" else grad
        return _masked(scaled, kept)


class NLLLossOp(_RowsLossOp):
    """Negative log-likelihood of class ids over rows of ``(M, C)`` log-probabilities.

    One node with a direct backward: each row's picked entry gets −upstream (divided by the
    number of counted rows for ``mean``); ignored rows get nothing.
    """

    name, symbol = "nll_loss", "NLL"
    rule = "nll: the target class of each row gets −upstream (÷ count for mean), others 0"

    def forward(self, logp: Any, target: Any) -> Any:
        xp = backend.namespace(logp)
        safe, kept, count = _targets(xp, target, self.ignore_index, logp.dtype)
        self.saved = (safe, kept, count, tuple(logp.shape))
        return self._reduce(xp, -_masked(backend.take_along_rows(logp, safe), kept), count)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        safe, kept, count, shape = self.saved
        xp = backend.namespace(grad)
        dlogp = xp.zeros(shape, dtype=grad.dtype)
        return (backend.add_along_rows(dlogp, safe, -self._row_scale(xp, grad, kept, count)), None)


class CrossEntropyOp(_RowsLossOp):
    """Cross-entropy of class ids over rows of ``(M, C)`` logits: log-softmax and NLL in one.

    Forward is the stable log-softmax (shifted by each row's max) and the picked −log p;
    backward is the textbook (softmax − one_hot) × upstream (÷ count for ``mean``), with
    ignored rows getting nothing. Composing ``log_softmax`` and ``nll_loss`` gives the same
    numbers with two nodes, a full ``(M, C)`` gradient between them and twice the checks.
    """

    name, symbol = "cross_entropy", "CE"
    rule = (
        "cross-entropy: each row's logits get upstream × (softmax − one_hot(target)) "
        "(÷ count for mean); ignored rows get 0"
    )

    def forward(self, logits: Any, target: Any) -> Any:
        xp = backend.namespace(logits)
        shifted = logits - backend.max(logits, axis=1, keepdims=True)
        exp = xp.exp(shifted)
        sums = backend.sum(exp, axis=1)
        safe, kept, count = _targets(xp, target, self.ignore_index, logits.dtype)
        self.saved = (exp, sums, safe, kept, count)
        losses = xp.log(sums) - backend.take_along_rows(shifted, safe)
        return self._reduce(xp, _masked(losses, kept), count)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        exp, sums, safe, kept, count = self.saved
        xp = backend.namespace(exp)
        scale = self._row_scale(xp, grad, kept, count)
        dlogits = exp * backend.reshape(scale / sums, (-1, 1))  # softmax × upstream per row
        return (backend.add_along_rows(dlogits, safe, -scale), None)  # − one_hot × upstream


def _class_last(x: Tensor, axis: int, who: str) -> tuple[Tensor, tuple[int, ...]]:
    """Move the class axis of ``x`` last and flatten the rest: ``(M, C)`` and the rest's shape."""
    if x.ndim < 1:
        raise ValueError(f"{who}: input must have a class axis, got a 0-d tensor")
    if x.ndim == 1:
        return x.reshape(1, -1), (1,)
    axis %= x.ndim
    if axis != x.ndim - 1:
        order = [a for a in range(x.ndim) if a != axis] + [axis]
        x = x.permute(*order)
    rest = tuple(x.shape[:-1])
    # (M, C) with the classes last is the common case: a reshape to itself would be one more
    # graph node for nothing.
    return (x if x.ndim == 2 else x.reshape(-1, x.shape[-1])), rest


def _check_target(
    target: Tensor,
    rest: tuple[int, ...],
    classes: int,
    ignore_index: int,
    input_shape: tuple[int, ...],
    who: str,
) -> bool:
    """Raise on a bad target; return whether any position holds ``ignore_index``."""
    name = backend.dtype_name(target.dtype)
    if not name.startswith(("int", "uint")):
        raise TypeError(
            f"{who}: target must hold integer class indices, got dtype {name}; convert it "
            "with target.to('int64') (for probabilities or 0/1 labels use "
            "binary_cross_entropy_with_logits)"
        )
    expected = rest if len(input_shape) > 1 else ()
    if tuple(target.shape) != expected:
        raise ValueError(
            f"{who}: target shape {tuple(target.shape)} does not match input shape "
            f"{input_shape} without its class axis, {expected}; for (T, B, C) logits with "
            "(T, B) targets pass axis=-1"
        )
    ids = backend.to_numpy(target.data)
    if ids.size and ids.min() >= 0 and ids.max() < classes:
        # the usual case, without building masks of the bad ids
        return 0 <= ignore_index < classes and bool((ids == ignore_index).any())
    ignored = ids == ignore_index
    bad = ids[~ignored & ((ids < 0) | (ids >= classes))]
    if bad.size:
        raise IndexError(
            f"{who}: target class ids must be in [0, {classes}) (or ignore_index="
            f"{ignore_index}); found {sorted(set(bad.tolist()))[:5]}"
        )
    return bool(ignored.any())


def _classify(
    op_type: type[_RowsLossOp],
    input: Tensor,
    target: Any,
    ignore_index: int,
    reduction: str,
    axis: int,
    who: str,
) -> Tensor:
    """Run a ``(M, C)``-rows loss op on ``input`` with the classes on ``axis``.

    The shared front of :func:`nll_loss` and :func:`cross_entropy`: checks and flattening to
    rows (the op skips ``ignore_index`` rows), then the ``none`` output reshaped to the
    target's shape.
    """
    _check_reduction(reduction, who)
    flat, rest = _class_last(input, axis, who)
    target = _as_tensor(target, input)
    classes = flat.shape[1]
    ignores = _check_target(target, rest, classes, ignore_index, tuple(input.shape), who)
    op = op_type(reduction, ignore_index if ignores else None)
    # Targets carry no gradient: flatten the array itself rather than add a graph node.
    out = apply(op, flat, Tensor.from_array(backend.reshape(target.data, (-1,))))
    if reduction != "none":
        return out
    shape = rest if input.ndim > 1 else ()
    return out if tuple(out.shape) == shape else out.reshape(shape)


def nll_loss(
    log_probs: Tensor, target: Any, ignore_index: int = -100, reduction: str = "mean", axis: int = 1
) -> Tensor:
    """Negative log-likelihood of integer class ``target`` under ``log_probs``.

    Parameters
    ----------
    log_probs : Tensor
        Log-probabilities with the classes on ``axis`` (see the module notes on shapes).
    target : Tensor or array-like of int
        Class ids, the shape of ``log_probs`` without the class axis.
    ignore_index : int
        Positions with this target add nothing and are not counted by ``mean``.
    reduction : {"mean", "sum", "none"}
        ``mean`` averages over the counted positions; ``none`` returns the target's shape.
    axis : int
        The class axis: 1 (PyTorch) or −1 for ``(T, B, C)``.

    Returns
    -------
    Tensor
        A scalar, or per-position losses of the target's shape for ``reduction="none"``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> logp = minigrad.tensor([[-0.5, -1.0], [-2.0, -0.1]])
    >>> F.nll_loss(logp, [0, 1], reduction="none").tolist()
    [0.5, 0.1]
    """
    return _classify(NLLLossOp, log_probs, target, ignore_index, reduction, axis, "nll_loss")


def cross_entropy(
    logits: Tensor, target: Any, ignore_index: int = -100, reduction: str = "mean", axis: int = 1
) -> Tensor:
    """Cross-entropy of integer class ``target`` under unnormalised ``logits``.

    Equal to ``nll_loss(log_softmax(logits))`` but one graph node (:class:`CrossEntropyOp`)
    whose backward is softmax − one_hot; the log-softmax is shifted by each row's max, so
    large logits do not overflow. Shapes, ``ignore_index``, ``reduction`` and ``axis`` are as
    in :func:`nll_loss`.

    Parameters
    ----------
    logits : Tensor
        Unnormalised scores with the classes on ``axis``.
    target : Tensor or array-like of int
        Class ids, the shape of ``logits`` without the class axis.
    ignore_index : int
        Positions with this target add nothing and are not counted by ``mean``.
    reduction : {"mean", "sum", "none"}
        ``mean`` averages over the counted positions; ``none`` returns the target's shape.
    axis : int
        The class axis: 1 (PyTorch) or −1 for ``(T, B, C)``.

    Returns
    -------
    Tensor
        A scalar, or per-position losses of the target's shape for ``reduction="none"``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> logits = minigrad.tensor([[1000.0, 0.0], [0.0, 0.0]])
    >>> F.cross_entropy(logits, [0, 1], reduction="none").tolist()
    [0.0, 0.6931]

    A character model's ``(T, B, C)`` output against ``(T, B)`` targets:

    >>> out = minigrad.zeros(5, 2, 3)
    >>> round(F.cross_entropy(out, minigrad.zeros(5, 2, dtype="int64"), axis=-1).item(), 4)
    1.0986
    """
    return _classify(CrossEntropyOp, logits, target, ignore_index, reduction, axis, "cross_entropy")


# ---------------------------------------------------------------------- regression


def _check_same_shape(input: Tensor, target: Tensor, who: str) -> None:
    if tuple(input.shape) != tuple(target.shape):
        raise ValueError(
            f"{who}: input shape {tuple(input.shape)} and target shape "
            f"{tuple(target.shape)} differ; reshape one so they match (no silent broadcasting)"
        )


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error (input − target)², reduced by ``reduction``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.mse_loss(minigrad.tensor([1.0, 3.0]), minigrad.tensor([0.0, 1.0])).item()
    2.5
    """
    _check_reduction(reduction, "mse_loss")
    target = _as_tensor(target, input)
    _check_same_shape(input, target, "mse_loss")
    diff = input - target
    return _reduce(diff * diff, reduction)


class BCEWithLogitsOp(Op):
    """Element-wise max(x, 0) − x·y + log(1 + e^−|x|); backward σ(x) − y and −x."""

    name, symbol = "bce_with_logits", "BCE"
    rule = "bce with logits: logit gets upstream × (σ(x) − y), target gets upstream × (−x)"

    def forward(self, x: Any, y: Any) -> Any:
        xp = backend.namespace(x)
        self.saved = (x, y)
        # This form never exponentiates a positive number, so nothing overflows.
        return xp.maximum(x, 0) - x * y + xp.log1p(xp.exp(-xp.abs(x)))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        x, y = self.saved
        xp = backend.namespace(x)
        sig = 0.5 * (xp.tanh(0.5 * x) + 1)
        return grad * (sig - y), grad * (-x)


def binary_cross_entropy_with_logits(
    logits: Tensor, target: Any, reduction: str = "mean"
) -> Tensor:
    """Binary cross-entropy of probabilities ``target`` under ``sigmoid(logits)``, stable.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> x = minigrad.tensor([0.0, 100.0, -100.0])
    >>> F.binary_cross_entropy_with_logits(x, minigrad.tensor([1.0, 1.0, 0.0]),
    ...                                    reduction="none").tolist()
    [0.6931, 0.0, 0.0]
    """
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    target = _as_tensor(target, logits)
    _check_same_shape(logits, target, "binary_cross_entropy_with_logits")
    if not backend.is_floating(target.dtype):
        target = target.to(backend.dtype_name(logits.dtype))
    return _reduce(apply(BCEWithLogitsOp(), logits, target), reduction)
