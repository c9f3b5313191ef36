"""Time series to forecast: a noisy sine (1-D) and the Lorenz system (3-D, chaotic).

Both return float64 NumPy arrays with time on axis 0 and are reproducible: the sine from its
``seed``, the Lorenz trajectory from its initial point ``x0`` (it has no randomness). Cut them
into training windows with :func:`nn.sliding_windows`; forecast them with :mod:`nn.forecast`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from nn.datasets.memory import _check_count, _rng


def _check_positive(name: str, value: Any, allow_zero: bool = False) -> None:
    ok = isinstance(value, (int, float, np.integer, np.floating)) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not allow_zero):
        least = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {least}, got {value!r}")


def noisy_sine(
    n_steps: int, noise: float = 0.1, period: float = 50.0, seed: Any = None
) -> np.ndarray:
    """``sin(2π t / period) + noise · ε_t`` for ``t = 0 … n_steps−1``, ``ε_t ~ N(0, 1)``.

    Parameters
    ----------
    n_steps : int
        Length of the series.
    noise : float
        Standard deviation of the added Gaussian noise (0 gives the clean sine).
    period : float
        Steps per cycle.
    seed : int, numpy Generator or None
        Seed of the noise.

    Returns
    -------
    float64 array of shape ``(n_steps,)``.

    Examples
    --------
    >>> x = noisy_sine(100, noise=0.0, period=20)
    >>> x.shape, round(float(x[5]), 6), round(float(x[25]), 6)
    ((100,), 1.0, 1.0)
    >>> bool((noisy_sine(10, seed=3) == noisy_sine(10, seed=3)).all())
    True
    """
    _check_count("noisy_sine: n_steps", n_steps, 1)
    _check_positive("noisy_sine: noise", noise, allow_zero=True)
    _check_positive("noisy_sine: period", period)
    clean = np.sin(2 * np.pi * np.arange(n_steps) / period)
    return clean + noise * _rng(seed).standard_normal(n_steps)


def _lorenz_field(sigma: float, rho: float, beta: float):
    def field(p: np.ndarray) -> np.ndarray:
        x, y, z = p
        return np.array([sigma * (y - x), x * (rho - z) - y, x * y - beta * z])

    return field


def _rk4_step(field, p: np.ndarray, dt: float) -> np.ndarray:
    k1 = field(p)
    k2 = field(p + 0.5 * dt * k1)
    k3 = field(p + 0.5 * dt * k2)
    k4 = field(p + dt * k3)
    return p + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def lorenz(
    n_steps: int,
    dt: float = 0.01,
    sigma: float = 10.0,
    rho: float = 28.0,
    beta: float = 8.0 / 3.0,
    x0: Any = (1.0, 1.0, 1.0),
) -> np.ndarray:
    """A trajectory of the Lorenz system, integrated with fourth-order Runge–Kutta.

    ``dx/dt = σ(y − x)``, ``dy/dt = x(ρ − z) − y``, ``dz/dt = xy − βz``. With the classic
    parameters (σ = 10, ρ = 28, β = 8/3) the trajectory is chaotic: after a transient of a
    few time units it stays on the butterfly-shaped attractor (|x| < 25, |y| < 30,
    0 < z < 55), and two nearby starts separate exponentially (about e-fold per 1.1 time
    units). Row 0 is ``x0``; drop the first rows to start on the attractor.

    Parameters
    ----------
    n_steps : int
        Number of points (rows), ``dt`` apart.
    dt : float
        Time step of the integration and of the samples.
    sigma, rho, beta : float
        The system's parameters.
    x0 : sequence of 3 floats
        The starting point ``(x, y, z)``.

    Returns
    -------
    float64 array of shape ``(n_steps, 3)``, columns ``x, y, z``.

    Examples
    --------
    >>> path = lorenz(2000)
    >>> path.shape, path[0].tolist()
    ((2000, 3), [1.0, 1.0, 1.0])
    >>> bool((abs(path[500:, 0]) < 25).all() and (path[500:, 2] > 0).all())
    True
    """
    _check_count("lorenz: n_steps", n_steps, 1)
    for name, value in (("dt", dt), ("sigma", sigma), ("rho", rho), ("beta", beta)):
        _check_positive(f"lorenz: {name}", value)
    start = np.asarray(x0, dtype=np.float64)
    if start.shape != (3,) or not np.isfinite(start).all():
        raise ValueError(f"lorenz: x0 must be 3 finite numbers (x, y, z), got {x0!r}")
    field = _lorenz_field(sigma, rho, beta)
    path = np.empty((n_steps, 3))
    path[0] = start
    for t in range(1, n_steps):
        path[t] = _rk4_step(field, path[t - 1], dt)
    return path
