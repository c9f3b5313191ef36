"""Ops that read or write at index positions (gather, scatter_add, index_select, sort, topk,
embedding lookups): the gradient goes back to the positions read, and repeats add up."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_helpers import (
    DISTINCT,
    VECTORS,
    check_case_gradcheck,
    check_case_matches_torch,
)

import minigrad
from minigrad.testing import assert_forward_matches, assert_gradients_match, shapes, tensors


def _index(shape: tuple[int, ...], high: int) -> np.ndarray:
    """A reproducible index array of ``shape`` with values in [0, high)."""
    rng = np.random.default_rng(sum(shape) + len(shape))
    return rng.integers(0, high, size=shape)


# name: (fn(x, m, idx), shapes, element options); see op_helpers
CASES = {
    "diag_of_vector": (lambda x, m, idx: x.diag(1), shapes(min_dims=1, max_dims=1), {}),
    "diag_of_vector_below": (lambda x, m, idx: m.diag(x, -2), shapes(min_dims=1, max_dims=1), {}),
    "diag_of_matrix": (lambda x, m, idx: x.diag(-1), shapes(min_dims=2, max_dims=2), {}),
    "masked_select": (lambda x, m, idx: x.masked_select(x > 0), VECTORS, {"avoid": [0.0]}),
    "sort": (lambda x, m, idx: x.sort(-1, descending=True).values, VECTORS, DISTINCT),
    "topk": (lambda x, m, idx: x.topk(min(2, x.shape[0]), 0).values, VECTORS, DISTINCT),
    "topk_smallest": (lambda x, m, idx: x.topk(1, -1, largest=False).values, VECTORS, DISTINCT),
    "gather": (lambda x, m, idx: x.gather(-1, idx(_index(x.shape, x.shape[-1]))), VECTORS, {}),
    "scatter_add": (
        lambda x, m, idx: x.scatter_add(0, idx(_index(x.shape, x.shape[0])), x * x),
        VECTORS,
        {},
    ),
    "index_select": (
        lambda x, m, idx: x.index_select(0, idx(np.array([x.shape[0] - 1, 0, x.shape[0] - 1]))),
        VECTORS,
        {},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


def test_sort_and_argsort_indices_match_torch_stable_order() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    values = [[3.0, 1.0, 3.0, 2.0], [0.0, 0.0, -1.0, 5.0]]
    ours = minigrad.tensor(values).sort(dim=1, descending=True)
    theirs = torch.tensor(values).sort(dim=1, descending=True, stable=True)
    assert ours.indices.tolist() == theirs.indices.tolist()
    assert minigrad.tensor(values).argmin(1, keepdim=True).tolist() == [[1], [2]]


@given(data=st.data())
def test_embedding_with_repeated_ids(backend: str, data: st.DataObject) -> None:
    rows = data.draw(st.integers(1, 5), label="rows")
    weight = data.draw(tensors((rows, data.draw(st.integers(1, 3))), backend=backend))
    id_shape = data.draw(shapes(min_dims=1, max_dims=2, max_side=4), label="ids shape")
    ids = data.draw(hnp.arrays(np.int64, id_shape, elements=st.integers(0, rows - 1)))
    assert_forward_matches(lambda w: minigrad.embedding(w, ids), lambda w: w[ids], weight)
    assert_gradients_match(lambda w: minigrad.embedding(w, ids), weight)
    weight.grad = None
    minigrad.embedding(weight, ids).sum().backward()
    counts = np.bincount(ids.ravel(), minlength=rows).astype(float)
    np.testing.assert_array_equal(
        weight.grad.numpy(), np.broadcast_to(counts[:, None], weight.shape)
    )


def test_embedding_errors() -> None:
    w = minigrad.ones(3, 2, requires_grad=True)
    out_of_range = r"embedding indices must be in \[0, 3\), got values from 0 to 3"
    with pytest.raises(IndexError, match=out_of_range):
        minigrad.embedding(w, [0, 3])
    with pytest.raises(TypeError, match="embedding indices must be integers"):
        minigrad.embedding(w, [0.5])
    assert w.grad is None


@pytest.mark.parametrize(
    "options",
    [{}, {"padding_idx": 1}, {"padding_idx": -1}, {"scale_grad_by_freq": True}, {"max_norm": 1.0}],
)
def test_functional_embedding_takes_pytorchs_order_and_options(options: dict) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    from nn import functional as F  # noqa: N812 (PyTorch's name)

    rng = np.random.default_rng(0)
    weight = rng.normal(size=(4, 3))
    ids = np.array([[1, 3, 1], [0, 1, 3]])
    w = minigrad.tensor(weight.copy(), requires_grad=True)
    tw = torch.tensor(weight.copy(), requires_grad=True)
    upstream = rng.normal(size=(2, 3, 3))
    out = F.embedding(minigrad.tensor(ids), w, **options)
    theirs = torch.nn.functional.embedding(torch.tensor(ids), tw, **options)
    np.testing.assert_allclose(out.numpy(), theirs.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=1e-12)  # max_norm renorms
    out.backward(minigrad.tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def test_a_0d_tensor_takes_dim_0_and_minus_1_as_pytorch_does() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    for dim in (0, -1):
        x = minigrad.tensor(2.5, dtype="float64", requires_grad=True)
        tx = torch.tensor(2.5, dtype=torch.float64, requires_grad=True)
        ours = [
            x.topk(1, dim).values,
            x.gather(dim, minigrad.tensor(0)),
            x.gather(dim, minigrad.tensor([0, 0])),
            x.scatter_add(dim, minigrad.tensor(0), x * 3),
            x.index_select(dim, minigrad.tensor([0])),
            x.transpose(dim, 0),
            x.prod(dim),
        ]
        theirs = [
            tx.topk(1, dim).values,
            tx.gather(dim, torch.tensor(0)),
            tx.gather(dim, torch.tensor([0, 0])),
            tx.scatter_add(dim, torch.tensor(0), tx * 3),
            tx.index_select(dim, torch.tensor([0])),
            tx.transpose(dim, 0),
            tx.prod(dim),
        ]
        for a, b in zip(ours, theirs, strict=True):
            assert a.shape == tuple(b.shape) and a.tolist() == b.tolist()
        sum(o.sum() * (i + 1) for i, o in enumerate(ours)).backward()
        sum(t.sum() * (i + 1) for i, t in enumerate(theirs)).backward()
        assert x.grad.tolist() == tx.grad.tolist()
    assert minigrad.tensor(1.0).topk(1).indices.shape == ()


def test_scatter_reduce_adds_or_multiplies_as_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    rng = np.random.default_rng(3)
    x, src = rng.normal(size=(4, 3)), rng.normal(size=(2, 3))
    index = np.array([[0, 1, 0], [0, 3, 0]])
    for reduce in ("add", "multiply"):
        ours = minigrad.tensor(x).scatter(
            0, minigrad.tensor(index), minigrad.tensor(src), reduce=reduce
        )
        theirs = torch.tensor(x).scatter(0, torch.tensor(index), torch.tensor(src), reduce=reduce)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="'add' or 'multiply'"):
        minigrad.tensor(x).scatter(0, minigrad.tensor(index), 1.0, reduce="max")
