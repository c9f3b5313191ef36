"""backward_steps: the lecture slide as an object, sharing the driver with backward()."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import Tensor, backward_steps


def _lecture() -> tuple[Tensor, Tensor, Tensor, Tensor]:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    return x, y, z, f


def test_steps_have_upstream_local_and_downstream() -> None:
    x, y, z, f = _lecture()
    mul, add = list(backward_steps(f))
    assert (mul.index, add.index) == (1, 2)
    assert mul.op.name == "mul" and add.op.name == "add"
    assert float(mul.upstream) == 1.0
    assert [float(v) for v in mul.local] == [-4.0, 3.0]  # mul swaps: ∂f/∂q = z, ∂f/∂z = q
    assert [float(v) for v in mul.downstream] == [-4.0, 3.0]
    assert float(add.upstream) == -4.0
    assert [float(v) for v in add.local] == [1.0, 1.0]
    assert [float(v) for v in add.downstream] == [-4.0, -4.0]
    assert add.inputs == (x, y)
    assert mul.output is f
    assert x in add.completed and z in mul.completed
    assert (x.grad.item(), y.grad.item(), z.grad.item()) == (-4.0, -4.0, 3.0)


def test_step_str_reads_like_the_slide() -> None:
    _, _, _, f = _lecture()
    mul, add = list(backward_steps(f))
    text = str(mul)
    assert "step 1 · mul: f = q × z" in text
    assert "mul swaps: each input gets upstream × the other input" in text
    assert "upstream    ∂L/∂f = 1" in text
    assert "∂f/∂q = -4" in text and "∂f/∂z = 3" in text
    assert "∂L/∂q = 1 × -4 = -4" in text and "∂L/∂z = 1 × 3 = 3" in text
    text = str(add)
    assert "add passes" in text
    assert "∂L/∂x = -4 × 1 = -4" in text
    assert "x.grad = -4" in text


def test_accumulation_is_a_visible_event() -> None:
    x = Tensor(3.0, requires_grad=True, name="x")
    (step,) = list(backward_steps(x * x))
    (event,) = step.accumulations
    assert event.tensor is x
    assert float(event.previous) == 3.0 and float(event.added) == 3.0 and float(event.total) == 6.0
    assert "copy sums: ∂L/∂x = 3 + 3 = 6" in str(step)


def test_stepping_to_the_end_equals_backward(backend: str) -> None:
    from minigrad.testing import to_backend

    rng = np.random.default_rng(1)
    values = [rng.normal(size=(3, 4)), rng.normal(size=(4,)), rng.normal(size=(4, 2))]

    def run(stepwise: bool) -> list[np.ndarray]:
        a, b, w = (Tensor(to_backend(v, backend), requires_grad=True) for v in values)
        h = ((a + b).tanh() * a).sigmoid()
        loss = (h @ w).log_softmax().sum() + h.max()
        if stepwise:
            steps = list(backward_steps(loss))
            assert len(steps) == 9  # add tanh mul sigmoid matmul log_softmax sum max add
        else:
            loss.backward()
        return [t.grad.numpy() for t in (a, b, w)]

    for stepped, plain in zip(run(True), run(False), strict=True):
        np.testing.assert_array_equal(stepped, plain)


def test_stepping_can_stop_halfway() -> None:
    x, _y, z, f = _lecture()
    steps = backward_steps(f)
    first = next(steps)
    assert first.op.name == "mul"
    assert z.grad.item() == 3.0 and x.grad is None  # nothing past the current step ran yet


def test_non_elementwise_step_has_no_local_but_a_downstream() -> None:
    w = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True, name="W")
    v = Tensor([1.0, -1.0], requires_grad=True, name="v")
    (_step_sum, step_mm) = list(backward_steps((w @ v).sum()))
    assert step_mm.local is None
    np.testing.assert_array_equal(step_mm.downstream[0], [[1.0, -1.0], [1.0, -1.0]])
    assert "∂L/∂W = upstream ⊗ v (outer product" in str(step_mm)  # W @ v: not upstream @ vᵀ


@pytest.mark.parametrize(
    ("shape_a", "shape_b", "rule_a", "rule_b", "kind"),
    [
        ((3, 3), (3,), "upstream ⊗ b (outer product", "aᵀ @ upstream", "matrix @ vector"),
        ((3,), (3, 2), "b @ upstream", "a ⊗ upstream (outer product", "vector @ matrix"),
        ((3,), (3,), "upstream × b", "upstream × a", "vector · vector"),
        ((2, 3), (3, 2), "upstream @ bᵀ", "aᵀ @ upstream", "matrix @ matrix"),
        ((4, 2, 3), (3, 2), "upstream @ bᵀ", "summed over the batch (4,)", "batched (batch (4,))"),
    ],
)
def test_the_matmul_rule_is_stated_for_the_shapes_at_hand(
    shape_a, shape_b, rule_a, rule_b, kind
) -> None:
    rng = np.random.default_rng(0)
    a = Tensor(rng.normal(size=shape_a), requires_grad=True, name="a")
    b = Tensor(rng.normal(size=shape_b), requires_grad=True, name="b")
    (_, step) = list(backward_steps((a @ b).sum()))
    text = str(step)
    assert f"matmul, {kind}" in text
    local_rule = next(line for line in text.splitlines() if "local rule" in line)
    assert f"∂L/∂a = {rule_a}" in local_rule and rule_b in local_rule.split("∂L/∂b = ")[1]
    if kind == "matrix @ vector":  # and the rule is what was computed (upstream = ones)
        np.testing.assert_allclose(a.grad.numpy(), np.outer(np.ones(3), b.numpy()))


def test_arrays_of_up_to_16_elements_print_in_full() -> None:
    z = Tensor(np.zeros((3, 3)), requires_grad=True, name="Z")
    big = Tensor(np.ones((5, 4)), requires_grad=True, name="B")
    text = "\n".join(str(s) for s in backward_steps((z * 2.0).sum() + big.sum()))
    assert "Z.grad = [[2., 2., 2.], [2., 2., 2.], [2., 2., 2.]]" in text
    assert "B.grad = [5×4 array: mean 1, |max| 1]" in text


def test_a_root_named_l_keeps_local_and_downstream_apart() -> None:
    w = Tensor(3.0, requires_grad=True, name="w")
    b = Tensor(2.0, requires_grad=True, name="b")
    loss = w * b
    loss.name = "L"
    (step,) = list(backward_steps(loss))
    text = str(step)
    assert "local       ∂(w × b)/∂w = 2   ∂(w × b)/∂b = 3" in text
    assert "downstream  ∂L/∂w = 1 × 2 = 2" in text
    assert "∂L/∂w = 2   " not in text.split("local")[1].split("downstream")[0]


def test_scopes_tag_nodes_with_nested_paths() -> None:
    x = Tensor(1.0, requires_grad=True)
    with minigrad.scope("lstm"), minigrad.scope("l0"):
        with minigrad.scope("t=3"):
            assert minigrad.current_scope() == "lstm/l0/t=3"
            with minigrad.scope("forget_gate"):
                gate = (x * 2).sigmoid()
        after = x + 1
    top = x * 3
    assert gate.node.scope == "lstm/l0/t=3/forget_gate"
    assert after.node.scope == "lstm/l0"
    assert top.node.scope == ""
    assert minigrad.current_scope() == ""
    (step,) = [s for s in backward_steps(gate) if s.op.name == "sigmoid"]
    assert "[lstm/l0/t=3/forget_gate]" in str(step)
    with pytest.raises(ValueError, match="must be non-empty and contain no '/'"):
        with minigrad.scope("a/b"):
            pass


def test_recorded_steps_keep_their_arrays_when_a_leaf_gradient_is_scaled_in_place():
    """Stepping records each downstream gradient; the leaf's .grad must be its own copy."""
    from nn import functional as F  # noqa: N812 (PyTorch's name)

    x = minigrad.tensor(np.ones((2, 3)), requires_grad=True)
    w = minigrad.tensor(np.full((4, 3), 0.5), requires_grad=True)
    steps = list(minigrad.backward_steps(F.linear(x, w).sum()))
    recorded = [g.copy() for g in steps[-1].downstream if g is not None]
    w.grad.array *= 0.0  # what clip_grad_norm_ does, in place
    now = [g for g in steps[-1].downstream if g is not None]
    for before, after in zip(recorded, now, strict=True):
        np.testing.assert_array_equal(before, after)
