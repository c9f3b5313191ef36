"""What every lecture experiment in ``examples/`` shares: its command line, its run folder,
its progress bar, its figures and its ``summary.json``.

An experiment script builds its parser with :func:`experiment_parser` (which adds ``--quick``,
``--out``, ``--seed`` and ``--no-progress``), opens its run folder with :func:`run_folder`,
wraps long loops in :func:`progress`, saves figures with :func:`save_figure`, states each of
the deck's targets with :func:`check_target` and ends with :func:`write_summary`. The summary
always has ``experiment``, ``finding`` (the result in words), ``figures`` and ``targets``, so
``examples/make_lectures_page.py`` can build ``docs/lectures.md`` from the runs.

Every figure shares one slide style, set by :func:`experiment_parser` (the first call of
every experiment's ``main``; importing this module changes nothing): a 16:9 canvas
(:data:`SLIDE`, 12.8 × 7.2 in, saved at 150 dpi = 1920 × 1080 px), fonts readable from the
back of a lecture room (16 pt text, 18 pt titles), Matplotlib's mathtext for formulas
(``$h_{t-1}$``, never raw TeX braces) and one colour per model or activation in every
experiment (:func:`colour`). A ``--quick`` run (seconds, for the tests) is not meant to meet
the deck's targets; :func:`check_target` and :func:`write_summary` say so instead of
reporting a bare failure.

Every experiment that trains models to compare them picks its learning rate with
:func:`choose_learning_rate`: one small printed sweep, the same rate for every model compared,
chosen by a criterion fixed in advance (:data:`SWEEP_CRITERION`: the lowest mean final loss
over all the models, ties to the smaller rate), and stored in ``summary.json`` (the record
:func:`sweep_learning_rate` returns) so the page can show it. An experiment whose models'
losses are on different scales (an MSE and a cross-entropy) passes each divided by the loss
of predicting chance, and says so in the sweep's ``budget`` words.

Examples
--------
>>> import sys; sys.path.insert(0, "examples")
>>> from _experiment_kit import experiment_parser
>>> args = experiment_parser("demo", "A demo.").parse_args(["--quick", "--out", "/tmp/x"])
>>> args.quick, args.out, args.seed
(True, '/tmp/x', 0)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

SLIDE = (12.8, 7.2)
"""Figure size in inches of a full 16:9 slide (1920 × 1080 px at :data:`DPI`)."""
HALF_SLIDE = (12.8, 4.8)
"""A wide strip (8:3) for a figure that shares its slide with a line of text."""
DPI = 150

STYLE = {
    "figure.figsize": SLIDE,
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "savefig.dpi": DPI,
    "font.size": 16,
    "axes.titlesize": 18,
    "axes.labelsize": 17,
    "xtick.labelsize": 14,
    "ytick.labelsize": 14,
    "legend.fontsize": 13,
    "figure.titlesize": 20,
    "lines.linewidth": 2.2,
    "lines.markersize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "mathtext.fontset": "dejavusans",
    "axes.formatter.use_mathtext": True,
    "legend.framealpha": 0.85,
}
"""The slide style every experiment's figures are drawn in (Matplotlib rcParams)."""

COLOURS = {
    # models
    "RNN": "#1f77b4",
    "LSTM": "#d62728",
    "GRU": "#2ca02c",
    "MLP": "#9467bd",
    # activations
    "sigmoid": "#ff7f0e",
    "tanh": "#1f77b4",
    "relu": "#2ca02c",
    "elu": "#d62728",
    "linear": "#7f7f7f",
    # optimisation
    "without clipping": "#d62728",
    "clipped": "#1f77b4",
}
"""One colour per model and per activation, the same in every experiment."""

_QUICK = False
QUICK_NOTE = "quick budget: targets are not expected to hold"


def colour(name: str) -> str:
    """The colour of a model or activation in every figure (matched on the name's start).

    >>> colour("LSTM, forget bias 1") == colour("LSTM") != colour("RNN")
    True
    """
    low = name.lower()
    for known, value in COLOURS.items():
        if low.startswith(known.lower()):
            return value
    return "#7f7f7f"


def apply_style() -> None:
    """Set :data:`STYLE` in Matplotlib's rcParams (done by :func:`experiment_parser`)."""
    import matplotlib

    matplotlib.rcParams.update(STYLE)


