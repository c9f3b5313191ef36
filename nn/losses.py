"""Loss modules: thin wrappers that hold the settings of the functions in ``nn.functional``."""

from __future__ import annotations

from typing import Any

from minigrad import Tensor
from nn import functional as F  # noqa: N812 (PyTorch's name)
from nn.module import Module


class _ClassLoss(Module):
    """Shared settings of the class-index losses."""

    def __init__(self, ignore_index: int = -100, reduction: str = "mean", axis: int = 1) -> None:
        super().__init__()
        self.ignore_index, self.reduction, self.axis = ignore_index, reduction, axis

    def extra_repr(self) -> str:
        return f"ignore_index={self.ignore_index}, reduction={self.reduction!r}, axis={self.axis}"


class CrossEntropyLoss(_ClassLoss):
    """:func:`nn.functional.cross_entropy` as a module (logits in, class ids as targets).

    Examples
    --------
    >>> import minigrad, nn
    >>> loss = nn.CrossEntropyLoss(axis=-1)
    >>> round(loss(minigrad.zeros(4, 2, 3), minigrad.zeros(4, 2, dtype="int64")).item(), 4)
    1.0986
    """

    def forward(self, logits: Tensor, target: Any) -> Tensor:
        return F.cross_entropy(logits, target, self.ignore_index, self.reduction, self.axis)


class NLLLoss(_ClassLoss):
    """:func:`nn.functional.nll_loss` as a module (log-probabilities in).

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.NLLLoss()(minigrad.tensor([[-1.0, -2.0]]), [1]).item()
    2.0
    """

    def forward(self, log_probs: Tensor, target: Any) -> Tensor:
        return F.nll_loss(log_probs, target, self.ignore_index, self.reduction, self.axis)


class _ElementLoss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_ElementLoss):
    """:func:`nn.functional.mse_loss` as a module.

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.MSELoss(reduction="sum")(minigrad.tensor([1.0, 2.0]), minigrad.zeros(2)).item()
    5.0
    """

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class BCEWithLogitsLoss(_ElementLoss):
    """:func:`nn.functional.binary_cross_entropy_with_logits` as a module.

    Examples
    --------
    >>> import minigrad, nn
    >>> round(nn.BCEWithLogitsLoss()(minigrad.zeros(2), minigrad.ones(2)).item(), 4)
    0.6931
    """

    def forward(self, logits: Tensor, target: Any) -> Tensor:
        return F.binary_cross_entropy_with_logits(logits, target, self.reduction)
