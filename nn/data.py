"""Data helpers for sequence models: a character vocabulary, (T, B) streams for stateful
char-level training with truncated BPTT, sliding windows for time series, a small corpus of
verse, a stretch of Shakespeare shipped compressed, and a source-code corpus built from the
local Python standard library.
"""

from __future__ import annotations

import lzma
import sysconfig
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from nn._corpus import TEXT

_POLICIES = ("error", "skip")


class CharVocab:
    """A mapping between characters and integer ids (sorted characters, ids 0…n−1).

    Parameters
    ----------
    chars : iterable of str
        The characters, each once (use :meth:`from_text` to collect them from a text).
    unknown : str
        What :meth:`encode` does with a character outside the vocabulary: ``"error"``
        (raise), ``"skip"`` (drop it), or any single character of the vocabulary to use
        instead.

    Examples
    --------
    >>> from nn import CharVocab
    >>> vocab = CharVocab.from_text("hello")
    >>> vocab.chars, len(vocab)
    ('ehlo', 4)
    >>> vocab.encode("hole").tolist()
    [1, 3, 2, 0]
    >>> vocab.decode([1, 0, 2, 2, 3])
    'hello'
    >>> CharVocab.from_text("hello", unknown="?" ).chars
    '?ehlo'
    """

    def __init__(self, chars: Iterable[str], unknown: str = "error") -> None:
        ordered = sorted(set(chars))
        if any(len(c) != 1 for c in ordered):
            raise ValueError("CharVocab: every entry must be a single character")
        self.unknown = unknown
        if unknown not in _POLICIES:
            if len(unknown) != 1:
                raise ValueError(
                    f"CharVocab: unknown must be 'error', 'skip' or a single "
                    f"replacement character, got {unknown!r}"
                )
            if unknown not in ordered:
                raise ValueError(
                    f"CharVocab: the replacement character {unknown!r} is not in "
                    "the vocabulary; use from_text(..., unknown=c), which adds it"
                )
        self.chars = "".join(ordered)
        self._ids = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str, unknown: str = "error") -> CharVocab:
        """The vocabulary of ``text`` (plus the replacement character, if one is given)."""
        extra = unknown if unknown not in _POLICIES else ""
        return cls(set(text) | set(extra), unknown)

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, char: object) -> bool:
        return char in self._ids

    def encode(self, text: str) -> np.ndarray:
        """Ids of ``text`` as an int64 array, applying the unknown-character policy."""
        ids = self._ids
        if self.unknown == "skip":
            return np.array([ids[c] for c in text if c in ids], dtype=np.int64)
        if self.unknown != "error":
            fallback = ids[self.unknown]
            return np.array([ids.get(c, fallback) for c in text], dtype=np.int64)
        missing = sorted(set(text) - set(ids))
        if missing:
            raise KeyError(
                f"CharVocab.encode: characters not in the vocabulary: {missing[:10]}; "
                "build the vocabulary from this text too, or use unknown='skip' "
                "or a replacement character"
            )
        return np.array([ids[c] for c in text], dtype=np.int64)

    def decode(self, ids: Any) -> str:
        """The text of integer ``ids`` (a list, an array or a Tensor)."""
        values = np.asarray(ids.numpy() if hasattr(ids, "numpy") else ids).reshape(-1)
        bad = values[(values < 0) | (values >= len(self.chars))]
        if bad.size:
            raise IndexError(
                f"CharVocab.decode: ids must be in [0, {len(self.chars)}), "
                f"got {sorted(set(bad.tolist()))[:5]}"
            )
        return "".join(self.chars[i] for i in values.tolist())

    def to_dict(self) -> dict[str, str]:
        """A plain dict (strings only), for ``nn.save``; :meth:`from_dict` reverses it."""
        return {"chars": self.chars, "unknown": self.unknown}

    @classmethod
    def from_dict(cls, state: dict[str, str]) -> CharVocab:
        """The vocabulary saved by :meth:`to_dict`.

        Examples
        --------
        >>> from nn import CharVocab
        >>> v = CharVocab.from_text("abc", unknown="skip")
        >>> CharVocab.from_dict(v.to_dict()) == v
        True
        """
        return cls(str(state["chars"]), str(state["unknown"]))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CharVocab):
            return NotImplemented
        return self.chars == other.chars and self.unknown == other.unknown

    def __hash__(self) -> int:
        return hash((self.chars, self.unknown))

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} characters, unknown={self.unknown!r})"


def batchify(ids: Any, batch_size: int) -> np.ndarray:
    """Cut a long id sequence into ``batch_size`` contiguous streams, time-major ``(T, B)``.

    Column ``b`` holds the ``b``-th slice of the text, so consecutive chunks of rows continue
    each stream: the hidden state can be carried from one chunk to the next (stateful
    training, as in char-rnn). The tail that does not fill a whole row is dropped.

    Examples
    --------
    >>> from nn import batchify
    >>> batchify(list(range(10)), 2).tolist()
    [[0, 5], [1, 6], [2, 7], [3, 8], [4, 9]]
    """
    values = np.asarray(ids).reshape(-1)
    if batch_size < 1:
        raise ValueError(f"batchify: batch_size must be >= 1, got {batch_size}")
    steps = values.shape[0] // batch_size
    if steps < 2:
        raise ValueError(
            f"batchify: {values.shape[0]} ids make fewer than 2 steps per stream "
            f"at batch_size={batch_size}; use a longer text or a smaller batch"
        )
    return values[: steps * batch_size].reshape(batch_size, steps).T.copy()


