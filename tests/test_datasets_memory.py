"""The copy and adding tasks: layout, targets, seeding and errors."""

import numpy as np
import pytest

from nn.datasets import BLANK, adding_task, copy_task


def test_copy_task_layout():
    x, y = copy_task(16, lag=5, n_symbols=6, copy_length=2, seed=1)
    assert x.shape == y.shape == (16, 7)
    assert ((x[:, :2] >= 1) & (x[:, :2] <= 6)).all()
    assert (x[:, 2:5] == BLANK).all()
    assert (x[:, 5:] == 7).all()
    np.testing.assert_array_equal(y[:, 5:], x[:, :2])
    assert (y[:, :5] == -100).all()


def test_copy_task_is_seeded_and_uses_every_symbol():
    a, _ = copy_task(500, lag=3, n_symbols=4, seed=7)
    b, _ = copy_task(500, lag=3, n_symbols=4, seed=7)
    np.testing.assert_array_equal(a, b)
    assert set(a[:, 0].tolist()) == {1, 2, 3, 4}


def test_adding_task_target_is_the_sum_of_the_two_marked_numbers():
    x, y = adding_task(64, 20, seed=3)
    marks = x[..., 1]
    assert (marks.sum(axis=1) == 2).all()
    first = marks.argmax(axis=1)
    last = 19 - marks[:, ::-1].argmax(axis=1)
    assert (first < 10).all() and (last >= 10).all()
    rows = np.arange(64)
    np.testing.assert_allclose(y, x[rows, first, 0] + x[rows, last, 0], rtol=1e-6)


def test_adding_task_baseline_is_about_one_sixth():
    _, y = adding_task(20000, 10, seed=0)
    assert abs(float(np.mean((y - 1.0) ** 2)) - 1 / 6) < 0.01


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: copy_task(4, lag=1, copy_length=2), "lag (1) must be at least copy_length"),
        (lambda: copy_task(0, lag=3), "batch_size must be an integer ≥ 1"),
        (lambda: adding_task(4, 1), "length must be an integer ≥ 2"),
        (lambda: adding_task(4, 2.5), "length must be an integer"),
    ],
)
def test_bad_arguments_are_named(call, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()
