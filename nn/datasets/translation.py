"""Toy "translation" pairs for sequence-to-sequence models, and a vocabulary with the
special tokens an encoder–decoder needs.

Each generator returns a list of ``(source, target)`` strings, seeded: **digit reversal**
(``"1234" → "4321"``), **digit sorting** (``"3141" → "1134"``) and **date normalisation**
(``"5 jan 2019" → "2019-01-05"``). The output has to be produced only after the whole input
has been read, which is what the encoder's final state carries to the decoder.

:class:`TokenVocab` turns strings into ids with ``<pad>`` (0), ``<sos>`` (1) and ``<eos>`` (2)
in front of the symbols, and :meth:`TokenVocab.pad` stacks strings into the time-major
``(T, B)`` id arrays that ``nn``'s recurrent layers read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from nn.datasets.memory import _check_count, _rng

PAD, SOS, EOS = 0, 1, 2
"""Ids of the padding, start-of-sequence and end-of-sequence tokens in every vocabulary."""

SPECIALS = ("<pad>", "<sos>", "<eos>")
DIGITS = "0123456789"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
Pairs = list[tuple[str, str]]


class TokenVocab:
    """Single-character symbols with ids after the special tokens ``<pad> <sos> <eos>``.

    Parameters
    ----------
    symbols : iterable of str
        The characters (each once after sorting; order does not matter).

    Examples
    --------
    >>> vocab = TokenVocab("0123456789")
    >>> len(vocab), vocab.encode("42", sos=True, eos=True)
    (13, [1, 7, 5, 2])
    >>> vocab.decode([7, 5, 2, 9])  # stops at <eos>
    '42'
    >>> vocab.pad(["42", "7"], eos=True).tolist()  # (T, B), padded at the end
    [[7, 10], [5, 2], [2, 0]]
    >>> vocab.pad(["42", "7"], left=True).tolist()  # padded at the start
    [[7, 0], [5, 10]]
    """

    def __init__(self, symbols: Iterable[str]) -> None:
        chars = sorted(set(symbols))
        if not chars or any(not isinstance(c, str) or len(c) != 1 for c in chars):
            raise ValueError("TokenVocab: symbols must be one or more single characters")
        self.symbols = "".join(chars)
        self._ids = {c: i + len(SPECIALS) for i, c in enumerate(self.symbols)}

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> TokenVocab:
        """The vocabulary of every character in the sources and targets of ``pairs``."""
        return cls({c for source, target in pairs for c in source + target})

    def __len__(self) -> int:
        return len(SPECIALS) + len(self.symbols)

    def encode(self, text: str, sos: bool = False, eos: bool = False) -> list[int]:
        """Ids of ``text``, optionally with ``<sos>`` before and ``<eos>`` after."""
        missing = sorted(set(text) - set(self._ids))
        if missing:
            raise ValueError(f"TokenVocab: {missing} not in the vocabulary {self.symbols!r}")
        return [SOS] * sos + [self._ids[c] for c in text] + [EOS] * eos

    def decode(self, ids: Iterable[Any]) -> str:
        """The text of ``ids`` up to the first ``<eos>``; ``<pad>`` and ``<sos>`` are skipped."""
        chars = []
        for i in map(int, ids):
            if i == EOS:
                break
            if not 0 <= i < len(self):
                raise ValueError(f"TokenVocab: id {i} is outside 0…{len(self) - 1}")
            if i >= len(SPECIALS):
                chars.append(self.symbols[i - len(SPECIALS)])
        return "".join(chars)

    def pad(
        self, texts: Sequence[str], sos: bool = False, eos: bool = False, left: bool = False
    ) -> np.ndarray:
        """Encode ``texts`` and stack them into an int64 ``(T, B)`` array filled with ``<pad>``.

        ``left=True`` pads at the start, so every sequence *ends* at the last step (an
        encoder's final state then follows the last real token).
        """
        if not texts:
            raise ValueError("TokenVocab.pad: no texts")
        rows = [self.encode(t, sos, eos) for t in texts]
        steps = max(len(r) for r in rows)
        out = np.full((steps, len(rows)), PAD, dtype=np.int64)
        for b, row in enumerate(rows):
            start = steps - len(row) if left else 0
            out[start : start + len(row), b] = row
        return out


def _digit_strings(n: int, min_len: int, max_len: int, seed: Any, who: str) -> list[str]:
    _check_count(f"{who}: n", n, 1)
    _check_count(f"{who}: min_len", min_len, 1)
    _check_count(f"{who}: max_len", max_len, 1)
    if max_len < min_len:
        raise ValueError(f"{who}: max_len ({max_len}) is below min_len ({min_len})")
    rng = _rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    return ["".join(DIGITS[d] for d in rng.integers(0, 10, size=k)) for k in lengths]


def digit_reversal_pairs(n: int, min_len: int = 3, max_len: int = 8, seed: Any = None) -> Pairs:
    """``n`` random digit strings (lengths uniform in ``min_len … max_len``) and their reverses.

    Examples
    --------
    >>> digit_reversal_pairs(2, 3, 5, seed=0)
    [('52300', '00325'), ('0186', '6810')]
    """
    return [(s, s[::-1]) for s in _digit_strings(n, min_len, max_len, seed, "digit_reversal")]


def digit_sort_pairs(n: int, min_len: int = 3, max_len: int = 8, seed: Any = None) -> Pairs:
    """``n`` random digit strings (lengths uniform in ``min_len … max_len``) and their digits
    in ascending order.

    Examples
    --------
    >>> digit_sort_pairs(2, 3, 5, seed=0)
    [('52300', '00235'), ('0186', '0168')]
    """
    return [
        (s, "".join(sorted(s))) for s in _digit_strings(n, min_len, max_len, seed, "digit_sort")
    ]


def _human_date(day: datetime.date, style: int) -> str:
    month = MONTHS[day.month - 1]
    return (
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day:02d}/{day.month:02d}/{day.year}",
        f"{day.day}.{day.month}.{str(day.year)[2:]}",
    )[style]


def date_pairs(n: int, seed: Any = None) -> Pairs:
    """``n`` random dates of 1950–2049 written four human ways, each with its ISO form.

    The sources read ``"5 jan 2019"``, ``"jan 5, 2019"``, ``"05/01/2019"`` (day first) or
    ``"5.1.19"`` (two-digit year: 50–99 are 1950–1999, 00–49 are 2000–2049); the target is
    ``"2019-01-05"``.

    Examples
    --------
    >>> date_pairs(3, seed=1)
    [('27.4.97', '1997-04-27'), ('8 mar 2001', '2001-03-08'), ('8 jul 2025', '2025-07-08')]
    >>> all(len(t) == 10 and t[4] == t[7] == "-" for _, t in date_pairs(50, seed=0))
    True
    """
    _check_count("date_pairs: n", n, 1)
    rng = _rng(seed)
    first = datetime.date(1950, 1, 1).toordinal()
    last = datetime.date(2049, 12, 31).toordinal()
    days = rng.integers(first, last + 1, size=n)
    styles = rng.integers(0, 4, size=n)
    pairs = []
    for ordinal, style in zip(days, styles, strict=True):
        day = datetime.date.fromordinal(int(ordinal))
        pairs.append((_human_date(day, int(style)), day.isoformat()))
    return pairs


def held_out_split(
    pairs: Sequence[tuple[str, str]], n_test: int, seed: Any = None
) -> tuple[Pairs, Pairs]:
    """Split ``pairs`` into training and test pairs whose *sources* never overlap.

    Duplicate sources are kept once, the unique pairs are shuffled, and the first ``n_test``
    become the test set, so every test input is one the model never saw in training.

    Examples
    --------
    >>> train, test = held_out_split(digit_reversal_pairs(200, 2, 3, seed=0), 20, seed=0)
    >>> len(test), {s for s, _ in train} & {s for s, _ in test}
    (20, set())
    """
    _check_count("held_out_split: n_test", n_test, 1)
    unique = list(dict(pairs).items())
    if n_test >= len(unique):
        raise ValueError(
            f"held_out_split: n_test ({n_test}) leaves no training pairs out of "
            f"{len(unique)} with distinct sources"
        )
    order = _rng(seed).permutation(len(unique))
    shuffled = [unique[i] for i in order]
    return shuffled[n_test:], shuffled[:n_test]
