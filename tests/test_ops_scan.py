"""Running sums and products (cumsum, cumprod): gradcheck on every backend, and forward and
gradient against PyTorch, also where the input has zeros."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_helpers import (
    DISTINCT,
    VECTORS,
    check_case_at_values,
    check_case_gradcheck,
    check_case_matches_torch,
)

import minigrad

# name: (fn(x, m, idx), shapes, element options); see op_helpers
CASES = {
    "cumsum": (lambda x, m, idx: x.cumsum(-1), VECTORS, {}),
    "cumprod": (lambda x, m, idx: x.cumprod(0), VECTORS, {}),
    "cummax": (lambda x, m, idx: x.cummax(-1).values, VECTORS, DISTINCT),
    "cummin": (lambda x, m, idx: m.cummin(x, 0).values, VECTORS, DISTINCT),
    "logcumsumexp": (lambda x, m, idx: x.logcumsumexp(-1), VECTORS, {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("cumprod", [[2.0, 0.0, 3.0], [0.0, 5.0, 4.0]]),
    ],
)
def test_gradients_at_zeros_and_ties_are_pytorchs(name: str, values: list) -> None:
    check_case_at_values(CASES[name], values)


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4)])
def test_scans_of_an_empty_tensor_have_an_empty_gradient(shape: tuple) -> None:
    for name in ("cumprod", "cumsum"):
        x = minigrad.zeros(*shape, dtype="float64", requires_grad=True)
        getattr(x, name)(0).sum().backward()
        assert x.grad.shape == shape
        (g,) = minigrad.grad(getattr(x, name)(-1).sum(), [x], create_graph=True)
        assert g.shape == shape


def test_dtype_argument_computes_in_that_dtype() -> None:
    x = minigrad.tensor([[1, 2], [3, 4]])
    for out in (
        x.cumprod(1, dtype="float64"),
        minigrad.cumsum(x, 0, dtype="float64"),
        x.sum(dtype="float64"),
        minigrad.prod(x, 1, dtype="float64"),
        x.mean(dtype="float64"),
        x.softmax(-1, dtype="float64"),
        minigrad.log_softmax(x, 0, dtype="float64"),
    ):
        assert str(out.dtype) == "float64"
    assert x.cumprod(1, dtype="float64").tolist() == [[1.0, 2.0], [3.0, 12.0]]


def test_cummax_and_cummin_indices_take_the_later_tie_as_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    values = [[1.0, 3.0, 2.0, 3.0, 0.0], [2.0, 2.0, -1.0, -1.0, 5.0]]
    x = minigrad.tensor(values, dtype="float64", requires_grad=True)
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    for name in ("cummax", "cummin"):
        ours, theirs = getattr(x, name)(1), getattr(tx, name)(1)
        assert ours.indices.tolist() == theirs.indices.tolist()
        assert ours.values.tolist() == theirs.values.tolist()
        ours.values.sum().backward()
        theirs.values.sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()
    big = minigrad.tensor([1000.0, 1000.0, -1000.0])
    assert np.allclose(
        big.logcumsumexp(0).numpy(), [1000.0, 1000.0 + np.log(2.0)] * 1 + [1000.0 + np.log(2.0)]
    )
