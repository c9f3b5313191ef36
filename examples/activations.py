"""The atlas of interpretable cells: which hidden units of a char model track what in the text.

LECTURE: decks 000, 002, 004 "interpretable cells" (after Karpathy 2015: cells that track the
position in the line, quotes, comments, nesting depth) with their caveat that most cells are
not interpretable; deck 001 "Visualizing the predictions and the neuron firings in the RNN"
(top-5 next-character predictions above one neuron's firing, for a vanilla RNN whose colour
scale runs −15.7…10.4 and an LSTM whose runs −1…1).

Every unit's h_t (and c_t for an LSTM) is recorded per character with ``nn.StateRecorder`` over
a stretch of text (the text's tail: the validation part of a char-RNN run). The features of
``nn.text_features`` are computed for the same characters, and for each feature the units with
the largest Pearson |r| are reported with a thresholded accuracy next to the majority-class
rate. Outputs: heatmaps (HTML over the whole text, and a 16:9 PNG of its first lines) of the
top unit of each feature, a page of randomly chosen units, the two-pane view of the best unit,
and ``summary.json``. A unit is coloured as a lecture reads it: by its deviation from its own
median over the text, saturating at the 95th percentile of that deviation (an LSTM cell state
that sits near +13 would otherwise paint the whole page red); the colour bar gives the raw
values, and 0/1 features are underlined where they hold. On Python source the features include
``indentation`` and ``inside_if_block`` (the body of an if/elif/else), the decks' "if
statement" cell. ``--compare`` trains a vanilla RNN (tanh and ReLU) and an LSTM of the same
size on the same text, plots every unit's range of values side by side (all three at one
learning rate, from a small printed sweep: ``choose_learning_rate`` in ``_experiment_kit``),
and draws deck 001's two-pane view (a unit's firing over the text above the top-5
next-character predictions) for each model, one under the other (``two_pane_models.png``).

Run:
    python examples/activations.py --checkpoint run/model.npz --corpus python --chars 3000
    python examples/activations.py --train-steps 600              # train an LSTM here first
    python examples/activations.py --compare                      # RNN vs LSTM value ranges
    python examples/activations.py --corpus python --train-steps 600   # indentation, if-blocks
    python examples/activations.py --compare --compare-checkpoints rnn.npz lstm.npz
    python examples/activations.py --smoke                        # seconds (the tests)
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from _experiment_kit import (
    SLIDE,
    add_lr_options,
    check_target,
    choose_learning_rate,
    colour,
    experiment_parser,
    final_loss_of,
    progress,
    run_folder,
    save_figure,
    suptitle,
    write_summary,
)
from matplotlib.colors import LinearSegmentedColormap

import minigrad
import nn
import viz
from nn import text_features as tf
from nn.functional import cross_entropy

NAME = "activations"
INTERPRETABLE_R = 0.5  # |r| at or above which a unit is counted as tracking a feature
ATLAS_LR = 2e-3
"""Adam's rate for the atlas's one LSTM (no comparison, no sweep) and for ``--quick``."""


def charlm_api() -> Any:
    """The module giving ``CharLM`` and ``load_checkpoint``: ``examples/char_rnn.py``."""
    import char_rnn

    return char_rnn


# ------------------------------------------------------------------ text


def load_text(args: argparse.Namespace, saved: dict[str, Any]) -> str:
    """``--text``, else ``--corpus``, else what the checkpoint was trained on, else verse."""
    text_file = args.text or saved.get("text")
    if text_file:
        path = Path(text_file)
        if not path.is_file():
            raise SystemExit(f"activations: no text file at {path}")
        return path.read_text(encoding="utf-8")
    corpus = args.corpus or saved.get("corpus") or "verse"
    if corpus not in ("verse", "python"):
        raise SystemExit(f"activations: unknown corpus {corpus!r} (verse or python)")
    return nn.python_corpus() if corpus == "python" else nn.default_corpus()


# ------------------------------------------------------------------ model


def train_model(
    text: str,
    vocab: nn.CharVocab,
    model: str,
    hidden: int,
    steps: int,
    args: Any,
    lr: float = ATLAS_LR,
    **rnn: Any,
) -> tuple[Any, float, list[float]]:
    """Train a one-layer char model with Adam at ``lr`` on ``text`` (``rnn`` overrides the
    RNN's nonlinearity); return it, the training time in seconds and its losses."""
    minigrad.manual_seed(args.seed)
    charlm = charlm_api().CharLM(len(vocab), model=model, hidden=hidden, embed=16)
    if rnn:
        charlm.rnn = nn.RNN(16, hidden, **rnn)
    optimizer = nn.optim.Adam(charlm.parameters(), lr=lr)
    losses = []
    streams = nn.batchify(vocab.encode(text), 16)
    chunks, state, start = _forever(streams), None, time.perf_counter()
    label = model if not rnn else f"rnn {rnn['nonlinearity']}"
    for _ in progress(range(steps), desc=f"train {label}", enabled=not args.no_progress):
        inputs, targets, fresh = next(chunks)
        logits, state = charlm(minigrad.tensor(inputs), None if fresh else state)
        loss = cross_entropy(logits, minigrad.tensor(targets), axis=-1)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(charlm.parameters(), 5.0)
        optimizer.step()
        state = nn.detach_state(state)
        losses.append(loss.item())
    print(
        f"trained {label} (hidden {hidden}) for {steps} steps at lr {lr:g}: loss {loss.item():.3f}"
    )
    return charlm, time.perf_counter() - start, losses


def _forever(streams: np.ndarray):
    while True:
        for i, (inputs, targets) in enumerate(nn.tbptt_chunks(streams, 64)):
            yield inputs, targets, i == 0


def record(charlm: Any, vocab: nn.CharVocab, text: str) -> tuple[dict[str, np.ndarray], Any]:
    """Every unit's state per character (``"h"``, and ``"c"`` for an LSTM), each (N, H), and
    the next-character probabilities (N, V)."""
    charlm.eval()
    ids = vocab.encode(text)[:, None]
    with minigrad.no_grad(), nn.StateRecorder(charlm.rnn) as rec:
        logits, _ = charlm(minigrad.tensor(ids))
    names = [n for n in ("h", "c") if n in rec.forward[min(rec.forward)]]
    states = {n: rec.values(n)[:, 0].astype(np.float64) for n in names}
    return states, logits[:, 0].softmax(axis=-1).numpy().astype(np.float64)


# ------------------------------------------------------------------ analysis


def unit_table(states: dict[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """All units side by side, (N, units), with names such as ``h17`` and ``c3``."""
    names = [f"{kind}{u}" for kind, acts in states.items() for u in range(acts.shape[1])]
    return np.concatenate(list(states.values()), axis=1), names


def feature_report(acts: np.ndarray, names: list[str], features: dict[str, np.ndarray]):
    """For each feature: its 3 best units with r, and for 0/1 features the best unit's
    thresholded accuracy and the majority-class rate it must beat."""
    report = {}
    for feature, values in present(features).items():
        top = tf.top_units(acts, values, 3)
        entry = {"units": [names[u] for u, _ in top], "r": [r for _, r in top], "column": top[0][0]}
        if feature in tf.BINARY:
            p = float(values.mean())
            entry["accuracy"] = tf.threshold_accuracy(acts[:, top[0][0]], values)
            entry["majority_rate"] = max(p, 1 - p)
        report[feature] = entry
    return report


def present(features: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The features that vary over the text (no quotes in the text: no quote unit to find)."""
    return {name: v for name, v in features.items() if np.ptp(v) > 0}


def best_unit(acts: np.ndarray, features: dict[str, np.ndarray]) -> tuple[int, str, float]:
    """The (unit, feature, r) with the largest |r| over every unit and feature."""
    best = (0, "", 0.0)
    for name, values in features.items():
        (unit, r), *_ = tf.top_units(acts, values, 1)
        if abs(r) > abs(best[2]):
            best = (unit, name, r)
    return best


def best_abs_r(acts: np.ndarray, features: dict[str, np.ndarray]) -> np.ndarray:
    """Each unit's largest |r| over all (non-constant) features."""
    return np.max([np.abs(tf.pearson(acts, f)) for f in present(features).values()], axis=0)


# ------------------------------------------------------------------ pictures


HEAT = LinearSegmentedColormap.from_list("heat", [(0, 0, 1), (1, 1, 1), (1, 0, 0)])
"""``viz.plots.heat_colour`` as a colour map on −1 … 1 (blue, white, red), for colour bars."""
ROWS, COLUMNS = 20, 88
"""The excerpt a feature's slide shows: its first ``ROWS`` lines, each cut at ``COLUMNS``."""


def as_read(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """A unit's values as a lecture reads them: the deviation from the unit's median over the
    text, in units of a robust spread (the 95th percentile of |deviation|), clipped to ±1;
    with the median and the spread.

    A cell state that sits near +13 everywhere and dips to +9 where it fires would paint a
    ±max|c| heatmap red throughout; measured from its median it shows the dips.

    >>> shown, centre, spread = as_read(np.array([13.0, 13.0, 13.0, 9.0, 13.5]))
    >>> centre, shown.round(2).tolist()
    (13.0, [0.0, 0.0, 0.0, -1.0, 0.15])
    """
    centre = float(np.median(values))
    deviation = values - centre
    spread = float(np.quantile(np.abs(deviation), 0.95))
    if spread <= 0:
        spread = float(np.abs(deviation).max()) or 1.0
    return np.clip(deviation / spread, -1.0, 1.0), centre, spread


def excerpt(text: str, rows: int = ROWS, columns: int = COLUMNS) -> list[tuple[int, int, int]]:
    r"""``(index in text, row, column)`` of the characters a slide shows: the first ``rows``
    lines, each cut at ``columns`` (newlines are not drawn).

    >>> excerpt("ab\ncde\nf", rows=2, columns=2)
    [(0, 0, 0), (1, 0, 1), (3, 1, 0), (4, 1, 1)]
    """
    cells, row, col = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "\n":
            row, col = row + 1, 0
            if row == rows:
                break
            continue
        if col < columns:
            cells.append((i, row, col))
        col += 1
    return cells


def draw_text_heat(ax, text: str, shown: np.ndarray, cells, marks=None, fontsize: float = 12):
    """Characters on a grid, each on its colour (``shown`` in −1 … 1, :func:`as_read`); a dark
    bar under each character where ``marks`` (a 0/1 feature) is 1."""
    rows = max(r for _, r, _ in cells) + 1
    columns = max(c for _, _, c in cells) + 1
    for i, r, c in cells:
        ax.add_patch(plt.Rectangle((c, -r - 1), 1, 1, color=viz.plots.heat_colour(shown[i]), lw=0))
        ax.text(
            c + 0.5, -r - 0.45, text[i], ha="center", va="center", family="monospace",
            fontsize=fontsize,
        )  # fmt: skip
        if marks is not None and marks[i] > 0:
            ax.add_patch(plt.Rectangle((c, -r - 1), 1, 0.14, color="#222222", lw=0))
    ax.set_xlim(0, columns)
    ax.set_ylim(-rows, 0)
    ax.axis("off")


def colour_bar(fig, ax, centre: float, spread: float, label: str) -> None:
    """A horizontal colour bar under ``ax`` labelled in the unit's raw values."""
    bar = fig.colorbar(
        plt.cm.ScalarMappable(cmap=HEAT, norm=plt.Normalize(-1, 1)),
        ax=ax, orientation="horizontal", fraction=0.05, pad=0.02, aspect=60,
    )  # fmt: skip
    bar.set_ticks(
        [-1, 0, 1], labels=[f"{centre - spread:.3g}", f"{centre:.3g}", f"{centre + spread:.3g}"]
    )
    bar.set_label(label, fontsize=13)
    bar.ax.tick_params(labelsize=12)


def feature_slide(
    out: Path, stem: str, text: str, values: np.ndarray, title: str, marks=None
) -> list[str]:
    """One unit over the text: a 16:9 PNG of the first :data:`ROWS` lines (coloured as
    :func:`as_read` reads it; ``marks`` underlines where a 0/1 feature holds) and an HTML
    page of the whole text (hover shows the raw value)."""
    viz.text_heatmap_html(text, as_read(values)[0], save=out / f"{stem}.html")
    return [*save_figure(unit_figure(text, values, title, marks), out, stem), f"{stem}.html"]


def unit_figure(text: str, values: np.ndarray, title: str, marks=None) -> Any:
    """The 16:9 figure of one unit over the first :data:`ROWS` lines of ``text``."""
    shown, centre, spread = as_read(values)
    fig, ax = plt.subplots(figsize=SLIDE)
    draw_text_heat(ax, text, shown, excerpt(text), marks)
    what = "; underlined: where the feature holds" if marks is not None else ""
    colour_bar(
        fig, ax, centre, spread,
        f"the unit's value (white: its median; full colour: ±95th pct of |value − median|){what}",
    )  # fmt: skip
    suptitle(fig, title, width=90)
    return fig


def random_page(out: Path, text: str, acts: np.ndarray, names: list[str], units) -> list[str]:
    """Randomly chosen units, one heatmap each (a 3 × 2 grid on one 16:9 PNG; the HTML page
    shows each over the whole text)."""
    fig, axes = plt.subplots(3, 2, figsize=SLIDE)
    cells = excerpt(text, rows=7, columns=46)
    parts = []
    for ax, u in zip(axes.ravel(), units, strict=False):
        shown, centre, spread = as_read(acts[:, u])
        draw_text_heat(ax, text, shown, cells, fontsize=10.5)
        ax.set_title(f"unit {names[u]} (median {centre:+.2f}, ±{spread:.2g})", fontsize=14)
        parts.append(f"<h3>unit {names[u]}</h3>" + viz.text_heatmap_html(text, shown))
    for ax in axes.ravel()[len(units) :]:
        ax.axis("off")
    suptitle(fig, "Six units picked at random: most track nothing a reader can name")
    (out / "random_units.html").write_text(_page("Randomly chosen units", parts), encoding="utf-8")
    return [*save_figure(fig, out, "random_units"), "random_units.html"]


def _page(title: str, parts: list[str]) -> str:
    body = "\n".join(parts)
    return f"<!doctype html><meta charset='utf-8'><title>{title}</title><h2>{title}</h2>{body}"


def _shown(ch: str) -> str:
    return {"\n": "↵", " ": "␣", "\t": "⇥"}.get(ch, ch)


def two_pane_html(text: str, values: np.ndarray, probs: np.ndarray, vocab, unit: str) -> str:
    """Deck 001's view: each character coloured by the unit, and under it the top-5
    predictions for the next character, shaded by probability (hover for numbers)."""
    shown, cols = as_read(values)[0], []
    for i, ch in enumerate(text):
        r, g, b = (round(255 * c) for c in viz.plots.heat_colour(shown[i]))
        cell = f"<div title='{values[i]:.3f}' style='background:rgb({r},{g},{b})'>"
        cells = [cell + html.escape(_shown(ch)) + "</div>"]
        for k in np.argsort(-probs[i])[:5]:
            p = probs[i, k]
            shade = round(255 * (1 - p))
            cells.append(
                f"<div title='{p:.3f}' style='background:rgb(255,{shade},{shade})'>"
                f"{html.escape(_shown(vocab.decode([int(k)])))}</div>"
            )
        cols.append("<span class='col'>" + "".join(cells) + "</span>")
    style = (
        "<style>.col{display:inline-block;font-family:monospace;text-align:center;"
        "width:1.1em;margin-bottom:1em}.col div:first-child{border-bottom:2px solid #444}</style>"
    )
    return _page(f"Unit {unit} (top row) and the top-5 next-character predictions", [style, *cols])


def draw_two_pane(ax, text: str, values: np.ndarray, probs, vocab, title: str, start: int, n: int):
    """Deck 001's two panes on one axis, for characters ``start`` … ``start + n``: each
    coloured by a unit as :func:`as_read` reads it (blue below its median, red above) and
    under each the top-5 next-character predictions, darker red = more probable."""
    shown = as_read(values)[0]
    size = 15 if n <= 48 else 12
    for k, i in enumerate(range(start, min(start + n, len(text)))):
        ax.add_patch(plt.Rectangle((k, -1), 1, 1, color=viz.plots.heat_colour(shown[i])))
        ax.text(k + 0.5, -0.5, _shown(text[i]), ha="center", va="center", family="monospace",
                fontsize=size, weight="bold")  # fmt: skip
        for row, j in enumerate(np.argsort(-probs[i])[:5]):
            ax.add_patch(plt.Rectangle((k, -row - 2.2), 1, 1, color=plt.cm.Reds(probs[i, j])))
            label = _shown(vocab.decode([int(j)]))
            colour = "white" if probs[i, j] > 0.6 else "black"
            ax.text(k + 0.5, -row - 1.7, label, ha="center", va="center", family="monospace",
                    fontsize=size - 2, color=colour)  # fmt: skip
    ax.set_xlim(0, n)
    ax.set_ylim(-6.2, 0)
    ax.axis("off")
    ax.set_title(title, fontsize=15, loc="left")


def two_pane_png(out: Path, text: str, values: np.ndarray, probs, vocab, unit: str) -> list[str]:
    """The same view as a 16:9 picture: the first 90 characters in two blocks of 45."""
    fig, axes = plt.subplots(2, 1, figsize=SLIDE)
    lo, hi = float(values.min()), float(values.max())
    for k, ax in enumerate(axes):
        title = f"characters {45 * k + 1}–{45 * k + 45}"
        draw_two_pane(ax, text, values, probs, vocab, title, 45 * k, 45)
    suptitle(
        fig,
        f"Unit {unit} (top row: blue below its median, red above; values {lo:+.2f} … {hi:+.2f}) "
        "and under each character the top-5 next-character predictions, darker = more probable",
        width=88,
    )
    return save_figure(fig, out, "two_pane")


def two_pane_models(out: Path, panes: list[tuple[str, str, np.ndarray, Any, Any]]) -> list[str]:
    """Deck 001's view for several models reading the same text, one under the other: each
    model's chosen unit over the text and its top-5 predictions. ``panes`` holds
    ``(label, text, values, probs, vocab)``; each unit is coloured as :func:`as_read` reads
    it, and its raw range is in its title."""
    n = min(min(len(p[1]) for p in panes), 52)
    fig, axes = plt.subplots(len(panes), 1, figsize=SLIDE)
    for ax, (label, text, values, probs, vocab) in zip(np.atleast_1d(axes), panes, strict=True):
        lo, hi = float(values.min()), float(values.max())
        draw_two_pane(
            ax, text, values, probs, vocab, f"{label}: values {lo:+.2f} … {hi:+.2f}", 0, n
        )
    suptitle(
        fig,
        "Predictions and a neuron's firing, model by model (deck 001): top row = the unit "
        "(blue below its median, red above), below = top-5 next characters, darker = more probable",
        width=88,
    )
    return save_figure(fig, out, "two_pane_models")


# ------------------------------------------------------------------ modes


def tail_start(text: str, chars: int) -> int:
    r"""Where the last ``chars`` characters start, moved on to the next line's start (so the
    model, reading from a fresh state, starts where a line does).

    >>> tail_start("abc\ndef\nghi", 6)
    8
    """
    start = max(len(text) - chars, 0)
    newline = text.find("\n", start - 1) if start else -1
    return newline + 1 if 0 <= newline < len(text) - 1 else start


def atlas(args, out: Path, charlm, vocab, text: str, features: dict, extra: dict) -> None:
    """Record, correlate, draw and summarise one model over ``text`` and its ``features``."""
    states, probs = record(charlm, vocab, text)
    acts, names = unit_table(states)
    report = feature_report(acts, names, features)
    figures = []
    for feature, entry in report.items():
        unit, r = entry["units"][0], entry["r"][0]
        strength = "weak" if abs(r) < INTERPRETABLE_R else "tracks it"
        title = (
            f"{feature.replace('_', ' ')}: the unit most correlated with it, {unit}, "
            f"r = {r:+.2f} ({strength}; |r| ≥ {INTERPRETABLE_R} counts as tracking)"
        )
        marks = features[feature] if feature in tf.BINARY else None
        column = acts[:, entry["column"]]
        figures += feature_slide(out, f"feature_{feature}", text, column, title, marks)
    rng = np.random.default_rng(args.seed)
    chosen = sorted(rng.choice(acts.shape[1], size=min(6, acts.shape[1]), replace=False))
    figures += random_page(out, text[:400], acts[:400], names, chosen)
    best = max(report, key=lambda f: abs(report[f]["r"][0]))
    column = report[best]["column"]
    page = two_pane_html(text, acts[:, column], probs, vocab, names[column])
    (out / "two_pane.html").write_text(page, encoding="utf-8")
    figures += two_pane_png(out, text, acts[:, column], probs, vocab, names[column])
    figures.append("two_pane.html")
    if args.gallery:
        title = (
            f"unit {names[column]} of a trained char model: {best}, r = {report[best]['r'][0]:+.2f}"
        )
        gallery = Path(args.gallery)
        save_figure(unit_figure(text, acts[:, column], title), gallery.parent, gallery.stem)
    summarise(args, out, report, best_abs_r(acts, features), names, figures, text, extra)


def summarise(args, out, report, unit_best, names, figures, text, extra) -> None:
    targets: list[dict[str, Any]] = []
    strongest = max(abs(e["r"][0]) for e in report.values())
    share = float(np.mean(unit_best < INTERPRETABLE_R))
    check_target(
        targets, f"some unit tracks a feature with |r| ≥ {INTERPRETABLE_R}", strongest >= 0.5
    )
    check_target(
        targets, f"most units track no feature (best |r| < {INTERPRETABLE_R})", share > 0.5
    )
    lines = [
        f"{f}: {e['units'][0]} r={e['r'][0]:+.2f}"
        + (f" acc {e['accuracy']:.2f} vs {e['majority_rate']:.2f}" if "accuracy" in e else "")
        for f, e in report.items()
    ]
    print("\n".join(lines))
    finding = (
        f"over {len(text)} characters, the unit most correlated with each feature: "
        + "; ".join(lines)
        + f". {share:.0%} of the {len(names)} units have |r| < {INTERPRETABLE_R} with every "
        "feature (the decks' caveat: most units are not interpretable)."
    )
    write_summary(
        out,
        NAME,
        finding,
        figures,
        targets,
        features={f: {k: v for k, v in e.items() if k != "column"} for f, e in report.items()},
        absent_features=[f for f in tf.text_features("") if f not in report],
        share_uninterpretable=share,
        characters=len(text),
        units=len(names),
        **extra,
    )


COMPARED = {
    "RNN tanh": ("rnn", {"nonlinearity": "tanh"}),
    "RNN relu": ("rnn", {"nonlinearity": "relu"}),
    "LSTM": ("lstm", {}),
}
"""The models ``--compare`` trains on the same text: label → (CharLM kind, RNN options)."""


def trained_pair(args, text: str) -> tuple[dict[str, tuple[Any, nn.CharVocab, float]], dict]:
    """A tanh RNN, a ReLU RNN and an LSTM of the same size, trained here on ``text`` at one
    learning rate (the printed sweep's, :func:`choose_learning_rate`); the runs and the
    sweep's record."""
    vocab = nn.CharVocab.from_text(text)
    hidden, steps = (16, 30) if args.smoke else (args.hidden, args.train_steps)
    sweep_steps = max(1, steps // 3)

    def sweep_loss(label: str, lr: float) -> float:
        kind, rnn = COMPARED[label]
        return final_loss_of(
            train_model(text, vocab, kind, hidden, sweep_steps, args, lr, **rnn)[2]
        )

    sweep = choose_learning_rate(
        args,
        sweep_loss,
        list(COMPARED),
        budget=f"{sweep_steps} Adam steps × 16 streams of 64 characters, seed {args.seed}, "
        "final loss = mean cross-entropy of the last 20 steps",
        quick_lr=ATLAS_LR,
    )
    runs = {}
    for label, (kind, rnn) in COMPARED.items():
        charlm, seconds, _ = train_model(text, vocab, kind, hidden, steps, args, sweep["lr"], **rnn)
        runs[label] = (charlm, vocab, seconds)
    return runs, sweep


def loaded_pair(paths: list[str]) -> dict[str, tuple[Any, nn.CharVocab, None]]:
    """An RNN's and an LSTM's checkpoints (``--compare-checkpoints RNN LSTM``)."""
    (rnn, rnn_vocab, _), (lstm, lstm_vocab, _) = (load_model(p) for p in paths)
    if not isinstance(rnn.rnn, nn.RNN) or not isinstance(lstm.rnn, nn.LSTM):
        raise SystemExit("activations: --compare-checkpoints takes an RNN's, then an LSTM's")
    label = f"RNN {rnn.rnn.nonlinearity}"
    return {label: (rnn, rnn_vocab, None), "LSTM": (lstm, lstm_vocab, None)}


def compare(args, out: Path, text: str) -> None:
    """Vanilla RNN(s) and an LSTM read the same text; plot each unit's range of values."""
    paths = args.compare_checkpoints
    runs, sweep = (loaded_pair(paths), {}) if paths else trained_pair(args, text)
    ranges, panes, chosen = {}, [], {}
    for label, (charlm, vocab, _) in runs.items():
        known = "".join(ch for ch in text if ch in vocab)
        start = tail_start(known, args.chars)
        shown = known[start:]
        states, probs = record(charlm, vocab, shown)
        for kind, acts in states.items():
            ranges[f"{label} {kind}"] = np.stack([acts.min(axis=0), acts.max(axis=0)], axis=1)
        features = tf.text_features(known, quotes=args.quotes)
        tail = present({name: v[start:] for name, v in features.items()})
        column, feature, r = best_unit(states["h"], tail)
        chosen[label] = {"unit": f"h{column}", "feature": feature, "r": r}
        panes.append(
            (f"{label}: unit h{column} ({feature}, r = {r:+.2f})", shown,
             states["h"][:, column], probs, vocab)
        )  # fmt: skip
    figures = range_plot(out, ranges) + two_pane_models(out, panes)
    spans = {k: [float(v[:, 0].min()), float(v[:, 1].max())] for k, v in ranges.items()}
    widest = {k: float(np.abs(v).max()) for k, v in spans.items()}
    targets: list[dict[str, Any]] = []
    for rnn in [k for k in spans if k.startswith("RNN")]:
        check_target(
            targets,
            f"the vanilla RNN's units ({rnn}) range far wider (> 3×) than the LSTM's h",
            widest[rnn] > 3 * widest["LSTM h"],
        )
    finding = (
        "value range of all units over the text: "
        + "; ".join(f"{k} {lo:+.2f}…{hi:+.2f}" for k, (lo, hi) in spans.items())
        + ". A tanh RNN's h is bounded by ±1 exactly like the LSTM's h, so the deck's "
        "−15.7…10.4 cannot come from a tanh RNN's h: an unbounded unit (ReLU RNN, or the "
        "LSTM's cell state c) is what ranges wider."
    )
    seconds = {k: v[2] for k, v in runs.items()}
    write_summary(
        out, NAME, finding, figures, targets, ranges=spans, two_pane_units=chosen,
        train_seconds=seconds, **sweep,
    )  # fmt: skip


def range_plot(out: Path, ranges: dict[str, np.ndarray]) -> list[str]:
    """One panel per model/state: each unit's min…max as a vertical bar, sorted by width."""
    fig, axes = plt.subplots(1, len(ranges), figsize=SLIDE, sharey=True)
    for ax, (label, r) in zip(axes, ranges.items(), strict=True):
        order = np.argsort(r[:, 1] - r[:, 0])
        ax.vlines(np.arange(len(r)), r[order, 0], r[order, 1], color=colour(label), lw=3)
        ax.axhline(1, ls="--", c="grey", lw=0.8)
        ax.axhline(-1, ls="--", c="grey", lw=0.8)
        ax.set_title(f"{label}\n{r[:, 0].min():+.2f} … {r[:, 1].max():+.2f}", fontsize=16)
        ax.set_xlabel("unit (sorted by range)")
    axes[0].set_ylabel("value over the text (min … max)")
    suptitle(fig, "Each unit's range of values while reading the same text (dashed: ±1)")
    return save_figure(fig, out, "value_ranges")


def load_model(path: str) -> tuple[Any, nn.CharVocab, dict]:
    """The checkpoint's model, vocabulary and training arguments; a clear error if missing."""
    if not Path(path).is_file():
        raise SystemExit(f"activations: no checkpoint at {path}")
    charlm, vocab, saved, _ = charlm_api().load_checkpoint(path)
    return charlm, vocab, dict(saved)


def train_here(args, text: str) -> tuple[Any, nn.CharVocab, dict]:
    """An LSTM trained here (``--smoke``/``--train-steps``) when no checkpoint is given."""
    vocab = nn.CharVocab.from_text(text)
    hidden, steps = (16, 40) if args.smoke else (args.hidden, args.train_steps)
    lr = args.lr or ATLAS_LR
    charlm, seconds, _ = train_model(text, vocab, "lstm", hidden, steps, args, lr)
    extra = {"trained_here": {"model": "lstm", "hidden": hidden, "steps": steps, "lr": lr}}
    return charlm, vocab, {**extra, "train_seconds": seconds}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = experiment_parser(NAME, __doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="a char_rnn.py checkpoint to read")
    parser.add_argument("--text", help="a UTF-8 text file to read the units over")
    parser.add_argument("--corpus", help="a built-in corpus: verse or python")
    parser.add_argument("--chars", type=int, default=2000, help="characters from the text's end")
    parser.add_argument("--smoke", action="store_true", help="a tiny model, seconds (the tests)")
    parser.add_argument("--compare", action="store_true", help="RNN vs LSTM value ranges")
    parser.add_argument(
        "--compare-checkpoints",
        nargs=2,
        metavar=("RNN", "LSTM"),
        help="with --compare: read these two checkpoints instead of training",
    )
    parser.add_argument("--hidden", type=int, default=64, help="units of models trained here")
    parser.add_argument("--train-steps", type=int, default=300, help="Adam steps when training")
    add_lr_options(parser, [1e-3, 3e-3, 1e-2])
    parser.add_argument("--gallery", help="also write the best unit's 16:9 heatmap to this .png")
    parser.add_argument(
        "--quotes", help='quote characters (default: both \' and " for python, else ")'
    )
    args = parser.parse_args(argv)
    if args.quotes is None:
        code = args.corpus == "python" or str(args.text).endswith(".py")
        args.quotes = "\"'" if code else '"'
    args.smoke = args.smoke or args.quick
    if args.smoke:
        args.chars = min(args.chars, 300)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    out = run_folder(args)
    loaded = load_model(args.checkpoint) if args.checkpoint else None
    text = load_text(args, loaded[2] if loaded else {})
    if args.compare:
        compare(args, out, text)
        return 0
    if loaded:
        charlm, vocab = loaded[:2]
        extra = {"checkpoint": str(args.checkpoint), "model_args": loaded[2]}
    else:
        charlm, vocab, extra = train_here(args, text)
    text = "".join(ch for ch in text if ch in vocab)
    start = tail_start(text, args.chars)
    features = tf.text_features(text, quotes=args.quotes)  # the whole text: quotes open earlier
    tail = {name: values[start:] for name, values in features.items()}
    atlas(args, out, charlm, vocab, text[start:], tail, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
