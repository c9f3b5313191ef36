"""Losses against NumPy formulas, gradcheck, PyTorch as an oracle, and their error messages."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn
from nn import functional as F  # noqa: N812 (PyTorch's name)


def _np_cross_entropy(logits: np.ndarray, target: np.ndarray, axis: int = -1) -> np.ndarray:
    """Per-position cross-entropy with classes on ``axis``, straight from the formula."""
    moved = np.moveaxis(logits, axis, -1)
    shift = moved.max(-1, keepdims=True)
    logp = moved - shift - np.log(np.exp(moved - shift).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, target[..., None], -1)[..., 0]


RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    ("shape", "axis"), [((6, 4), 1), ((3, 4, 5), 1), ((2, 4, 3, 2), 1), ((5, 3, 4), -1)]
)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_matches_numpy(shape, axis, reduction):
    logits = RNG.normal(size=shape)
    classes = shape[axis]
    target_shape = tuple(n for i, n in enumerate(shape) if i != axis % len(shape))
    target = RNG.integers(0, classes, size=target_shape)
    expected = _np_cross_entropy(logits, target, axis)
    expected = {"mean": expected.mean(), "sum": expected.sum(), "none": expected}[reduction]
    out = F.cross_entropy(minigrad.tensor(logits), target, reduction=reduction, axis=axis)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_gradcheck_with_ignored_positions(reduction):
    logits = minigrad.tensor(RNG.normal(size=(4, 3, 2)), requires_grad=True)
    target = np.array([[0, 2], [-100, 1], [2, -100], [1, 1]])
    minigrad.gradcheck(lambda x: F.cross_entropy(x, target, reduction=reduction), [logits])


def test_cross_entropy_gradient_is_softmax_minus_one_hot_over_count():
    logits = np.array([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0], [3.0, -1.0, 0.0]])
    x = minigrad.tensor(logits, requires_grad=True)
    F.cross_entropy(x, [2, 0, -100]).backward()
    soft = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    expected = (soft - np.eye(3)[[2, 0, 0]]) / 2
    expected[2] = 0
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


def test_ignore_index_drops_positions_from_sum_and_count():
    logits = RNG.normal(size=(5, 3))
    target = np.array([0, 1, 7, 2, 7])
    per = F.cross_entropy(minigrad.tensor(logits), target, ignore_index=7, reduction="none")
    kept = _np_cross_entropy(logits[[0, 1, 3]], target[[0, 1, 3]])
    np.testing.assert_allclose(per.numpy()[[0, 1, 3]], kept, rtol=1e-12)
    assert per.numpy()[2] == 0 and per.numpy()[4] == 0
    mean = F.cross_entropy(minigrad.tensor(logits), target, ignore_index=7)
    np.testing.assert_allclose(mean.item(), kept.mean(), rtol=1e-12)


def test_cross_entropy_is_stable_for_huge_logits_in_float32():
    x = minigrad.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, [1, 1])
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()
    np.testing.assert_allclose(loss.item(), 1e4, rtol=1e-6)


def test_cross_entropy_one_dimensional_logits_take_a_scalar_target():
    out = F.cross_entropy(minigrad.tensor([0.0, 0.0]), 1)
    np.testing.assert_allclose(out.item(), np.log(2), rtol=1e-6)


def test_cross_entropy_matches_torch_values_and_gradients():
    torch = pytest.importorskip("torch", reason="PyTorch is the independent oracle here")
    logits = RNG.normal(size=(4, 5, 3))
    target = RNG.integers(0, 5, size=(4, 3))
    target[0, 0] = -100
    x = minigrad.tensor(logits, requires_grad=True)
    tx = torch.tensor(logits, requires_grad=True)
    for reduction in ("mean", "sum"):
        x.grad, tx.grad = None, None
        ours = F.cross_entropy(x, target, reduction=reduction)
        theirs = torch.nn.functional.cross_entropy(tx, torch.tensor(target), reduction=reduction)
        ours.backward()
        theirs.backward()
        np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_nll_loss_picks_minus_log_probability():
    logp = minigrad.tensor(np.log([[0.2, 0.8], [0.6, 0.4]]), requires_grad=True)
    loss = F.nll_loss(logp, [1, 0], reduction="sum")
    np.testing.assert_allclose(loss.item(), -np.log(0.8) - np.log(0.6), rtol=1e-12)
    minigrad.gradcheck(lambda a: F.nll_loss(a, [1, 0]), [logp])


def test_float_targets_are_refused_with_a_hint():
    with pytest.raises(TypeError, match="target must hold integer class indices, got dtype float"):
        F.cross_entropy(minigrad.zeros(2, 3), minigrad.tensor([0.0, 1.0]))


def test_out_of_range_class_ids_are_named():
    with pytest.raises(IndexError, match=r"class ids must be in \[0, 3\).*\[-1, 3\]"):
        F.cross_entropy(minigrad.zeros(4, 3), [0, 3, -1, 2])


def test_target_shape_mismatch_suggests_axis():
    with pytest.raises(ValueError, match=r"target shape \(5, 2\) does not match.*axis=-1"):
        F.cross_entropy(minigrad.zeros(5, 2, 3), np.zeros((5, 2), dtype=np.int64))


def test_unknown_reduction_is_refused():
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.mse_loss(minigrad.zeros(2), minigrad.zeros(2), reduction="avg")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_matches_numpy_and_gradchecks(reduction):
    a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    expected = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction]((a - b) ** 2)
    out = F.mse_loss(minigrad.tensor(a), minigrad.tensor(b), reduction)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    x = minigrad.tensor(a, requires_grad=True)
    y = minigrad.tensor(b, requires_grad=True)
    minigrad.gradcheck(lambda p, q: F.mse_loss(p, q, reduction), [x, y])


def test_mse_loss_refuses_silent_broadcasting():
    with pytest.raises(ValueError, match=r"input shape \(3, 1\) and target shape \(3,\) differ"):
        F.mse_loss(minigrad.zeros(3, 1), minigrad.zeros(3))


def test_bce_with_logits_matches_formula_and_is_stable():
    x = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    y = np.array([0.0, 1.0, 0.3, 0.0, 1.0])
    out = F.binary_cross_entropy_with_logits(minigrad.tensor(x), minigrad.tensor(y), "none")
    expected = np.maximum(x, 0) - x * y + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    assert np.isfinite(out.numpy()).all()


def test_bce_with_logits_gradient_is_right_at_zero_logit():
    # At x = 0 the composed max/abs form has kinks; the fused op gives σ(0) − y exactly.
    x = minigrad.tensor([0.0, 0.0], dtype="float64", requires_grad=True)
    F.binary_cross_entropy_with_logits(x, [1.0, 0.0], reduction="sum").backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 0.5])


def test_bce_with_logits_gradcheck_for_logits_and_targets():
    x = minigrad.tensor(RNG.normal(size=(3, 2)) * 3, requires_grad=True)
    y = minigrad.tensor(RNG.uniform(size=(3, 2)), requires_grad=True)
    minigrad.gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b), [x, y])


def test_bce_with_logits_matches_torch():
    torch = pytest.importorskip("torch", reason="PyTorch is the independent oracle here")
    x, y = RNG.normal(size=(4, 3)) * 4, RNG.integers(0, 2, size=(4, 3)).astype(float)
    ours = F.binary_cross_entropy_with_logits(minigrad.tensor(x), minigrad.tensor(y))
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(x), torch.tensor(y))
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)


def test_loss_modules_forward_their_settings():
    logits = minigrad.tensor(RNG.normal(size=(4, 2, 3)))
    target = RNG.integers(0, 3, size=(4, 2))
    module = nn.CrossEntropyLoss(reduction="sum", axis=-1)
    np.testing.assert_allclose(
        module(logits, target).item(),
        F.cross_entropy(logits, target, reduction="sum", axis=-1).item(),
    )
    logp = logits.log_softmax(-1)
    np.testing.assert_allclose(
        nn.NLLLoss(axis=-1)(logp, target).item(), F.nll_loss(logp, target, axis=-1).item()
    )
    a, b = minigrad.tensor([1.0, 2.0]), minigrad.tensor([0.0, 0.0])
    assert nn.MSELoss()(a, b).item() == 2.5
    np.testing.assert_allclose(nn.BCEWithLogitsLoss()(b, a * 0).item(), np.log(2), rtol=1e-6)
    assert "reduction='sum'" in repr(module)


def test_cross_entropy_runs_on_every_array_backend(backend):
    from minigrad.testing import to_backend

    logits = RNG.normal(size=(4, 3))
    target = np.array([0, 2, 1, -100])
    x = minigrad.tensor(to_backend(logits, backend), requires_grad=True)
    loss = F.cross_entropy(x, minigrad.tensor(to_backend(target, backend)))
    loss.backward()
    np.testing.assert_allclose(loss.item(), _np_cross_entropy(logits[:3], target[:3]).mean())
    assert np.all(x.grad.numpy()[3] == 0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_class_losses_gradcheck_on_every_array_backend(backend, loss, reduction):
    """The gather/scatter of one column per row has a fast NumPy path and a one-hot one."""
    from minigrad.testing import to_backend

    logits = to_backend(RNG.normal(size=(5, 4)), backend)
    target = minigrad.tensor(to_backend(np.array([3, 0, -100, 1, 3]), backend))
    fn = getattr(F, loss)
    x = minigrad.tensor(logits, requires_grad=True)
    minigrad.gradcheck(lambda a: fn(a, target, reduction=reduction).sum(), [x])
    fn(x, target, reduction=reduction).sum().backward()
    assert np.all(x.grad.numpy()[2] == 0)  # the ignored row


@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_ignore_index_that_is_a_real_class_skips_only_those_rows(loss):
    """ignore_index=1 is inside [0, C): rows with target 1 are dropped, the rest counted."""
    logits = RNG.normal(size=(4, 3))
    target = np.array([1, 0, 2, 1])
    fn = getattr(F, loss)
    x = minigrad.tensor(logits, requires_grad=True)
    fn(x, target, ignore_index=1).backward()
    y = minigrad.tensor(logits[[1, 2]], requires_grad=True)
    fn(y, target[[1, 2]]).backward()
    np.testing.assert_allclose(x.grad.numpy()[[1, 2]], y.grad.numpy(), rtol=1e-12)
    assert np.all(x.grad.numpy()[[0, 3]] == 0)
    # nothing ignored when the ignored class does not occur: the same as no ignore_index
    np.testing.assert_allclose(
        fn(minigrad.tensor(logits), target, ignore_index=5).item(),
        fn(minigrad.tensor(logits), target).item(),
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
def test_every_target_ignored_gives_pytorch_loss_and_zero_gradients(loss, reduction, backend):
    """No NaN gradient (the next Adam step would spread it to every parameter)."""
    from minigrad.testing import to_backend

    logits = minigrad.Tensor(
        to_backend(np.random.default_rng(0).standard_normal((3, 4)), backend), requires_grad=True
    )
    targets = minigrad.tensor(to_backend(np.full(3, -100), backend))
    inputs = logits if loss == "cross_entropy" else logits.log_softmax(axis=1)
    value = getattr(F, loss)(inputs, targets, reduction=reduction)
    value.sum().backward()
    assert np.array_equal(logits.grad.numpy(), np.zeros((3, 4)))
    if reduction == "mean":
        assert np.isnan(value.item())  # PyTorch's mean over no counted row
    else:
        assert np.array_equal(value.numpy(), np.zeros(value.shape))


def test_every_target_ignored_matches_torch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    x = np.random.default_rng(1).standard_normal((2, 5))
    for reduction in ("mean", "sum", "none"):
        ours = minigrad.tensor(x, requires_grad=True)
        theirs = torch.tensor(x, requires_grad=True)
        a = F.cross_entropy(ours, minigrad.tensor([-100, -100]), reduction=reduction)
        b = torch.nn.functional.cross_entropy(
            theirs, torch.tensor([-100, -100]), reduction=reduction
        )
        a.sum().backward()
        b.sum().backward()
        np.testing.assert_array_equal(a.numpy(), b.detach().numpy())
        np.testing.assert_array_equal(ours.grad.numpy(), theirs.grad.numpy())
