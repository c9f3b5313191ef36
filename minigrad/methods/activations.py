"""Activation methods: tanh, sigmoid, relu, leaky_relu, softmax and log_softmax.

The other activations (GELU, SiLU, …) are ``minigrad.nn.functional`` functions over the
same family of ops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from minigrad import ops
from minigrad.dims import one_axis
from minigrad.methods._common import floating, with_dtype
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


class ActivationMethods:
    """The activations every model uses, as tensor methods.

    Examples
    --------
    >>> import minigrad
    >>> minigrad.tensor([-1.0, 2.0]).relu().tolist()
    [0.0, 2.0]
    """

    __slots__ = ()

    def tanh(self: Tensor) -> Tensor:
        """Hyperbolic tangent, element-wise."""
        return apply(ops.Tanh(), self if self.requires_grad else floating(self))

    def sigmoid(self: Tensor) -> Tensor:
        """Logistic sigmoid 1 / (1 + e^-x), element-wise (stable for large |x|)."""
        return apply(ops.Sigmoid(), self if self.requires_grad else floating(self))

    def relu(self: Tensor) -> Tensor:
        """max(x, 0), element-wise."""
        return apply(ops.ReLU(), self)

    def leaky_relu(self: Tensor, negative_slope: float = 0.01) -> Tensor:
        """x where x > 0, else negative_slope × x."""
        return apply(ops.LeakyReLU(negative_slope), self)

    def softmax(self: Tensor, dim: Any = None, *, axis: Any = None, dtype: Any = None) -> Tensor:
        """exp(x) / Σ exp(x) along ``dim``/``axis`` (default: the last axis), computed in
        ``dtype`` when given."""
        axis = one_axis("softmax", self.shape, dim, axis, default=-1)
        return apply(ops.Softmax(axis), floating(with_dtype(self, dtype)))

    def log_softmax(
        self: Tensor, dim: Any = None, *, axis: Any = None, dtype: Any = None
    ) -> Tensor:
        """x − logsumexp(x) along ``dim``/``axis`` (default: the last axis), computed in
        ``dtype`` when given."""
        axis = one_axis("log_softmax", self.shape, dim, axis, default=-1)
        return apply(ops.LogSoftmax(axis), floating(with_dtype(self, dtype)))
