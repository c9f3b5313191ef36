"""Gradient clipping (Pascanu, Mikolov & Bengio 2013), the cure for exploding gradients in BPTT.

Both functions replace each ``p.grad.array`` with a new array instead of writing into it:
gradient arrays may be read-only views (of a broadcast, of a saved array).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from minigrad import Tensor, backend


def _with_grads(parameters: Iterable[Tensor] | Tensor) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p for p in params if p.grad is not None]


def _norm(values: list[float], norm_type: float) -> float:
    """Combine per-parameter norms into one global norm of the same type."""
    if not values:
        return 0.0
    if math.isinf(norm_type):
        return max(values)
    return sum(v**norm_type for v in values) ** (1.0 / norm_type)


def _param_norm(grad: Tensor, norm_type: float) -> float:
    xp = backend.namespace(grad.array)
    magnitude = xp.abs(grad.array)
    if grad.array.size == 0:
        return 0.0
    if math.isinf(norm_type):
        return float(xp.max(magnitude))
    return float(xp.sum(magnitude**norm_type)) ** (1.0 / norm_type)


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so their global norm is at most ``max_norm``.

    The norm is taken over every gradient as if concatenated into one vector, so the update
    direction is kept and only its length shrinks. Returns that total norm *before*
    clipping (as a 0-d float64 tensor), which is worth logging: spikes signal explosions.

    Parameters
    ----------
    parameters : iterable of Tensor, or a Tensor
        Tensors whose ``.grad`` to clip; those without a gradient are skipped.
    max_norm : float
        Largest allowed global norm.
    norm_type : float
        The p of the p-norm; ``float("inf")`` for the largest absolute value.
    error_if_nonfinite : bool
        Raise instead of clipping when the total norm is nan or inf.

    Examples
    --------
    >>> import nn
    >>> w = nn.Parameter([0.0, 0.0])
    >>> (w * nn.Tensor([3.0, 4.0])).sum().backward()
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0).item()
    5.0
    >>> [round(g, 4) for g in w.grad.tolist()]
    [0.6, 0.8]
    """
    if max_norm < 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    params = _with_grads(parameters)
    total = _norm([_param_norm(p.grad, float(norm_type)) for p in params], float(norm_type))
    if not math.isfinite(total) and error_if_nonfinite:
        raise RuntimeError(
            f"clip_grad_norm_: the total gradient norm is {total}; the gradients hold nan or "
            "inf (check the loss, lower the learning rate, or pass error_if_nonfinite=False)"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for p in params:
            p.grad.array = p.grad.array * coef
    return Tensor(total, dtype="float64")


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clip every gradient element to ``[-clip_value, clip_value]``.

    Examples
    --------
    >>> import nn
    >>> w = nn.Parameter([0.0, 0.0])
    >>> (w * nn.Tensor([-3.0, 0.5])).sum().backward()
    >>> nn.utils.clip_grad_value_([w], 1.0)
    >>> w.grad.tolist()
    [-1.0, 0.5]
    """
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for p in _with_grads(parameters):
        xp = backend.namespace(p.grad.array)
        p.grad.array = xp.clip(p.grad.array, -clip_value, clip_value)
