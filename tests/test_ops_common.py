"""The common ops, table-driven: every element-wise op is checked by finite differences over
generated shapes (float64, every backend) and against PyTorch, forward and gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_gradients_match, tensors
from nn import functional as F  # noqa: N812 (PyTorch's name)

_INTEGERS = [float(k) for k in range(-4, 5)]
_HALVES = [k + 0.5 for k in range(-4, 4)]

# name: (minigrad fn, torch fn name or callable, element bounds and kinks to avoid)
UNARY = {
    "sin": (lambda x: x.sin(), "sin", {}),
    "cos": (lambda x: x.cos(), "cos", {}),
    "tan": (lambda x: x.tan(), "tan", {"min_value": -1.3, "max_value": 1.3}),
    "asin": (lambda x: x.asin(), "asin", {"min_value": -0.9, "max_value": 0.9}),
    "acos": (lambda x: x.acos(), "acos", {"min_value": -0.9, "max_value": 0.9}),
    "atan": (lambda x: x.atan(), "atan", {}),
    "sinh": (lambda x: x.sinh(), "sinh", {}),
    "erf": (lambda x: x.erf(), "erf", {}),
    "cosh": (lambda x: x.cosh(), "cosh", {}),
    "log1p": (lambda x: x.log1p(), "log1p", {"min_value": -0.9}),
    "expm1": (lambda x: x.expm1(), "expm1", {}),
    "log2": (lambda x: x.log2(), "log2", {"min_value": 0.1}),
    "log10": (lambda x: x.log10(), "log10", {"min_value": 0.1}),
    "exp2": (lambda x: x.exp2(), "exp2", {}),
    "rsqrt": (lambda x: x.rsqrt(), "rsqrt", {"min_value": 0.2}),
    "reciprocal": (lambda x: x.reciprocal(), "reciprocal", {"avoid": [0.0], "min_distance": 0.3}),
    "square": (lambda x: x.square(), "square", {}),
    "sign": (lambda x: x.sign(), "sign", {"avoid": [0.0]}),
    "floor": (lambda x: x.floor(), "floor", {"avoid": _INTEGERS}),
    "ceil": (lambda x: x.ceil(), "ceil", {"avoid": _INTEGERS}),
    "round": (lambda x: x.round(), "round", {"avoid": _HALVES}),
    "trunc": (lambda x: x.trunc(), "trunc", {"avoid": _INTEGERS}),
    "elu": (lambda x: F.elu(x, 0.7), lambda t, fn: fn.elu(t, 0.7), {"avoid": [0.0]}),
    "selu": (F.selu, lambda t, fn: fn.selu(t), {"avoid": [0.0]}),
    "gelu": (F.gelu, lambda t, fn: fn.gelu(t), {}),
    "gelu_tanh": (
        lambda x: F.gelu(x, approximate="tanh"),
        lambda t, fn: fn.gelu(t, approximate="tanh"),
        {},
    ),
    "silu": (F.silu, lambda t, fn: fn.silu(t), {}),
    "softplus": (
        lambda x: F.softplus(x, beta=2.0, threshold=3.0),
        lambda t, fn: fn.softplus(t, beta=2.0, threshold=3.0),
        {"avoid": [1.5]},  # the switch to the linear regime is a (tiny) jump
    ),
    "logsigmoid": (F.logsigmoid, lambda t, fn: fn.logsigmoid(t), {}),
    "hardtanh": (
        lambda x: F.hardtanh(x, -0.5, 2.0),
        lambda t, fn: fn.hardtanh(t, -0.5, 2.0),
        {"avoid": [-0.5, 2.0]},
    ),
    "relu6": (F.relu6, lambda t, fn: fn.relu6(t), {"avoid": [0.0, 6.0], "max_value": 7.0}),
    "hardsigmoid": (
        F.hardsigmoid,
        lambda t, fn: fn.hardsigmoid(t),
        {"avoid": [-3.0, 3.0], "min_value": -4.0, "max_value": 4.0},
    ),
    "hardswish": (
        F.hardswish,
        lambda t, fn: fn.hardswish(t),
        {"avoid": [-3.0, 3.0], "min_value": -4.0, "max_value": 4.0},
    ),
    "mish": (F.mish, lambda t, fn: fn.mish(t), {}),
    "softsign": (F.softsign, lambda t, fn: fn.softsign(t), {"avoid": [0.0]}),
}

# name: (minigrad fn, torch fn, bounds of a, bounds of b)
BINARY = {
    "remainder": (
        lambda a, b: a % b,
        lambda a, b: a % b,
        {},
        {"avoid": [0.0], "min_distance": 0.5},
    ),
    "floor_divide": (
        lambda a, b: a // b,
        lambda a, b: a // b,
        {},
        {"avoid": [0.0], "min_distance": 0.5},
    ),
    "lerp": (lambda a, b: a.lerp(b, 0.3), lambda a, b: a.lerp(b, 0.3), {}, {}),
    "lerp_tensor_weight": (lambda a, b: a.lerp(a * b, b), lambda a, b: a.lerp(a * b, b), {}, {}),
}


def _torch_unary(name: str):
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    spec = UNARY[name][1]
    if isinstance(spec, str):
        return torch, lambda t: getattr(torch, spec)(t)
    return torch, lambda t: spec(t, torch.nn.functional)


def _floor_jump_free(a: np.ndarray, b: np.ndarray) -> bool:
    """a / b is not near an integer, where remainder and floor division jump."""
    quotient = a / b
    return bool(np.all(np.abs(quotient - np.round(quotient)) > 1e-3))


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    fn, _, bounds = UNARY[name]
    x = data.draw(tensors(backend=backend, **bounds), label="x")
    assert_gradients_match(fn, x)


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=st.data())
def test_unary_matches_torch(name: str, data: st.DataObject) -> None:
    torch, reference = _torch_unary(name)
    fn, _, bounds = UNARY[name]
    x = data.draw(tensors(**bounds), label="x")
    tx = torch.tensor(x.numpy(), requires_grad=True)
    ours, theirs = fn(x), reference(tx)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-12)
    upstream = np.linspace(-1.0, 2.0, max(x.numpy().size, 1)).reshape(x.shape)
    ours.backward(minigrad.tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-7, atol=1e-12)


def _draw_pair(data: st.DataObject, backend: str, first: dict, second: dict) -> tuple:
    from minigrad.testing import broadcastable_tensors

    a, b = data.draw(broadcastable_tensors(2, backend=backend), label="shapes")
    a = data.draw(tensors(a.shape, backend=backend, **first), label="a")
    b = data.draw(tensors(b.shape, backend=backend, **second), label="b")
    return a, b


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    fn, _, first, second = BINARY[name]
    a, b = _draw_pair(data, backend, first, second)
    assume(name.startswith("lerp") or _floor_jump_free(a.numpy(), b.numpy()))
    assert_gradients_match(fn, a, b)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=st.data())
def test_binary_matches_torch(name: str, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    fn, reference, first, second = BINARY[name]
    a, b = _draw_pair(data, "numpy", first, second)
    ta = torch.tensor(a.numpy(), requires_grad=True)
    tb = torch.tensor(b.numpy(), requires_grad=True)
    ours, theirs = fn(a, b), reference(ta, tb)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-12)
    ours.sum().backward()
    if name == "floor_divide":
        # PyTorch refuses to differentiate floor_divide; minigrad gives it the zero gradient
        # of the rounding family, which is what PyTorch's remainder rule already assumes.
        assert not a.grad.numpy().any() and not b.grad.numpy().any()
        return
    theirs.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "points"),
    [
        ("elu", [0.0]),
        ("selu", [0.0]),
        ("hardtanh", [-0.5, 2.0]),
        ("relu6", [0.0, 6.0]),
        ("hardsigmoid", [-3.0, 3.0]),
        ("hardswish", [-3.0, 3.0]),
        ("softplus", [1.5]),
        ("sign", [0.0]),
        ("round", [0.5, 1.5]),
        ("floor", [1.0]),
    ],
)
def test_gradients_at_kinks_are_pytorchs(name: str, points: list[float]) -> None:
    torch, reference = _torch_unary(name)
    x = minigrad.tensor(points, dtype="float64", requires_grad=True)
    tx = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    UNARY[name][0](x).sum().backward()
    reference(tx).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


def test_remainder_and_floor_divide_follow_the_divisors_sign() -> None:
    a = minigrad.tensor([-7.0, 7.0, -7.0, 7.0])
    b = minigrad.tensor([2.0, -2.0, -2.0, 2.0])
    assert (a % b).tolist() == [1.0, -1.0, -1.0, 1.0]
    assert (a // b).tolist() == [-4.0, -4.0, 3.0, 3.0]
    assert (7.0 % minigrad.tensor([4.0])).tolist() == [3.0]
    assert (7.0 // minigrad.tensor([4.0])).tolist() == [1.0]


def test_predicates_are_bool_and_not_differentiable() -> None:
    x = minigrad.tensor([1.0, float("nan"), float("inf"), -float("inf")], requires_grad=True)
    assert x.isnan().tolist() == [False, True, False, False]
    assert x.isinf().tolist() == [False, False, True, True]
    assert x.isfinite().tolist() == [True, False, False, False]
    assert not x.isnan().requires_grad


def test_gelu_rejects_an_unknown_approximation() -> None:
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        F.gelu(minigrad.tensor([1.0]), approximate="erf")


def test_hardtanh_rejects_reversed_bounds() -> None:
    with pytest.raises(ValueError, match="min_val <= max_val"):
        F.hardtanh(minigrad.tensor([1.0]), 2.0, -2.0)
