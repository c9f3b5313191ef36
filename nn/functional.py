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

from minigrad import Elementwise, Op, Tensor, apply, backend, ops
from minigrad.ops.unary import sigmoid_array

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

    params = ("reduction", "ignore_index")

    def __init__(self, reduction: str, ignore_index: int | None) -> None:
        self.reduction = reduction
        self.ignore_index = ignore_index

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
    linear_in = (0,)
    rule = "nll: the target class of each row gets −upstream (÷ count for mean), others 0"
    local_rules = ("−upstream at each row's target entry of {0}, 0 elsewhere", "none: targets")

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
    local_rules = ("upstream × (softmax({0}) − one_hot({1}))", "none: targets")

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

    def backward_graph(self, grad: Tensor, inputs: tuple[Tensor, ...], output: Tensor) -> Any:
        """The same rule with Tensor ops, for higher-order gradients: (softmax − one_hot) × s."""
        exp, _sums, safe, kept, count = self.saved
        xp = backend.namespace(exp)
        scale = self._row_scale(xp, grad, kept, count)
        one_hot = backend.add_along_rows(
            xp.zeros_like(exp), safe, xp.ones_like(safe, dtype=exp.dtype)
        )
        return ((inputs[0].softmax(axis=1) - one_hot) * scale.reshape(-1, 1), None)


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
    log_probs: Tensor,
    target: Any,
    ignore_index: int = -100,
    reduction: str = "mean",
    axis: int = 1,
    weight: Any = None,
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
    weight : Tensor or array-like, optional
        A ``(C,)`` weight per class: each position's loss is scaled by its target's weight,
        and ``mean`` divides by the sum of those weights (PyTorch's weighted mean).

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
    if weight is not None:
        return _weighted_nll(log_probs, target, weight, ignore_index, reduction, axis, "nll_loss")
    return _classify(NLLLossOp, log_probs, target, ignore_index, reduction, axis, "nll_loss")


def cross_entropy(
    logits: Tensor,
    target: Any,
    ignore_index: int = -100,
    reduction: str = "mean",
    axis: int = 1,
    weight: Any = None,
    label_smoothing: float = 0.0,
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
    weight : Tensor or array-like, optional
        A ``(C,)`` weight per class, as in :func:`nll_loss`.
    label_smoothing : float
        ε in [0, 1]: the target becomes (1 − ε)·one_hot + ε/C. ``target`` may also hold
        class probabilities, the shape of ``logits``.

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
    if weight is not None or label_smoothing or _holds_probabilities(target, logits):
        return _soft_cross_entropy(
            logits, target, ignore_index, reduction, axis, weight, label_smoothing
        )
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


class BCEWithLogitsOp(Elementwise):
    """Element-wise max(x, 0) − x·y + log(1 + e^−|x|); backward σ(x) − y and −x."""

    name, symbol = "bce_with_logits", "BCE"
    rule = "bce with logits: logit gets upstream × (σ(x) − y), target gets upstream × (−x)"

    def forward(self, x: Any, y: Any) -> Any:
        xp = backend.namespace(x)
        self.saved = (x, y)
        # This form never exponentiates a positive number, so nothing overflows.
        return xp.maximum(x, 0) - x * y + xp.log1p(xp.exp(-xp.abs(x)))

    def local_grads(self) -> tuple[Any, ...]:
        x, y = self.saved
        return (
            sigmoid_array(x) - y if self.needs[0] else None,
            -x if self.needs[1] else None,
        )


def binary_cross_entropy_with_logits(
    logits: Tensor, target: Any, reduction: str = "mean", weight: Any = None, pos_weight: Any = None
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
    if weight is not None or pos_weight is not None:
        return _reduce(_weighted_bce_with_logits(logits, target, weight, pos_weight), reduction)
    return _reduce(apply(BCEWithLogitsOp(), logits, target), reduction)


# ---------------------------------------------------------------------- more activations


def elu(x: Tensor, alpha: float = 1.0) -> Tensor:
    """x where x > 0, else α(eˣ − 1); gradient α at 0, as PyTorch.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.elu(minigrad.tensor([-1.0, 2.0])).tolist()]
    [-0.6321, 2.0]
    """
    return apply(ops.ELU(alpha), x)


def selu(x: Tensor) -> Tensor:
    """λ·elu(x, α) with the self-normalising constants λ ≈ 1.0507, α ≈ 1.6733.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.selu(minigrad.tensor([-1.0, 1.0])).tolist()]
    [-1.1113, 1.0507]
    """
    return apply(ops.SELU(), x)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x·Φ(x) with the exact erf form, or its tanh approximation (``approximate="tanh"``).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.gelu(minigrad.tensor([-1.0, 1.0])).tolist()]
    [-0.1587, 0.8413]
    """
    return apply(ops.GELU(approximate), x)


def silu(x: Tensor) -> Tensor:
    """x·σ(x) (also called swish).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.silu(minigrad.tensor([0.0, 1.0])).tolist()]
    [0.0, 0.7311]
    """
    return apply(ops.SiLU(), x)


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx))/β, and x itself where βx > threshold (PyTorch's linear regime).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.softplus(minigrad.tensor([0.0, 30.0])).tolist()]
    [0.6931, 30.0]
    """
    return apply(ops.Softplus(beta, threshold), x)


def logsigmoid(x: Tensor) -> Tensor:
    """log σ(x), computed without overflow as −softplus(−x).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.logsigmoid(minigrad.tensor([0.0, -100.0])).tolist()]
    [-0.6931, -100.0]
    """
    return apply(ops.LogSigmoid(), x)


def hardtanh(x: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """x clipped to [min_val, max_val]; gradient 1 strictly inside, 0 at and beyond the bounds.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.hardtanh(minigrad.tensor([-2.0, 0.5, 3.0])).tolist()
    [-1.0, 0.5, 1.0]
    """
    return apply(ops.Hardtanh(min_val, max_val), x)


def relu6(x: Tensor) -> Tensor:
    """min(max(x, 0), 6); gradient 0 at 0 and 6, as PyTorch.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.relu6(minigrad.tensor([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """
    return apply(ops.ReLU6(), x)


def hardsigmoid(x: Tensor) -> Tensor:
    """relu6(x + 3)/6, a piecewise-linear sigmoid.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.hardsigmoid(minigrad.tensor([-4.0, 0.0, 4.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    return apply(ops.Hardsigmoid(), x)


def hardswish(x: Tensor) -> Tensor:
    """x·relu6(x + 3)/6.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.hardswish(minigrad.tensor([-4.0, 0.0, 4.0])).tolist()
    [-0.0, 0.0, 4.0]
    """
    return apply(ops.Hardswish(), x)


def mish(x: Tensor) -> Tensor:
    """x·tanh(softplus(x)).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.mish(minigrad.tensor([0.0, 1.0])).tolist()]
    [0.0, 0.8651]
    """
    return apply(ops.Mish(), x)


def softsign(x: Tensor) -> Tensor:
    """x/(1 + |x|).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.softsign(minigrad.tensor([-1.0, 3.0])).tolist()
    [-0.5, 0.75]
    """
    return apply(ops.Softsign(), x)


# ---------------------------------------------------------------------- indexing helpers


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
    ids = tensor.data if isinstance(tensor, Tensor) else np.asarray(tensor)
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

    Only ``mode="constant"``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.pad(minigrad.tensor([[1.0, 2.0]]), (1, 0, 0, 1)).tolist()
    [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]
    """
    if mode != "constant":
        raise NotImplementedError(f"pad supports mode='constant' only, got mode={mode!r}")
    amounts = [int(p) for p in pad]
    if len(amounts) % 2 or len(amounts) // 2 > input.ndim:
        raise ValueError(
            f"pad needs (left, right) pairs for at most {input.ndim} axes, got {tuple(pad)}"
        )
    out = input
    for k in range(len(amounts) // 2):
        out = _pad_axis(out, input.ndim - 1 - k, amounts[2 * k], amounts[2 * k + 1], value)
    return out


def _pad_axis(x: Tensor, axis: int, left: int, right: int, value: float) -> Tensor:
    """``x`` cropped (negative amounts) and padded with ``value`` on both sides of ``axis``."""
    lead = (slice(None),) * axis
    size = x.shape[axis]
    start, stop = max(-left, 0), size - max(-right, 0)
    if start or stop != size:
        x = x[(*lead, slice(start, stop), Ellipsis)]
    xp = backend.namespace(x.data)
    pieces = []
    for amount in (left, right):
        shape = (*x.shape[:axis], max(amount, 0), *x.shape[axis + 1 :])
        pieces.append(Tensor.from_array(xp.full(shape, value, dtype=x.dtype)))
    if left <= 0 and right <= 0:
        return x
    from minigrad import concat

    return concat([pieces[0], x, pieces[1]], axis)


# ---------------------------------------------------------------------- more losses


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """|input − target|, reduced; gradient sign(input − target) (0 at equality, as PyTorch).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.l1_loss(minigrad.tensor([1.0, 3.0]), minigrad.tensor([0.0, 1.0])).item()
    1.5
    """
    _check_reduction(reduction, "l1_loss")
    target = _as_tensor(target, input)
    _check_same_shape(input, target, "l1_loss")
    return _reduce((input - target).abs(), reduction)


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """½d² where |d| < delta, else delta·(|d| − ½delta), with d = input − target.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.huber_loss(minigrad.tensor([0.5, 3.0]), minigrad.zeros(2), reduction="none").tolist()
    [0.125, 2.5]
    """
    _check_reduction(reduction, "huber_loss")
    if delta <= 0:
        raise ValueError(f"huber_loss needs delta > 0, got {delta}")
    return _reduce(_huber(input, target, delta, "huber_loss"), reduction)


def smooth_l1_loss(
    input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0
) -> Tensor:
    """huber_loss / beta: ½d²/beta where |d| < beta, else |d| − ½beta (|d| when beta = 0).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.smooth_l1_loss(minigrad.tensor([0.5, 3.0]), minigrad.zeros(2), reduction="none").tolist()
    [0.125, 2.5]
    """
    _check_reduction(reduction, "smooth_l1_loss")
    if beta < 0:
        raise ValueError(f"smooth_l1_loss needs beta >= 0, got {beta}")
    if beta == 0:
        return l1_loss(input, target, reduction)
    return _reduce(_huber(input, target, beta, "smooth_l1_loss") / beta, reduction)


def _huber(input: Tensor, target: Any, delta: float, who: str) -> Tensor:
    from minigrad import where

    target = _as_tensor(target, input)
    _check_same_shape(input, target, who)
    diff = input - target
    size = diff.abs()
    return where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))


