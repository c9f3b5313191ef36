"""In-place methods (``add_`` …, ``x += y``, ``x[i] = v``): values, gradients and PyTorch parity.

Each in-place method is checked against its out-of-place result, and — with PyTorch as the
oracle — against ``torch``'s in-place method for the values and for the gradients that flow
through a recorded in-place op. Version counters and the errors are in test_versions.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import Tensor, backward_steps, no_grad

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is the oracle here; not installed")

RNG = np.random.default_rng(0)
X = RNG.uniform(0.5, 2.0, size=(2, 3))  # positive: log_, sqrt_ and pow_ stay real
Y = RNG.uniform(0.5, 2.0, size=(2, 3))
ROW = RNG.uniform(0.5, 2.0, size=(3,))

# (method, arguments as a function of (y, row) tensors, out-of-place equivalent)
CASES = [
    ("add_", lambda y, r: (y,), lambda x, y, r: x + y),
    ("add_", lambda y, r: (r,), lambda x, y, r: x + r),
    ("sub_", lambda y, r: (y,), lambda x, y, r: x - y),
    ("mul_", lambda y, r: (y,), lambda x, y, r: x * y),
    ("mul_", lambda y, r: (2.5,), lambda x, y, r: x * 2.5),
    ("div_", lambda y, r: (y,), lambda x, y, r: x / y),
    ("pow_", lambda y, r: (2,), lambda x, y, r: x**2),
    ("pow_", lambda y, r: (y,), lambda x, y, r: x**y),
    ("neg_", lambda y, r: (), lambda x, y, r: -x),
    ("exp_", lambda y, r: (), lambda x, y, r: x.exp()),
    ("log_", lambda y, r: (), lambda x, y, r: x.log()),
    ("sqrt_", lambda y, r: (), lambda x, y, r: x.sqrt()),
    ("abs_", lambda y, r: (), lambda x, y, r: x.abs()),
    ("tanh_", lambda y, r: (), lambda x, y, r: x.tanh()),
    ("sigmoid_", lambda y, r: (), lambda x, y, r: x.sigmoid()),
    ("relu_", lambda y, r: (), lambda x, y, r: x.relu()),
    ("clamp_", lambda y, r: (0.8, 1.5), lambda x, y, r: x.clamp(0.8, 1.5)),
    ("clip_", lambda y, r: (0.8, None), lambda x, y, r: x.clip(0.8, None)),
    ("fill_", lambda y, r: (3.0,), lambda x, y, r: x * 0 + 3.0),
    ("zero_", lambda y, r: (), lambda x, y, r: x * 0),
    ("copy_", lambda y, r: (y,), lambda x, y, r: y + 0),
    ("copy_", lambda y, r: (r,), lambda x, y, r: x * 0 + r),
]
IDS = [f"{name}{i}" for i, (name, *_) in enumerate(CASES)]


def _args(make_args, y, r):
    return make_args(y, r)


@pytest.mark.parametrize(("name", "make_args", "reference"), CASES, ids=IDS)
def test_inplace_method_matches_the_out_of_place_result(name, make_args, reference):
    x, y, r = Tensor(X.copy()), Tensor(Y), Tensor(ROW)
    expected = reference(x, y, r).numpy()
    array = x.array
    out = getattr(x, name)(*_args(make_args, y, r))
    assert out is x and x.array is array  # the same tensor, the same memory
    np.testing.assert_allclose(x.numpy(), expected, rtol=1e-12)
    assert x._version == 1


@needs_torch
@pytest.mark.parametrize(("name", "make_args", "reference"), CASES, ids=IDS)
def test_gradients_through_a_recorded_inplace_op_match_pytorch(name, make_args, reference):
    """h = w·c is a non-leaf; h.OP_(y) is recorded; the loss reads h afterwards."""
    c = RNG.uniform(0.5, 1.5, size=(2, 3))
    weights = RNG.normal(size=(2, 3))

    def run(lib, w, y, r):
        h = w * lib.tensor(c)
        getattr(h, name)(*_args(make_args, y, r))
        loss = (h * lib.tensor(weights)).sum()
        loss.backward()
        return h

    w, y, r = (Tensor(a, requires_grad=True) for a in (X, Y, ROW))
    tw, ty, tr = (torch.tensor(a, requires_grad=True) for a in (X, Y, ROW))
    h = run(minigrad, w, y, r)
    th = run(torch, tw, ty, tr)
    np.testing.assert_allclose(h.numpy(), th.detach().numpy(), rtol=1e-10)
    for mine, theirs in ((w, tw), (y, ty), (r, tr)):
        if theirs.grad is None:
            assert mine.grad is None or not np.any(mine.grad.numpy())
        else:
            np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-10)
    assert h.node.op.name == name


@pytest.mark.parametrize(
    ("statement", "method"),
    [("h += y", "add_"), ("h -= y", "sub_"), ("h *= y", "mul_"), ("h /= y", "div_")],
)
def test_augmented_assignment_is_in_place(statement, method):
    w, y = Tensor(X, requires_grad=True), Tensor(Y, requires_grad=True)
    h = w * 1
    alias = h
    scope = {"h": h, "y": y}
    exec(statement, scope)  # the statement under test
    assert scope["h"] is alias and alias.node.op.name == method


def test_augmented_assignment_on_a_plain_tensor_changes_every_reference():
    a = Tensor([1.0, 2.0])
    b = a
    b += 1
    assert a.tolist() == [2.0, 3.0]


@needs_torch
def test_earlier_consumers_keep_the_earlier_value():
    """``a = h * 3`` was recorded before ``h.mul_``: its gradient goes to h's earlier value."""

    def run(lib, w):
        h = w * 2
        a = h * 3
        h.mul_(h.detach() + 1)
        b = h.exp()
        h.add_(a)
        (a * a + b + h).sum().backward()

    w, tw = Tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    run(minigrad, w)
    run(torch, tw)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10)


