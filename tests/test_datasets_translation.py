"""nn.datasets.translation: the pairs are what they claim, seeds reproduce, the vocabulary
round-trips and pads time-major, and bad arguments are refused."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.datasets import (
    EOS,
    PAD,
    SOS,
    TokenVocab,
    date_pairs,
    digit_reversal_pairs,
    digit_sort_pairs,
    held_out_split,
)

DIGIT_GENERATORS = [digit_reversal_pairs, digit_sort_pairs]


def test_reversal_pairs_are_reversed_digits_within_the_lengths() -> None:
    pairs = digit_reversal_pairs(300, 2, 6, seed=1)
    assert len(pairs) == 300
    for source, target in pairs:
        assert source.isdigit() and 2 <= len(source) <= 6
        assert list(target) == list(reversed(source))
    assert {len(s) for s, _ in pairs} == {2, 3, 4, 5, 6}


def test_sort_pairs_are_the_same_digits_ascending() -> None:
    for source, target in digit_sort_pairs(300, 1, 5, seed=2):
        assert sorted(source) == list(target)


MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def read_date(source: str) -> datetime.date:
    """The test's own reading of the four human forms."""
    if "/" in source:
        day, month, year = map(int, source.split("/"))
    elif "." in source:
        day, month, short = map(int, source.split("."))
        year = short + (1900 if short >= 50 else 2000)
    elif "," in source:
        name, day, year = source.replace(",", "").split()
        month = MONTHS.index(name) + 1
    else:
        day, name, year = source.split()
        month = MONTHS.index(name) + 1
    return datetime.date(int(year), month, int(day))


def test_date_pairs_name_the_same_day() -> None:
    pairs = date_pairs(400, seed=3)
    for source, target in pairs:
        day = datetime.date.fromisoformat(target)
        assert 1950 <= day.year <= 2049 and len(target) == 10
        assert read_date(source) == day
    styles = {("/" in s, "." in s, "," in s) for s, _ in pairs}
    assert len(styles) == 4


@pytest.mark.parametrize("make", [*DIGIT_GENERATORS, lambda n, seed: date_pairs(n, seed=seed)])
def test_seeds_reproduce_and_differ(make) -> None:
    assert make(50, seed=7) == make(50, seed=7)
    assert make(50, seed=7) != make(50, seed=8)
    rng_a, rng_b = np.random.default_rng(4), np.random.default_rng(4)
    assert make(20, seed=rng_a) == make(20, seed=rng_b)


@pytest.mark.parametrize("make", DIGIT_GENERATORS)
@pytest.mark.parametrize("n, lo, hi", [(0, 3, 5), (5, 0, 3), (5, 4, 3), (2.5, 1, 2), (True, 1, 2)])
def test_digit_generators_refuse_bad_arguments(make, n, lo, hi) -> None:
    with pytest.raises(ValueError):
        make(n, lo, hi, seed=0)


def test_date_pairs_refuse_bad_count() -> None:
    with pytest.raises(ValueError, match="n must be"):
        date_pairs(0)


@given(st.text(alphabet="0123456789abc-", max_size=12), st.booleans(), st.booleans())
def test_tokens_round_trip(text: str, sos: bool, eos: bool) -> None:
    vocab = TokenVocab("abc0123456789-")
    ids = vocab.encode(text, sos=sos, eos=eos)
    assert len(ids) == len(text) + sos + eos
    assert (
        ids[:sos] == [SOS] * sos and ids.count(EOS) == eos and ids[len(ids) - eos :] == [EOS] * eos
    )
    assert vocab.decode(ids) == text
    assert vocab.decode([PAD, *ids, PAD]) == text


def test_specials_come_first_and_ids_are_distinct() -> None:
    vocab = TokenVocab.from_pairs([("ba", "ab"), ("c", "c")])
    assert (PAD, SOS, EOS) == (0, 1, 2) and len(vocab) == 6
    assert vocab.encode("abc") == [3, 4, 5]
    assert vocab.decode([3, EOS, 4]) == "a"


def test_pad_is_time_major_and_ends_align_when_left_padded() -> None:
    vocab = TokenVocab("0123456789")
    texts = ["123", "4", "56"]
    right = vocab.pad(texts, sos=True, eos=True)
    left = vocab.pad(texts, left=True)
    assert right.shape == (5, 3) and left.shape == (3, 3) and right.dtype == np.int64
    for b, text in enumerate(texts):
        assert vocab.decode(right[:, b]) == text and right[0, b] == SOS
        assert vocab.decode(left[:, b]) == text
        assert (left[-len(text) :, b] == vocab.encode(text)).all()
        assert (left[: 3 - len(text), b] == PAD).all()
    assert (right[:, 1] == [SOS, vocab.encode("4")[0], EOS, PAD, PAD]).all()


def test_vocab_errors() -> None:
    vocab = TokenVocab("01")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocab.encode("012")
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([len(vocab)])
    with pytest.raises(ValueError, match="no texts"):
        vocab.pad([])
    for bad in ("", ["ab"]):
        with pytest.raises(ValueError, match="single characters"):
            TokenVocab(bad)


def test_held_out_split_never_shares_a_source() -> None:
    pairs = digit_reversal_pairs(500, 1, 2, seed=0)  # at most 110 distinct sources: repeats
    train, test = held_out_split(pairs, 30, seed=1)
    assert len(test) == 30
    assert not {s for s, _ in train} & {s for s, _ in test}
    assert len(train) + len(test) == len(set(pairs))
    assert held_out_split(pairs, 30, seed=1) == (train, test)
    with pytest.raises(ValueError, match="leaves no training pairs"):
        held_out_split(pairs, len(set(pairs)), seed=0)
