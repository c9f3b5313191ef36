"""The fused ops reuse their big internal arrays between calls: reuse must never be visible.

Each test interleaves graphs in a way that would expose an array handed out while still in
use: outputs, gradients and retained graphs must equal those of a run with nothing else
going on.
"""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn
from minigrad.kernels import BufferPool

KINDS = [nn.RNN, nn.LSTM, nn.GRU]


def _layer(cls):
    minigrad.manual_seed(0)
    return cls(3, 5).double()


def _inputs(seed):
    rng = np.random.default_rng(seed)
    return minigrad.tensor(rng.normal(size=(6, 2, 3)), requires_grad=True)


def _grads(layer, x):
    out, _ = layer(x)
    (out * out).sum().backward()
    grads = [x.grad.numpy().copy()] + [p.grad.numpy().copy() for p in layer.parameters()]
    layer.zero_grad()
    x.grad = None
    return grads


@pytest.mark.parametrize("cls", KINDS)
def test_two_live_graphs_backpropagated_in_either_order_match_isolated_runs(cls):
    layer = _layer(cls)
    x1, x2 = _inputs(1), _inputs(2)
    expected = [_grads(layer, x1), _grads(layer, x2)]
    y1, _ = layer(x1)
    y2, _ = layer(x2)  # both graphs alive: their saved arrays must be distinct
    (y2 * y2).sum().backward()
    got2 = [x2.grad.numpy().copy()] + [p.grad.numpy().copy() for p in layer.parameters()]
    layer.zero_grad()
    (y1 * y1).sum().backward()  # after y2's arrays went back to the pool
    got1 = [x1.grad.numpy()] + [p.grad.numpy() for p in layer.parameters()]
    for got, want in zip(got1 + got2, expected[0] + expected[1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("cls", KINDS)
def test_retained_graph_backpropagates_twice_to_the_same_gradients(cls):
    layer = _layer(cls)
    x = _inputs(3)
    out, _ = layer(x)
    loss = (out * out).sum()
    loss.backward(retain_graph=True)
    first = [p.grad.numpy().copy() for p in layer.parameters()]
    layer.zero_grad()
    layer(_inputs(4))[0].sum().backward()  # another graph takes and returns arrays meanwhile
    layer.zero_grad()
    loss.backward()
    for p, want in zip(layer.parameters(), first, strict=True):
        np.testing.assert_allclose(p.grad.numpy(), want, rtol=1e-12)


@pytest.mark.parametrize("cls", KINDS)
def test_outputs_of_no_grad_forwards_are_never_reused(cls):
    layer = _layer(cls)
    with minigrad.no_grad():
        y1, h1 = layer(_inputs(5))
        kept = y1.numpy().copy(), (h1[0] if isinstance(h1, tuple) else h1).numpy().copy()
        layer(_inputs(6))
    np.testing.assert_array_equal(y1.numpy(), kept[0])
    np.testing.assert_array_equal((h1[0] if isinstance(h1, tuple) else h1).numpy(), kept[1])


def test_pool_reuses_released_arrays_and_keeps_a_bounded_number():
    pool = BufferPool(per_shape=2, shapes=2)
    f32, f64 = np.dtype(np.float32), np.dtype(np.float64)
    a = pool.take((3, 4), f32)
    pool.give([a])
    assert pool.take((3, 4), f32) is a  # reused
    assert pool.take((3, 4), f32) is not a  # the pool is empty again
    pool.give([np.empty((3, 4), f32) for _ in range(5)])
    assert len(pool._free[((3, 4), f32)]) == 2
    assert pool.take((3, 4), f64).dtype == f64  # another dtype is another key
    pool.give([np.empty(2), np.empty(3)])  # two newer shapes evict the oldest
    assert ((3, 4), f32) not in pool._free


def _fused_ops(*outputs):
    """The fused ops in the graphs of ``outputs`` (found before backward frees them)."""
    found, stack, seen = [], [t.node for t in outputs if t.node is not None], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.op.name.startswith("fused_"):
            found.append(node.op)
        stack.extend(p.node for p in node.parents if getattr(p, "node", None) is not None)
    return found


@pytest.mark.parametrize("cls", KINDS)
@pytest.mark.parametrize("options", [{}, {"num_layers": 2, "bidirectional": True}])
@pytest.mark.parametrize("loss_on", ["output", "final_state"])
def test_backward_without_retain_graph_releases_every_saved_array(cls, options, loss_on):
    minigrad.manual_seed(0)
    layer = cls(3, 5, **options)
    x = minigrad.randn(6, 2, 3, requires_grad=True)
    out, state = layer(x)
    final = state[0] if isinstance(state, tuple) else state
    ops = _fused_ops(out, final)
    assert len(ops) == options.get("num_layers", 1) * (2 if options.get("bidirectional") else 1)
    assert all(op.saved is not None for op in ops)
    (out.sum() if loss_on == "output" else final.sum()).backward()
    for op in ops:
        assert op.saved is None, f"{op.name} still holds its saved arrays"
        assert op._pooled == [], f"{op.name} kept {len(op._pooled)} buffers out of the pool"