_BCE_EPS = float(np.float32(1e-12))
"""PyTorch's guard on p(1 − p) in the BCE gradient: 1e-12 as a float32 (≈ 0.99999999600e-12)."""


class BCEOp(Elementwise):
    """Element-wise −[y·log p + (1 − y)·log(1 − p)] with each log clamped at −100."""

    name, symbol = "binary_cross_entropy", "BCE"
    rule = "bce: p gets upstream × (p − y) / max(p(1 − p), 1e-12), y gets × (log(1−p) − log p)"

    def forward(self, p: Any, y: Any) -> Any:
        xp = backend.namespace(p)
        with np.errstate(divide="ignore"):  # log 0 = −inf, clamped just below
            log_p = xp.maximum(xp.log(p), xp.full_like(p, -100.0))
            log_q = xp.maximum(xp.log(1 - p), xp.full_like(p, -100.0))
        self.saved = (p, y, log_p, log_q)
        return -(y * log_p + (1 - y) * log_q)

    def local_grads(self) -> tuple[Any, ...]:
        p, y, log_p, log_q = self.saved
        xp = backend.namespace(p)
        spread = xp.maximum(p * (1 - p), xp.full_like(p, _BCE_EPS))
        return (
            (p - y) / spread if self.needs[0] else None,
            log_q - log_p if self.needs[1] else None,
        )


