"""Shape ops (reshape, permute, broadcast, indexing, concat, stack, split, repeat, flip, roll,
triangles, diagonals, dtype casts): the gradient moves back the way the values moved; repeats
add up."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_helpers import (
    ANY,
    MATRICES,
    VECTORS,
    check_case_gradcheck,
    check_case_matches_torch,
)

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    shapes,
    tensors,
    to_backend,
)


@given(data=st.data())
def test_reshape(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(backend=backend))
    target = data.draw(st.sampled_from([(-1,), tuple(reversed(x.shape)), (1, *x.shape, 1)]))
    assert_forward_matches(lambda t: t.reshape(target), lambda a: a.reshape(target), x)
    assert_gradients_match(lambda t: t.reshape(*target) * 2.0, x)


@given(data=st.data())
def test_permute_and_transpose(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(shapes(min_dims=2, max_dims=4, max_side=3), backend=backend))
    axes = tuple(data.draw(st.permutations(range(x.ndim)), label="axes"))
    assert_forward_matches(lambda t: t.permute(*axes), lambda a: np.transpose(a, axes), x)
    assert_gradients_match(lambda t: t.permute(axes), x)
    assert_forward_matches(lambda t: t.transpose(0, -1), lambda a: np.swapaxes(a, 0, -1), x)
    assert_gradients_match(lambda t: t.transpose(), x)
    assert_forward_matches(lambda t: t.T, lambda a: a.T, x)
    assert_forward_matches(lambda t: t.mT, lambda a: np.swapaxes(a, -1, -2), x)


@given(data=st.data())
def test_broadcast_to_sums_gradients_back(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(backend=backend))
    other = data.draw(hnp.broadcastable_shapes(x.shape, max_side=3), label="other")
    target = np.broadcast_shapes(x.shape, other)
    assert_forward_matches(
        lambda t: t.broadcast_to(target), lambda a: np.broadcast_to(a, target), x
    )
    assert_gradients_match(lambda t: t.expand(*target), x)


@given(data=st.data())
def test_unsqueeze_squeeze_flatten(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(backend=backend))
    axis = data.draw(st.integers(-x.ndim - 1, x.ndim))
    assert_forward_matches(lambda t: t.unsqueeze(axis), lambda a: np.expand_dims(a, axis), x)
    assert_forward_matches(lambda t: t.unsqueeze(axis).squeeze(axis), lambda a: a, x)
    assert_forward_matches(lambda t: t.flatten(), lambda a: a.reshape(-1), x)
    assert_gradients_match(lambda t: t.unsqueeze(axis).squeeze(), x)


def test_reshape_bad_shape_is_a_clear_error() -> None:
    x = minigrad.ones(2, 3)
    with pytest.raises(ValueError, match=r"cannot reshape \(2, 3\) \(6 elements\) to \(4, 2\)"):
        x.reshape(4, 2)
    with pytest.raises(ValueError, match="cannot reshape"):
        x.reshape(-1, -1)
    with pytest.raises(ValueError, match="not a permutation"):
        x.permute(0, 0)


# ------------------------------------------------------------------------ indexing


@given(data=st.data())
def test_getitem_basic_indices(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(shapes(min_dims=1), backend=backend))
    key = data.draw(hnp.basic_indices(x.shape, allow_newaxis=True), label="key")
    # Negative-step slices are outside the Array API; NumPy covers them below.
    items = key if isinstance(key, tuple) else (key,)
    if backend != "numpy" and any(isinstance(k, slice) and (k.step or 1) < 0 for k in items):
        key = tuple(slice(k.start, k.stop) if isinstance(k, slice) else k for k in items)
    assert_forward_matches(lambda t: t[key], lambda a: a[key], x)
    assert_gradients_match(lambda t: t[key], x)


@given(data=st.data())
def test_getitem_integer_array_with_repeats_accumulates(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(shapes(min_dims=1, max_dims=3), backend=backend))
    axis = data.draw(st.integers(0, x.ndim - 1), label="axis")
    ids = data.draw(st.lists(st.integers(0, x.shape[axis] - 1), min_size=1, max_size=6))
    key = (slice(None),) * axis + (np.array(ids),)
    assert_forward_matches(lambda t: t[key], lambda a: a[key], x)
    assert_gradients_match(lambda t: t[key], x)
    # Each element's gradient counts how often it was picked.
    x.grad = None
    x[key].sum().backward()
    counts = np.bincount(ids, minlength=x.shape[axis]).astype(float)
    expected = np.broadcast_to(counts.reshape((-1,) + (1,) * (x.ndim - axis - 1)), x.shape)
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_getitem_multi_axis_integer_arrays(backend: str) -> None:
    x = minigrad.Tensor(to_backend(np.arange(12.0).reshape(3, 4), backend), requires_grad=True)
    rows, cols = [0, 0, 2, 0], [1, 1, 3, 2]
    out = x[rows, cols]
    assert out.tolist() == [1.0, 1.0, 11.0, 2.0]
    out.sum().backward()
    expected = np.zeros((3, 4))
    np.add.at(expected, (rows, cols), 1.0)
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    fresh = x.detach().double().requires_grad_()
    assert_gradients_match(lambda t: t[rows, cols] * t[rows, cols], fresh)


def test_getitem_with_tensor_and_boolean_index(backend: str) -> None:
    x = minigrad.Tensor(to_backend([1.0, -2.0, 3.0, -4.0], backend), requires_grad=True)
    picked = x[minigrad.tensor([3, 3, 0])]
    assert picked.tolist() == [-4.0, -4.0, 1.0]
    positive = x[x.detach() > 0] if backend == "numpy" else x[[0, 2]]
    (picked.sum() + positive.sum()).backward()
    assert x.grad.tolist() == [2.0, 0.0, 1.0, 2.0]


def test_integer_index_and_iteration() -> None:
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    rows = list(x)
    assert [r.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    (rows[0] * 2 + rows[1] + x[1, 0]).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0], [3.0, 1.0]]


# ------------------------------------------------------------------------ concat / stack / split


@given(data=st.data())
def test_concat(backend: str, data: st.DataObject) -> None:
    base = data.draw(shapes(min_dims=1, max_side=3), label="base")
    axis = data.draw(st.integers(-len(base), len(base) - 1), label="axis")
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3), label="sizes")
    parts = []
    for n in sizes:
        shape = list(base)
        shape[axis] = n
        parts.append(data.draw(tensors(tuple(shape), backend=backend)))
    assert_forward_matches(
        lambda *ts: minigrad.concat(ts, axis=axis), lambda *a: np.concatenate(a, axis=axis), *parts
    )
    assert_gradients_match(lambda *ts: minigrad.cat(list(ts), axis), *parts)


@given(data=st.data())
def test_stack(backend: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_side=3), label="shape")
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)), label="axis")
    count = data.draw(st.integers(1, 3))
    parts = [data.draw(tensors(shape, backend=backend)) for _ in range(count)]
    assert_forward_matches(
        lambda *ts: minigrad.stack(ts, axis=axis), lambda *a: np.stack(a, axis=axis), *parts
    )
    assert_gradients_match(lambda *ts: minigrad.stack(ts, axis), *parts)


@given(data=st.data())
def test_split(backend: str, data: st.DataObject) -> None:
    x = data.draw(tensors(shapes(min_dims=1), backend=backend))
    axis = data.draw(st.integers(0, x.ndim - 1), label="axis")
    size = data.draw(st.integers(1, x.shape[axis]), label="size")
    bounds = list(range(size, x.shape[axis], size))
    assert_forward_matches(
        lambda t: t.split(size, axis), lambda a: np.split(a, bounds, axis=axis), x
    )
    # Weigh the pieces differently so a gradient sent to the wrong piece is caught.
    assert_gradients_match(
        lambda t: minigrad.concat(
            [p * (i + 1) for i, p in enumerate(minigrad.split(t, size, axis))], axis
        ),
        x,
    )


def test_split_by_sections_and_errors() -> None:
    x = minigrad.arange(6.0, dtype="float64").requires_grad_()
    a, b = x.split([2, 4])
    assert a.tolist() == [0.0, 1.0] and b.shape == (4,)
    (a.sum() * 2 + b.sum()).backward()
    assert x.grad.tolist() == [2.0, 2.0, 1.0, 1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match=r"split sizes \[2, 2\] add up to 4, not to axis length 6"):
        x.split([2, 2])
    with pytest.raises(ValueError, match="split size must be positive"):
        x.split(0)
    with pytest.raises(ValueError, match="stack needs tensors of one shape"):
        minigrad.stack([minigrad.ones(2), minigrad.ones(3)])


def test_dtype_cast_is_differentiable(backend: str) -> None:
    x = minigrad.Tensor(to_backend([1.0, 2.0], backend), requires_grad=True, dtype="float32")
    y = x.double() * 3
    assert "float64" in str(y.dtype)
    y.sum().backward()
    assert "float32" in str(x.grad.dtype)
    assert x.grad.tolist() == [3.0, 3.0]
    assert math.isclose(x.float().sum().item(), 3.0)


# ------------------------------------------------------------------------ against PyTorch


# name: (fn(x, m, idx), shapes, element options); see op_helpers
def _product(grids):
    a, b, c = grids
    return a * b + c


CASES = {
    "ravel": (lambda x, m, idx: x.ravel(), ANY, {}),
    "unflatten": (lambda x, m, idx: x.unflatten(0, (1, -1)), VECTORS, {}),
    "meshgrid_xy": (
        lambda x, m, idx: _product(m.meshgrid(x, x.sin(), x * 2, indexing="xy")),
        shapes(min_dims=1, max_dims=1, max_side=3),
        {},
    ),
    "transpose_0d_1d": (lambda x, m, idx: x.transpose(0, -1), shapes(max_dims=1), {}),
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
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


def test_expand_keeps_axes_given_as_minus_one_and_cat_skips_1d_empties() -> None:
    x = minigrad.zeros(3, 1, 2, requires_grad=True)
    out = x.expand(4, -1, 5, -1)
    assert out.shape == (4, 3, 5, 2)
    out.sum().backward()
    assert x.grad.tolist() == [[[20.0, 20.0]]] * 3
    with pytest.raises(ValueError, match="-1 is not allowed"):
        x.expand(-1, 3, 1, 2)
    joined = minigrad.cat([minigrad.zeros(0), minigrad.ones(2, 3)], dim=1)
    assert joined.shape == (2, 3)