def test_the_op_computes_from_a_snapshot_of_the_earlier_values():
    """mul_ saves h's earlier values for y's gradient: without the snapshot the write would
    overwrite them (and y's gradient would be the new h)."""
    w, y = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    h = w * 2  # [2, 4]
    h.mul_(y)  # [6, 16]
    h.sum().backward()
    assert y.grad.tolist() == [2.0, 4.0]
    assert w.grad.tolist() == [6.0, 8.0]


def test_a_leaf_without_grad_becomes_part_of_the_graph():
    acc = minigrad.zeros(2)
    w = Tensor([1.0, 2.0], requires_grad=True)
    acc += w * w
    acc += w
    assert not acc.is_leaf and acc.requires_grad
    acc.sum().backward()
    assert w.grad.tolist() == [3.0, 5.0]


def test_a_float64_value_written_into_a_float32_tensor_keeps_float32_and_its_gradient():
    w = Tensor([1.0, 2.0], requires_grad=True)  # float32
    y = Tensor(np.array([0.5, 0.25]), requires_grad=True)  # float64
    h = w * 1
    h.mul_(y)
    assert h.dtype == np.float32
    h.sum().backward()
    assert w.grad.dtype == np.float32 and w.grad.tolist() == [0.5, 0.25]
    assert y.grad.dtype == np.float64 and y.grad.tolist() == [1.0, 2.0]


@needs_torch
def test_hooks_registered_before_the_write_see_the_earlier_values_gradient():
    def run(lib, w):
        seen = []
        h = w * 2
        h.register_hook(lambda g: seen.append(np.array(g.tolist())))
        h.mul_(3)
        (h * h).sum().backward()
        return seen

    mine = run(minigrad, Tensor(X, requires_grad=True))
    theirs = run(torch, torch.tensor(X, requires_grad=True))
    assert len(mine) == len(theirs) == 1
    np.testing.assert_allclose(mine[0], theirs[0], rtol=1e-10)


# ---------------------------------------------------------------------- setitem


@needs_torch
@pytest.mark.parametrize(
    ("key", "shape"),
    [((0,), (3,)), ((slice(None), 1), (2,)), ((1, slice(1, None)), ()), ((..., 0), (1,))],
    ids=["row", "column", "broadcast-scalar", "ellipsis"],
)
def test_setitem_gradients_match_pytorch(key, shape):
    v0 = RNG.uniform(0.5, 2.0, size=shape)
    weights = RNG.normal(size=(2, 3))

    def run(lib, w, v):
        h = w * 2
        h[key] = v * v
        (h * lib.tensor(weights)).sum().backward()
        return h

    w, v = Tensor(X, requires_grad=True), Tensor(v0, requires_grad=True)
    tw, tv = torch.tensor(X, requires_grad=True), torch.tensor(v0, requires_grad=True)
    h, th = run(minigrad, w, v), run(torch, tw, tv)
    np.testing.assert_allclose(h.numpy(), th.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy(), rtol=1e-12)
    assert h.node.op.name == "index_put_"


def test_setitem_with_an_index_tensor():
    w = Tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    v = Tensor([10.0, 20.0], requires_grad=True)
    h = w * 1
    h[minigrad.tensor([3, 0])] = v
    assert h.tolist() == [20.0, 2.0, 3.0, 10.0]
    (h * Tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    assert w.grad.tolist() == [0.0, 2.0, 3.0, 0.0] and v.grad.tolist() == [4.0, 1.0]


def test_one_hot_rows_are_built_through_views_without_grad():
    """``t[0][i] = 1``, as tutorials build one-hot inputs: ``t[0]`` is a view, the write
    reaches ``t``."""
    t = minigrad.zeros(3, 4)
    for row, column in enumerate([2, 0, 3]):
        t[row][column] = 1
    assert t.tolist() == [[0, 0, 1, 0], [1, 0, 0, 0], [0, 0, 0, 1]]
    v = t.reshape(12)
    v[1] = 5.0  # reshape is a view too
    assert t[0, 1].item() == 5.0


def test_setitem_accepts_numbers_lists_and_arrays():
    t = minigrad.zeros(2, 3)
    t[0] = [1, 2, 3]
    t[1] = np.array([4.0, 5.0, 6.0])
    t[1, 2] = 7
    assert t.tolist() == [[1, 2, 3], [4, 5, 7]] and t.dtype == np.float32


# ---------------------------------------------------------------------- fill, copy, random


def test_copy_broadcasts_casts_and_passes_the_gradient_to_the_source():
    dest = minigrad.zeros(2, 3)  # float32
    src = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)  # float64
    dest.copy_(src)
    assert dest.dtype == np.float32 and dest.tolist() == [[1, 2, 3], [1, 2, 3]]
    dest.sum().backward()
    assert src.grad.tolist() == [2.0, 2.0, 2.0]
    ints = minigrad.zeros(2, dtype="int64")
    ints.copy_(Tensor([1.7, -2.2]))  # copy_ converts any dtype, as PyTorch
    assert ints.tolist() == [1, -2]


