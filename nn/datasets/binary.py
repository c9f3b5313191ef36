"""Bit-serial tasks an RNN solves with a tiny state and an MLP cannot stretch to new lengths.

**Binary addition**: two random ``n_bits``-bit numbers are fed least-significant bit first,
one bit of each per step, and the target at each step is the matching bit of their sum (the
state only has to carry one bit, the carry). **Parity**: a random bit string, and the target
at each step is the parity (xor) of every bit so far. Both are seeded and return float32
NumPy arrays, *time first* ``(T, B, features)``, ready for ``nn.RNN``; :func:`from_bits`
turns bit columns back into integers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nn.datasets.memory import _check_count, _rng


def binary_addition(n_samples: int, n_bits: int, seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of ``n_bits``-bit numbers and their sums, least-significant bit first.

    Each sequence has ``T = n_bits + 1`` steps: step ``t < n_bits`` shows bit ``t`` of ``a``
    and of ``b``; the last step shows two zeros, so the final carry can come out. The target
    at step ``t`` is bit ``t`` of ``a + b`` (which has at most ``n_bits + 1`` bits).

    Parameters
    ----------
    n_samples : int
        Number of pairs (the batch size ``B``).
    n_bits : int
        Bits of each operand; the numbers are uniform in ``0 … 2**n_bits − 1``.
    seed : int, numpy Generator or None
        Seed of the random bits.

    Returns
    -------
    inputs : float32 array (n_bits + 1, n_samples, 2)
        Bits of ``a`` (channel 0) and ``b`` (channel 1).
    targets : float32 array (n_bits + 1, n_samples, 1)
        Bits of ``a + b``.

    Examples
    --------
    >>> x, y = binary_addition(4, 8, seed=0)
    >>> x.shape, y.shape
    ((9, 4, 2), (9, 4, 1))
    >>> a, b, total = from_bits(x[..., 0]), from_bits(x[..., 1]), from_bits(y[..., 0])
    >>> all(p + q == s for p, q, s in zip(a, b, total))
    True
    """
    _check_count("binary_addition: n_samples", n_samples, 1)
    _check_count("binary_addition: n_bits", n_bits, 1)
    bits = _rng(seed).integers(0, 2, size=(n_bits, n_samples, 2))
    inputs = np.concatenate([bits, np.zeros((1, n_samples, 2), bits.dtype)])
    targets = np.zeros((n_bits + 1, n_samples, 1), dtype=np.float32)
    carry = np.zeros(n_samples, dtype=np.int64)
    for t in range(n_bits + 1):
        total = inputs[t, :, 0] + inputs[t, :, 1] + carry
        targets[t, :, 0] = total % 2
        carry = total // 2
    return inputs.astype(np.float32), targets


def parity(n_samples: int, length: int, seed: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Random bit strings and their running parity (1 when the ones so far are odd).

    Parameters
    ----------
    n_samples : int
        Number of strings (the batch size ``B``).
    length : int
        Bits per string (``T``).
    seed : int, numpy Generator or None
        Seed of the random bits.

    Returns
    -------
    inputs : float32 array (length, n_samples, 1)
    targets : float32 array (length, n_samples, 1)
        ``targets[t]`` is the xor of ``inputs[0 … t]``; ``targets[-1]`` is the whole
        string's parity.

    Examples
    --------
    >>> x, y = parity(1, 6, seed=1)
    >>> x[:, 0, 0].astype(int).tolist(), y[:, 0, 0].astype(int).tolist()
    ([0, 1, 1, 1, 0, 0], [0, 1, 0, 1, 1, 1])
    """
    _check_count("parity: n_samples", n_samples, 1)
    _check_count("parity: length", length, 1)
    bits = _rng(seed).integers(0, 2, size=(length, n_samples, 1))
    return bits.astype(np.float32), (np.cumsum(bits, axis=0) % 2).astype(np.float32)


def from_bits(bits: np.ndarray) -> list[int]:
    """Integers from bit columns, least-significant bit first along axis 0.

    ``bits`` has shape ``(T, B)`` with entries 0/1 (any dtype); the result has ``B`` Python
    integers, exact at any ``T`` (no 64-bit overflow).

    Examples
    --------
    >>> from_bits(np.array([[1, 0], [0, 1], [1, 1]]))
    [5, 6]
    """
    bits = np.asarray(bits)
    if bits.ndim != 2:
        raise ValueError(f"from_bits: bits must have shape (T, B), got {bits.shape}")
    return [int("".join(str(int(b)) for b in column[::-1]) or "0", 2) for column in bits.T]