def set_quick(quick: bool) -> None:
    """Mark this run as a ``--quick`` run (done by :func:`run_folder`)."""
    global _QUICK
    _QUICK = bool(quick)


def experiment_parser(name: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every experiment has.

    ``--quick`` (seconds, for the tests), ``--out DIR`` (default ``runs/<name>``), ``--seed``
    and ``--no-progress``. Add the experiment's own options to the parser it returns. It also
    sets the slide style (:func:`apply_style`) for the figures the experiment will draw.
    """
    apply_style()
    parser = argparse.ArgumentParser(
        prog=f"{name}.py",
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small run that finishes in seconds (the tests)"
    )
    parser.add_argument(
        "--out", default=os.path.join("runs", name), help="folder for figures and summary.json"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (e.g. in logs)")
    return parser


def run_folder(args: argparse.Namespace) -> Path:
    """Make (if needed) and return the run folder named by ``--out``; note ``--quick``."""
    set_quick(getattr(args, "quick", False))
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SystemExit(f"cannot create the run folder {out}: {exc.strerror}") from exc
    return out


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True
) -> Iterator[T]:
    """``items`` with a tqdm progress bar on stderr (none when ``enabled`` is false)."""
    if not enabled:
        yield from items
        return
    from tqdm.auto import tqdm

    yield from tqdm(items, total=total, desc=desc, leave=False, file=sys.stderr)


def save_figure(fig: Any, out: Path, stem: str, *, svg: bool = False) -> list[str]:
    """Save a Matplotlib figure as ``<stem>.png`` (and ``.svg``); return the file names."""
    import matplotlib.pyplot as plt

    names = [f"{stem}.png"] + ([f"{stem}.svg"] if svg else [])
    tight = not fig.get_constrained_layout()
    for name in names:
        fig.savefig(out / name, dpi=DPI, bbox_inches="tight" if tight else None)
    plt.close(fig)
    return names


def check_target(targets: list[dict[str, Any]], statement: str, held: bool) -> None:
    """Record and print whether one of the deck's stated targets held in this run.

    In a ``--quick`` run a target that is not met is reported as expected of the quick
    budget, not as a failure of the deck's claim (the record says ``"quick": true``).
    """
    record = {"target": statement, "held": bool(held)}
    if _QUICK:
        record["quick"] = True
    targets.append(record)
    if held:
        print(f"target held: {statement}")
    elif _QUICK:
        print(f"target not met ({QUICK_NOTE}): {statement}")
    else:
        print(f"target DID NOT hold: {statement}")


def write_summary(
    out: Path,
    experiment: str,
    finding: str,
    figures: list[str],
    targets: list[dict[str, Any]],
    **numbers: Any,
) -> dict[str, Any]:
    """Write ``summary.json`` (the finding in words, the figures, the targets, the numbers).

    Non-finite numbers are written as strings (``"inf"``, ``"nan"``) so the file stays valid
    JSON. The finding is printed too; a ``--quick`` run's finding starts with
    :data:`QUICK_NOTE` and its summary has ``"quick": true``.
    """
    if _QUICK:
        finding = f"{QUICK_NOTE[0].upper()}{QUICK_NOTE[1:]}. {finding}"
        numbers = {"quick": True, **numbers}
    summary = {
        "experiment": experiment,
        "finding": finding,
        "figures": figures,
        "targets": targets,
        **{key: _jsonable(value) for key, value in numbers.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"finding: {finding}")
    print(f"wrote {out / 'summary.json'} and {len(figures)} figure(s)")
    return summary


def suptitle(fig: Any, text: str, width: int = 80) -> None:
    """A figure title wrapped to ``width`` characters a line, so it never runs off a slide.

    Mathtext (``$...$``) is kept whole on its line.

    >>> import matplotlib.pyplot as plt
    >>> fig = plt.figure()
    >>> suptitle(fig, "a " * 30 + "$y = g(w x + b)$", width=25)
    >>> [line.count("$") for line in fig._suptitle.get_text().splitlines()]
    [0, 0, 2]
    >>> plt.close(fig)
    """
    import re
    import textwrap

    glued = re.sub(r"\$[^$]*\$", lambda m: m.group(0).replace(" ", "\0"), text)
    lines = textwrap.wrap(glued, width, break_long_words=False, break_on_hyphens=False)
    fig.suptitle("\n".join(lines).replace("\0", " "))


def decade_ticks(ax: Any, axis: str = "y", most: int = 6) -> None:
    """At most ``most`` labelled decades on a log or symlog axis (never 19 crowded labels).

    Call it after the data are drawn (it reads the axis limits).
    """
    import matplotlib.ticker as mticker

    which = ax.yaxis if axis == "y" else ax.xaxis
    scale = which.get_scale()
    if scale == "log":
        which.set_major_locator(mticker.LogLocator(base=10, numticks=most))
        which.set_minor_locator(mticker.NullLocator())
        return
    if scale != "symlog":
        return
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    lin = which.get_transform().linthresh
    top = max(abs(lo), abs(hi), lin)
    k0, k1 = math.floor(math.log10(lin)), math.floor(math.log10(top))
    step = max(1, math.ceil((k1 - k0 + 1) / max(most - 1, 1)))
    decades = [10.0**k for k in range(k1, k0 - 1, -step)]
    ticks = [0.0] + [d for d in decades if d <= hi] + [-d for d in decades if -d >= lo]
    which.set_major_locator(mticker.FixedLocator(sorted(ticks)))
    which.set_minor_locator(mticker.NullLocator())


def band(ax: Any, x: Any, runs: Any, label: str, *, log: bool = False, **style: Any) -> None:
    """Mean over seeds (rows of ``runs``) as a line, the min–max over seeds as a band.

    ``log`` uses the geometric mean (for quantities drawn on a log axis).
    """
    import numpy as np

    runs = np.asarray(runs, float)
    mean = np.exp(np.log(runs).mean(axis=0)) if log else runs.mean(axis=0)
    style.setdefault("color", colour(label))
    (line,) = ax.plot(x, mean, label=label, **{"marker": "o", **style})
    ax.fill_between(x, runs.min(axis=0), runs.max(axis=0), color=line.get_color(), alpha=0.15)


SWEEP_CRITERION = (
    "the rate with the lowest mean final loss over every model compared; ties: the smaller rate"
)
"""How :func:`sweep_learning_rate` picks its rate (fixed before any run)."""


def sweep_learning_rate(
    final_loss: Callable[[str, float], float],
    models: Sequence[str],
    lrs: Sequence[float],
    *,
    budget: str,
    enabled: bool = True,
) -> dict[str, Any]:
    """Train every model at every rate once; print the table; pick one rate for all.

    ``final_loss(model, lr)`` trains ``model`` (a name) at ``lr`` on the sweep's short
    ``budget`` (words, for the printout and the page) and returns its final training loss.
    The rate chosen is :data:`SWEEP_CRITERION`; a loss that is not finite (a diverged run)
    rules its rate out. When several rates tie for the lowest mean the sweep has not decided
    between them: that is printed, with the tie-break, and kept as ``lr_sweep_tie``. Returns
    the record an experiment stores in its summary (``**record``): ``lr`` (chosen),
    ``lr_sweep`` (rate → mean final loss), ``lr_sweep_per_model``, ``lr_sweep_budget``,
    ``lr_sweep_criterion`` and ``lr_sweep_tie`` (None without a tie).

    >>> record = sweep_learning_rate(lambda m, lr: abs(lr - 0.01) + len(m), ["a", "bb"],
    ...                              [0.003, 0.01, 0.03], budget="none", enabled=False)
    learning-rate sweep (none; the rate with the lowest mean final loss over every model
    compared; ties: the smaller rate)
      lr        a         bb        mean
      0.003     1.007     2.007     1.507
      0.01      1         2         1.5          ← chosen for every model
      0.03      1.02      2.02      1.52
    >>> record["lr"], record["lr_sweep"]["0.01"], record["lr_sweep_tie"]
    (0.01, 1.5, None)
    >>> tied = sweep_learning_rate(lambda m, lr: 0.0, ["a"], [0.01, 0.03], budget="none",
    ...                            enabled=False)["lr_sweep_tie"]  # doctest: +ELLIPSIS
    learning-rate sweep ...
    the sweep does not decide: rates 0.01, 0.03 tie at mean final loss 0; tie-break: the
    smaller rate, 0.01
    >>> tied.startswith("the sweep does not decide")
    True
    """
    jobs = [(lr, m) for lr in lrs for m in models]
    table: dict[float, dict[str, float]] = {lr: {} for lr in lrs}
    for lr, model in progress(jobs, total=len(jobs), desc="lr sweep", enabled=enabled):
        value = float(final_loss(model, lr))
        table[lr][model] = value if math.isfinite(value) else math.inf
    mean = {lr: sum(row.values()) / len(row) for lr, row in table.items()}
    chosen = min(lrs, key=lambda lr: (mean[lr], lr))
    if not math.isfinite(mean[chosen]):
        raise SystemExit("every learning rate of the sweep diverged for some model")
    tied = [lr for lr in lrs if mean[lr] == mean[chosen]]
    tie = None
    if len(tied) > 1:
        tie = (
            f"the sweep does not decide: rates {', '.join(f'{lr:g}' for lr in tied)} tie at mean "
            f"final loss {mean[chosen]:.4g}; tie-break: the smaller rate, {chosen:g}"
        )
    print(f"learning-rate sweep ({budget}; {SWEEP_CRITERION})")
    wide = max(10, *(len(m) + 1 for m in models))
    print("  lr        " + "".join(f"{m:<{wide}}" for m in models) + "mean")
    for lr, row in table.items():
        cells = "".join(f"{row[m]:<{wide}.4g}" for m in models)
        mark = "  ← chosen for every model" if lr == chosen else ""
        print(f"  {lr:<10g}{cells}{mean[lr]:<11.4g}{mark}".rstrip())
    if tie:
        print(tie)
    return {
        "lr": chosen,
        "lr_sweep": {f"{lr:g}": mean[lr] for lr in lrs},
        "lr_sweep_per_model": {f"{lr:g}": row for lr, row in table.items()},
        "lr_sweep_budget": budget,
        "lr_sweep_criterion": SWEEP_CRITERION,
        "lr_sweep_tie": tie,
    }


def choose_learning_rate(
    args: argparse.Namespace,
    final_loss: Callable[[str, float], float],
    models: Sequence[str],
    *,
    budget: str,
    quick_lr: float,
) -> dict[str, Any]:
    """The learning rate of every model compared: ``--lr`` if given, else the sweep's.

    Reads ``args.lr`` (None: sweep), ``args.sweep_lrs`` and ``args.quick``; a ``--quick``
    run skips the sweep and says so, using ``quick_lr``. Returns the record
    :func:`sweep_learning_rate` returns (``lr_sweep`` is None when no sweep ran).
    """
    if args.lr is not None:
        print(f"learning rate {args.lr:g} for every model (given by --lr; no sweep)")
        return {"lr": args.lr, "lr_sweep": None, "lr_sweep_note": "given by --lr"}
    if args.quick:
        note = f"{QUICK_NOTE}; learning-rate sweep skipped, lr {quick_lr:g} for every model"
        print(note)
        return {"lr": quick_lr, "lr_sweep": None, "lr_sweep_note": note}
    enabled = not getattr(args, "no_progress", False)
    return sweep_learning_rate(final_loss, models, args.sweep_lrs, budget=budget, enabled=enabled)


def add_lr_options(parser: argparse.ArgumentParser, lrs: Sequence[float]) -> None:
    """``--lr`` (skip the sweep) and ``--sweep-lrs`` (the rates :func:`choose_learning_rate`
    tries) for an experiment that compares trained models."""
    parser.add_argument(
        "--lr", type=float, default=None, help="skip the learning-rate sweep, use this rate"
    )
    parser.add_argument(
        "--sweep-lrs", type=float, nargs="+", default=list(lrs), help="rates the sweep tries"
    )


def final_loss_of(losses: Sequence[float], last: int = 20) -> float:
    """A run's final training loss: the mean of its last ``last`` recorded losses (one batch's
    loss is noisy); not finite if any of them is not.

    >>> final_loss_of([5.0, 1.0, 3.0], last=2)
    2.0
    """
    tail = [float(v) for v in list(losses)[-last:]]
    return sum(tail) / len(tail) if tail else math.inf


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
