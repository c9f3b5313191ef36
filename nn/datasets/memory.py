"""Synthetic tasks that can only be solved by remembering across many time steps.

The **copy task** (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016) shows a few symbols,
then blanks, and asks for the symbols back ``lag`` steps after each was seen. The **adding
task** (Hochreiter & Schmidhuber 1997; Le et al. 2015) shows a sequence of random numbers, two
of them marked, and asks for the sum of the two marked numbers at the end. Both are seeded and
return NumPy arrays, batch first; pass ``x.transpose(1, 0, ...)`` to a time-major layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

BLANK = 0
"""The copy task's blank symbol (also the input at steps that carry nothing)."""


def _rng(seed: Any) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _check_count(name: str, value: Any, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{name} must be an integer ≥ {least}, got {value!r}")


def copy_task(
    batch_size: int,
    lag: int,
    n_symbols: int = 8,
    copy_length: int = 1,
    seed: Any = None,
    ignore_index: int = -100,
) -> tuple[np.ndarray, np.ndarray]:
    """Sequences of symbols that must be reproduced ``lag`` steps after they were seen.

    Each sequence has ``T = lag + copy_length`` steps. Steps ``0 … copy_length−1`` show
    random symbols ``1 … n_symbols``; steps ``lag … lag+copy_length−1`` show the *recall*
    marker ``n_symbols + 1``; every other step shows :data:`BLANK`. The target at recall
    step ``lag + i`` is the symbol shown at step ``i``; every other target is
    ``ignore_index`` (so ``nn.functional.cross_entropy`` scores only the recall steps).

    Parameters
    ----------
    batch_size : int
        Number of sequences.
    lag : int
        Steps between seeing a symbol and having to output it; at least ``copy_length``.
    n_symbols : int
        Size of the alphabet to remember (chance accuracy is ``1 / n_symbols``).
    copy_length : int
        Number of symbols to remember.
    seed : int, numpy Generator or None
        Seed of the random symbols.
    ignore_index : int
        Target at steps with nothing to output.

    Returns
    -------
    inputs : int64 array (batch_size, T)
        Symbol ids in ``0 … n_symbols+1`` (``n_symbols + 2`` input classes).
    targets : int64 array (batch_size, T)
        Symbol ids at recall steps, ``ignore_index`` elsewhere.

    Examples
    --------
    >>> x, y = copy_task(2, lag=3, n_symbols=4, seed=0)
    >>> x.shape, y.shape
    ((2, 4), (2, 4))
    >>> bool((y[:, 3] == x[:, 0]).all()), x[0, 1:].tolist(), y[0, :3].tolist()
    (True, [0, 0, 5], [-100, -100, -100])
    """
    for name, value, least in (
        ("batch_size", batch_size, 1),
        ("n_symbols", n_symbols, 1),
        ("copy_length", copy_length, 1),
    ):
        _check_count(f"copy_task: {name}", value, least)
    _check_count("copy_task: lag", lag, 1)
    if lag < copy_length:
        raise ValueError(
            f"copy_task: lag ({lag}) must be at least copy_length ({copy_length}) so the "
            "recall steps come after the symbols; raise lag or lower copy_length"
        )
    symbols = _rng(seed).integers(1, n_symbols + 1, size=(batch_size, copy_length))
    steps = lag + copy_length
    inputs = np.full((batch_size, steps), BLANK, dtype=np.int64)
    inputs[:, :copy_length] = symbols
    inputs[:, lag:] = n_symbols + 1
    targets = np.full((batch_size, steps), ignore_index, dtype=np.int64)
    targets[:, lag:] = symbols
    return inputs, targets


def adding_task(
    batch_size: int, length: int, seed: Any = None, dtype: Any = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """Random numbers with two of them marked; the target is the sum of the marked two.

    Channel 0 holds numbers uniform in [0, 1); channel 1 is 1 at two steps and 0 elsewhere:
    one step in the first half of the sequence, one in the second half. Predicting the
    constant 1 (the target's mean) gives a mean squared error of about 1/6 ≈ 0.167, the
    baseline a model must beat to show it remembers.

    Parameters
    ----------
    batch_size : int
        Number of sequences.
    length : int
        Steps per sequence (at least 2); the first marked number is at least
        ``length // 2`` steps before the end.
    seed : int, numpy Generator or None
        Seed of the numbers and of the marked positions.
    dtype : NumPy dtype
        Of the returned arrays.

    Returns
    -------
    inputs : array (batch_size, length, 2)
    targets : array (batch_size,)

    Examples
    --------
    >>> x, y = adding_task(3, 10, seed=0)
    >>> x.shape, y.shape, x[..., 1].sum(axis=1).tolist()
    ((3, 10, 2), (3,), [2.0, 2.0, 2.0])
    >>> bool(np.allclose(y, (x[..., 0] * x[..., 1]).sum(axis=1)))
    True
    """
    _check_count("adding_task: batch_size", batch_size, 1)
    _check_count("adding_task: length", length, 2)
    rng = _rng(seed)
    half = length // 2
    values = rng.random((batch_size, length))
    rows = np.arange(batch_size)
    marks = np.zeros((batch_size, length))
    marks[rows, rng.integers(0, half, size=batch_size)] = 1.0
    marks[rows, rng.integers(half, length, size=batch_size)] = 1.0
    inputs = np.stack([values, marks], axis=-1).astype(dtype)
    targets = (values * marks).sum(axis=1).astype(dtype)
    return inputs, targets
