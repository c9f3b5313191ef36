"""Version counters and the errors of in-place ops, against PyTorch where it is installed.

``t._version`` counts the in-place writes to ``t``'s values; backward refuses to use a value
an op saved if it was written since, exactly where PyTorch refuses (and not where PyTorch
does not).
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, inplace, no_grad

try:
    import torch
except ImportError:  # pragma: no cover - depends on the machine
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is the oracle here; not installed")

X = np.array([[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]])


def _versions(lib, make):
    """The version after each step of a sequence of in-place ops on a plain tensor."""
    x = make(X.copy())
    seen = [x._version]
    for step in (
        lambda: x.add_(1),
        lambda: x.mul_(2),
        lambda: x.__setitem__(0, 3.0),
        lambda: x.unsqueeze_(0),
        lambda: x.squeeze_(0),
        lambda: x.t_(),
        lambda: x.zero_(),
        lambda: x.detach().add_(1),  # detach shares the counter
        lambda: x.data.add_(1),  # .data does not
        lambda: x + 1,  # out of place: no write
    ):
        step()
        seen.append(x._version)
    return seen


def test_version_counts_writes():
    assert _versions(minigrad, Tensor) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 8]


@needs_torch
def test_version_counts_as_pytorch():
    assert _versions(minigrad, Tensor) == _versions(torch, torch.tensor)


def test_views_share_the_count_of_their_storage():
    t = minigrad.zeros(2, 3)
    row = t[0]
    row[1] = 1.0
    assert t._version == row._version == 1


# ---------------------------------------------------------------------- saved values


def _h_then(lib, build, change):
    """h = w·2 (a non-leaf); y = build(h); change(h); backward through y (and h)."""
    w = lib.tensor(X, requires_grad=True)
    h = w * 2
    y = build(h)
    if change == "output":  # write into what the op saved of its own output
        y[0, 0] = 1.0
    else:
        change(h)
    (y.sum() + h.sum()).backward()
    return w.grad


RAISES = {
    "mul-by-itself": (lambda h: h * h, lambda h: h.add_(1)),
    "exp-output": (lambda h: h.exp(), "output"),
    "sin-input": (lambda h: h.sin(), lambda h: h.mul_(3)),
    "matmul-input": (lambda h: h @ h.detach().T, lambda h: h.sub_(1)),
    "setitem": (lambda h: h.sin(), lambda h: h.__setitem__((0, 1), 5.0)),
    "sigmoid-output-by-setitem": (lambda h: h.sigmoid(), "output"),
}
FINE = {
    "add-saves-nothing": (lambda h: h + 1, lambda h: h.mul_(3)),
    "mul-by-a-constant": (lambda h: h * 3, lambda h: h.add_(1)),
    "matmul-by-a-constant": (
        lambda h: h @ Tensor(X.T) if isinstance(h, Tensor) else h @ torch.tensor(X.T),
        lambda h: h.add_(1),
    ),
    "sum": (lambda h: h.sum(), lambda h: h.exp_()),
}


@pytest.mark.parametrize(("build", "change"), RAISES.values(), ids=RAISES.keys())
def test_backward_refuses_a_saved_value_written_since(build, change):
    with pytest.raises(RuntimeError, match=r"backward through .* as it was when .* \(version"):
        _h_then(minigrad, build, change)


@needs_torch
@pytest.mark.parametrize(("build", "change"), RAISES.values(), ids=RAISES.keys())
def test_pytorch_refuses_the_same(build, change):
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        _h_then(torch, build, change)


@needs_torch
@pytest.mark.parametrize(("build", "change"), FINE.values(), ids=FINE.keys())
def test_writes_that_no_saved_value_needs_are_fine_as_in_pytorch(build, change):
    mine = _h_then(minigrad, build, change)
    theirs = _h_then(torch, build, change)
    np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-12)


def test_the_error_names_the_op_the_tensor_the_write_and_both_versions():
    w = Tensor([1.0, 2.0], requires_grad=True)
    h = w * 2
    h.name = "h"
    y = h * h
    h.add_(1)
    h.mul_(2)
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    message = str(info.value)
    assert "backward through mul needs the tensor 'h' (its input 0)" in message
    assert "(version 0)" in message and "in-place op (add_)" in message
    assert "now version 2" in message and "clone()" in message and "h += ..." not in message
    assert "x += ..." in message


def test_writes_through_data_are_not_counted():
    """PyTorch's .data has a counter of its own: backward then uses the new values silently
    (the risk README describes)."""
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    w.data.mul_(10)
    y.backward()
    assert w.grad.tolist() == [20.0, 40.0] and w._version == 0


def test_no_registry_entry_outlives_its_array():
    t = minigrad.zeros(5)
    t.add_(1)
    key = id(inplace.storage(t.array))
    assert key in inplace.WRITES
    del t
    gc.collect()
    assert key not in inplace.WRITES


# ---------------------------------------------------------------------- errors


def test_a_leaf_that_requires_grad_refuses_inplace_ops_outside_no_grad():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    for write in (
        lambda: w.add_(1),
        lambda: w.__setitem__(0, 1.0),
        lambda: w.zero_(),
        lambda: w.t_(),
    ):
        with pytest.raises(
            RuntimeError, match=r"on the leaf tensor 'w' that requires grad.*no_grad"
        ):
            write()
    assert w.tolist() == [1.0, 2.0] and w._version == 0
    with pytest.raises(RuntimeError, match="leaf"):
        w += 1


@needs_torch
def test_pytorch_refuses_inplace_ops_on_leaves_that_require_grad_too():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w.add_(1)


def test_manual_sgd_steps_under_no_grad():
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    with no_grad():
        w -= 0.25 * w.grad
    assert w.tolist() == [0.5, 1.0] and w.is_leaf and w.requires_grad and w._version == 1
    w.data.add_(w.grad, alpha=-0.25)
    assert w.tolist() == [0.0, 0.0] and w._version == 1


def test_an_inplace_op_keeps_the_dtype_as_pytorch():
    ints = minigrad.tensor([1, 2])
    with pytest.raises(RuntimeError, match=r"add_: the result is float32 but the tensor is int64"):
        ints.add_(0.5)
    with pytest.raises(RuntimeError, match="div_"):
        ints /= 2
    assert ints.tolist() == [1, 2] and ints._version == 0
    ints.add_(2)
    floats = minigrad.zeros(2)
    floats.add_(Tensor(np.array([1.0, 2.0])))  # float64 into float32: allowed, as PyTorch
    assert ints.tolist() == [3, 4] and floats.dtype == np.float32


def test_an_inplace_op_keeps_the_shape_as_pytorch():
    with pytest.raises(RuntimeError, match=r"output with shape \(3,\) doesn't match the broadcast"):
        minigrad.ones(3).add_(minigrad.ones(2, 3))


def test_inplace_writes_through_views_that_need_recording_are_refused():
    w = Tensor(X, requires_grad=True)
    h = w * 1
    for view in (h[0], h.reshape(6), h.T, h[:, 1:]):
        with pytest.raises(NotImplementedError, match=r"on a view.*clone\(\)"):
            view.add_(1)
    assert np.array_equal(h.numpy(), X)
    row = h[0].clone()
    assert row.add_(1) is row  # a clone owns its values


def test_writing_into_a_broadcast_view_names_the_problem():
    t = minigrad.ones(3).expand(2, 3)
    with pytest.raises(RuntimeError, match="read-only"):
        t.add_(1)


# ---------------------------------------------------------------------- .grad assignment


def test_grad_accepts_none_and_a_matching_tensor():
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    w.grad = Tensor([0.5, 0.5])
    (w * 2).sum().backward()
    assert w.grad.tolist() == [2.5, 2.5]
    w.grad = None
    assert w.grad is None


@pytest.mark.parametrize(
    ("value", "error", "pattern"),
    [
        (0, TypeError, r"'w'.s \.grad must be a Tensor or None, got int.*grad = None.*zero_\(\)"),
        ([1.0, 2.0], TypeError, "got list"),
        (np.zeros(2, np.float32), TypeError, "got ndarray"),
        (Tensor([1.0, 2.0, 3.0]), RuntimeError, r"shape \(3,\) to 'w' of shape \(2,\)"),
        (Tensor(np.zeros(2)), RuntimeError, "dtype float64 to 'w' of dtype float32"),
    ],
)
def test_grad_refuses_anything_else_at_assignment(value, error, pattern):
    w = Tensor([1.0, 2.0], requires_grad=True, name="w")
    with pytest.raises(error, match=pattern):
        w.grad = value
    assert w.grad is None


@needs_torch
def test_pytorch_refuses_the_same_grad_assignments():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    for value, error in (
        (0, TypeError),
        (torch.ones(3), RuntimeError),
        (torch.ones(2, dtype=torch.float64), RuntimeError),
    ):
        with pytest.raises(error):
            w.grad = value


def test_a_recorded_write_into_a_view_of_a_tensor_without_grad_is_refused():
    """t[0] of a t that needs no gradient is a leaf sharing t's values: writing w into it would
    give t the values of w without w's graph."""
    w = Tensor([1.0, 2.0], requires_grad=True)
    t = minigrad.zeros(3, 2)
    with pytest.raises(NotImplementedError, match=r"on a view.*base\[idx\] = "):
        t[0][1] = w[0] * 2
    assert t.tolist() == [[0.0, 0.0]] * 3
    t[0, 1] = w[0] * 2  # into the base: recorded
    t.sum().backward()
    assert w.grad.tolist() == [2.0, 0.0]


def test_a_view_whose_base_nothing_else_holds_may_be_written():
    w = Tensor([1.0, 2.0], requires_grad=True)
    x = minigrad.arange(6.0).reshape(2, 3)  # a view of a temporary
    x.add_(w.sum())
    x.sum().backward()
    assert w.grad.tolist() == [6.0, 6.0]
