"""Free-running forecasts: warm a sequence model up on observed data, then feed its own
predictions back, and measure how the error grows with the number of steps ahead.

A *model step* is any callable ``model_step(x, state) -> (y, state)`` where ``x`` is a
time-major chunk ``(T, B, F)`` of observed (or fed-back) values, ``y`` (same shape) is the
prediction of the value *one step after* each row of ``x``, and ``state`` is whatever the
model carries between calls (``None`` at the start; for an ``nn.RNN``/``nn.LSTM``/``nn.GRU``
followed by an ``nn.Linear`` head, the layer's ``h_n`` or ``(h_n, c_n)``). ``x`` is given as
a float NumPy array; ``y`` may be a NumPy array or a Tensor. A one-step-trained recurrent
forecaster is exactly such a callable::

    class Forecaster(nn.Module):
        def forward(self, x, state=None):
            out, state = self.rnn(minigrad.tensor(x), state)
            return self.head(out), state

:func:`rollout` and :func:`n_step_mse` run it without recording gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import minigrad
from nn.data import sliding_windows

ModelStep = Callable[[np.ndarray, Any], tuple[Any, Any]]


def _as_array(y: Any) -> np.ndarray:
    return np.asarray(y.numpy() if hasattr(y, "numpy") else y)


def _check_steps(who: str, name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{who}: {name} must be an integer ≥ 1, got {value!r}")


def _call(model_step: ModelStep, x: np.ndarray, state: Any) -> tuple[np.ndarray, Any]:
    y, state = model_step(x, state)
    y = _as_array(y)
    if y.shape != x.shape:
        raise ValueError(
            f"rollout: model_step must return predictions shaped like its input {x.shape}, "
            f"got {y.shape}"
        )
    return y, state


def rollout(model_step: ModelStep, warmup: Any, n_steps: int, state: Any = None) -> np.ndarray:
    """Predict ``n_steps`` values after ``warmup``, feeding each prediction back as input.

    The model first reads the whole observed ``warmup`` ``(T, B, F)`` in one call (starting
    from ``state``); its last prediction is the first forecast. Each later forecast comes from
    one call on the previous forecast ``(1, B, F)``, with the state the model returned. No
    gradients are recorded.

    Parameters
    ----------
    model_step : callable ``(x, state) -> (y, state)``
        The one-step predictor (see the module's description).
    warmup : array-like ``(T, B, F)``, ``T ≥ 1``
        Observed values; ``warmup[-1]`` is the last value seen.
    n_steps : int
        How many steps to forecast.
    state : optional
        The model's state before ``warmup`` (``None``: its own initial state).

    Returns
    -------
    float array ``(n_steps, B, F)``: row ``k`` is the forecast ``k + 1`` steps after the last
    observed value.

    Examples
    --------
    A model that predicts twice its input forecasts ``2x, 4x, 8x …``:

    >>> import numpy as np
    >>> from nn.forecast import rollout
    >>> double = lambda x, state: (2 * x, state)
    >>> rollout(double, np.ones((3, 1, 1)), 4).ravel().tolist()
    [2.0, 4.0, 8.0, 16.0]
    """
    observed = _as_array(warmup)
    if not np.issubdtype(observed.dtype, np.floating):
        observed = observed.astype(np.float64)
    if observed.ndim != 3 or observed.shape[0] < 1:
        raise ValueError(
            f"rollout: warmup must be (T, B, F) with T ≥ 1, got shape {observed.shape}; "
            "add axes with x[:, None, None] for one 1-D series"
        )
    _check_steps("rollout", "n_steps", n_steps)
    forecasts = np.empty((n_steps, *observed.shape[1:]), dtype=observed.dtype)
    with minigrad.no_grad():
        y, state = _call(model_step, observed, state)
        forecasts[0] = y[-1]
        for k in range(1, n_steps):
            y, state = _call(model_step, forecasts[k - 1 : k], state)
            forecasts[k] = y[0]
    return forecasts


def n_step_mse(
    model_step: ModelStep, series: Any, warmup: int, horizon: int, stride: int = 1
) -> np.ndarray:
    """Mean squared error of free-running forecasts against how many steps ahead they are.

    Every ``stride``-th start point of ``series`` gives one forecast: the model is warmed up
    on ``warmup`` observed steps and then run free for ``horizon`` steps (:func:`rollout`; all
    start points run as one batch). The squared error at each horizon is averaged over start
    points and features.

    Parameters
    ----------
    model_step : callable ``(x, state) -> (y, state)``
        The one-step predictor (see the module's description).
    series : array-like ``(N,)`` or ``(N, F)``
        The observed series, time on axis 0.
    warmup : int
        Observed steps before each forecast.
    horizon : int
        Steps forecast from each start point.
    stride : int
        Steps between consecutive start points.

    Returns
    -------
    float array ``(horizon,)``: element ``n − 1`` is the MSE of the ``n``-step-ahead forecast.

    Examples
    --------
    Persistence (predict the last value again) on a ramp is off by ``n`` after ``n`` steps:

    >>> import numpy as np
    >>> from nn.forecast import n_step_mse
    >>> persist = lambda x, state: (x, state)
    >>> n_step_mse(persist, np.arange(20.0), warmup=2, horizon=3).tolist()
    [1.0, 4.0, 9.0]
    """
    values = np.asarray(series)
    if values.ndim not in (1, 2):
        raise ValueError(f"n_step_mse: series must be (N,) or (N, F), got shape {values.shape}")
    for name, value in (("warmup", warmup), ("horizon", horizon), ("stride", stride)):
        _check_steps("n_step_mse", name, value)
    features = values.reshape(values.shape[0], -1)
    inputs, targets = sliding_windows(features, warmup, horizon)
    inputs, targets = inputs[::stride], targets[::stride]
    forecasts = rollout(model_step, inputs.swapaxes(0, 1), horizon)
    return ((forecasts - targets.swapaxes(0, 1)) ** 2).mean(axis=(1, 2))
