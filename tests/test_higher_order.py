"""Higher-order gradients: create_graph, minigrad.grad, gradgradcheck for every primitive op,
the function transforms, and PyTorch as the oracle for second derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import nn
import viz
from minigrad import functional as mf
from minigrad.testing import assert_second_gradients_match, shapes, tensors
from nn import functional as F  # noqa: N812

try:
    import torch
except ImportError:  # the oracle tests say why they skip
    torch = None

needs_torch = pytest.mark.skipif(
    torch is None, reason="PyTorch is the oracle for second derivatives; pip install torch"
)

# -- one function per primitive op, each using the op twice so second derivatives are not 0
UNARY = {
    "neg": lambda a: (-a) * a,
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "sqrt": lambda a: a.sqrt(),
    "abs": lambda a: a.abs() * a,
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu() * a,
    "leaky_relu": lambda a: a.leaky_relu(0.1) * a,
    "clip": lambda a: a.clip(0.8, 1.6) * a,
    "pow_scalar": lambda a: a**3 + a**0.5,
    "rpow": lambda a: 2.0**a,
    "sum": lambda a: a.sum() * a,
    "mean": lambda a: a.mean() * a,
    "max": lambda a: a.max() * a,
    "min": lambda a: a.min() * a,
    "logsumexp": lambda a: a.logsumexp(axis=-1) if a.ndim else a.exp().logsumexp(),
    "softmax": lambda a: (a.softmax(axis=-1) * a) if a.ndim else a * a,
    "log_softmax": lambda a: (a.log_softmax(axis=-1) * a) if a.ndim else a * a,
    "reshape": lambda a: a.reshape(-1) * a.reshape(-1),
    "transpose": lambda a: a.T * a.T,
    "broadcast_to": lambda a: a.broadcast_to((2, *a.shape)) * a,
    "getitem": lambda a: (a[..., :1] * a[..., :1]) if a.ndim else a * a,
    "stack": lambda a: minigrad.stack([a, a * a]) * a,
    "concat": lambda a: minigrad.concat([a.reshape(-1), (a * a).reshape(-1)]) ** 2,
}
BINARY = {
    "add": lambda a, b: (a + b) * a,
    "sub": lambda a, b: (a - b) * b,
    "mul": lambda a, b: a * b * a,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "maximum": lambda a, b: minigrad.maximum(a, b) * a,
    "minimum": lambda a, b: minigrad.minimum(a, b) * b,
    "where": lambda a, b: minigrad.where(a > b, a * a, b * a),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_double_backward_of_every_unary_op(name: str, data) -> None:
    x = data.draw(
        tensors(
            shapes(max_dims=2, max_side=3),
            min_value=0.6,
            max_value=1.9,
            unique=True,
            min_distance=0.05,
            avoid=[0.8, 1.6],  # clip's kinks
        )
    )
    assert_second_gradients_match(UNARY[name], x)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=8, deadline=None)
@given(shape=shapes(max_dims=2, max_side=3), data=st.data())
def test_double_backward_of_every_binary_op(name: str, shape, data) -> None:
    a = data.draw(tensors(shape, min_value=0.6, max_value=1.9))
    b = data.draw(tensors(shape, min_value=0.6, max_value=1.9))
    minigrad.testing.assume_well_separated(np.concatenate([a.numpy().ravel(), b.numpy().ravel()]))
    assert_second_gradients_match(BINARY[name], a, b)


@settings(max_examples=8, deadline=None)
@given(data=st.data(), rows=st.integers(1, 3), inner=st.integers(1, 3), cols=st.integers(1, 3))
def test_double_backward_of_matmul_and_linear(data, rows: int, inner: int, cols: int) -> None:
    a = data.draw(tensors((rows, inner)))
    b = data.draw(tensors((inner, cols)))
    bias = data.draw(tensors((cols,)))
    assert_second_gradients_match(lambda a, b: (a @ b) * (a @ b), a, b)
    assert_second_gradients_match(lambda x, w, c: F.linear(x, w.T, c).tanh(), a, b, bias)


def _rng_tensor(rng, *shape, positive=False):
    values = rng.normal(size=shape)
    values = np.abs(values) + 0.5 if positive else values
    return minigrad.tensor(values, dtype="float64", requires_grad=True)


def test_double_backward_of_indexing_embedding_and_losses() -> None:
    rng = np.random.default_rng(0)
    x, y = _rng_tensor(rng, 3, 4), _rng_tensor(rng, 3, 4)
    ids = minigrad.tensor([0, 2, 2])
    assert_second_gradients_match(lambda a: a[[0, 0, 2]] ** 2 + a[1:, ::2].sum() * a[0, 1], x)
    assert_second_gradients_match(lambda w: minigrad.embedding(w, ids) ** 2, x)
    targets = minigrad.tensor([0, 3, 1])
    assert_second_gradients_match(lambda a: F.cross_entropy(a, targets) * a.sum(), x)
    assert_second_gradients_match(lambda a: F.nll_loss(a.log_softmax(axis=1), targets) * a.sum(), x)
    assert_second_gradients_match(
        lambda a, t: F.binary_cross_entropy_with_logits(a, t) * a.sum(), x, y
    )
    assert_second_gradients_match(lambda a, t: F.mse_loss(a, t) * a.sum(), x, y)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_composed_recurrent_layers_support_double_backward(kind: str) -> None:
    minigrad.manual_seed(0)
    layer = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind](2, 3, fused=False)
    layer.to("float64")
    x = _rng_tensor(np.random.default_rng(1), 3, 1, 2)
    assert_second_gradients_match(lambda x: layer(x)[0], x, atol=1e-4)


def test_fused_layers_name_the_composed_form() -> None:
    layer = nn.LSTM(2, 3)
    x = minigrad.randn(3, 1, 2, requires_grad=True)
    out, _ = layer(x)
    with pytest.raises(RuntimeError, match="fused=False"):
        minigrad.grad(out.sum(), [x], create_graph=True)


# -- minigrad.grad and backward(create_graph=True) with PyTorch's semantics


def test_grad_returns_gradients_without_touching_dot_grad() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = (x**3).sum()
    (g,) = minigrad.grad(y, [x], create_graph=True)
    assert x.grad is None
    assert g.tolist() == [3.0, 12.0] and g.requires_grad
    (h,) = minigrad.grad(g.sum(), [x])
    assert h.tolist() == [6.0, 12.0] and not h.requires_grad


def test_backward_create_graph_leaves_differentiable_grads() -> None:
    x = minigrad.tensor([1.0, -2.0], dtype="float64", requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    assert first.requires_grad
    (second,) = minigrad.grad(first.sum(), [x])
    np.testing.assert_allclose(second.numpy(), [6.0, -12.0])


def test_grad_allow_unused_and_errors() -> None:
    x = minigrad.tensor(1.0, requires_grad=True)
    unused = minigrad.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        minigrad.grad(x * 2, [x, unused])
    assert minigrad.grad(x * 2, [x, unused], allow_unused=True)[1] is None
    with pytest.raises(RuntimeError, match="not a scalar"):
        minigrad.grad(minigrad.stack([x, x]), [x])
    with pytest.raises(ValueError, match="grad_outputs of shape"):
        minigrad.grad(minigrad.stack([x, x]), [x], grad_outputs=minigrad.ones(3))
    y = x * x
    minigrad.grad(y, [x])  # retain_graph defaults to create_graph (False): graph freed
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        minigrad.grad(y, [x])


def test_gradient_graph_can_be_stepped_and_drawn() -> None:
    x = minigrad.tensor([0.5, -1.0], requires_grad=True, name="x")
    (g,) = minigrad.grad((x.tanh() * x).sum(), [x], create_graph=True)
    names = [step.op.name for step in minigrad.backward_steps(g.sum(), retain_graph=True)]
    assert "mul" in names and "tanh" in names
    source = viz.draw_graph(g.sum()).source
    assert "tanh" in source and "×" in source


def test_indexing_backward_is_drawn_as_an_op() -> None:
    x = minigrad.tensor([0.5, -1.0, 2.0], requires_grad=True)
    (g,) = minigrad.grad((x[1:] ** 2).sum(), [x], create_graph=True)
    assert g.node.op.name == "getitem_backward" or any(
        p.node is not None and p.node.op.name == "getitem_backward" for p in g.node.parents
    )


# -- minigrad.functional


def test_hessian_tells_critical_points_apart() -> None:
    origin = minigrad.tensor([0.0, 0.0], dtype="float64")
    surfaces = {
        "minimum": lambda v: v[0] ** 2 + 2 * v[1] ** 2,
        "maximum": lambda v: -(v[0] ** 2) - v[1] ** 2,
        "saddle": lambda v: v[0] ** 2 - v[1] ** 2,
    }
    signs = {
        k: np.sign(np.linalg.eigvalsh(mf.hessian(f, origin).numpy())) for k, f in surfaces.items()
    }
    assert signs["minimum"].tolist() == [1, 1]
    assert signs["maximum"].tolist() == [-1, -1]
    assert signs["saddle"].tolist() == [-1, 1]


def test_jacobian_of_a_tanh_rnn_step_is_diag_f_prime_times_w() -> None:
    rng = np.random.default_rng(0)
    w = minigrad.tensor(rng.normal(size=(4, 4)), dtype="float64")
    h = minigrad.tensor(rng.normal(size=4), dtype="float64")
    jac = mf.jacobian(lambda h: (w @ h).tanh(), h)
    expected = np.diag(1 - np.tanh(w.numpy() @ h.numpy()) ** 2) @ w.numpy()
    np.testing.assert_allclose(jac.numpy(), expected, atol=1e-12)


def test_functional_shapes_for_several_inputs_and_outputs() -> None:
    a = minigrad.randn(2, 3, dtype="float64")
    b = minigrad.randn(3, dtype="float64")
    jac = mf.jacobian(lambda a, b: (a @ b, b * 2), (a, b))
    assert [[j.shape for j in row] for row in jac] == [[(2, 2, 3), (2, 3)], [(3, 2, 3), (3, 3)]]
    hess = mf.hessian(lambda a, b: (a @ b).sum() ** 2, (a, b))
    assert [[h.shape for h in row] for row in hess] == [
        [(2, 3, 2, 3), (2, 3, 3)],
        [(3, 2, 3), (3, 3)],
    ]
    _, (va, vb) = mf.vjp(lambda a, b: a @ b, (a, b), minigrad.ones(2, dtype="float64"))
    assert va.shape == (2, 3) and vb.shape == (3,)


@needs_torch
def test_functional_transforms_match_torch() -> None:
    rng = np.random.default_rng(3)
    w1, w2 = rng.normal(size=(5, 4)), rng.normal(size=(1, 5))
    x0, v0 = rng.normal(size=4), rng.normal(size=4)

    def mlp(x, lib):
        if lib == "torch":
            return (torch.tensor(w2) @ torch.tanh(torch.tensor(w1) @ x)).sum()
        return (minigrad.tensor(w2) @ (minigrad.tensor(w1) @ x).tanh()).sum()

    x = minigrad.tensor(x0, dtype="float64")
    xt = torch.tensor(x0)
    np.testing.assert_allclose(
        mf.hessian(lambda x: mlp(x, "mg"), x).numpy(),
        torch.autograd.functional.hessian(lambda x: mlp(x, "torch"), xt).numpy(),
        atol=1e-10,
    )
    v, vt = minigrad.tensor(v0, dtype="float64"), torch.tensor(v0)
    np.testing.assert_allclose(
        mf.hvp(lambda x: mlp(x, "mg"), x, v)[1].numpy(),
        torch.autograd.functional.hvp(lambda x: mlp(x, "torch"), xt, vt)[1].numpy(),
        atol=1e-10,
    )
    np.testing.assert_allclose(
        mf.jvp(lambda x: (minigrad.tensor(w1) @ x).tanh(), x, v)[1].numpy(),
        torch.autograd.functional.jvp(lambda x: torch.tanh(torch.tensor(w1) @ x), xt, vt)[1],
        atol=1e-10,
    )
    np.testing.assert_allclose(
        mf.jacobian(lambda x: (minigrad.tensor(w1) @ x).tanh(), x).numpy(),
        torch.autograd.functional.jacobian(lambda x: torch.tanh(torch.tensor(w1) @ x), xt),
        atol=1e-12,
    )


TORCH_TWINS = {
    "tanh·softmax": (
        lambda a: (a.tanh() * a.softmax(axis=1)).logsumexp(axis=1),
        lambda a: (torch.tanh(a) * torch.softmax(a, 1)).logsumexp(1),
    ),
    "sigmoid·log_softmax": (
        lambda a: a.sigmoid() * a.log_softmax(axis=0) + a.max(axis=1, keepdims=True),
        lambda a: torch.sigmoid(a) * torch.log_softmax(a, 0) + a.amax(1, keepdim=True),
    ),
    "pow·div·sqrt": (
        lambda a: (a * a + 1).sqrt() / (a.exp() + 1) + (a * a + 1) ** 1.5,
        lambda a: torch.sqrt(a * a + 1) / (torch.exp(a) + 1) + (a * a + 1) ** 1.5,
    ),
    "cross_entropy": (
        lambda a: F.cross_entropy(a, minigrad.tensor([0, 2, 1])) * a.mean(),
        lambda a: torch.nn.functional.cross_entropy(a, torch.tensor([0, 2, 1])) * a.mean(),
    ),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(TORCH_TWINS))
def test_second_derivatives_match_torch(name: str) -> None:
    ours, theirs = TORCH_TWINS[name]
    x0 = np.random.default_rng(7).normal(size=(3, 4))
    x = minigrad.tensor(x0, dtype="float64", requires_grad=True)
    xt = torch.tensor(x0, requires_grad=True)
    (g,) = minigrad.grad(ours(x).sum(), [x], create_graph=True)
    (gt,) = torch.autograd.grad(theirs(xt).sum(), [xt], create_graph=True)
    (h,) = minigrad.grad((g * g).sum(), [x])
    (ht,) = torch.autograd.grad((gt * gt).sum(), [xt])
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(h.numpy(), ht.numpy(), atol=1e-9)
