"""The bit-serial data sets: sums and parities are right, seeds reproduce, bad sizes raise."""

from __future__ import annotations

import numpy as np
import pytest

from nn.datasets import binary_addition, from_bits, parity


@pytest.mark.parametrize("n_bits", [1, 5, 70])
def test_decoded_pairs_add_up(n_bits: int) -> None:
    x, y = binary_addition(50, n_bits, seed=3)
    assert x.shape == (n_bits + 1, 50, 2) and y.shape == (n_bits + 1, 50, 1)
    assert x.dtype == y.dtype == np.float32
    assert not x[-1].any(), "the last step feeds zeros so the carry can come out"
    a, b, total = from_bits(x[..., 0]), from_bits(x[..., 1]), from_bits(y[..., 0])
    assert [p + q for p, q in zip(a, b, strict=True)] == total
    assert max(a + b) < 2**n_bits


def test_addition_covers_carries_and_both_bit_values() -> None:
    x, y = binary_addition(200, 6, seed=0)
    assert 0.3 < x.mean() < 0.7
    assert y[-1].any(), "some sums need the extra bit"


def test_parity_targets_are_the_running_xor() -> None:
    x, y = parity(30, 40, seed=5)
    assert x.shape == y.shape == (40, 30, 1)
    running = np.zeros(30)
    for t in range(40):
        running = np.logical_xor(running, x[t, :, 0])
        assert (y[t, :, 0] == running).all()
    assert set(np.unique(x)) == {0.0, 1.0}


@pytest.mark.parametrize("make", [binary_addition, parity])
def test_seeds_reproduce_and_differ(make) -> None:
    first, again, other = make(8, 12, seed=7), make(8, 12, seed=7), make(8, 12, seed=8)
    assert all(np.array_equal(p, q) for p, q in zip(first, again, strict=True))
    assert not np.array_equal(first[0], other[0])
    rng = np.random.default_rng(7)
    assert np.array_equal(make(8, 12, seed=rng)[0], first[0])


@pytest.mark.parametrize("make", [binary_addition, parity])
@pytest.mark.parametrize("bad", [(0, 4), (4, 0), (2.5, 4), (4, True), (-1, 3)])
def test_bad_sizes_raise_clear_errors(make, bad) -> None:
    with pytest.raises(ValueError, match=make.__name__):
        make(*bad)


def test_from_bits_is_exact_beyond_64_bits_and_checks_shape() -> None:
    bits = np.zeros((100, 1))
    bits[99] = 1
    assert from_bits(bits) == [2**99]
    with pytest.raises(ValueError, match="shape"):
        from_bits(np.zeros(3))