def binary_cross_entropy(
    input: Tensor, target: Any, weight: Any = None, reduction: str = "mean"
) -> Tensor:
    """−[y·log p + (1 − y)·log(1 − p)] of probabilities ``input``; each log is clamped at
    −100, as PyTorch does, so p = 0 or 1 gives a finite loss.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> p = minigrad.tensor([0.5, 1.0])
    >>> [round(v, 4) for v in F.binary_cross_entropy(p, [1.0, 0.0], reduction="none").tolist()]
    [0.6931, 100.0]
    """
    _check_reduction(reduction, "binary_cross_entropy")
    target = _as_tensor(target, input)
    _check_same_shape(input, target, "binary_cross_entropy")
    probs = backend.to_numpy(input.data)
    if probs.size and (probs.min() < 0 or probs.max() > 1):
        raise ValueError(
            "binary_cross_entropy: input must hold probabilities in [0, 1]; for logits use "
            "binary_cross_entropy_with_logits"
        )
    if not backend.is_floating(target.dtype):
        target = target.to(backend.dtype_name(input.dtype))
    losses = apply(BCEOp(), input, target)
    if weight is not None:
        losses = losses * _as_tensor(weight, input)
    return _reduce(losses, reduction)


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence with ``input`` as log-probabilities: target·(log target − input),
    0 where target = 0. ``reduction="batchmean"`` divides the sum by the batch size (the
    mathematically right one; ``"mean"`` averages over every element, as PyTorch does).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> logq = minigrad.tensor([[0.5, 0.5]]).log()
    >>> round(F.kl_div(logq, [[1.0, 0.0]], reduction="batchmean").item(), 4)
    0.6931
    """
    if reduction not in (*_REDUCTIONS, "batchmean"):
        raise ValueError(
            f"kl_div: reduction must be one of {(*_REDUCTIONS, 'batchmean')}, got {reduction!r}"
        )
    from minigrad import where

    target = _as_tensor(target, input)
    _check_same_shape(input, target, "kl_div")
    if log_target:
        losses = target.exp() * (target - input)
    else:
        positive = target > 0
        safe_log = where(positive, target, 1.0).log()
        losses = where(positive, target * (safe_log - input), 0.0)
    if reduction == "batchmean":
        return losses.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(losses, reduction)


# ---------------------------------------------------------------------- weighted and soft targets


def _holds_probabilities(target: Any, logits: Tensor) -> bool:
    """True when ``target`` is floating point with the logits' shape: class probabilities."""
    if isinstance(target, Tensor):
        dtype, shape = target.dtype, tuple(target.shape)
    else:
        array = np.asarray(backend.to_numpy(target) if hasattr(target, "shape") else target)
        dtype, shape = array.dtype, array.shape
    return backend.is_floating(dtype) and shape == tuple(logits.shape)