def tbptt_chunks(streams: Any, seq_len: int) -> Iterator[tuple[Any, Any]]:
    """Yield ``(inputs, targets)`` chunks of at most ``seq_len`` rows for truncated BPTT.

    ``targets`` are ``inputs`` shifted one step ahead in each stream. Chunks follow each other
    in time, so carry the (detached) hidden state from one to the next. The last chunk may be
    shorter. Works on NumPy arrays and on Tensors.

    Examples
    --------
    >>> from nn import batchify, tbptt_chunks
    >>> streams = batchify(list(range(10)), 2)
    >>> [(x.shape, y[0].tolist()) for x, y in tbptt_chunks(streams, 3)]
    [((3, 2), [1, 6]), ((1, 2), [4, 9])]
    """
    if seq_len < 1:
        raise ValueError(f"tbptt_chunks: seq_len must be >= 1, got {seq_len}")
    total = streams.shape[0]
    for start in range(0, total - 1, seq_len):
        stop = min(start + seq_len, total - 1)
        yield streams[start:stop], streams[start + 1 : stop + 1]


def sliding_windows(series: Any, window: int, horizon: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Inputs of ``window`` steps and the ``horizon`` steps that follow, batch-first.

    ``series`` has time on axis 0 (any trailing feature axes). Returns ``X`` of shape
    ``(N, window, …)`` and ``Y`` of shape ``(N, horizon, …)`` with
    ``N = len(series) − window − horizon + 1``. For a time-major RNN, use
    ``X.swapaxes(0, 1)`` or ``batch_first=True``.

    Examples
    --------
    >>> from nn import sliding_windows
    >>> X, Y = sliding_windows([0.0, 1.0, 2.0, 3.0, 4.0], window=3)
    >>> X.tolist(), Y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]], [[3.0], [4.0]])
    """
    values = np.asarray(series)
    if window < 1 or horizon < 1:
        raise ValueError(
            f"sliding_windows: window and horizon must be >= 1, got {window}, {horizon}"
        )
    count = values.shape[0] - window - horizon + 1 if values.ndim else 0
    if count < 1:
        raise ValueError(
            f"sliding_windows: a series of {values.shape[0] if values.ndim else 0} "
            f"steps is too short for window={window} plus horizon={horizon}"
        )
    starts = np.arange(count)[:, None]
    inputs = values[starts + np.arange(window)[None, :]]
    targets = values[starts + window + np.arange(horizon)[None, :]]
    return inputs, targets


def default_corpus() -> str:
    """A few KB of original public-domain verse shipped with minigrad, for quick char models.

    Examples
    --------
    >>> from nn import default_corpus
    >>> len(default_corpus()) > 2000
    True
    """
    return TEXT


def shakespeare_corpus(max_chars: int | None = None) -> str:
    """Plays of Shakespeare (public domain): about 300,000 characters shipped with minigrad.

    The first ~300 K characters of the "tiny Shakespeare" text of Karpathy's char-rnn (from
    *Coriolanus* on), cut at a speech boundary and stored xz-compressed inside the package
    (about 100 KB), so nothing is downloaded. Speaker names on their own line, then the
    speech, then a blank line: the structure a char model learns after the words. Cut to
    ``max_chars`` characters if given.

    Examples
    --------
    >>> from nn.data import shakespeare_corpus
    >>> text = shakespeare_corpus()
    >>> text.startswith("First Citizen:") and len(text) > 250_000
    True
    >>> shakespeare_corpus(14)
    'First Citizen:'
    """
    if max_chars is not None and max_chars < 1:
        raise ValueError(f"shakespeare_corpus: max_chars must be at least 1, got {max_chars}")
    packed = resources.files("nn").joinpath("_text", "shakespeare.txt.xz").read_bytes()
    text = lzma.decompress(packed).decode("utf-8")
    return text if max_chars is None else text[:max_chars]


PYTHON_CORPUS_CHARS = 2_000_000
"""The default size cap of :func:`python_corpus`, in characters."""
_SKIPPED_DIRS = frozenset({"site-packages", "dist-packages", "__pycache__"})


def python_corpus(max_chars: int = PYTHON_CORPUS_CHARS, root: str | None = None) -> str:
    """Source code made on this machine from the Python standard library's own ``.py`` files.

    The analogue of the lectures' Linux-kernel corpus, with nothing downloaded: the files
    under ``root`` (default: this interpreter's standard library, without installed packages)
    in sorted order of their relative paths, each headed by a ``# file: <path>`` line and
    joined by a blank line, cut at ``max_chars`` characters. The same Python installation
    gives the same text every time; files that are not UTF-8 are skipped.

    Examples
    --------
    >>> from nn.data import python_corpus
    >>> text = python_corpus(max_chars=5000)
    >>> len(text) == 5000 and text.startswith("# file: ") and text == python_corpus(5000)
    True
    """
    if max_chars < 1:
        raise ValueError(f"python_corpus: max_chars must be at least 1, got {max_chars}")
    base = Path(root or sysconfig.get_paths()["stdlib"])
    parts, total = [], 0
    for path in _source_files(base):
        try:
            source = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        parts.append(f"# file: {path.relative_to(base).as_posix()}\n{source}\n")
        total += len(parts[-1])
        if total >= max_chars:
            break
    if not parts:
        raise FileNotFoundError(f"python_corpus: no readable .py files under {base}")
    return "".join(parts)[:max_chars]


def _source_files(base: Path) -> list[Path]:
    """The ``.py`` files under ``base`` in sorted relative-path order, packages skipped."""
    files = (p for p in base.rglob("*.py") if not _SKIPPED_DIRS & set(p.relative_to(base).parts))
    return sorted(files, key=lambda p: p.relative_to(base).as_posix())
