"""gradcheck itself: it must pass right ops, catch a wrong one, and say where."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
from minigrad import GradcheckError, Op, Tensor, apply, gradcheck
from minigrad.testing import assert_gradients_match


class WrongSquare(Op):
    """x², with a deliberately wrong local gradient (x instead of 2x)."""

    name, symbol, rule = "wrong_square", "x²", "deliberately wrong: downstream = upstream × x"

    def forward(self, x):
        self.saved = (x,)
        return x * x

    def backward(self, grad):
        (x,) = self.saved
        return (grad * x,)


def _wrong(t: Tensor) -> Tensor:
    return apply(WrongSquare(), t)


def test_gradcheck_passes_a_correct_function() -> None:
    x = minigrad.randn(3, 4, dtype="float64", requires_grad=True)
    w = minigrad.randn(4, 2, dtype="float64", requires_grad=True)
    assert gradcheck(lambda a, b: (a @ b).tanh(), [x, w]) is True


def test_gradcheck_report_lists_jacobian_entries_a_student_can_check() -> None:
    """The issue's example: local gradient x instead of 2x at x = [1, 3] reads 1 vs 2 and
    3 vs 6, one Jacobian entry per row, with the output and input indices."""
    x = Tensor(np.array([1.0, 3.0]), dtype="float64", requires_grad=True)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(_wrong, [x])
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "gradcheck failed: input 0 (shape (2,)): 2 of 4 Jacobian entries disagree; worst first:"
    )
    for column in ("output", "input", "index", "value", "analytic", "numeric"):
        assert column in lines[1]
    rows = [line.split() for line in lines[2:4]]
    assert rows[0][:3] == ["(1,)", "0", "(1,)"] and rows[1][:3] == ["(0,)", "0", "(0,)"]
    assert [float(v) for v in rows[0][4:6]] == pytest.approx([3.0, 6.0], abs=1e-4)
    assert [float(v) for v in rows[1][4:6]] == pytest.approx([1.0, 2.0], abs=1e-4)
    assert "analytic = 0.5 × numeric" in lines[-1]


def test_gradcheck_report_names_output_and_input_indices_of_a_matrix() -> None:
    x = Tensor(np.array([[1.0, 2.0], [3.0, -1.0]]), requires_grad=True, dtype="float64")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(_wrong, [x])
    lines = str(caught.value).splitlines()
    assert "4 of 16 Jacobian entries disagree" in lines[0]
    worst = lines[2].split()
    assert worst[0] == "(1," and worst[1] == "0)"  # output (1, 0), where |x| = 3
    assert "(1, 0)" in lines[2].split(None, 3)[3]


def test_gradcheck_directional_mode_on_a_large_input() -> None:
    x = minigrad.randn(300, 200, dtype="float64", requires_grad=True)
    assert gradcheck(lambda a: (a * a).sigmoid().sum(axis=0), [x], mode="directional")
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(_wrong, [x], mode="auto")  # 60,000 elements: auto picks directional


class WrongSquareLocal(minigrad.Elementwise):
    """The element-wise version of the same mistake: local gradient x instead of 2x."""

    name, symbol, rule = "wrong_square", "x²", "deliberately wrong: downstream = upstream × x"

    def forward(self, x):
        self.saved = (x,)
        return x * x

    def local_grads(self):
        (x,) = self.saved
        return (x,)


def test_a_directional_failure_says_so_and_shows_the_diagonal_of_an_elementwise_op() -> None:
    x = Tensor(np.linspace(-3.0, 3.0, 300), requires_grad=True, dtype="float64")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda t: apply(WrongSquareLocal(), t) + 1.0, [x])
    report = str(caught.value)
    assert "checked along 4 random directions (a large input)" in report
    assert "not one Jacobian entry" in report
    assert "its Jacobian is diagonal" in report
    diagonal = report.split("index j")[1].splitlines()[1].split()
    assert diagonal[0] == "(0,)" and float(diagonal[1]) == -3.0  # worst: |x| largest
    assert [float(v) for v in diagonal[2:4]] == pytest.approx([-3.0, -6.0], abs=1e-4)


def test_a_directional_failure_of_an_op_that_is_not_elementwise_shows_no_diagonal() -> None:
    x = Tensor(np.linspace(-3.0, 3.0, 300), requires_grad=True, dtype="float64")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(_wrong, [x])  # WrongSquare writes its own backward: not known element-wise
    assert "random direction" in str(caught.value)
    assert "diagonal" not in str(caught.value)


def test_gradcheck_requires_float64() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)  # float32 by default
    with pytest.raises(TypeError, match="finite differences need float64"):
        gradcheck(lambda a: a * 2, [x])
    with pytest.raises(ValueError, match="mode must be"):
        gradcheck(lambda a: a * 2, [x.double()], mode="fast")


def test_gradcheck_skips_inputs_without_requires_grad() -> None:
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    c = Tensor(np.array([3.0, 4.0]))
    assert gradcheck(lambda a, b: a * b, [x, c])


def test_assert_gradients_match_gives_a_readable_failure(backend: str) -> None:
    from minigrad.testing import to_backend

    x = Tensor(to_backend(np.array([1.0, 2.0]), backend), requires_grad=True)
    with pytest.raises(AssertionError) as caught:
        assert_gradients_match(_wrong, x)
    message = str(caught.value)
    assert "gradients of _wrong disagree with finite differences" in message
    assert "input 0: shape (2,), float64" in message
    assert backend in message
    assert "analytic" in message and "numeric" in message