def _rows(x: Tensor, target: Any, ignore_index: int, axis: int, who: str) -> tuple:
    """``x`` as ``(M, C)`` rows, the ``(M,)`` safe target ids, the kept mask, ``rest``."""
    flat, rest = _class_last(x, axis, who)
    target = _as_tensor(target, x)
    _check_target(target, rest, flat.shape[1], ignore_index, tuple(x.shape), who)
    xp = backend.namespace(flat.data)
    ids = backend.reshape(target.data, (-1,))
    kept = ids != ignore_index
    safe = xp.where(kept, ids, xp.zeros_like(ids))
    return flat, safe, xp.astype(kept, flat.dtype), rest


def _weighted_nll(
    log_probs: Tensor,
    target: Any,
    weight: Any,
    ignore_index: int,
    reduction: str,
    axis: int,
    who: str,
) -> Tensor:
    """−w[y]·log p[y] per position; ``mean`` divides by Σ w[y] over the counted positions."""
    _check_reduction(reduction, who)
    flat, safe, kept, rest = _rows(log_probs, target, ignore_index, axis, who)
    losses, row_weights = _picked(flat, safe, kept, _class_weights(weight, flat, who))
    return _weighted_reduce(losses, row_weights, reduction, rest, log_probs.ndim)


def _class_weights(weight: Any, rows: Tensor, who: str) -> Tensor:
    """``weight`` as a ``(C,)`` tensor beside ``rows``; all ones when ``None``."""
    classes = rows.shape[1]
    if weight is None:
        return Tensor.from_array(backend.namespace(rows.data).ones((classes,), dtype=rows.dtype))
    weight = _as_tensor(weight, rows)
    if tuple(weight.shape) != (classes,):
        raise ValueError(f"{who}: weight must have one entry per class, shape ({classes},)")
    return weight


