"""Build ``docs/lectures.md``: every lecture experiment run once, its figure and its finding.

Each experiment in :data:`EXPERIMENTS` is run as its own process with its default settings
(``--quick`` for a fast check of this script), writing its figures and ``summary.json`` into
``docs/lectures/<name>/``; the page then shows, per experiment, the deck and slide it
reproduces, the command, the figures, the finding in words, whether each of the deck's targets
held, and how long the run took here. Nothing on the page is written by hand: rerun this
script and the pictures and numbers are the new run's.

Run from the repository root:
    python examples/make_lectures_page.py                      # all experiments (~10 min)
    python examples/make_lectures_page.py --only long_range_memory seq2seq
    python examples/make_lectures_page.py --no-run             # rebuild the page only
    python examples/make_lectures_page.py --quick --docs /tmp/x  # seconds per experiment
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Experiment:
    """One lecture experiment: its script, its heading and what it reproduces.

    ``name`` names the run folder ``docs/lectures/<name>/`` and, unless ``script`` is given,
    the script ``examples/<name>.py``. ``mode`` is passed on every run (e.g. ``--compare``),
    ``settings`` on the full run only (``--quick`` keeps its own small budget), and ``shown``
    picks the PNG figures the page shows (all of them when empty).
    """

    name: str
    title: str
    reproduces: str
    section: str
    script: str = ""
    mode: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()

    @property
    def script_name(self) -> str:
        """The script's name in ``examples/`` (without ``.py``)."""
        return self.script or self.name

    def options(self, quick: bool) -> list[str]:
        """The script's options for a full or a ``--quick`` run (``--out`` aside)."""
        return [*self.mode, *(["--quick"] if quick else self.settings)]


EXPERIMENTS = (
    Experiment(
        "backprop_by_hand",
        "Backprop by hand",
        "lectures.md items 1–3 — decks 000/002/004 (f = (x + y)·z), deck 001 (the 2-3-1 "
        "sigmoid network, BP1–BP4), deck 004 (activation derivatives)",
        "Backprop by hand",
    ),
    Experiment(
        "critical_points",
        "Critical points through the Hessian",
        "item 4 — deck 001 (minimum, maximum and saddle from the Hessian's eigenvalues)",
        "Backprop by hand",
    ),
    Experiment(
        "recurrence_stability",
        "Stability of recurrences",
        "items 5–7 — deck 003 (linear and nonlinear recursions), decks 000/002, deck 001 "
        "after Bengio 1994 (the Jacobian product)",
        "Dynamics of recurrences",
    ),
    Experiment(
        "vanishing_gradients",
        "Vanishing and exploding gradients",
        "items 8–9 — decks 001/004 (‖∂L/∂h_t‖ against t), deck 003 (19 × 1024 MLP per layer)",
        "Dynamics of recurrences",
    ),
    Experiment(
        "gradient_clipping",
        "Gradient clipping at a cliff",
        "item 10 — deck 000 after Goodfellow et al. fig. 10.17, deck 002, Pascanu et al. 2013",
        "Dynamics of recurrences",
    ),
    Experiment(
        "long_range_memory",
        "Long-range memory: RNN against LSTM and GRU",
        "item 11 — deck 004 (10–15 steps), deck 003",
        "Dynamics of recurrences",
    ),
    Experiment(
        "tbptt_context",
        "Truncated BPTT limits the context",
        "deck 004 (TBPTT: 'the size of the context is determined by the chunk size'), deck 002",
        "Dynamics of recurrences",
    ),
    Experiment(
        "skip_connections",
        "Skip connections carry the gradient",
        "deck 000 (skip connections, ResNet), deck 004 (residual block: the gradient flows "
        "back uninterrupted through '+x')",
        "Dynamics of recurrences",
    ),
    Experiment(
        "addition_parity",
        "Binary addition and parity",
        "items 12–13 — deck 003",
        "Sequence tasks",
    ),
    Experiment(
        "timeseries",
        "Time-series prediction",
        "item 14 — deck 000 (exercise 10), deck 001",
        "Sequence tasks",
    ),
    Experiment(
        "seq2seq",
        "seq2seq: encoder → h_M → decoder",
        "item 15 — deck 004",
        "Sequence tasks",
    ),
    Experiment(
        "char_rnn",
        "Samples improving with training",
        "item 16 — decks 002/004 (after Karpathy 2015: noise → words → verse with speaker "
        "names); a one-layer LSTM on the Shakespeare text shipped in the package, sampled "
        "before training and every 100 steps",
        "Character-level language models",
        settings=("--corpus", "shakespeare", "--steps", "3000"),
        shown=("samples.png", "loss.png"),
    ),
    Experiment(
        "activations",
        "The atlas of interpretable cells",
        "item 17 — decks 000/002/004 (cells that track the position in the line, quotes, "
        "comments, indentation, if-blocks) and their caveat that most cells are not "
        "interpretable; an LSTM trained here on Python source",
        "Character-level language models",
        settings=("--corpus", "python", "--train-steps", "1500"),
        shown=(
            "two_pane.png",
            "feature_line_position.png",
            "feature_indentation.png",
            "feature_inside_if_block.png",
            "random_units.png",
        ),
    ),
    Experiment(
        "activations_compare",
        "Vanilla RNN against LSTM: the two-pane view",
        "item 17 — deck 001 (top-5 next-character predictions above one neuron's firing, "
        "for a vanilla RNN whose scale runs −15.7…10.4 and an LSTM whose runs −1…1)",
        "Character-level language models",
        script="activations",
        mode=("--compare", "--corpus", "python"),
    ),
)


