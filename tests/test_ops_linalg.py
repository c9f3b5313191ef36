"""Linear algebra: matmul with NumPy's conventions (1-D operands, matrices, batches, broadcast
batches), the fused linear op, and einsum against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_helpers import check_case_gradcheck, check_case_matches_torch, draw_case, ours

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    matmul_pairs,
    shapes,
    tensors,
    to_backend,
)


@given(data=st.data())
def test_matmul_gradient_and_forward(backend: str, data: st.DataObject) -> None:
    a, b = data.draw(matmul_pairs(backend=backend))
    assert_forward_matches(lambda x, y: x @ y, np.matmul, a, b)
    assert_gradients_match(lambda x, y: x @ y, a, b)


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [
        ((3,), (3,)),  # vector · vector -> scalar
        ((3,), (3, 2)),  # vector @ matrix
        ((2, 3), (3,)),  # matrix @ vector
        ((2, 3), (3, 4)),
        ((5, 2, 3), (3, 4)),  # batch @ matrix
        ((3,), (5, 3, 4)),  # vector @ batch
        ((5, 2, 3), (3,)),  # batch @ vector
        ((2, 1, 2, 3), (4, 3, 2)),  # broadcast batches
    ],
)
def test_matmul_shape_cases(backend: str, shape_a: tuple, shape_b: tuple) -> None:
    rng = np.random.default_rng(0)
    a_np, b_np = rng.normal(size=shape_a), rng.normal(size=shape_b)
    a = minigrad.Tensor(to_backend(a_np, backend), requires_grad=True)
    b = minigrad.Tensor(to_backend(b_np, backend), requires_grad=True)
    out = a @ b
    assert out.shape == np.matmul(a_np, b_np).shape
    assert_gradients_match(lambda x, y: x @ y, a, b)


@given(data=st.data())
def test_matmul_with_a_constant_numpy_operand(backend: str, data: st.DataObject) -> None:
    a = data.draw(tensors((2, 3), backend=backend))
    w = np.arange(12.0).reshape(3, 4) / 10
    assert_forward_matches(lambda x: x @ w, lambda x: x @ w, a)
    assert_gradients_match(lambda x: x @ w, a)
    assert_gradients_match(lambda x: w.T @ x.T, a)


def test_matmul_bad_shapes_name_both_shapes() -> None:
    a, b = minigrad.ones(2, 3), minigrad.ones(4, 5)
    with pytest.raises(ValueError, match=r"inner dimensions differ: \(2, 3\) @ \(4, 5\)"):
        a @ b
    with pytest.raises(ValueError, match="matmul needs tensors with at least one dimension"):
        minigrad.tensor(2.0) @ a


def test_failed_matmul_leaves_inputs_untouched() -> None:
    a = minigrad.ones(2, 3, requires_grad=True)
    with pytest.raises(ValueError):
        a @ minigrad.ones(2, 2)
    assert a.grad is None and a.is_leaf
    (a @ minigrad.ones(3)).sum().backward()
    assert a.grad.tolist() == [[1.0] * 3] * 2


# ---------------------------------------------------------------------- linear (one fused node)


@given(
    data=st.data(),
    lead=st.lists(st.integers(1, 3), max_size=3),
    features=st.integers(1, 4),
    outputs=st.integers(1, 3),
    with_bias=st.booleans(),
)
def test_linear_op_gradient_and_forward(
    backend: str, data: st.DataObject, lead: list, features: int, outputs: int, with_bias: bool
) -> None:
    from nn import functional as F  # noqa: N812 (PyTorch's name)

    x = data.draw(tensors((*lead, features), backend=backend))
    w = data.draw(tensors((outputs, features), backend=backend))
    args = [x, w]
    if with_bias:
        args.append(data.draw(tensors((outputs,), backend=backend)))

    def reference(a, b, c=None):
        out = np.matmul(a, b.T)
        return out if c is None else out + c

    assert_forward_matches(F.linear, reference, *args)
    assert_gradients_match(F.linear, *args)


def test_linear_is_one_node_equal_to_matmul_plus_bias() -> None:
    from nn import functional as F  # noqa: N812

    rng = np.random.default_rng(1)
    x = minigrad.tensor(rng.normal(size=(4, 2, 3)), requires_grad=True)
    w = minigrad.tensor(rng.normal(size=(5, 3)), requires_grad=True)
    b = minigrad.tensor(rng.normal(size=5), requires_grad=True)
    fused = F.linear(x, w, b)
    assert fused.op.name == "linear" and fused.node.parents == (x, w, b)
    fused.sum().backward()
    grads = [t.grad.numpy() for t in (x, w, b)]
    for t in (x, w, b):
        t.grad = None
    (x @ w.T + b).sum().backward()
    for got, t in zip(grads, (x, w, b), strict=True):
        np.testing.assert_allclose(got, t.grad.numpy(), rtol=1e-12)


def test_linear_op_errors_name_the_shapes() -> None:
    from nn import functional as F  # noqa: N812

    with pytest.raises(ValueError, match=r"input of shape \(2, 3\) does not fit a weight of shape"):
        F.linear(minigrad.ones(2, 3), minigrad.ones(4, 4))
    with pytest.raises(ValueError, match=r"bias of shape \(3,\) .* it must be \(4,\)"):
        F.linear(minigrad.ones(2, 4), minigrad.ones(4, 4), minigrad.ones(3))


# ---------------------------------------------------------------------- einsum

# name: (fn(x, m, idx), shapes, element options); see op_helpers
CASES = {
    "einsum_matmul": (
        lambda x, m, idx: m.einsum("ij,kj->ik", x, x * x),
        shapes(min_dims=2, max_dims=2),
        {},
    ),
    "einsum_batched": (
        lambda x, m, idx: m.einsum("bij,bkj->bik", x, x + 1),
        shapes(min_dims=3, max_dims=3),
        {},
    ),
    "einsum_sum_out": (lambda x, m, idx: m.einsum("ijk->j", x), shapes(min_dims=3, max_dims=3), {}),
    "einsum_implicit": (
        lambda x, m, idx: m.einsum("ij,j", x, x[0]),
        shapes(min_dims=2, max_dims=2),
        {},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    if backend not in ("numpy", "cupy"):
        x = draw_case(data, CASES[name], backend)
        with pytest.raises(TypeError, match="einsum needs NumPy or CuPy"):
            ours(CASES[name])(x)
        return
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


# the matrix products by name (matmul underneath): every backend
PRODUCTS = {
    "mm": (lambda x, m, idx: x.mm(x.t() * 2 + 1), shapes(min_dims=2, max_dims=2), {}),
    "bmm": (
        lambda x, m, idx: m.bmm(x, x.transpose(1, 2) + 1),
        shapes(min_dims=3, max_dims=3),
        {},
    ),
    "mv": (lambda x, m, idx: x.mv(x[0] + 1), shapes(min_dims=2, max_dims=2), {}),
    "dot": (lambda x, m, idx: m.dot(x, x.sin()), shapes(min_dims=1, max_dims=1), {}),
    "outer": (lambda x, m, idx: x.outer(x.cos()), shapes(min_dims=1, max_dims=1), {}),
}


@pytest.mark.parametrize("name", sorted(PRODUCTS))
@given(data=st.data())
def test_products_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(PRODUCTS[name], backend, data)


@pytest.mark.parametrize("name", sorted(PRODUCTS))
@given(data=st.data())
def test_products_match_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(PRODUCTS[name], data)


def test_products_check_their_dimensions() -> None:
    with pytest.raises(RuntimeError, match="mm needs 2-D, 2-D tensors; operand 1"):
        minigrad.ones(2, 3).mm(minigrad.ones(3))
    with pytest.raises(RuntimeError, match="one batch size"):
        minigrad.ones(2, 2, 3).bmm(minigrad.ones(3, 3, 4))
    with pytest.raises(RuntimeError, match="dot needs 1-D"):
        minigrad.ones(2, 3).dot(minigrad.ones(3))


@pytest.mark.parametrize(
    ("equation", "shapes_"),
    [
        ("ii->i", [(3, 3)]),
        ("ii", [(3, 3)]),
        ("iji->j", [(2, 3, 2)]),
        ("i...->...", [(3, 2, 4)]),
        ("...ik,...j->ij", [(1, 2, 3), (3,)]),
        ("b...i,i...->b...", [(2, 3, 4), (4, 3)]),
    ],
)
def test_einsum_with_ellipsis_and_diagonals_matches_pytorch(equation: str, shapes_: list) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in shapes_]
    ours = [minigrad.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = minigrad.einsum(equation, *ours), torch.einsum(equation, *theirs)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    upstream = rng.normal(size=tuple(ref.shape))
    out.backward(minigrad.tensor(upstream))
    ref.backward(torch.tensor(upstream))
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
