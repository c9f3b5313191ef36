"""Free-running forecasts: rollout against analytic sequences, n_step_mse, and errors."""

import numpy as np
import pytest

import minigrad
import nn
from nn.forecast import n_step_mse, rollout


def rotation(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s], [s, c]])


def linear_step(a: np.ndarray):
    """The linear model x_{t+1} = A x_t, stateless, on (T, B, F) arrays."""
    return lambda x, state: (x @ a.T, state)


def test_rollout_of_a_linear_model_is_the_matrix_power_sequence():
    a = 0.97 * rotation(0.3)
    rng = np.random.default_rng(0)
    warmup = rng.standard_normal((5, 4, 2))
    got = rollout(linear_step(a), warmup, 12)
    last = warmup[-1]
    want = np.stack([last @ np.linalg.matrix_power(a, k).T for k in range(1, 13)])
    assert got.shape == (12, 4, 2)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_rollout_carries_the_state_between_calls():
    """A model predicting the running sum of all it has read: warm-up sum s, then s, 2s, 4s …"""

    def running_sum(x, total):
        sums = np.cumsum(x, axis=0) + (0.0 if total is None else total)
        return sums, sums[-1]

    warmup = np.array([1.0, 2.0, 3.0]).reshape(3, 1, 1)
    got = rollout(running_sum, warmup, 4).ravel()
    np.testing.assert_allclose(got, [6.0, 12.0, 24.0, 48.0])
    # an initial state is the sum of what came before the warm-up
    np.testing.assert_allclose(rollout(running_sum, warmup, 1, state=np.array(4.0)).ravel(), [10])


def test_rollout_runs_a_recurrent_module_like_its_own_step_loop():
    minigrad.manual_seed(0)
    rnn, head = nn.GRU(2, 8), nn.Linear(8, 2)

    def step(x, state):
        out, state = rnn(minigrad.tensor(x.astype(np.float32)), state)
        return head(out), state

    warmup = np.random.default_rng(1).standard_normal((6, 3, 2)).astype(np.float32)
    got = rollout(step, warmup, 5)
    with minigrad.no_grad():
        out, h = rnn(minigrad.tensor(warmup))
        x = head(out)[-1:]
        want = [x.numpy()[0]]
        for _ in range(4):
            out, h = rnn(x, h)
            x = head(out)
            want.append(x.numpy()[0])
    np.testing.assert_allclose(got, np.stack(want), rtol=1e-5, atol=1e-6)
    assert minigrad.is_grad_enabled()  # rollout turns gradients off only while it runs


def test_n_step_mse_of_a_perfect_predictor_is_zero():
    a = rotation(2 * np.pi / 25)
    series = np.stack(
        [np.cos(np.arange(300) * 2 * np.pi / 25), np.sin(np.arange(300) * 2 * np.pi / 25)], axis=1
    )
    mse = n_step_mse(linear_step(a), series, warmup=10, horizon=50, stride=7)
    assert mse.shape == (50,)
    np.testing.assert_allclose(mse, 0.0, atol=1e-20)


def test_n_step_mse_matches_a_direct_count_and_grows_with_the_horizon():
    rng = np.random.default_rng(3)
    series = np.cumsum(rng.standard_normal(400))  # a random walk
    persist = lambda x, state: (x, state)  # noqa: E731
    mse = n_step_mse(persist, series, warmup=5, horizon=20, stride=3)
    starts = np.arange(0, 400 - 5 - 20 + 1, 3)
    for n in (1, 7, 20):
        direct = np.mean([(series[s + 4 + n] - series[s + 4]) ** 2 for s in starts])
        assert np.isclose(mse[n - 1], direct)
    assert mse[-1] > 5 * mse[0]  # a random walk's error variance grows like n


def test_n_step_mse_of_a_wrong_linear_model_is_the_analytic_error():
    series = 0.9 ** np.arange(60.0)
    mse = n_step_mse(linear_step(np.array([[0.8]])), series, warmup=1, horizon=3, stride=60)
    np.testing.assert_allclose(mse, [(0.9**n - 0.8**n) ** 2 for n in (1, 2, 3)])


@pytest.mark.parametrize(
    "call, words",
    [
        (
            lambda: rollout(linear_step(np.eye(1)), np.ones((3, 1)), 2),
            r"warmup must be \(T, B, F\)",
        ),
        (lambda: rollout(linear_step(np.eye(1)), np.ones((0, 1, 1)), 2), "T ≥ 1"),
        (lambda: rollout(linear_step(np.eye(1)), np.ones((3, 1, 1)), 0), "n_steps must be"),
        (lambda: rollout(lambda x, s: (x[:, :, :1], s), np.ones((3, 1, 2)), 2), "shaped like"),
        (lambda: n_step_mse(linear_step(np.eye(1)), np.ones((5, 1, 1)), 2, 2), r"\(N,\) or"),
        (lambda: n_step_mse(linear_step(np.eye(1)), np.ones(5), 2, 2, stride=0), "stride"),
        (lambda: n_step_mse(linear_step(np.eye(1)), np.ones(5), 3, 3), "too short"),
    ],
)
def test_bad_arguments_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
