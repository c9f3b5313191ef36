"""One backward driver: ``backward()``, ``backward(create_graph=True)``, ``minigrad.grad`` and
``backward_steps`` agree on hooks, anomaly checks, ``retain_grad`` and the freed graph."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad


def _graph_with_hooked_intermediate() -> tuple[minigrad.Tensor, minigrad.Tensor]:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True, dtype="float64")
    h = x * x
    h.register_hook(lambda g: g * 0)  # the hook zeroes the gradient through h
    loss = (h * 9).sum() + (x * 0).sum()
    return x, loss


def test_a_hook_on_an_intermediate_acts_in_backward() -> None:
    x, loss = _graph_with_hooked_intermediate()
    loss.backward()
    assert x.grad.tolist() == [0.0, 0.0]


def test_a_hook_on_an_intermediate_acts_in_grad() -> None:
    x, loss = _graph_with_hooked_intermediate()
    (g,) = minigrad.grad(loss, [x])
    assert g.tolist() == [0.0, 0.0]


def test_a_hook_on_an_intermediate_acts_with_create_graph() -> None:
    x, loss = _graph_with_hooked_intermediate()
    (g,) = minigrad.grad(loss, [x], create_graph=True)
    assert g.tolist() == [0.0, 0.0]
    x2, loss2 = _graph_with_hooked_intermediate()
    loss2.backward(create_graph=True)
    assert x2.grad.tolist() == [0.0, 0.0]


def test_a_leaf_hook_acts_in_grad_and_backward_alike() -> None:
    results = []
    for use_grad in (False, True):
        x = minigrad.tensor([1.0, 2.0], requires_grad=True, dtype="float64")
        x.register_hook(lambda g: g * 10)
        loss = (x * x).sum()
        results.append(minigrad.grad(loss, [x])[0] if use_grad else (loss.backward(), x.grad)[1])
    assert results[0].tolist() == results[1].tolist() == [20.0, 40.0]


def _sqrt_at_zero() -> tuple[minigrad.Tensor, minigrad.Tensor]:
    x = minigrad.tensor([0.0, 4.0], requires_grad=True, dtype="float64")
    return x, x.sqrt().sum()


@pytest.mark.parametrize("how", ["backward", "grad", "grad_create_graph", "backward_create_graph"])
def test_detect_anomaly_raises_in_every_entry_point(how: str) -> None:
    x, loss = _sqrt_at_zero()
    with minigrad.detect_anomaly(), pytest.raises(minigrad.AnomalyError, match="backward of sqrt"):
        if how == "backward":
            loss.backward()
        elif how == "grad":
            minigrad.grad(loss, [x])
        elif how == "grad_create_graph":
            minigrad.grad(loss, [x], create_graph=True)
        else:
            loss.backward(create_graph=True)


def test_without_detect_anomaly_grad_returns_inf_as_backward_does() -> None:
    x, loss = _sqrt_at_zero()
    with np.errstate(divide="ignore"):
        (g,) = minigrad.grad(loss, [x], retain_graph=True)
        loss.backward()
    assert np.isinf(g.numpy()[0]) and np.isinf(x.grad.numpy()[0])


def test_grad_leaves_grad_and_retain_grad_untouched() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    h = (x * 3).retain_grad()
    (g,) = minigrad.grad((h * h).sum(), [x])
    assert g.tolist() == [18.0, 36.0]
    assert x.grad is None and h.grad is None


def test_grad_of_an_intermediate_input() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    gh, gx = minigrad.grad((h * h).sum(), [h, x])
    assert gh.tolist() == [6.0, 12.0]
    assert gx.tolist() == [18.0, 36.0]


def test_grad_frees_the_graph_like_backward() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    minigrad.grad(loss, [x])
    with pytest.raises(RuntimeError, match="a second time"):
        loss.backward()


def test_backward_with_create_graph_accumulates_a_graph_in_grad() -> None:
    x = minigrad.tensor([1.0, 3.0], requires_grad=True, dtype="float64")
    (x**3).sum().backward(create_graph=True)
    assert x.grad.tolist() == [3.0, 27.0] and x.grad.requires_grad
    x.grad.sum().backward()  # d/dx Σ 3x² = 6x, added to the 3x² already there
    assert x.grad.tolist() == [9.0, 45.0]


def test_stepping_matches_backward_on_a_broadcast_and_a_copy() -> None:
    def build() -> tuple[minigrad.Tensor, minigrad.Tensor, minigrad.Tensor]:
        w = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="w")
        b = minigrad.tensor([0.5, -1.0], requires_grad=True, name="b")
        return w, b, ((w + b) * w).sum()

    w1, b1, loss1 = build()
    loss1.backward()
    w2, b2, loss2 = build()
    steps = list(minigrad.backward_steps(loss2))
    assert w2.grad.tolist() == w1.grad.tolist() and b2.grad.tolist() == b1.grad.tolist()
    add = next(s for s in steps if s.op.name == "add")
    assert [u.axes for u in add.unbroadcasts] == [(0,)]
    assert add.downstream[1].tolist() == b1.grad.tolist()
    assert any(a.tensor is w2 for s in steps for a in s.accumulations)
