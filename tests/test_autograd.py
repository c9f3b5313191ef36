"""The backward driver: iteration not recursion, fan-out, graph freeing, hooks, grad modes."""

from __future__ import annotations

import gc
import sys

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, no_grad


def test_million_op_chain_backprops_under_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000  # the default, so recursion could not cope
    # add with a constant tensor: the cheapest op (no scalar lifting, nothing saved), so the
    # test measures the driver's depth handling rather than per-op overhead.
    x = Tensor(1.0, requires_grad=True, dtype="float64")
    step = Tensor(1e-6, dtype="float64")
    y = x
    # The cyclic GC's repeated passes over a million live objects would dominate the run
    # time; the graph holds no cycles, so pausing it changes nothing else.
    gc.disable()
    try:
        for _ in range(1_000_000):
            y = y + step
        y.backward()
    finally:
        gc.enable()
    assert y.item() == pytest.approx(2.0)
    assert x.grad.item() == 1.0


def test_fan_out_sums_every_branch() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    a, b, c = x * 2, x.exp(), x**2
    (a + b + c).sum().backward()
    np.testing.assert_allclose(
        x.grad.numpy(), 2 + np.exp([1.0, 2.0]) + 2 * np.array([1.0, 2.0]), rtol=1e-6
    )


def test_second_backward_through_freed_graph_is_a_clear_error() -> None:
    x = Tensor(2.0, requires_grad=True)
    y = x * x
    y.backward()
    with pytest.raises(
        RuntimeError,
        match=r"backward through the graph a second time.*"
        r"retain_graph=True",
    ):
        y.backward()


def test_retain_graph_allows_a_second_backward_and_leaf_grads_accumulate() -> None:
    x = Tensor(2.0, requires_grad=True)
    y = x * x * x
    y.backward(retain_graph=True)
    assert x.grad.item() == 12.0
    y.backward()
    assert x.grad.item() == 24.0  # accumulated across calls, as in PyTorch
    x.grad = None
    (x * 3).backward()
    assert x.grad.item() == 3.0


def test_saved_arrays_are_freed_after_backward() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    z = y.tanh()
    loss = z.sum()
    assert y.node.op.saved is not None and z.node.op.saved is not None
    loss.backward()
    for t in (y, z, loss):
        assert t.node.op.saved is None
        assert t.node.freed


def test_saved_arrays_kept_with_retain_graph() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.sum().backward(retain_graph=True)
    assert y.node.op.saved is not None and not y.node.freed


def test_non_scalar_backward_needs_a_gradient() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(
        RuntimeError,
        match=r"non-scalar tensor of shape \(2,\) needs an explicit "
        "gradient",
    ):
        y.backward()
    y.backward(grad=minigrad.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]


def test_backward_gradient_of_wrong_shape() -> None:
    y = Tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"gradient of shape \(3,\) for a tensor of shape \(2,\)"):
        y.backward(grad=np.ones(3, dtype=np.float32))


def test_backward_without_requires_grad() -> None:
    with pytest.raises(RuntimeError, match="does not require grad"):
        (Tensor(1.0) * 2).backward()


