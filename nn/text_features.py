"""Features of a text, one number per character, and the hidden units that follow them.

The lectures' "interpretable cells" (after Karpathy, 2015) are units whose activation tracks
something about the text: the position in the line, being inside quotes, a comment or
brackets (and how deep), the start of a word, a vowel. This module computes those features
for any string and finds, among recorded activations, the units most correlated with each.

Every feature describes the text *after reading* the character at that position, because
that is what a recurrent state h_t (computed after reading character t) can know: an
opening quote already reads "inside", the closing quote reads "outside" again, ``(`` reads
depth 1, and the newline that ends a comment reads "not in a comment". It lives in ``nn``
(not inside an example) because it is plain, reusable and tested on hand-made text.

Examples
--------
>>> from nn.text_features import text_features
>>> feats = text_features('x = f(a, "b") # c\\n')
>>> feats["inside_quotes"].astype(int).tolist()
[0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
>>> feats["bracket_depth"].astype(int).tolist()
[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
"""

from __future__ import annotations

import numpy as np

VOWELS = "aeiouAEIOU"
BRACKETS = {"(": ")", "[": "]", "{": "}"}
BINARY = (
    "inside_quotes",
    "inside_brackets",
    "inside_comment",
    "inside_if_block",
    "word_start",
    "vowel",
)
_IF_HEADERS = ("if ", "if(", "elif ", "elif(", "else:", "else :")


def line_position(text: str) -> np.ndarray:
    """The column of each character: 0 for a line's first character; a newline counts as
    the last character of its line.

    >>> line_position("ab\\ncd").astype(int).tolist()
    [0, 1, 2, 0, 1]
    """
    out, col = np.zeros(len(text)), 0
    for i, ch in enumerate(text):
        out[i], col = col, 0 if ch == "\n" else col + 1
    return out


def quotes_and_comments(text: str, quotes: str = '"', comment: str = "#") -> np.ndarray:
    """Two columns, inside-quotes and inside-comment, after reading each character.

    A quote opens a string that only the same quote closes; inside a string ``comment`` is
    an ordinary character, inside a comment quotes are; a comment ends at the newline.

    >>> quotes_and_comments('"#" # "').astype(int).T.tolist()
    [[1, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1]]
    """
    out, quote, in_comment = np.zeros((len(text), 2)), None, False
    for i, ch in enumerate(text):
        if in_comment:
            in_comment = ch != "\n"
        elif quote is not None:
            quote = None if ch == quote else quote
        elif ch in quotes:
            quote = ch
        else:
            in_comment = ch == comment
        out[i] = (quote is not None, in_comment)
    return out


def bracket_depth(text: str, brackets: dict[str, str] | None = None) -> np.ndarray:
    """Nesting depth of ``( [ {`` after reading each character (a closer never takes it
    below 0; the kinds are not matched against each other).

    >>> bracket_depth("f(a[1], (b))").astype(int).tolist()
    [0, 1, 1, 2, 2, 1, 1, 1, 2, 2, 1, 0]
    """
    pairs = BRACKETS if brackets is None else brackets
    closers = set(pairs.values())
    out, depth = np.zeros(len(text)), 0
    for i, ch in enumerate(text):
        depth += ch in pairs
        depth = max(depth - (ch in closers), 0)
        out[i] = depth
    return out


def indentation_and_if_blocks(text: str) -> np.ndarray:
    """Two columns per character: the indentation of its line (leading spaces, a tab counts
    4) and whether the line is inside the body of an ``if``/``elif``/``else`` block.

    Python's rule, line by line: a line's block ends at the first later non-blank line
    indented no deeper than its header; blank lines keep the state of the line before. A
    line's indentation is known once its leading whitespace is read, so unlike the other
    features these two are given to the whole line (its newline included).

    >>> code = "if x:\\n    y = 1\\n    if z:\\n        w\\nv\\n"
    >>> feats = indentation_and_if_blocks(code)
    >>> [int(feats[code.index(c), 1]) for c in "iyzwv"]
    [0, 1, 1, 1, 0]
    >>> [int(feats[code.index(c), 0]) for c in "iyzwv"]
    [0, 4, 4, 8, 0]
    """
    out = np.zeros((len(text), 2))
    headers: list[tuple[int, bool]] = []  # (indentation, is an if/elif/else) of open blocks
    start, inside = 0, False
    for line in text.split("\n"):
        expanded = line.replace("\t", "    ")
        content = expanded.lstrip(" ")
        indent = len(expanded) - len(content)
        if content.strip():
            while headers and headers[-1][0] >= indent:
                headers.pop()
            inside = any(is_if for _, is_if in headers)
            code = content.split("#", 1)[0].rstrip()
            if code.endswith(":"):
                headers.append((indent, code.startswith(_IF_HEADERS)))
        else:
            indent = 0
        stop = min(start + len(line) + 1, len(text))
        out[start:stop] = (indent, inside)
        start = stop
    return out


