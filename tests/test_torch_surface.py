"""PyTorch's keyword names, methods and creation functions, beside NumPy's, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
import nn
from minigrad.testing import assert_gradients_match, assume_well_separated, shapes, tensors
from nn import functional as F  # noqa: N812 (PyTorch's spelling)

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for the PyTorch surface")

REDUCTIONS = ["sum", "mean", "logsumexp", "max", "min", "argmax", "argmin", "any", "all"]


def _th(t: minigrad.Tensor):
    return torch.from_numpy(np.array(t.numpy()))


def _values(result):
    """A minigrad/torch result as a NumPy array (the values of a (values, indices) pair)."""
    result = result[0] if isinstance(result, tuple) else result
    return result.detach().numpy() if isinstance(result, torch.Tensor) else result.numpy()


@st.composite
def _tensor_and_dim(draw: st.DrawFn):
    x = draw(tensors(shape=shapes(min_dims=1), unique=True, requires_grad=False))
    return x, draw(st.integers(-x.ndim, x.ndim - 1))


@pytest.mark.parametrize("name", REDUCTIONS)
@given(case=_tensor_and_dim(), keep=st.booleans())
def test_dim_keepdim_match_torch_and_axis_keepdims(name: str, case, keep: bool) -> None:
    x, dim = case
    got = getattr(x, name)(dim=dim, keepdim=keep)
    ref = getattr(_th(x), name)(dim=dim, keepdim=keep)
    np.testing.assert_allclose(_values(got), _values(ref), rtol=1e-5)
    function = getattr(minigrad, name)(x, dim, keep)  # torch-style positional dim
    np.testing.assert_allclose(_values(function), _values(ref), rtol=1e-5)
    numpy_style = getattr(x, name)(axis=dim, keepdims=keep)
    np.testing.assert_allclose(_values(numpy_style), _values(ref), rtol=1e-5)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_with_dim_give_values_and_indices_like_torch(name: str) -> None:
    x = minigrad.tensor([[1.0, 5.0, 3.0], [7.0, 2.0, 0.0]])
    got, ref = getattr(x, name)(dim=1), getattr(_th(x), name)(dim=1)
    assert got.values.tolist() == ref.values.tolist()
    assert got.indices.tolist() == ref.indices.tolist()
    _, indices = getattr(minigrad, name)(x, 0)  # unpacks like torch.return_types
    assert indices.tolist() == getattr(torch, name)(_th(x), 0).indices.tolist()
    assert isinstance(getattr(x, name)(axis=1), minigrad.Tensor)  # NumPy's keyword: values
    assert getattr(x, name)(x * 0 + 2).tolist() == getattr(_th(x), name)(_th(x) * 0 + 2).tolist()


def test_max_with_dim_routes_the_gradient_to_the_returned_index_like_torch() -> None:
    values = [[1.0, 1.0, 0.0], [2.0, 3.0, 3.0]]
    x = minigrad.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    x.max(dim=1).values.sum().backward()
    tx.max(dim=1).values.sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


@given(x=tensors(shape=shapes(min_dims=1), unique=True), keep=st.booleans())
def test_max_with_dim_gradcheck(x, keep: bool) -> None:
    assume_well_separated(x, 1e-3)
    assert_gradients_match(lambda t: t.max(dim=-1, keepdim=keep).values * 2, x)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.sum(axis=0, dim=0),
        lambda x: x.mean(keepdims=True, keepdim=True),
        lambda x: x.softmax(0, axis=0),
        lambda x: minigrad.stack([x], 0, axis=0),
        lambda x: minigrad.concat([x], dim=0, axis=0),
        lambda x: x.unsqueeze(0, axis=0),
        lambda x: F.log_softmax(x, dim=1, axis=1),
    ],
)
def test_both_spellings_at_once_is_a_type_error_naming_both(call) -> None:
    with pytest.raises(TypeError, match=r"both (axis|keepdims)=.* and (dim|keepdim)="):
        call(minigrad.ones(2, 3))


def test_axis_ops_accept_dim() -> None:
    minigrad.manual_seed(0)
    x = minigrad.randn(2, 3, 4)
    tx = _th(x)
    pairs = [
        (x.softmax(dim=1), tx.softmax(dim=1)),
        (x.log_softmax(dim=0), tx.log_softmax(dim=0)),
        (F.softmax(x, dim=1), torch.nn.functional.softmax(tx, dim=1)),
        (F.log_softmax(x, 1), torch.nn.functional.log_softmax(tx, 1)),
        (minigrad.softmax(x, 2), torch.softmax(tx, 2)),
        (minigrad.cat([x, x], dim=2), torch.cat([tx, tx], dim=2)),
        (minigrad.stack([x, x], dim=-1), torch.stack([tx, tx], dim=-1)),
        (x.unsqueeze(dim=1), tx.unsqueeze(dim=1)),
        (x[:, :1].squeeze(dim=1), tx[:, :1].squeeze(dim=1)),
        (x[:1, :, :1].squeeze((0, 2)), tx[:1, :, :1].squeeze((0, 2))),
        (x.squeeze(0), tx.squeeze(0)),  # not size 1: left in place, as in PyTorch
        (x.split(2, dim=2)[1], tx.split(2, dim=2)[1]),
        (minigrad.split(x, [1, 2], 1)[1], torch.split(tx, [1, 2], 1)[1]),
        (x.flatten(1), tx.flatten(1)),
        (minigrad.flatten(x, 0, 1), torch.flatten(tx, 0, 1)),
    ]
    for got, ref in pairs:
        assert got.shape == tuple(ref.shape)
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-5, atol=1e-6)


def test_methods_a_pytorch_user_reaches_for() -> None:
    x = minigrad.tensor([[1.0, -2.0, 3.0], [0.5, 0.0, -1.0]], requires_grad=True)
    tx = _th(x)
    assert x.size() == tuple(tx.size()) and x.size(1) == tx.size(1) == x.size(-2) + 1
    assert x.dim() == tx.dim() == 2
    pairs = [
        (x.add(2.0, alpha=3), tx.add(2.0, alpha=3)),
        (x.sub(x, alpha=0.5), tx.sub(tx, alpha=0.5)),
        (x.mul(x), tx.mul(tx)),
        (x.div(4), tx.div(4)),
        (x.neg(), tx.neg()),
        (x.pow(2), tx.pow(2)),
        (x.matmul(x.t()), tx.matmul(tx.t())),
        (x.view(3, 2), tx.view(3, 2)),
        (x.t(), tx.t()),
        (x.contiguous(), tx.contiguous()),
        (x.clone(), tx.clone()),
        (x.double(), tx.double()),
        (x.long(), tx.long()),
        (x.any(dim=1), tx.any(dim=1)),
        (x.all(), tx.all()),
    ]
    for got, ref in pairs:
        assert minigrad.backend.dtype_name(got.dtype) == str(ref.dtype).removeprefix("torch.")
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6)
    assert x.tolist() == tx.tolist()
    np.testing.assert_array_equal(np.asarray(x), tx.numpy())
    assert len(x) == len(tx) and [r.tolist() for r in x] == [r.tolist() for r in tx]
    assert x.long().requires_grad is False  # integers carry no gradient
    assert minigrad.tensor(3.0).t().shape == () and minigrad.ones(3).t().shape == (3,)
    with pytest.raises(ValueError, match=r"t\(\) expects a tensor with at most 2 dimensions"):
        minigrad.ones(2, 2, 2).t()


def test_clone_is_a_copy_that_passes_the_gradient() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.clone()
    y.array[0] = 10.0
    assert x.tolist() == [1.0, 2.0]
    (y * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_creation_functions_match_torch() -> None:
    x = minigrad.ones(2, 3, dtype="float64")
    tx = _th(x)
    pairs = [
        (minigrad.full((2, 3), 7), torch.full((2, 3), 7)),
        (minigrad.full((2,), 0.5), torch.full((2,), 0.5)),
        (minigrad.full((2,), True), torch.full((2,), True)),
        (minigrad.full_like(x, 4), torch.full_like(tx, 4)),
        (minigrad.zeros_like(x), torch.zeros_like(tx)),
        (minigrad.ones_like(x, dtype="int32"), torch.ones_like(tx, dtype=torch.int32)),
        (minigrad.eye(3), torch.eye(3)),
        (minigrad.eye(2, 4), torch.eye(2, 4)),
        (minigrad.linspace(-1, 1, 5), torch.linspace(-1, 1, 5)),
        (minigrad.linspace(0, 1, 0), torch.linspace(0, 1, 0)),
        (minigrad.arange(1, 2, 0.25), torch.arange(1, 2, 0.25)),
        (minigrad.arange(5), torch.arange(5)),
    ]
    for got, ref in pairs:
        assert minigrad.backend.dtype_name(got.dtype) == str(ref.dtype).removeprefix("torch.")
        assert got.shape == tuple(ref.shape)
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6)


def test_random_creation() -> None:
    minigrad.manual_seed(0)
    u = minigrad.rand(1000)
    assert u.dtype == np.float32 and 0 <= u.min().item() and u.max().item() < 1
    assert abs(u.mean().item() - 0.5) < 0.05
    r = minigrad.randint(2, 5, (1000,))
    assert r.dtype == np.int64 and set(np.unique(r.numpy())) == {2, 3, 4}
    assert minigrad.randint(3, (4, 2)).shape == (4, 2)
    n = minigrad.randn_like(minigrad.zeros(500, 2, dtype="float64"))
    assert n.shape == (500, 2) and n.dtype == np.float64 and abs(n.mean().item()) < 0.15
    minigrad.manual_seed(1)
    first = minigrad.rand(3).tolist()
    minigrad.manual_seed(1)
    assert minigrad.rand(3).tolist() == first
    with pytest.raises(ValueError, match="randint needs low < high, got low=5, high=5"):
        minigrad.randint(5, 5, (2,))


CREATORS = {
    "zeros": lambda **k: minigrad.zeros(2, **k),
    "ones": lambda **k: minigrad.ones(2, **k),
    "full": lambda **k: minigrad.full((2,), 1.5, **k),
    "zeros_like": lambda **k: minigrad.zeros_like(minigrad.ones(2), **k),
    "ones_like": lambda **k: minigrad.ones_like(minigrad.ones(2), **k),
    "full_like": lambda **k: minigrad.full_like(minigrad.ones(2), 3, **k),
    "eye": lambda **k: minigrad.eye(2, **k),
    "linspace": lambda **k: minigrad.linspace(0, 1, 2, **k),
    "arange": lambda **k: minigrad.arange(0.0, 2.0, **k),
    "rand": lambda **k: minigrad.rand(2, **k),
    "randn": lambda **k: minigrad.randn(2, **k),
    "randn_like": lambda **k: minigrad.randn_like(minigrad.ones(2), **k),
    "tensor": lambda **k: minigrad.tensor([1.0, 2.0], **k),
}


@pytest.mark.parametrize("name", sorted(CREATORS))
def test_every_creation_function_takes_requires_grad_dtype_device_name(name: str) -> None:
    t = CREATORS[name](dtype="float64", requires_grad=True, device="cpu", name="w")
    assert (t.dtype, t.requires_grad, t.device, t.name, t.is_leaf) == (
        np.float64,
        True,
        "cpu",
        "w",
        True,
    )
    (t * 2).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.full(t.shape, 2.0))


def test_module_functions_are_exported_and_randint_needs_a_size() -> None:
    for name in ["full", "eye", "linspace", "rand", "randint", "randn_like", "full_like"]:
        assert name in minigrad.__all__
    with pytest.raises(TypeError, match="randint needs a size"):
        minigrad.randint(3)


def test_nn_layers_still_work_with_dim_keywords() -> None:
    layer = nn.Linear(3, 2)
    out = layer(minigrad.randn(4, 3)).softmax(dim=-1)
    np.testing.assert_allclose(out.sum(dim=1).numpy(), np.ones(4), rtol=1e-5)


def test_surface_on_every_backend(backend: str) -> None:
    """(values, indices), promotion and PyTorch's indexing order on each array library."""
    from minigrad.testing import to_backend

    values = np.array([[1.0, 5.0, 3.0], [7.0, 2.0, 0.0]])
    x = minigrad.Tensor(to_backend(values, backend), requires_grad=True)
    best = x.max(dim=1)
    assert (best.values.tolist(), best.indices.tolist()) == ([5.0, 7.0], [1, 0])
    best.values.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    ints = minigrad.Tensor(to_backend(np.array([1, 2, 3]), backend))
    for got in [ints + 0.5, ints / 2, ints.exp(), minigrad.where(ints > 1, 1.5, ints)]:
        assert minigrad.backend.dtype_name(got.dtype) == "float32"
    assert minigrad.where(ints > 1, 1, 3).tolist() == [3, 1, 1]
    cube = minigrad.Tensor(to_backend(np.arange(24.0).reshape(2, 3, 4), backend))
    assert (
        cube[0, :, [0, 1]].tolist()
        == _th(minigrad.arange(24.0).reshape(2, 3, 4))[0, :, [0, 1]].tolist()
    )
