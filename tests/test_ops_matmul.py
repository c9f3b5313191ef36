"""matmul with NumPy's conventions: 1-D operands, matrices, batches, broadcast batches."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    matmul_pairs,
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
