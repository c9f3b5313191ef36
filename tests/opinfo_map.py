"""Which of PyTorch's OpInfos (``op_db``) minigrad answers, and with what.

``OPS`` maps an OpInfo name (``name`` or ``name.variant``) to the minigrad callable that
takes the sample's ``(input, *args, **kwargs)``, already converted to minigrad values.
``CLAIMED`` is what README says minigrad has; ``LISTED`` adds the ops the conformance issue
lists as what a PyTorch user reaches for. ``EXPECTED`` lists the samples that differ on
purpose, each with the reason README's "Coming from PyTorch" gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import minigrad
from nn import functional as F  # noqa: N812 (PyTorch's spelling)


def fn(name: str) -> Callable[..., Any]:
    """``minigrad.<name>`` as a function of the sample."""
    return lambda *a, **k: getattr(minigrad, name)(*a, **k)


def method(name: str) -> Callable[..., Any]:
    """``input.<name>(...)``."""
    return lambda x, *a, **k: getattr(x, name)(*a, **k)


def functional(name: str) -> Callable[..., Any]:
    """``nn.functional.<name>``."""
    return lambda *a, **k: getattr(F, name)(*a, **k)


def _default(name: str) -> Callable[..., Any]:
    if name.startswith("nn.functional."):
        return functional(name.split(".")[2])
    base = name.split(".")[0]
    if callable(getattr(minigrad, base, None)) and base not in {"max", "min"}:  # not dtypes
        return fn(base)
    return method(base)


# -------------------------------------------------------------------- what README claims

_CLAIMED_NAMES = """
add sub mul div.no_rounding_mode true_divide neg pow remainder floor_divide lerp
__radd__ __rsub__ __rmul__ __rdiv__ __rpow__ __rmod__ __rmatmul__
abs acos asin atan cos cosh sin sinh tan tanh exp exp2 expm1 log log10 log1p log2 sqrt rsqrt
reciprocal square sign floor ceil round trunc erf sigmoid isnan isinf isfinite
maximum minimum clamp where eq ne lt le gt ge max.binary min.binary
sum mean max.reduction_no_dim max.reduction_with_dim min.reduction_no_dim min.reduction_with_dim
logsumexp prod var std var.unbiased std.unbiased norm argmax argmin any all
cumsum cumprod sort argsort topk
reshape view permute transpose t expand broadcast_to squeeze unsqueeze flatten cat stack
split chunk flip roll tril triu diagonal repeat tile repeat_interleave mT clone contiguous
double float long
gather scatter scatter_add index_select masked_fill __getitem__
matmul einsum
softmax log_softmax
nn.functional.relu nn.functional.leaky_relu nn.functional.elu nn.functional.selu
nn.functional.gelu nn.functional.silu nn.functional.softplus nn.functional.logsigmoid
nn.functional.hardtanh nn.functional.relu6 nn.functional.hardsigmoid nn.functional.hardswish
nn.functional.mish nn.functional.softsign nn.functional.pad.constant nn.functional.one_hot
nn.functional.linear nn.functional.embedding
nn.functional.l1_loss nn.functional.mse_loss nn.functional.huber_loss
nn.functional.smooth_l1_loss nn.functional.binary_cross_entropy
nn.functional.binary_cross_entropy_with_logits nn.functional.kl_div
nn.functional.cross_entropy nn.functional.nll_loss
zeros_like ones_like full_like
""".split()

# ------------------------------------------------ what the issue lists beside (by family)

_ISSUE_NAMES = """
atan2 copysign hypot logaddexp logaddexp2 heaviside fmax fmin fmod float_power xlogy
clamp_min clamp_max logical_and logical_or logical_xor bitwise_not
nn.functional.glu nn.functional.prelu nn.functional.softmin nn.functional.hardshrink
nn.functional.softshrink nn.functional.threshold nn.functional.celu nn.functional.tanhshrink
nn.functional.rrelu
amax amin mm bmm mv dot outer ravel unflatten diag masked_select
meshgrid.list_of_tensors meshgrid.variadic_tensors
nn.functional.pad.reflect nn.functional.pad.replicate nn.functional.pad.circular
norm.fro norm.inf norm.nuc round.decimals_0 round.decimals_3 round.decimals_neg_3
div.floor_rounding div.trunc_rounding softmax.with_dtype log_softmax.with_dtype rsub
acosh asinh atanh erfc erfinv logit sinc nan_to_num frac signbit deg2rad rad2deg
isposinf isneginf logical_not cummax cummin logcumsumexp
""".split()

CLAIMED: list[str] = list(_CLAIMED_NAMES)
LISTED: list[str] = list(dict.fromkeys(_CLAIMED_NAMES + _ISSUE_NAMES))


def _embedding(weight: Any, index: Any, **kwargs: Any) -> Any:
    # The OpInfo's sample is (weight, index); the call is PyTorch's F.embedding(index, weight).
    return F.embedding(index, weight, **kwargs)


def _getitem(x: Any, key: Any) -> Any:
    return x[key]


def _rop(name: str) -> Callable[..., Any]:
    def call(x: Any, other: Any) -> Any:
        if not isinstance(x, minigrad.Tensor):  # the OpInfo calls torch.Tensor.__radd__(2, 3)
            raise TypeError(f"{name} needs a Tensor, got {type(x).__name__}")
        return getattr(x, name)(other)

    return call


_SPECIAL: dict[str, Callable[..., Any]] = {
    "__getitem__": _getitem,
    "__radd__": _rop("__radd__"),
    "__rsub__": _rop("__rsub__"),
    "__rmul__": _rop("__rmul__"),
    "__rdiv__": _rop("__rtruediv__"),
    "__rpow__": _rop("__rpow__"),
    "__rmod__": _rop("__rmod__"),
    "__rmatmul__": _rop("__rmatmul__"),
    "nn.functional.embedding": _embedding,
    "max.binary": method("max"),
    "min.binary": method("min"),
    "max.reduction_no_dim": method("max"),
    "min.reduction_no_dim": method("min"),
    "max.reduction_with_dim": fn("max"),
    "min.reduction_with_dim": fn("min"),
    "div.no_rounding_mode": fn("div") if hasattr(minigrad, "div") else method("div"),
    "div.floor_rounding": fn("div") if hasattr(minigrad, "div") else method("div"),
    "div.trunc_rounding": fn("div") if hasattr(minigrad, "div") else method("div"),
    "true_divide": method("div"),
    "nn.functional.pad.constant": functional("pad"),
    "nn.functional.pad.reflect": functional("pad"),
    "nn.functional.pad.replicate": functional("pad"),
    "nn.functional.pad.circular": functional("pad"),
    "softmax.with_dtype": fn("softmax"),
    "log_softmax.with_dtype": fn("log_softmax"),
    "meshgrid.list_of_tensors": fn("meshgrid"),
    "meshgrid.variadic_tensors": fn("meshgrid"),
    "bitwise_not": method("__invert__"),
    "where": lambda x, condition, other, **k: minigrad.where(condition, x, other, **k),
    "einsum": lambda tensors, equation: minigrad.einsum(equation, *tensors),
    "mT": lambda x: x.mT,
}

OPS: dict[str, Callable[..., Any]] = {name: _SPECIAL.get(name) or _default(name) for name in LISTED}

# OpInfo name -> [(predicate on the converted sample (input, args, kwargs), reason)]: samples
# that differ from PyTorch on purpose; each reason is in README's "Coming from PyTorch".
EXPECTED: dict[str, list[tuple[Callable[[Any, tuple, dict], bool], str]]] = {}

_NUMBER = (bool, int, float)


def _number_input(x: Any, args: tuple, kwargs: dict) -> bool:
    return isinstance(x, _NUMBER)


def _number_other(x: Any, args: tuple, kwargs: dict) -> bool:
    return bool(args) and isinstance(args[0], _NUMBER)


_TAKES_NUMBERS = "the free functions take Python numbers where PyTorch wants a tensor"
# torch.f(2, t) raises; minigrad.f(2, t) computes (as minigrad.f(2, 3) does)
for _name in """atan2 copysign hypot logaddexp heaviside fmax fmin fmod float_power xlogy
clamp_min clamp_max logical_and logical_or logical_xor eq ne lt le gt ge maximum minimum rsub
""".split():
    EXPECTED[_name] = [(_number_input, _TAKES_NUMBERS)]
_NO_OUT = "minigrad's functions take no out= (results are new tensors)"
for _name in ("amax", "amin", "masked_select", "gather", "index_select"):
    EXPECTED[_name] = [(lambda x, args, kwargs: "out" in kwargs, _NO_OUT)]
EXPECTED["cat"] = [
    (lambda x, args, kwargs: "out" in kwargs and isinstance(x, (list, tuple)), _NO_OUT)
]
for _name in ("amax", "amin"):  # the sample that cannot be converted has x None
    EXPECTED[_name].append(
        (lambda x, args, kwargs: x is None, "NumPy holds at most 64 dimensions (65 in the sample)")
    )
EXPECTED["mean"] = [
    (
        lambda x, args, kwargs: not str(kwargs.get("dtype") or x.dtype).startswith("float"),
        "mean of an integer tensor averages in the default float dtype (PyTorch refuses it)",
    )
]
EXPECTED["nn.functional.rrelu"] = [
    (
        lambda x, args, kwargs: kwargs.get("training") and bool((x.numpy() < 0).any()),
        "rrelu's random slopes in training come from minigrad's generator, not PyTorch's",
    )
]
# PyTorch's overloads of these take no Python number as the second operand either
for _name in """atan2 hypot logaddexp heaviside fmax fmin clamp_min clamp_max logical_and
logical_or logical_xor maximum minimum""".split():
    EXPECTED[_name].append((_number_other, _TAKES_NUMBERS))


# Claimed ops that do not yet pass every sample (the conformance issue's open work): their
# test is an expected failure, strict, so it turns red the day the op passes and the entry
# must go. ``python tests/test_opinfo.py -v`` lists every failing sample.
NOT_YET: dict[str, str] = {}
