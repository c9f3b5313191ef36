"""Activations as functions: one line each over the Tensor method or the op of
:mod:`minigrad.ops` that computes it (with PyTorch's gradient at every kink)."""

from __future__ import annotations

from minigrad import Tensor, apply, ops


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
