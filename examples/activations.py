"""The atlas of interpretable cells: which hidden units of a char model track what in the text.

LECTURE: decks 000, 002, 004 "interpretable cells" (after Karpathy 2015: cells that track the
position in the line, quotes, comments, nesting depth) with their caveat that most cells are
not interpretable; deck 001 "Visualizing the predictions and the neuron firings in the RNN"
(top-5 next-character predictions above one neuron's firing, for a vanilla RNN whose colour
scale runs −15.7…10.4 and an LSTM whose runs −1…1).

Every unit's h_t (and c_t for an LSTM) is recorded per character with ``nn.StateRecorder``
over a stretch of text (the text's tail: the validation part of a char-RNN run). The features
of ``nn.text_features`` are computed for the same characters, and for each feature the units
with the largest Pearson |r| are reported with a thresholded accuracy next to the
majority-class rate. Outputs: heatmaps (HTML with hover values, and PNG) of the top unit of
each feature, a page of randomly chosen units, the two-pane view of the best unit, and
``summary.json``. On Python source the features include ``indentation`` and
``inside_if_block`` (the body of an if/elif/else), the decks' "if statement" cell. ``--compare``
trains a vanilla RNN (tanh and ReLU) and an LSTM of the same size on the same text, plots
every unit's range of values side by side, and draws deck 001's two-pane view (a unit's
firing over the text above the top-5 next-character predictions) for each model, one under
the other (``two_pane_models.png``).

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
    check_target,
    experiment_parser,
    progress,
    run_folder,
    save_figure,
    write_summary,
)

import minigrad
import nn
import viz
from nn import text_features as tf
from nn.functional import cross_entropy

NAME = "activations"
INTERPRETABLE_R = 0.5  # |r| at or above which a unit is counted as tracking a feature


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
    text: str, vocab: nn.CharVocab, model: str, hidden: int, steps: int, args: Any, **rnn: Any
) -> tuple[Any, float]:
    """Train a one-layer char model with Adam on ``text`` (``rnn`` overrides the RNN's
    nonlinearity); return it and the training time in seconds."""
    minigrad.manual_seed(args.seed)
    charlm = charlm_api().CharLM(len(vocab), model=model, hidden=hidden, embed=16)
    if rnn:
        charlm.rnn = nn.RNN(16, hidden, **rnn)
    optimizer = nn.optim.Adam(charlm.parameters(), lr=2e-3)
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
    print(f"trained {label} (hidden {hidden}) for {steps} steps: loss {loss.item():.3f}")
    return charlm, time.perf_counter() - start


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


def scale_of(values: np.ndarray) -> float:
    """The colour range for a unit: 1 for a tanh-bounded unit, else its largest |value|."""
    return max(1.0, float(np.abs(values).max()))


def heatmap_pair(out: Path, stem: str, text: str, values: np.ndarray, title: str) -> list[str]:
    """A unit's heatmap as ``<stem>.png`` and ``<stem>.html`` (hover shows the value)."""
    scale = scale_of(values)
    viz.text_heatmap_html(text, values, save=out / f"{stem}.html", scale=scale)
    fig = viz.text_heatmap(text, values, width=80, title=f"{title} (colours ±{scale:.3g})")
    return [*save_figure(fig, out, stem), f"{stem}.html"]


def random_page(out: Path, text: str, acts: np.ndarray, names: list[str], units) -> list[str]:
    """Randomly chosen units, one heatmap each, as one PNG and one HTML page."""
    fig, axes = plt.subplots(len(units), 1, figsize=(13, 1.9 * len(units)))
    parts = []
    for ax, u in zip(np.atleast_1d(axes), units, strict=True):
        scale = scale_of(acts[:, u])
        viz.text_heatmap(text, acts[:, u], width=80, title=f"unit {names[u]}", scale=scale, ax=ax)
        parts.append(
            f"<h3>unit {names[u]}</h3>" + viz.text_heatmap_html(text, acts[:, u], scale=scale)
        )
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
    scale, cols = scale_of(values), []
    for i, ch in enumerate(text):
        r, g, b = (round(255 * c) for c in viz.plots.heat_colour(values[i], scale))
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


def draw_two_pane(ax, text: str, values: np.ndarray, probs, vocab, title: str, n: int = 70):
    """Deck 001's two panes on one axis: the first ``n`` characters coloured by a unit (blue
    −, red +, scaled to the unit's own largest |value|) and under each the top-5 next-character
    predictions, darker red = more probable."""
    n, scale = min(len(text), n), scale_of(values)
    for i in range(n):
        ax.add_patch(plt.Rectangle((i, -1), 1, 1, color=viz.plots.heat_colour(values[i], scale)))
        ax.text(i + 0.5, -0.5, _shown(text[i]), ha="center", va="center", family="monospace")
        for row, k in enumerate(np.argsort(-probs[i])[:5]):
            ax.add_patch(plt.Rectangle((i, -row - 2.2), 1, 1, color=plt.cm.Reds(probs[i, k])))
            label = _shown(vocab.decode([int(k)]))
            ax.text(i + 0.5, -row - 1.7, label, ha="center", va="center", family="monospace")
    ax.set_xlim(0, n)
    ax.set_ylim(-6.2, 0)
    ax.axis("off")
    ax.set_title(title, fontsize=12, loc="left")


