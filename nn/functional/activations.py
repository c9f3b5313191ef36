"""Activations as functions: one line each over the Tensor method or the op of
:mod:`minigrad.ops` that computes it (with PyTorch's gradient at every kink)."""

from __future__ import annotations

from minigrad import ShapeError, Tensor, apply, backend, ops, where


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


def softmin(x: Tensor, dim: int | None = None, *, axis: int | None = None) -> Tensor:
    """softmax(−x) along ``dim``/``axis`` (default: the last axis).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.softmin(minigrad.tensor([0.0, 1.0])).tolist()]
    [0.7311, 0.2689]
    """
    return (-x).softmax(dim, axis=axis)


def hardshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x where |x| > λ, else 0; gradient 1 where |x| > λ, else 0.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.hardshrink(minigrad.tensor([-1.0, 0.25, 2.0])).tolist()
    [-1.0, 0.0, 2.0]
    """
    return apply(ops.Hardshrink(lambd), x)


def softshrink(x: Tensor, lambd: float = 0.5) -> Tensor:
    """x − λ·sign(x) where |x| > λ, else 0 (λ ≥ 0).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.softshrink(minigrad.tensor([-1.0, 0.25, 2.0])).tolist()
    [-0.5, 0.0, 1.5]
    """
    return apply(ops.Softshrink(lambd), x)


def threshold(x: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x where x > ``threshold``, else ``value`` (``inplace`` is accepted and ignored: minigrad
    never writes into a tensor).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.threshold(minigrad.tensor([-1.0, 0.5, 2.0]), 1.0, -5.0).tolist()
    [-5.0, -5.0, 2.0]
    """
    return apply(ops.Threshold(threshold, value), x)


def celu(x: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else α(exp(x/α) − 1): elu that stays smooth for every α.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.celu(minigrad.tensor([-1.0, 2.0]), 2.0).tolist()]
    [-0.7869, 2.0]
    """
    return apply(ops.CELU(alpha), x)


def tanhshrink(x: Tensor) -> Tensor:
    """x − tanh(x).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> [round(v, 4) for v in F.tanhshrink(minigrad.tensor([0.0, 1.0])).tolist()]
    [0.0, 0.2384]
    """
    return apply(ops.Tanhshrink(), x)


def glu(x: Tensor, dim: int = -1) -> Tensor:
    """The gated linear unit: a·σ(b), where a and b are the two halves of ``x`` along ``dim``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.glu(minigrad.tensor([[2.0, 0.0]])).tolist()
    [[1.0]]
    """
    if x.ndim == 0:
        raise ShapeError("glu does not take a 0-d tensor: it halves an axis")
    size = x.shape[dim]
    if size % 2:
        raise ShapeError(f"glu halves axis {dim}, which has odd size {size} (shape {x.shape})")
    a, b = x.split(size // 2, dim)
    return a * b.sigmoid()


def prelu(x: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else ``weight`` × x, with one learned slope or one per channel (axis 1).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.prelu(minigrad.tensor([[-2.0, 3.0]]), minigrad.tensor([0.25, 0.5])).tolist()
    [[-0.5, 3.0]]
    """
    count = weight.numel() if weight.ndim else 1
    if weight.ndim > 1:
        raise ShapeError(f"prelu takes a 0-d or 1-D weight, got shape {weight.shape}")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if count == 1:
        slopes = weight.reshape(())
    elif count == channels:
        slopes = weight.reshape((channels,) + (1,) * (x.ndim - 2))
    else:
        raise ShapeError(
            f"prelu has {count} slopes for {channels} channels (axis 1 of shape {x.shape}); "
            "give 1 slope or one per channel"
        )
    return where(x > 0, x, slopes * x)


def rrelu(
    x: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky relu: slope (lower + upper)/2 for x < 0 in evaluation; in training
    each negative element draws its slope from U(lower, upper) (minigrad's generator).

    Examples
    --------
    >>> import minigrad
    >>> from nn import functional as F
    >>> F.rrelu(minigrad.tensor([-2.0, 3.0]), 0.25, 0.75).tolist()
    [-1.0, 3.0]
    """
    if lower > upper:
        raise ShapeError(f"rrelu needs lower <= upper, got {lower} > {upper}")
    if not training:
        return x.leaky_relu((lower + upper) / 2)
    name = backend.dtype_name(x.dtype)
    slopes = backend.random_uniform(tuple(x.shape), lower, upper, name, like=x.array)
    return where(x > 0, x, x * Tensor(slopes))
