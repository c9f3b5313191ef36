"""The regression and probability losses added beside mse and cross-entropy, scatter, one_hot
and pad: gradcheck over generated shapes (float64) and values and gradients against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_gradients_match, shapes, tensors
from nn import functional as F  # noqa: N812 (PyTorch's name)

# name: (fn(x, y, functional), bounds of x, bounds of y); y never needs a gradient here
LOSSES = {
    "l1": (lambda x, y, f: f.l1_loss(x, y), {}, {}),
    "huber": (lambda x, y, f: f.huber_loss(x, y, reduction="sum", delta=0.7), {}, {}),
    "smooth_l1": (lambda x, y, f: f.smooth_l1_loss(x, y, reduction="none", beta=0.5), {}, {}),
    "smooth_l1_beta0": (lambda x, y, f: f.smooth_l1_loss(x, y, beta=0.0), {}, {}),
    "bce": (
        lambda x, y, f: f.binary_cross_entropy(x, y),
        {"min_value": 0.05, "max_value": 0.95},
        {"min_value": 0.0, "max_value": 1.0},
    ),
    "bce_weight": (
        lambda x, y, f: f.binary_cross_entropy(x, y, weight=y + 1, reduction="sum"),
        {"min_value": 0.05, "max_value": 0.95},
        {"min_value": 0.0, "max_value": 1.0},
    ),
    "kl_div": (
        lambda x, y, f: f.kl_div(x, y, reduction="batchmean"),
        {"min_value": -3.0, "max_value": -0.1},
        {"min_value": 0.0, "max_value": 1.0},
    ),
    "kl_div_log_target": (
        lambda x, y, f: f.kl_div(x, y, reduction="sum", log_target=True),
        {"min_value": -3.0, "max_value": -0.1},
        {"min_value": -3.0, "max_value": -0.1},
    ),
    "pad": (lambda x, y, f: f.pad(x, (1, 2)) * 3, {}, {}),
}
SHAPES = shapes(min_dims=1, max_dims=3)


def _draw(data: st.DataObject, name: str) -> tuple:
    _, first, second = LOSSES[name]
    shape = data.draw(SHAPES, label="shape")
    x = data.draw(tensors(shape, **first), label="input")
    y = data.draw(tensors(shape, requires_grad=False, **second), label="target")
    kink = (x - y).abs().numpy()
    if name in ("l1", "huber", "smooth_l1", "smooth_l1_beta0"):  # the kinks of |d| and delta
        assume(np.all(np.abs(kink) > 1e-3) and np.all(np.abs(kink - 0.7) > 1e-3))
        assume(np.all(np.abs(kink - 0.5) > 1e-3))
    return x, y


@pytest.mark.parametrize("name", sorted(LOSSES))
@given(data=st.data())
def test_gradcheck(name: str, data: st.DataObject) -> None:
    x, y = _draw(data, name)
    fn = LOSSES[name][0]
    assert_gradients_match(lambda t: fn(t, y, F), x)


@pytest.mark.parametrize("name", sorted(LOSSES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    x, y = _draw(data, name)
    fn = LOSSES[name][0]
    tx = torch.tensor(x.numpy(), requires_grad=True)
    ours, theirs = fn(x, y, F), fn(tx, torch.tensor(y.numpy()), torch.nn.functional)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_bce_at_certain_probabilities_is_finite_like_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    p, y = [0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 0.0]
    x = minigrad.tensor(p, dtype="float64", requires_grad=True)
    tx = torch.tensor(p, dtype=torch.float64, requires_grad=True)
    ours = F.binary_cross_entropy(x, y, reduction="sum")
    target = torch.tensor(y, dtype=torch.float64)
    theirs = torch.nn.functional.binary_cross_entropy(tx, target, reduction="sum")
    ours.backward()
    theirs.backward()
    assert ours.item() == pytest.approx(theirs.item())
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


@given(data=st.data())
def test_scatter_matches_torch(data: st.DataObject) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    x = data.draw(tensors((3, 4)), label="x")
    src = data.draw(tensors((2, 4)), label="src")
    index = np.array([[2, 0, 1, 1], [0, 1, 2, 0]])  # no position written twice per column
    tx = torch.tensor(x.numpy(), requires_grad=True)
    tsrc = torch.tensor(src.numpy(), requires_grad=True)
    ours = x.scatter(0, index, src)
    theirs = tx.scatter(0, torch.as_tensor(index), tsrc)
    np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy())
    upstream = np.arange(12.0).reshape(3, 4)
    ours.backward(minigrad.tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(src.grad.numpy(), tsrc.grad.numpy())
    assert_gradients_match(lambda a, b: a.scatter(0, index, b), x, src)


def test_one_hot_and_pad_match_torch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    ids = [[0, 3], [2, 1]]
    theirs = torch.nn.functional.one_hot(torch.tensor(ids)).tolist()
    assert F.one_hot(minigrad.tensor(ids)).tolist() == theirs
    x = np.arange(24.0).reshape(2, 3, 4)
    ours = F.pad(minigrad.tensor(x), (1, -1, 2, 0), value=-5.0)
    theirs = torch.nn.functional.pad(torch.tensor(x), (1, -1, 2, 0), value=-5.0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_bad_arguments_say_what_to_do() -> None:
    x = minigrad.tensor([0.5, 2.0])
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        F.binary_cross_entropy(x, [1.0, 0.0])
    with pytest.raises(ValueError, match="class ids must be in \\[0, 2\\)"):
        F.one_hot(minigrad.tensor([0, 2]), 2)
    with pytest.raises(ValueError, match="2-D or 3-D tensor"):
        F.pad(x, (1, 1), mode="reflect")
    with pytest.raises(ValueError, match="'constant', 'reflect'"):
        F.pad(x, (1, 1), mode="mirror")
    with pytest.raises(ValueError, match="delta > 0"):
        F.huber_loss(x, x, delta=0.0)
    with pytest.raises(ValueError, match="batchmean"):
        F.kl_div(x, x, reduction="average")


WEIGHTED = {
    "nll_weight": lambda x, y, w, p, f: f.nll_loss(x.log_softmax(1), y, weight=w),
    "nll_weight_ignore_sum": lambda x, y, w, p, f: f.nll_loss(
        x.log_softmax(1), y, weight=w, ignore_index=1, reduction="sum"
    ),
    "ce_weight": lambda x, y, w, p, f: f.cross_entropy(x, y, weight=w),
    "ce_smoothing": lambda x, y, w, p, f: f.cross_entropy(x, y, label_smoothing=0.2),
    "ce_smoothing_weight_ignore": lambda x, y, w, p, f: f.cross_entropy(
        x, y, weight=w, ignore_index=0, label_smoothing=0.1
    ),
    "ce_smoothing_none": lambda x, y, w, p, f: f.cross_entropy(
        x, y, label_smoothing=0.3, reduction="none"
    ),
    "ce_probabilities": lambda x, y, w, p, f: f.cross_entropy(x, p),
    "ce_probabilities_weight_smoothing": lambda x, y, w, p, f: f.cross_entropy(
        x, p, weight=w, label_smoothing=0.2, reduction="sum"
    ),
    "bce_logits_pos_weight": lambda x, y, w, p, f: f.binary_cross_entropy_with_logits(
        x, p, pos_weight=w
    ),
    "bce_logits_weight": lambda x, y, w, p, f: f.binary_cross_entropy_with_logits(
        x, p, weight=p + 1, pos_weight=w, reduction="sum"
    ),
}


@pytest.mark.parametrize("name", sorted(WEIGHTED))
@given(data=st.data(), rows=st.integers(1, 5), classes=st.integers(2, 4))
def test_weighted_and_soft_classification_matches_torch(
    name: str, data: st.DataObject, rows: int, classes: int
) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    x = data.draw(tensors((rows, classes)), label="logits")
    ids = np.asarray(data.draw(st.lists(st.integers(0, classes - 1), min_size=rows, max_size=rows)))
    w = data.draw(tensors((classes,), min_value=0.1, max_value=2.0, requires_grad=False))
    p = data.draw(tensors((rows, classes), min_value=0.0, max_value=1.0, requires_grad=False))
    fn = WEIGHTED[name]
    assume(not (name.endswith("ignore") and (ids == 0).all()))  # see the all-ignored test
    assert_gradients_match(lambda t: fn(t, ids, w, p, F), x)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    theirs = fn(tx, torch.as_tensor(ids), torch.tensor(w.numpy()), torch.tensor(p.numpy()),
                torch.nn.functional)  # fmt: skip
    x.grad = None
    ours = fn(x, ids, w, p, F)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-9, atol=1e-12)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_weighted_mean_over_only_ignored_targets_is_nan_with_zero_gradient() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    x = minigrad.tensor([[0.5, -1.0]], dtype="float64", requires_grad=True)
    tx = torch.tensor([[0.5, -1.0]], dtype=torch.float64, requires_grad=True)
    w = [2.0, 3.0]
    ours = F.cross_entropy(x, [0], weight=w, ignore_index=0, label_smoothing=0.1)
    theirs = torch.nn.functional.cross_entropy(
        tx, torch.tensor([0]), weight=torch.tensor(w, dtype=torch.float64), ignore_index=0,
        label_smoothing=0.1,
    )  # fmt: skip
    assert np.isnan(ours.item()) and np.isnan(theirs.item())
    ours.backward()
    theirs.backward()
    assert x.grad.tolist() == [[0.0, 0.0]]
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize(
    "kwargs",
    [
        {"weight": [0.5, 2.0, 1.0], "label_smoothing": 0.2},
        {"label_smoothing": 0.1, "reduction": "none"},
        {"weight": [0.5, 2.0, 1.0], "ignore_index": 1, "reduction": "sum"},
    ],
)
def test_weighted_smoothed_cross_entropy_over_spatial_positions_matches_torch(kwargs) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    rng = np.random.default_rng(0)
    logits, ids = rng.normal(size=(2, 3, 4)), rng.integers(0, 3, size=(2, 4))  # (N, C, d)
    x = minigrad.tensor(logits, requires_grad=True)
    tx = torch.tensor(logits, requires_grad=True)
    theirs_kwargs = {
        k: torch.tensor(v, dtype=torch.float64) if k == "weight" else v for k, v in kwargs.items()
    }
    ours = F.cross_entropy(x, ids, **kwargs)
    theirs = torch.nn.functional.cross_entropy(tx, torch.tensor(ids), **theirs_kwargs)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize(
    ("shape", "amounts"),
    [
        ((2, 5), (2, 1)),
        ((1, 2, 4), (3, 0)),
        ((2, 3, 4), (1, 2, 2, 1)),
        ((1, 1, 3, 4, 3), (1, 1, 2, 0, 0, 2)),
    ],
)
def test_pad_modes_match_pytorch_values_and_gradients(
    mode: str, shape: tuple, amounts: tuple
) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    a = np.random.default_rng(0).normal(size=shape)
    x = minigrad.tensor(a, requires_grad=True)
    tx = torch.tensor(a, requires_grad=True)
    out = F.pad(x, amounts, mode=mode)
    ref = torch.nn.functional.pad(tx, amounts, mode=mode)
    np.testing.assert_array_equal(out.numpy(), ref.detach().numpy())
    upstream = np.random.default_rng(1).normal(size=tuple(ref.shape))
    out.backward(minigrad.tensor(upstream))
    ref.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_reflect_pad_must_stay_inside_the_axis() -> None:
    with pytest.raises(RuntimeError, match="below the axis size 3"):
        F.pad(minigrad.ones(1, 3), (3, 0), mode="reflect")