def _picked(logp: Tensor, safe: Any, kept: Any, weight: Tensor) -> tuple[Tensor, Tensor]:
    """Each row's −w[y]·logp[y] (0 for ignored rows) and the rows' weights w[y] (0 if ignored)."""
    xp = backend.namespace(logp.data)
    row_weights = Tensor.from_array(xp.take(weight.data, safe, axis=0) * kept)
    picked = logp.gather(1, backend.reshape(safe, (-1, 1))).reshape(-1)
    return -picked * row_weights, row_weights


def _weighted_reduce(
    losses: Tensor, row_weights: Tensor, reduction: str, rest: tuple, ndim: int
) -> Tensor:
    if reduction == "mean":
        xp = backend.namespace(row_weights.data)
        total = backend.sum(row_weights.data)
        # Nothing counted: NaN, as PyTorch's mean of nothing, with a zero gradient (not NaN).
        safe = xp.where(total == 0, xp.ones_like(total), total)
        nothing = xp.where(total == 0, xp.full_like(total, float("nan")), xp.zeros_like(total))
        return losses.sum() / Tensor.from_array(safe) + Tensor.from_array(nothing)
    if reduction == "sum":
        return losses.sum()
    return losses.reshape(rest if ndim > 1 else ())


def _soft_cross_entropy(
    logits: Tensor,
    target: Any,
    ignore_index: int,
    reduction: str,
    axis: int,
    weight: Any,
    label_smoothing: float,
) -> Tensor:
    """Cross-entropy with class weights, label smoothing or probability targets, composed
    from log_softmax (PyTorch's formulas, including its weighted means)."""
    who = "cross_entropy"
    _check_reduction(reduction, who)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{who}: label_smoothing must be in [0, 1], got {label_smoothing}")
    if _holds_probabilities(target, logits):
        flat, rest = _class_last(logits, axis, who)
        weighted = flat.log_softmax(axis=-1) * _class_weights(weight, flat, who)
        probs, _ = _class_last(_as_tensor(target, logits), axis, who)
        probs = probs * (1 - label_smoothing) + label_smoothing / flat.shape[1]
        losses = -(probs * weighted).sum(axis=1)
        if reduction == "none":
            return losses.reshape(rest if logits.ndim > 1 else ())
        return losses.mean() if reduction == "mean" else losses.sum()
    flat, safe, kept, rest = _rows(logits, target, ignore_index, axis, who)
    logp = flat.log_softmax(axis=-1)
    weight = _class_weights(weight, flat, who)
    losses, row_weights = _picked(logp, safe, kept, weight)
    if label_smoothing:
        smooth = -(logp * weight).sum(axis=1) * Tensor.from_array(kept) / flat.shape[1]
        losses = losses * (1 - label_smoothing) + smooth * label_smoothing
    return _weighted_reduce(losses, row_weights, reduction, rest, logits.ndim)


def _weighted_bce_with_logits(
    logits: Tensor, target: Tensor, weight: Any, pos_weight: Any
) -> Tensor:
    """(1 − y)·x − (1 + (pw − 1)·y)·log σ(x), times ``weight`` (PyTorch's stable form)."""
    log_sigmoid = apply(ops.LogSigmoid(), logits)
    if pos_weight is None:
        losses = (1 - target) * logits - log_sigmoid
    else:
        scale = 1 + (_as_tensor(pos_weight, logits) - 1) * target
        losses = (1 - target) * logits - scale * log_sigmoid
    return losses if weight is None else losses * _as_tensor(weight, logits)
