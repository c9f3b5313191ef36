"""The lectures' rules, checked on the engine: add passes, mul swaps, copy sums."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import Tensor, backward_steps
from minigrad.testing import broadcastable_tensors, tensors


def test_lecture_example_gives_minus4_minus4_3() -> None:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    f = (x + y) * z
    assert f.item() == -12.0
    f.backward()
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4.0, -4.0, 3.0)


@given(data=st.data())
def test_add_passes_upstream_unchanged(backend: str, data: st.DataObject) -> None:
    a, b = data.draw(tensors((2, 3), backend=backend)), data.draw(tensors((2, 3), backend=backend))
    upstream = data.draw(tensors((2, 3), requires_grad=False, backend=backend))
    (step,) = list(backward_steps(a + b, grad=upstream))
    for downstream in step.downstream:
        np.testing.assert_array_equal(np.asarray(downstream), upstream.numpy())
    np.testing.assert_array_equal(a.grad.numpy(), upstream.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), upstream.numpy())


@given(data=st.data())
def test_mul_gives_each_input_upstream_times_the_other(backend: str, data: st.DataObject) -> None:
    a, b = data.draw(tensors((3,), backend=backend)), data.draw(tensors((3,), backend=backend))
    upstream = data.draw(tensors((3,), requires_grad=False, backend=backend))
    (step,) = list(backward_steps(a * b, grad=upstream))
    np.testing.assert_allclose(np.asarray(step.downstream[0]), upstream.numpy() * b.numpy())
    np.testing.assert_allclose(np.asarray(step.downstream[1]), upstream.numpy() * a.numpy())
    np.testing.assert_allclose(a.grad.numpy(), upstream.numpy() * b.numpy())
    np.testing.assert_allclose(b.grad.numpy(), upstream.numpy() * a.numpy())


@given(data=st.data(), k=st.integers(2, 6))
def test_a_tensor_used_k_times_gets_the_sum_of_k_contributions(
    backend: str, data: st.DataObject, k: int
) -> None:
    x = data.draw(tensors((2,), backend=backend))
    weights = [float(i + 1) for i in range(k)]
    out = x * weights[0]
    for w in weights[1:]:
        out = out + x * w
    steps = list(backward_steps(out.sum()))
    np.testing.assert_allclose(x.grad.numpy(), np.full(2, sum(weights)))
    # The copy rule is visible: k contributions make k − 1 accumulation events on x.
    events = [a for s in steps for a in s.accumulations if a.tensor is x]
    assert len(events) == k - 1
    np.testing.assert_allclose(np.asarray(events[-1].total), np.full(2, sum(weights)))
    assert "copy sums" in str(events[0])


def test_reused_non_leaf_gets_summed_gradient() -> None:
    # A classic bug: a non-leaf reused by two consumers must get both contributions.
    x = Tensor(3.0, requires_grad=True)
    h = x * x  # used twice below
    (h * 2 + h.exp() * 0 + h).backward()
    assert x.grad.item() == 3 * 2 * 3.0
    steps_x = Tensor(3.0, requires_grad=True)
    h2 = steps_x * steps_x
    events = [a for s in backward_steps(h2 + h2) for a in s.accumulations]
    assert len(events) == 2  # h2 is both inputs of the add, x both inputs of the mul
    assert steps_x.grad.item() == 12.0


@given(data=st.data())
def test_broadcast_input_receives_gradient_summed_over_copies(
    backend: str, data: st.DataObject
) -> None:
    a, b = data.draw(broadcastable_tensors(2, backend=backend))
    (a + b).sum().backward()
    out_shape = np.broadcast_shapes(a.shape, b.shape)
    copies_a = np.prod(out_shape) / max(a.numel(), 1)
    np.testing.assert_allclose(a.grad.numpy(), np.full(a.shape, copies_a))
    assert b.grad.shape == b.shape


def test_no_grad_input_gets_no_gradient() -> None:
    a = Tensor(2.0, requires_grad=True)
    c = Tensor(5.0)
    (a * c).backward()
    assert a.grad.item() == 5.0 and c.grad is None
    assert minigrad.is_grad_enabled()