def test_requires_grad_on_int_tensor_is_refused() -> None:
    with pytest.raises(
        TypeError, match="only floating-point tensors can require gradients, this one is int64"
    ):
        Tensor(np.array([1, 2]), requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        minigrad.arange(3).requires_grad_()


def test_backward_on_a_leaf() -> None:
    x = Tensor(3.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_no_grad_and_enable_grad() -> None:
    w = Tensor(2.0, requires_grad=True)
    with no_grad():
        assert not minigrad.is_grad_enabled()
        y = w * 3
        with minigrad.enable_grad():
            z = w * 3
    assert minigrad.is_grad_enabled()
    assert not y.requires_grad and y.node is None
    assert z.requires_grad and z.node is not None

    @no_grad()
    def frozen(t: Tensor) -> Tensor:
        return t * 2

    assert not frozen(w).requires_grad


def test_no_grad_restores_mode_after_an_exception() -> None:
    with pytest.raises(ValueError, match="boom"), no_grad():
        raise ValueError("boom")
    assert minigrad.is_grad_enabled()


def test_detach_cuts_the_graph_and_shares_data() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf
    assert d.array is y.array
    (d * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]  # only the direct path, not through d


def test_retain_grad_stores_non_leaf_gradients() -> None:
    x = Tensor(3.0, requires_grad=True)
    h = (x * 2).retain_grad()
    other = x * 5
    (h * h + other).backward()
    assert h.grad.item() == 12.0
    assert other.grad is None  # non-leaves keep no gradient unless asked
    assert x.grad.item() == 29.0
    with pytest.raises(RuntimeError, match="retain_grad"):
        Tensor(1.0).retain_grad()


def test_register_hook_replaces_gradient_and_can_be_removed() -> None:
    x = Tensor(3.0, requires_grad=True)
    seen: list[float] = []
    handle = x.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: seen.append(g.item()))
    (x * 2).backward()
    assert x.grad.item() == 20.0
    assert seen == [20.0]  # hooks run in order, each seeing the previous replacement
    handle.remove()
    handle.remove()  # removing twice is harmless
    x.grad = None
    (x * 2).backward()
    assert x.grad.item() == 2.0


def test_hook_on_a_non_leaf_changes_what_flows_upstream() -> None:
    x = Tensor(3.0, requires_grad=True)
    h = x * 2
    h.register_hook(lambda g: g * 0)
    (h * h).backward()
    assert x.grad.item() == 0.0


def test_hook_may_not_change_the_shape() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: minigrad.ones(3))
    with pytest.raises(ValueError, match="a hook must keep the shape"):
        (x * 2).sum().backward()


def test_failed_op_leaves_inputs_and_graph_unchanged() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(ValueError, match="cannot reshape"):
        y.reshape(3)
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_repr_is_repl_friendly() -> None:
    x = Tensor(-2.0, requires_grad=True, name="x")
    assert repr(x) == "Tensor(-2., requires_grad=True, name='x')"
    y = x * 3
    y.backward()
    assert "op=mul" in repr(y)
    assert "grad=3." in repr(x)


def test_leaf_gradients_never_share_memory_with_each_other_or_the_user():
    """Pass-through ops (add) are copied; fresh-gradient ops (linear, matmul) are not, and
    neither may alias: scaling one .grad in place (as clipping does) must touch only it."""
    import itertools

    from nn import functional as F  # noqa: N812 (PyTorch's name)

    rng = np.random.default_rng(0)
    a, b = (minigrad.tensor(rng.normal(size=(3, 2)), requires_grad=True) for _ in range(2))
    w = minigrad.tensor(rng.normal(size=(4, 2)), requires_grad=True)
    bias = minigrad.tensor(rng.normal(size=4), requires_grad=True)
    m = minigrad.tensor(rng.normal(size=(2, 4)), requires_grad=True)
    users = np.ones(4)
    bias.register_hook(lambda g: minigrad.tensor(users))  # the hook's array is the user's
    (F.linear(a + b, w, bias).sum() + (a @ m).sum()).backward()
    grads = [t.grad.array for t in (a, b, w, bias, m)]
    for g, h in itertools.combinations([*grads, users], 2):
        assert not np.shares_memory(g, h)
    before = b.grad.numpy().copy()
    a.grad.array *= 0.0
    np.testing.assert_array_equal(b.grad.numpy(), before)


@pytest.mark.parametrize(
    "make",
    [
        lambda: minigrad.zeros(2, 3, name="W"),
        lambda: minigrad.ones(2, 3, name="W"),
        lambda: minigrad.randn(2, 3, requires_grad=True, name="W"),
        lambda: minigrad.zeros_like(minigrad.ones(2, 3), name="W"),
        lambda: minigrad.ones_like(minigrad.ones(2, 3), name="W"),
    ],
)
def test_creation_functions_take_a_name(make) -> None:
    t = make()
    assert t.name == "W" and t.shape == (2, 3) and "name='W'" in repr(t)
