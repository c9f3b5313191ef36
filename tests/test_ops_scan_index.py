"""Reductions, scans, sorting, indexing and einsum: gradcheck over generated shapes (float64)
and forward and gradient against PyTorch, from one table.

Each case is ``fn(x, m, idx)``: ``m`` is the library (``minigrad`` or ``torch``) for free
functions, ``idx`` turns a NumPy index array into that library's index, so one expression
serves both sides (the method names are PyTorch's).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_gradients_match, assume_well_separated, shapes, tensors


def _index(shape: tuple[int, ...], high: int) -> np.ndarray:
    """A reproducible index array of ``shape`` with values in [0, high)."""
    rng = np.random.default_rng(sum(shape) + len(shape))
    return rng.integers(0, high, size=shape)


ANY = shapes()
VECTORS = shapes(min_dims=1, max_dims=3)
MATRICES = shapes(min_dims=2, max_dims=3)
LONG = shapes(min_dims=1, max_dims=3, min_side=2)
DISTINCT = {"unique": True, "separated": True}  # ties are where sort and max have no derivative

# name: (fn(x, m, idx), shapes, element options)
CASES = {
    "prod": (lambda x, m, idx: x.prod(), ANY, {}),
    "prod_dim": (lambda x, m, idx: x.prod(-1, keepdim=True), VECTORS, {}),
    "var": (lambda x, m, idx: x.var(0), LONG, {}),
    "var_all_biased": (lambda x, m, idx: x.var(correction=0), LONG, {}),
    "std": (lambda x, m, idx: x.std(-1, keepdim=True), LONG, DISTINCT),
    "std_unbiased_false": (lambda x, m, idx: x.std(0, unbiased=False), LONG, DISTINCT),
    "cumsum": (lambda x, m, idx: x.cumsum(-1), VECTORS, {}),
    "cumprod": (lambda x, m, idx: x.cumprod(0), VECTORS, {}),
    "norm_2": (lambda x, m, idx: x.norm(), ANY, {"avoid": [0.0], "min_distance": 0.1}),
    "norm_1": (lambda x, m, idx: x.norm(1, dim=-1), VECTORS, {"avoid": [0.0]}),
    "norm_3": (lambda x, m, idx: x.norm(3, dim=0), VECTORS, {"avoid": [0.0], "min_distance": 0.1}),
    "norm_inf": (
        lambda x, m, idx: x.norm(float("inf"), dim=-1),
        VECTORS,
        {**DISTINCT, "avoid": [0.0], "separated_abs": True},  # |x| ties are kinks too
    ),
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
    "masked_fill": (lambda x, m, idx: x.masked_fill(x > 0, 2.0), ANY, {"avoid": [0.0]}),
    "repeat": (lambda x, m, idx: x.repeat(2, *([1] * (x.ndim - 1)), 3), VECTORS, {}),
    "tile": (lambda x, m, idx: x.tile((2,)), ANY, {}),
    "repeat_interleave": (lambda x, m, idx: x.repeat_interleave(2, dim=0), VECTORS, {}),
    "repeat_interleave_flat": (lambda x, m, idx: x.repeat_interleave(3), ANY, {}),
    "chunk": (
        lambda x, m, idx: m.cat([c * (i + 1) for i, c in enumerate(x.chunk(2, 0))]),
        VECTORS,
        {},
    ),
    "flip": (lambda x, m, idx: x.flip(0, -1), MATRICES, {}),
    "flip_one": (lambda x, m, idx: x.flip(-1), VECTORS, {}),
    "roll": (lambda x, m, idx: x.roll(1, 0), VECTORS, {}),
    "roll_flat": (lambda x, m, idx: x.roll(-2), ANY, {}),
    "tril": (lambda x, m, idx: x.tril(1), MATRICES, {}),
    "triu": (lambda x, m, idx: x.triu(-1), MATRICES, {}),
    "diagonal": (lambda x, m, idx: x.diagonal(1, -2, -1), MATRICES, {}),
    "diagonal_negative": (lambda x, m, idx: x.diagonal(-1, 0, 1), MATRICES, {}),
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


def _draw(data: st.DataObject, name: str, backend: str = "numpy") -> minigrad.Tensor:
    _, shape, options = CASES[name]
    options = dict(options)
    separated = options.pop("separated", False)
    separated_abs = options.pop("separated_abs", False)
    x = data.draw(tensors(shape, backend=backend, **options), label="x")
    if separated:
        assume_well_separated(x.numpy(), 1e-3)
    if separated_abs:
        assume_well_separated(np.abs(x.numpy()), 1e-3)
    return x


def _ours(name: str):
    fn = CASES[name][0]
    return lambda x: fn(x, minigrad, lambda a: a)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    x = _draw(data, name, backend)
    if name.startswith("einsum") and backend not in ("numpy", "cupy"):
        with pytest.raises(TypeError, match="einsum needs NumPy or CuPy"):
            _ours(name)(x)
        return
    assert_gradients_match(_ours(name), x)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    fn = CASES[name][0]
    x = _draw(data, name)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    ours, theirs = _ours(name)(x), fn(tx, torch, torch.as_tensor)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.linspace(-1.0, 2.0, math.prod(ours.shape)).reshape(ours.shape)
    ours.backward(minigrad.tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("prod", [[2.0, 0.0, 3.0], [0.0, 0.0, 4.0]]),
        ("prod_dim", [[2.0, 0.0, 3.0], [0.0, 0.0, 4.0]]),
        ("cumprod", [[2.0, 0.0, 3.0], [0.0, 5.0, 4.0]]),
        ("norm_2", [[0.0, 0.0], [0.0, 0.0]]),
        ("norm_inf", [[1.0, -3.0, 3.0], [0.0, 0.0, 0.0]]),
        ("norm_1", [[1.0, 0.0, -2.0], [0.0, 0.0, 0.0]]),
    ],
)
def test_gradients_at_zeros_and_ties_are_pytorchs(name: str, values: list) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    fn = CASES[name][0]
    x = minigrad.tensor(values, dtype="float64", requires_grad=True)
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    _ours(name)(x).sum().backward()
    fn(tx, torch, torch.as_tensor).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=0)


def test_sort_and_argsort_indices_match_torch_stable_order() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    values = [[3.0, 1.0, 3.0, 2.0], [0.0, 0.0, -1.0, 5.0]]
    ours = minigrad.tensor(values).sort(dim=1, descending=True)
    theirs = torch.tensor(values).sort(dim=1, descending=True, stable=True)
    assert ours.indices.tolist() == theirs.indices.tolist()
    assert minigrad.tensor(values).argmin(1, keepdim=True).tolist() == [[1], [2]]


def test_bad_arguments_say_what_to_do() -> None:
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(IndexError, match=r"index values must be in \[-2, 2\)"):
        x.gather(1, [[0, 2], [1, 0]])
    with pytest.raises(ValueError, match="dimensions but the input has 2"):
        x.gather(1, [0, 1])
    with pytest.raises(ValueError, match="repeats a letter"):
        minigrad.einsum("ii->i", x)
    with pytest.raises(ValueError, match=r"'\.\.\.' is not supported"):
        minigrad.einsum("...i->i", x)
    with pytest.raises(ValueError, match="either unbiased= or correction="):
        x.var(unbiased=True, correction=0)
    with pytest.raises(ValueError, match="p >= 1 or inf"):
        x.norm(0.5)
    with pytest.raises(ValueError, match="at least 2 sizes"):
        x.repeat(2)
    with pytest.raises(ValueError, match="topk k=3"):
        x.topk(3)
