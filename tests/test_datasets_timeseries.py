"""The noisy sine and the Lorenz system: shape, period, noise level, attractor, seeding, errors."""

import numpy as np
import pytest

from nn.datasets import lorenz, noisy_sine


def test_clean_sine_repeats_with_its_period_and_spans_minus_one_to_one():
    x = noisy_sine(400, noise=0.0, period=40)
    np.testing.assert_allclose(x[40:], x[:-40], atol=1e-12)
    assert np.isclose(x.max(), 1.0) and np.isclose(x.min(), -1.0)
    assert not np.allclose(x[20:], x[:-20])  # half a period is not a period


def test_sine_noise_has_the_requested_standard_deviation():
    clean = noisy_sine(20000, noise=0.0, period=37)
    noisy = noisy_sine(20000, noise=0.3, period=37, seed=1)
    residual = noisy - clean
    assert abs(residual.std() - 0.3) < 0.01 and abs(residual.mean()) < 0.01


def test_sine_seeds_reproduce_and_differ():
    np.testing.assert_array_equal(noisy_sine(50, seed=4), noisy_sine(50, seed=4))
    assert not np.array_equal(noisy_sine(50, seed=4), noisy_sine(50, seed=5))
    rng_a, rng_b = np.random.default_rng(9), np.random.default_rng(9)
    np.testing.assert_array_equal(noisy_sine(50, seed=rng_a), noisy_sine(50, seed=rng_b))


@pytest.mark.parametrize("x0", [(1.0, 1.0, 1.0), (-8.0, 7.0, 27.0), (0.1, -3.0, 40.0)])
def test_lorenz_stays_in_the_attractor_bounds_after_transients(x0):
    path = lorenz(6000, x0=x0)[1000:]
    assert np.isfinite(path).all()
    assert (np.abs(path[:, 0]) < 25).all() and (np.abs(path[:, 1]) < 30).all()
    assert (path[:, 2] > 0).all() and (path[:, 2] < 55).all()
    # both wings are visited: x changes sign
    assert path[:, 0].min() < -5 < 5 < path[:, 0].max()


def test_lorenz_rk4_converges_when_dt_halves():
    coarse = lorenz(51, dt=0.02)[-1]
    fine = lorenz(101, dt=0.01)[-1]
    finer = lorenz(201, dt=0.005)[-1]
    # fourth order: halving dt cuts the error about 16×
    assert np.linalg.norm(fine - finer) < np.linalg.norm(coarse - finer) / 8


def test_lorenz_fixed_point_stays_put_and_nearby_starts_separate():
    beta, rho = 8.0 / 3.0, 28.0
    c = np.sqrt(beta * (rho - 1))
    rest = lorenz(100, x0=(c, c, rho - 1))
    np.testing.assert_allclose(rest, np.tile([c, c, rho - 1], (100, 1)), atol=1e-9)
    a = lorenz(5000, x0=(1.0, 1.0, 1.0))
    b = lorenz(5000, x0=(1.0 + 1e-8, 1.0, 1.0))
    np.testing.assert_array_equal(a, lorenz(5000, x0=(1.0, 1.0, 1.0)))
    assert np.abs(a[:500] - b[:500]).max() < 1e-5
    assert np.abs(a[-1000:] - b[-1000:]).max() > 5.0  # chaos: 1e-8 grows to the attractor's size


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: noisy_sine(0), "n_steps must be an integer ≥ 1"),
        (lambda: noisy_sine(10, noise=-0.1), "noise must be a finite number ≥ 0"),
        (lambda: noisy_sine(10, period=0), "period must be a finite number > 0"),
        (lambda: lorenz(10, dt=0.0), "dt must be a finite number > 0"),
        (lambda: lorenz(10, rho=float("nan")), "rho must be a finite number > 0"),
        (lambda: lorenz(10, x0=(1.0, 2.0)), "x0 must be 3 finite numbers"),
        (lambda: lorenz(2.5), "n_steps must be an integer"),
    ],
)
def test_bad_arguments_are_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
