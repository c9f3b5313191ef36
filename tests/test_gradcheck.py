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


def test_gradcheck_report_lists_input_index_analytic_numeric() -> None:
    x = Tensor(np.array([[1.0, 2.0], [3.0, -1.0]]), requires_grad=True)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(_wrong, [x])
    report = str(caught.value)
    assert "gradcheck failed: 4 entries disagree; worst first:" in report
    header = report.splitlines()[1]
    for column in ("input", "index", "analytic", "numeric"):
        assert column in header
    worst = report.splitlines()[2].split()
    assert worst[0] == "0"  # input number
    assert "(1," in worst[1]  # the element with |x| = 3 is worst
    analytic, numeric = float(worst[-3]), float(worst[-2])
    assert abs(abs(analytic) - abs(numeric) / 2) < 1e-3  # wrong op is off by exactly 2×


def test_gradcheck_directional_mode_on_a_large_input() -> None:
    x = minigrad.randn(300, 200, dtype="float64", requires_grad=True)
    assert gradcheck(lambda a: (a * a).sigmoid().sum(axis=0), [x], mode="directional")
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(_wrong, [x], mode="auto")  # 60,000 elements: auto picks directional


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