def test_random_fills_under_no_grad_initialise_a_parameter():
    minigrad.manual_seed(0)
    w = minigrad.zeros(200, 50, requires_grad=True)
    with no_grad():
        w.normal_(1.0, 0.5)
    values = w.numpy()
    assert abs(values.mean() - 1.0) < 0.02 and abs(values.std() - 0.5) < 0.02
    with no_grad():
        w.uniform_(-2.0, -1.0)
    values = w.numpy()
    assert values.min() >= -2.0 and values.max() < -1.0
    assert w.is_leaf and w.requires_grad and w._version == 2


# ---------------------------------------------------------------------- shape


@needs_torch
@pytest.mark.parametrize(
    ("name", "args"),
    [("unsqueeze_", (0,)), ("unsqueeze_", (-1,)), ("t_", ()), ("transpose_", (0, 1))],
)
def test_metadata_inplace_ops_match_pytorch(name, args):
    weights = RNG.normal(size=getattr(torch.ones(2, 3), name.rstrip("_"))(*args).shape)

    def run(lib, w):
        h = w * 2
        getattr(h, name)(*args)
        (h * lib.tensor(weights)).sum().backward()
        return h

    w, tw = Tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    h, th = run(minigrad, w), run(torch, tw)
    assert h.shape == tuple(th.shape) and h.node.op.name == name
    np.testing.assert_allclose(h.numpy(), th.detach().numpy())
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def test_squeeze_in_place_shares_the_values():
    t = minigrad.zeros(1, 3, 1)
    array = t.array
    t.squeeze_()
    assert t.shape == (3,) and np.shares_memory(t.array, array) and t._version == 1


# ---------------------------------------------------------------------- property, stepping


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_gradcheck_of_a_function_written_with_inplace_ops(rows, cols, seed):
    rng = np.random.default_rng(seed)
    w = Tensor(rng.uniform(0.5, 1.5, (rows, cols)), requires_grad=True)
    b = Tensor(rng.uniform(-1.0, 1.0, (cols,)), requires_grad=True)

    def f(w, b):
        h = w * 1.5
        h += b
        h.tanh_()
        g = h * 3  # saves h, but needs it only for the gradient of 3: h may change
        h.mul_(w)
        h[0] = b * 2
        h.sub_(g, alpha=0.5)
        return h.exp_()

    assert minigrad.gradcheck(f, [w, b])


def test_stepping_shows_the_inplace_node():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    h = w * 2
    h.name = "h"
    h.add_(1)
    loss = (h * h).sum()
    names = [step.op.name for step in backward_steps(loss)]
    assert "add_" in names and names.index("add_") < names.index("mul") + 3
    assert w.grad.tolist() == [12.0, 20.0]


def test_graph_pictures_label_the_inplace_node():
    viz = pytest.importorskip("viz", reason="the viz package is needed to draw the graph")
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    h = w * 2
    h.add_(1)
    source = viz.draw_graph(h.sum()).source
    assert "+=" in source


def _indexed_augmented(lib, start, grad):
    """``x[0] += 1`` and ``x[:, 1] *= w`` on a tensor in the graph, PyTorch's idiom."""
    w = lib.tensor(start, requires_grad=True)
    x = w * 2
    x[0] += 1
    x[:, 1] *= w[:, 0]
    x[1, 2] -= 0.5
    (x * lib.tensor(grad)).sum().backward()
    return x.detach().numpy(), w.grad.numpy()


@needs_torch
def test_augmented_assignment_to_an_item_of_a_graph_tensor_matches_pytorch():
    ours = _indexed_augmented(minigrad, X, Y)
    theirs = _indexed_augmented(torch, X, Y)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_augmented_assignment_to_a_named_view_of_a_graph_tensor_is_still_refused():
    x = Tensor(X, requires_grad=True) * 2
    view = x[0]
    with pytest.raises(NotImplementedError, match=r"on a view"):
        view += 1  # nothing writes `view` back into x, so computing out of place would be wrong
    np.testing.assert_array_equal(x.numpy(), X * 2)
