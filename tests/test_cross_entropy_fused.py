"""The fused cross-entropy op equals log_softmax followed by nll_loss, in value and gradient."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
from nn import functional as F  # noqa: N812 (PyTorch's name)

IGNORE = -100


@st.composite
def _cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, str]:
    """Logits with the classes on a drawn axis, targets with some ignored ids, a reduction."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    axis = draw(st.integers(-len(shape), len(shape) - 1)) if len(shape) > 1 else -1
    logits = draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30, allow_subnormal=False)))
    classes = shape[axis]
    rest = tuple(n for i, n in enumerate(shape) if i != axis % len(shape)) if len(shape) > 1 else ()
    target = draw(hnp.arrays(np.int64, rest, elements=st.integers(0, classes - 1)))
    ignored = draw(hnp.arrays(np.bool_, rest))
    target = np.where(ignored, IGNORE, target)
    reduction = draw(st.sampled_from(["mean", "sum", "none"]))
    return logits, target, axis, reduction


def _loss_and_grad(loss_fn, logits: np.ndarray, seed: np.ndarray | None):
    x = minigrad.tensor(logits, requires_grad=True)
    # All-ignored ``mean`` is 0/0: NaN in both forms, which the comparison accepts.
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = loss_fn(x)
        # A random upstream for ``none`` checks each position's scaling, not only the sum.
        (loss * minigrad.tensor(seed) if seed is not None else loss).sum().backward()
    return loss.numpy(), x.grad.numpy()


@settings(max_examples=150, deadline=None)
@given(case=_cases(), data=st.data())
def test_fused_cross_entropy_equals_log_softmax_then_nll(case, data) -> None:
    logits, target, axis, reduction = case
    class_axis = -1 if logits.ndim == 1 else axis
    seed = None
    if reduction == "none":
        seed = data.draw(hnp.arrays(np.float64, target.shape, elements=st.floats(-2, 2)))

    def fused(x):
        return F.cross_entropy(x, target, IGNORE, reduction, axis)

    def composed(x):
        return F.nll_loss(x.log_softmax(class_axis), target, IGNORE, reduction, axis)

    fused_loss, fused_grad = _loss_and_grad(fused, logits, seed)
    ref_loss, ref_grad = _loss_and_grad(composed, logits, seed)
    assert fused_loss.shape == ref_loss.shape
    np.testing.assert_allclose(fused_loss, ref_loss, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fused_grad, ref_grad, rtol=1e-10, atol=1e-12)


def test_cross_entropy_is_one_graph_node():
    x = minigrad.tensor(np.zeros((4, 3)), requires_grad=True)
    loss = F.cross_entropy(x, [0, 1, 2, -100])
    assert loss.node.op.describe() == "cross_entropy(reduction='mean', ignore_index=-100)"
    assert loss.node.parents[0] is x


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fused_cross_entropy_keeps_the_dtype(dtype):
    x = minigrad.tensor(np.ones((3, 4)), dtype=dtype, requires_grad=True)
    loss = F.cross_entropy(x, [0, 3, -100])
    loss.backward()
    assert loss.dtype == x.dtype and x.grad.dtype == x.dtype