def word_start(text: str) -> np.ndarray:
    """1 for a letter that follows a non-letter (or starts the text), else 0.

    >>> word_start("an ox-cart").astype(int).tolist()
    [1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    """
    prev = (" " + text)[: len(text)]
    return np.array(
        [c.isalpha() and not p.isalpha() for c, p in zip(text, prev, strict=True)], float
    )


def vowel(text: str) -> np.ndarray:
    """1 for a, e, i, o, u (either case), else 0.

    >>> vowel("Tea").astype(int).tolist()
    [0, 1, 1]
    """
    return np.array([c in VOWELS for c in text], float)


def text_features(text: str, quotes: str = '"', comment: str = "#") -> dict[str, np.ndarray]:
    """Every feature of ``text``, name → one float per character.

    ``line_position``, ``inside_quotes``, ``inside_brackets``, ``bracket_depth``,
    ``inside_comment``, ``indentation``, ``inside_if_block`` (for source code: see
    :func:`indentation_and_if_blocks`), ``word_start`` and ``vowel`` (the binary ones are
    0/1; see :data:`BINARY`).

    >>> sorted(text_features("a(b)"))[:3]
    ['bracket_depth', 'indentation', 'inside_brackets']
    """
    qc, depth = quotes_and_comments(text, quotes, comment), bracket_depth(text)
    blocks = indentation_and_if_blocks(text)
    return {
        "line_position": line_position(text),
        "inside_quotes": qc[:, 0],
        "inside_brackets": (depth > 0).astype(float),
        "bracket_depth": depth,
        "inside_comment": qc[:, 1],
        "indentation": blocks[:, 0],
        "inside_if_block": blocks[:, 1],
        "word_start": word_start(text),
        "vowel": vowel(text),
    }


def pearson(acts: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson r between each column of ``acts`` (N, H) and ``feature`` (N,); 0 where either
    is constant (no variation, no correlation to report).

    >>> acts = np.array([[1.0, 3.0, 5.0], [2.0, 2.0, 5.0], [3.0, 1.0, 5.0]])
    >>> pearson(acts, np.array([0.0, 1.0, 2.0])).round(6).tolist()
    [1.0, -1.0, 0.0]
    """
    a = acts - acts.mean(axis=0)
    f = feature - feature.mean()
    denom = np.sqrt((a**2).sum(axis=0) * (f**2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a * f[:, None]).sum(axis=0) / denom
    return np.where(denom > 0, r, 0.0)


def threshold_accuracy(activation: np.ndarray, feature: np.ndarray) -> float:
    """How well ``activation > t`` (or ``<``, following the sign of the correlation) predicts
    a 0/1 ``feature``, with t halfway between the unit's mean on the 1s and on the 0s.

    Compare it with the majority-class rate, ``max(p, 1 − p)``: a unit only helps above it.

    >>> threshold_accuracy(np.array([0.1, 0.9, 0.8, 0.2]), np.array([0, 1, 1, 0]))
    1.0
    """
    on = feature > 0.5
    if on.all() or not on.any():
        return float(np.mean(on == on[0]))
    high, low = activation[on].mean(), activation[~on].mean()
    guess = (activation > (high + low) / 2) == (high > low)
    return float(np.mean(guess == on))


def top_units(acts: np.ndarray, feature: np.ndarray, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` units with the largest |r| against ``feature``, as (unit, r).

    >>> rng = np.random.default_rng(0)
    >>> acts = rng.standard_normal((200, 5))
    >>> feat = rng.standard_normal(200)
    >>> acts[:, 3] += 2 * feat
    >>> top_units(acts, feat, 1)[0][0]
    3
    """
    r = pearson(acts, feature)
    order = np.argsort(-np.abs(r), kind="stable")[:k]
    return [(int(u), float(r[u])) for u in order]