def run_experiment(experiment: Experiment, out: Path, quick: bool) -> float:
    """Run one experiment's script into ``out``; return its wall time in seconds."""
    command = [sys.executable, str(ROOT / "examples" / f"{experiment.script_name}.py")]
    command += [*experiment.options(quick), "--out", str(out), "--no-progress"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    print(f"running {experiment.name} …", flush=True)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{experiment.name} failed (exit {done.returncode}):\n{done.stderr}")
    (out / "timing.json").write_text(json.dumps({"seconds": round(seconds, 1), "quick": quick}))
    # the page shows PNGs; a slide's SVG, the HTML heatmaps and checkpoints come from your run
    for extra in [*out.glob("*.svg"), *out.glob("*.html"), *out.glob("*.npz")]:
        extra.unlink()
    return seconds


def read_run(out: Path) -> tuple[dict, dict] | None:
    """The summary and timing an earlier run left in ``out``, or None if there is none."""
    try:
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        timing = json.loads((out / "timing.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return summary, timing


def experiment_section(experiment: Experiment, summary: dict, timing: dict, folder: str) -> str:
    """The markdown for one experiment: heading, source, command, figures, finding, targets."""
    options = " ".join(experiment.options(timing["quick"]))
    command = f"python examples/{experiment.script_name}.py" + (f" {options}" if options else "")
    lines = [
        f"### {experiment.title}",
        "",
        f"*Reproduces:* {experiment.reproduces}.",
        "",
        f"```bash\n{command}\n```",
        "",
        f"Ran in {timing['seconds']:.0f} s on this page's machine"
        f"{' (quick mode)' if timing['quick'] else ''}.",
        "",
    ]
    figures = png_figures(summary)
    figures = [f for f in experiment.shown if f in figures] if experiment.shown else figures
    lines += [f"![{experiment.name}: {fig}]({folder}/{fig})" for fig in figures]
    lines += ["", f"**Finding.** {summary['finding']}", ""]
    lines += translations_table(summary.get("translations", []))
    for target in summary.get("targets", []):
        verdict = "held" if target["held"] else "**did not hold**"
        lines.append(f"- Deck target {verdict}: {target['target']}")
    return "\n".join(lines).rstrip() + "\n"


def translations_table(rows: list[dict]) -> list[str]:
    """A markdown table of example translations (source, target, the model's output)."""
    if not rows:
        return []
    table = ["| source | target | model output |", "|---|---|---|"]
    for row in rows:
        mark = "" if row["output"] == row["target"] else " ✗"
        table.append(f"| `{row['source']}` | `{row['target']}` | `{row['output']}`{mark} |")
    return ["Held-out examples:", "", *table, ""]


def png_figures(summary: dict) -> list[str]:
    """The PNG figures a summary lists (the page keeps no SVGs: some are tens of MB)."""
    return [name for name in summary.get("figures", []) if name.endswith(".png")]


def build_page(docs: Path, experiments: tuple[Experiment, ...]) -> str:
    """The whole ``lectures.md``: one section per experiment that has a run in ``docs``."""
    parts = [
        "# The lectures' experiments, run\n",
        "Each section below was produced by `python examples/make_lectures_page.py`: the "
        "experiment ran with the settings shown, and the figure, the finding and the deck "
        "targets are that run's. Every script takes `--help`, `--quick` (seconds) and "
        "`--out DIR`; its `summary.json` holds the numbers.\n",
    ]
    section = None
    for experiment in experiments:
        run = read_run(docs / "lectures" / experiment.name)
        if run is None:
            continue
        if experiment.section != section:
            section = experiment.section
            parts.append(f"## {section}\n")
        parts.append(experiment_section(experiment, *run, folder=f"lectures/{experiment.name}"))
    return "\n".join(parts)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    names = [e.name for e in EXPERIMENTS]
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help="run these")
    parser.add_argument("--no-run", action="store_true", help="rebuild the page from old runs")
    parser.add_argument("--quick", action="store_true", help="each experiment's --quick mode")
    parser.add_argument("--docs", default=str(ROOT / "docs"), help="the docs folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    docs = Path(args.docs)
    chosen = [e for e in EXPERIMENTS if not args.only or e.name in args.only]
    if not args.no_run:
        for experiment in chosen:
            out = docs / "lectures" / experiment.name
            out.mkdir(parents=True, exist_ok=True)
            print(f"  {run_experiment(experiment, out, args.quick):.0f} s")
    page = docs / "lectures.md"
    page.write_text(build_page(docs, EXPERIMENTS), encoding="utf-8")
    print(f"wrote {page}")


if __name__ == "__main__":
    main()