def two_pane_png(out: Path, text: str, values: np.ndarray, probs, vocab, unit: str) -> list[str]:
    """The same view as a picture, for the first 70 characters."""
    n = min(len(text), 70)
    fig, ax = plt.subplots(figsize=(0.17 * n + 0.5, 2.4))
    draw_two_pane(
        ax, text, values, probs, vocab,
        f"top: unit {unit} (blue −, red +, ±{scale_of(values):.3g}); below: top-5 "
        "next-character predictions, darker = more probable",
    )  # fmt: skip
    return save_figure(fig, out, "two_pane")


def two_pane_models(out: Path, panes: list[tuple[str, str, np.ndarray, Any, Any]]) -> list[str]:
    """Deck 001's view for several models reading the same text, one under the other: each
    model's chosen unit over the text and its top-5 predictions. ``panes`` holds
    ``(label, text, values, probs, vocab)``; the colour range of each is its own unit's."""
    n = min(min(len(p[1]) for p in panes), 70)
    fig, axes = plt.subplots(len(panes), 1, figsize=(0.2 * n + 0.5, 2.9 * len(panes)))
    for ax, (label, text, values, probs, vocab) in zip(np.atleast_1d(axes), panes, strict=True):
        lo, hi = float(values[:n].min()), float(values[:n].max())
        draw_two_pane(
            ax, text, values, probs, vocab,
            f"{label}   (values here {lo:+.2f} … {hi:+.2f}; "
            f"colour scale ±{scale_of(values):.3g})",
            n,
        )  # fmt: skip
    fig.suptitle(
        "Predictions and a neuron's firing, model by model (deck 001): top row of each block = "
        "the unit (blue −, red +), below = top-5 next characters, darker = more probable",
        fontsize=12,
    )
    fig.tight_layout()
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
        title = f"{feature}: unit {unit}, r = {r:+.2f}"
        figures += heatmap_pair(out, f"feature_{feature}", text, acts[:, entry["column"]], title)
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
        values = acts[:700, column]
        fig = viz.text_heatmap(text[:700], values, width=80, title=title, scale=scale_of(values))
        fig.savefig(args.gallery, dpi=110, bbox_inches="tight")
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


def trained_pair(args, text: str) -> dict[str, tuple[Any, nn.CharVocab, float]]:
    """A tanh RNN, a ReLU RNN and an LSTM of the same size, trained here on ``text``."""
    vocab = nn.CharVocab.from_text(text)
    hidden, steps = (16, 30) if args.smoke else (args.hidden, args.train_steps)
    runs = {}
    for label, kind, rnn in (
        ("RNN tanh", "rnn", {"nonlinearity": "tanh"}),
        ("RNN relu", "rnn", {"nonlinearity": "relu"}),
        ("LSTM", "lstm", {}),
    ):
        charlm, seconds = train_model(text, vocab, kind, hidden, steps, args, **rnn)
        runs[label] = (charlm, vocab, seconds)
    return runs


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
    runs = loaded_pair(paths) if paths else trained_pair(args, text)
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
        train_seconds=seconds,
    )  # fmt: skip


def range_plot(out: Path, ranges: dict[str, np.ndarray]) -> list[str]:
    """One panel per model/state: each unit's min…max as a vertical bar, sorted by width."""
    fig, axes = plt.subplots(1, len(ranges), figsize=(3.2 * len(ranges), 3.6))
    for ax, (label, r) in zip(axes, ranges.items(), strict=True):
        order = np.argsort(r[:, 1] - r[:, 0])
        ax.vlines(np.arange(len(r)), r[order, 0], r[order, 1], color="tab:blue")
        ax.axhline(1, ls="--", c="grey", lw=0.8)
        ax.axhline(-1, ls="--", c="grey", lw=0.8)
        ax.set_title(f"{label}\n{r[:, 0].min():+.2f} … {r[:, 1].max():+.2f}", fontsize=9)
        ax.set_xlabel("unit (sorted by range)")
    axes[0].set_ylabel("value over the text (min … max)")
    fig.suptitle("Each unit's range of values while reading the same text (dashed: ±1)", y=1.06)
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
    charlm, seconds = train_model(text, vocab, "lstm", hidden, steps, args)
    extra = {"trained_here": {"model": "lstm", "hidden": hidden, "steps": steps}}
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
    parser.add_argument("--gallery", help="also write the best unit's heatmap (700 chars) here")
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
