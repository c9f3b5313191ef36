"""Build ``docs/lectures.md``: every lecture experiment run once, its figure and its finding.

Each experiment in :data:`EXPERIMENTS` is run as its own process with its default settings
(``--quick`` for a fast check of this script), writing its figures and ``summary.json`` into
``docs/lectures/<name>/``; the page then shows, per experiment, the deck and slide it
reproduces, the command, its setup with one sentence defending each choice, the
learning-rate sweep where models are compared, the figures, the finding in words, whether
each of the deck's targets held, and how long the run took here. Nothing on the page is
written by hand: rerun this script and the pictures and numbers are the new run's.

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
    ``settings`` on the full run only (``--quick`` keeps its own small budget), ``shown``
    picks the PNG figures the page shows (all of them when empty), and ``setup`` pairs each
    setup choice (task, sizes, init, budget, lr, seeds, criterion) with the sentence that
    defends it (a run's ``summary.json`` may add or replace sentences under ``"setup"``).
    """

    name: str
    title: str
    reproduces: str
    section: str
    script: str = ""
    mode: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()
    setup: tuple[tuple[str, str], ...] = ()

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
        setup=(
            (
                "task",
                "f = (x + y)·z at (−2, 5, −4) and the 2-3-1 sigmoid network are the decks' own"
                " worked examples, so every printed number can be checked against the slides.",
            ),
            (
                "sizes",
                "A 2-3-1 network is the smallest with a hidden layer on which all four "
                "equations BP1–BP4 do some work, and it is the network deck 001 draws.",
            ),
            (
                "init, budget, lr, seeds",
                "Nothing is trained: gradients and values are computed at fixed numbers, so "
                "there is no initialisation, budget, learning rate or seed to choose.",
            ),
            (
                "criterion",
                "BP1–BP4 computed by hand in NumPy must match autograd to floating-point "
                "precision, the only test that separates a right derivation from a nearly "
                "right one.",
            ),
        ),
    ),
    Experiment(
        "critical_points",
        "Critical points through the Hessian",
        "item 4 — deck 001 (minimum, maximum and saddle from the Hessian's eigenvalues)",
        "Backprop by hand",
        setup=(
            (
                "task",
                "L = x³ − 3x + y³ − 3y has exactly one minimum, one maximum and two saddles, "
                "at (±1, ±1), so every case of deck 001's Hessian rule appears and the right "
                "answer is known in closed form.",
            ),
            (
                "search",
                "Newton's method from a grid of starts converges to critical points of any "
                "type, where gradient descent would only find the minimum.",
            ),
            (
                "init, budget, lr, seeds",
                "Nothing is trained: gradients and values are computed at fixed numbers, so "
                "there is no initialisation, budget, learning rate or seed to choose.",
            ),
            (
                "criterion",
                "Each point's type is read from the signs of its Hessian's eigenvalues (the "
                "deck's rule) and must agree with the closed-form answer.",
            ),
        ),
    ),
    Experiment(
        "recurrence_stability",
        "Stability of recurrences",
        "items 5–7 — deck 003 (linear and nonlinear recursions), decks 000/002, deck 001 "
        "after Bengio 1994 (the Jacobian product)",
        "Dynamics of recurrences",
        setup=(
            (
                "task",
                "One input pushed through h_t = f(W h_{t−1} + c x_t) isolates the recurrence "
                "itself, which is what deck 003's linear and nonlinear slides analyse.",
            ),
            (
                "sizes",
                "Scalar w and spectral radii of 0.9, 1 and 1.1 sit just either side of the "
                "boundary the deck names, so curves differ only in which side of 1 they are "
                "on; the multi-tap weights all sum to 0.9 so that only their arrangement "
                "differs.",
            ),
            (
                "budget",
                "60 steps let a factor 0.9 per step fall about 500× and 1.1 grow about 300×, "
                "both readable on one log axis without overflow.",
            ),
            (
                "init, lr, seeds",
                "Nothing is trained (NumPy only), so there is no initialisation, learning rate"
                " or seed to choose.",
            ),
            (
                "criterion",
                "Each verdict is a number measured on the response (decay per step against the"
                " slowest mode's modulus, sign changes, steps to settle), written in the "
                "script before the run.",
            ),
        ),
    ),
    Experiment(
        "vanishing_gradients",
        "Vanishing and exploding gradients",
        "items 8–9 — decks 001/004 (‖∂L/∂h_t‖ against t), deck 003 (19 × 1024 MLP per layer)",
        "Dynamics of recurrences",
        setup=(
            (
                "task",
                "The adding problem at T = 50 is scored at the last step only, so any gradient"
                " reaching an early h_t has travelled back through the recurrence, which is "
                "what the decks' shading shows; the MLP is deck 003's own setup on real digit "
                "images (MNIST cannot be downloaded here).",
            ),
            (
                "sizes",
                "32 units for every recurrent model (the same state size), and deck 003's 19 ×"
                " 1024 MLP as drawn.",
            ),
            (
                "init",
                "The deck names no initialisation and the MLP's answer depends on it, so "
                "PyTorch's default and Glorot's are both shown; the LSTM appears at forget "
                "bias 0 and 1 for the same reason.",
            ),
            (
                "budget",
                "600 Adam updates × 32 for every recurrent model show how training changes the"
                " curves within about a minute; the MLP is measured at initialisation, as the "
                "deck's figure is.",
            ),
            (
                "lr",
                "One rate for all four recurrent models, from the printed sweep below, so no "
                "model is helped by a rate tuned for it.",
            ),
            (
                "seeds",
                "3 seeds for the recurrent models and 3 weight draws for the MLP, drawn as "
                "geometric means with min–max bands, so a difference inside the band is not "
                "read as a result.",
            ),
            (
                "criterion",
                "Decades of gradient lost from the last step (layer) to the first, with "
                "'longest' required in every seed, turn the deck's words into numbers fixed "
                "before the run.",
            ),
        ),
    ),
    Experiment(
        "gradient_clipping",
        "Gradient clipping at a cliff",
        "item 10 — deck 000 after Goodfellow et al. fig. 10.17, deck 002, Pascanu et al. 2013",
        "Dynamics of recurrences",
        setup=(
            (
                "task",
                "Pascanu et al.'s one-unit RNN over 50 steps has a real cliff (where the "
                "recurrence gains a second fixed point), the wall that deck 000 and Goodfellow"
                " et al.'s fig. 10.17 draw.",
            ),
            (
                "sizes",
                "One recurrent unit gives a two-parameter loss surface (w, b) that can be "
                "drawn whole, in 3-D and from above.",
            ),
            (
                "init",
                "16 random starts on the plateau below the wall (w ∈ [5, 10], b ∈ [−7, −5]), "
                "the same for clipped and unclipped runs, so neither side gets a luckier "
                "start.",
            ),
            (
                "budget",
                "200 plain gradient-descent steps are enough for runs to reach the wall and "
                "the valley behind it.",
            ),
            (
                "lr",
                "The learning rate is not tuned but swept (0.003 … 0.1), because whether a run"
                " is thrown depends on it; rates where the claim is visible and where it is "
                "not are both reported.",
            ),
            (
                "seeds",
                "The 16 random starts play the part of seeds: the verdict counts the share of "
                "runs thrown, never one run.",
            ),
            (
                "criterion",
                "A 'bad update' (a step moving (w, b) by more than 2 while raising the loss) "
                "is the deck's 'bad gradient update' in numbers; final losses are reported "
                "beside it, since a thrown run need not end worse.",
            ),
        ),
    ),
    Experiment(
        "long_range_memory",
        "Long-range memory: RNN against LSTM and GRU",
        "item 11 — deck 004 (10–15 steps), deck 003",
        "Dynamics of recurrences",
        setup=(
            (
                "task",
                "The adding problem and a copy with distractors each need an input a known "
                "number of steps back, and the distractors keep the input changing at every "
                "step as text does; a noise-free copy task was dropped because on it even an "
                "LSTM (in PyTorch too) stayed at chance.",
            ),
            (
                "sizes",
                "32 units for every model: the same state size, so the gated cells' extra "
                "weights are part of what is compared.",
            ),
            (
                "init",
                "Forget bias 1 is the usual start towards the deck's 'f_t all ones'; forget "
                "bias 3 is trained on the same grid and drawn dashed, because the answer "
                "depends on that choice.",
            ),
            (
                "budget",
                "At most 400 Adam updates × 32 per run, stopping early once a validation batch"
                " is solved, the same for every model and lag.",
            ),
            (
                "lr",
                "One rate for every model and task, from the printed sweep at lag 20 (the rate"
                " under which the most models solve it, ties by mean score); the table shows "
                "each model's score at the end of the sweep.",
            ),
            ("seeds", "3 seeds per model and lag, mean with a min–max band."),
            (
                "criterion",
                "'Largest lag solved' (test MSE ≤ 1/60 of the mean-prediction 1/6; recall ≥ "
                "0.9), with the RNN's at most 20: one sweep point of slack beyond the deck's "
                "10–15 steps.",
            ),
        ),
    ),
    Experiment(
        "tbptt_context",
        "Truncated BPTT limits the context",
        "deck 004 (TBPTT: 'the size of the context is determined by the chunk size'), deck 002",
        "Dynamics of recurrences",
        setup=(
            (
                "task",
                "Delayed recall needs exactly the input d steps back, one symbol at a time, so"
                " the context needed is known and can be set against the chunk length k.",
            ),
            (
                "sizes",
                "A 32-unit GRU and 4 symbols learn short recalls easily, so failure at long "
                "delays comes from the truncation, not from capacity.",
            ),
            (
                "init",
                "Default initialisation; the state is carried across chunks, so only the "
                "gradient is cut, never the forward context.",
            ),
            ("budget", "200 Adam updates × 32 streams for every (k, d) pair."),
            (
                "lr",
                "One rate for every chunk length, from a printed sweep on the longest chunk at"
                " d = k/2 (the numbers below are recall accuracy; ties go to the rate nearest "
                "0.01).",
            ),
            ("seeds", "3 seeds per point, their mean drawn."),
            (
                "criterion",
                "Recall ≥ 0.9 at d ≤ k/2 checks that the budget suffices; ≤ chance + 0.1 at d "
                "≥ k tests the claim; delays in between are reported, not judged, since only "
                "some of their targets share a chunk with their cue.",
            ),
        ),
    ),
    Experiment(
        "skip_connections",
        "Skip connections carry the gradient",
        "deck 000 (skip connections, ResNet), deck 004 (residual block: the gradient flows "
        "back uninterrupted through '+x')",
        "Dynamics of recurrences",
        setup=(
            (
                "task",
                "scikit-learn's bundled 8 × 8 digits are real images that need no download and"
                " train deep stacks in about a minute.",
            ),
            (
                "sizes",
                "20 tanh layers × 64 units: deep enough for a plain stack's gradient to fall "
                "by orders of magnitude, narrow enough to train on 2 cores.",
            ),
            (
                "init",
                "PyTorch's default and Glorot's (designed for deep tanh stacks) are both "
                "shown, because how fast a plain stack's gradient vanishes depends on it.",
            ),
            ("budget", "200 SGD-with-momentum updates × 64, the same for all four models."),
            (
                "lr",
                "One rate for all four models, from the printed sweep below, so the residual "
                "stack is not compared at a rate tuned for it.",
            ),
            ("seeds", "2 seeds per model; gradient norms are geometric means over them."),
            (
                "criterion",
                "(a) at initialisation the residual stack's layer norms stay within 10× while "
                "the plain stack's first layer gets ≥ 100× less than its last; (b) the "
                "residual stack ends at a lower training loss under both initialisations.",
            ),
        ),
    ),
    Experiment(
        "addition_parity",
        "Binary addition and parity",
        "items 12–13 — deck 003",
        "Sequence tasks",
        setup=(
            (
                "task",
                "Binary addition and parity are deck 003's own examples; training on short "
                "inputs and testing up to 10× longer asks its 'N + 1 bits' question directly.",
            ),
            (
                "sizes",
                "A 16-unit RNN and a 64-unit MLP hold far more than the one bit of carry or "
                "parity needed, so a failure is not lack of capacity; a separate width sweep "
                "(1 … 64 units) tests the deck's 'hidden layer of size N'.",
            ),
            ("init", "Default initialisation for every model, none tuned for a task."),
            (
                "budget",
                "3000 Adam updates × 64 for every model (and at most as many for each MLP of "
                "the width sweep, which stops once all 2^N strings are right).",
            ),
            ("lr", "One rate for every model, task and width, from the printed sweep below."),
            (
                "seeds",
                "3 seeds each, min–max bands; in the width sweep a width solves N when a "
                "majority of seeds do.",
            ),
            (
                "criterion",
                "Exact match of the whole sum (every bit) or of the whole string's parity: ≥ "
                "0.99 at every length for 'any size', below half the training-length accuracy "
                "for 'will not work'.",
            ),
        ),
    ),
    Experiment(
        "timeseries",
        "Time-series prediction",
        "item 14 — deck 000 (exercise 10), deck 001",
        "Sequence tasks",
        setup=(
            (
                "task",
                "A noisy sine and the Lorenz system, as in deck 000's exercise 10: one "
                "predictable, one chaotic, so compounding free-run error shows on the second.",
            ),
            (
                "sizes",
                "32 units for the RNN, LSTM and GRU alike, trained on 40-step chunks (deck "
                "001: split the series into chunks).",
            ),
            ("init", "Default initialisation for all three models."),
            (
                "budget",
                "400 full-batch Adam epochs for every model: the deck's epoch 0 / 600 / 2400 "
                "pictures scaled to about a minute's run, fits drawn at epochs 0, 100 and 400.",
            ),
            ("lr", "One rate for all three models on both series, from the printed sweep below."),
            (
                "seeds",
                "One seed: one-step predictions and MSE curves barely move from seed to seed, "
                "while long Lorenz free runs do, which the finding reports run by run.",
            ),
            (
                "criterion",
                "One-step MSE below 0.1 of the variance, Lorenz's n = 50 MSE at least 100× its"
                " n = 1 MSE, and free runs that stay on the attractor's scale.",
            ),
        ),
    ),
    Experiment(
        "seq2seq",
        "seq2seq: encoder → h_M → decoder",
        "item 15 — deck 004",
        "Sequence tasks",
        setup=(
            (
                "task",
                "Reversing 3–8 digits needs the entire input before the first output token, "
                "the M → N case deck 004 introduces seq2seq with.",
            ),
            (
                "sizes",
                "A 128-unit GRU with 16-dimensional embeddings can hold 8 digits in h_M; "
                "lengths 3–8 show where that one vector starts to fall short.",
            ),
            (
                "init",
                "Default initialisation; the encoder's final state is the decoder's only input"
                " from the source, as in the deck.",
            ),
            (
                "budget",
                "3000 Adam updates × 64 pairs (a few minutes on 2 cores), held-out accuracy "
                "tracked every 100 updates.",
            ),
            (
                "lr",
                "Adam at 0.005, fixed before the run and not swept: there is one model, so no "
                "comparison for a rate to favour.",
            ),
            (
                "seeds",
                "One seed; the accuracy is measured on 500 inputs never seen in training, per "
                "length.",
            ),
            (
                "criterion",
                "Exact match of the whole greedy output (no teacher forcing at test time).",
            ),
        ),
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
        setup=(
            (
                "task",
                "Shakespeare's plays (shipped with the package) are Karpathy's example in the "
                "decks; their speaker names and verse lines make the structure visible as "
                "samples improve.",
            ),
            (
                "sizes",
                "One LSTM layer of 128 units, 32-dimensional embeddings, 32-character windows "
                "× 16 streams: Karpathy's recipe scaled to a CPU.",
            ),
            (
                "init",
                "Default initialisation, and a sample before any training to show the noise "
                "the decks start from.",
            ),
            (
                "budget",
                "3000 Adam steps, sampled every 100, enough to go from noise to words to named"
                " speakers in about a minute.",
            ),
            (
                "lr",
                "Adam at 3e-3 with gradient-norm clipping at 5 (the char-rnn defaults), not "
                "swept: one model, nothing compared.",
            ),
            ("seeds", "One seed: the slide is about one model's samples over training."),
            (
                "criterion",
                "Validation loss on the held-out tail against a model without context; the "
                "samples are shown for the eye.",
            ),
        ),
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
        setup=(
            (
                "task",
                "Python source (this machine's standard library, the lectures' 'Linux source' "
                "analogue) has the indentation, if-blocks, quotes and comments that the decks'"
                " cells track.",
            ),
            (
                "sizes",
                "One LSTM layer of 64 units (128 recorded values, h and c), read over the "
                "text's last 2000 characters.",
            ),
            ("init", "Default initialisation; the cells are found after training, not chosen."),
            (
                "budget",
                "1500 Adam steps at lr 2e-3: one model, so there is no comparison for a sweep "
                "to make fair.",
            ),
            (
                "colours",
                "Each heatmap colours a unit's deviation from its own median over the text, "
                "saturating at the 95th percentile of |deviation|, so a cell state sitting at "
                "+13 does not paint the page red; the colour bar gives the raw values.",
            ),
            ("seeds", "One seed: the atlas describes one trained model, as the decks' does."),
            (
                "criterion",
                "Pearson |r| between a unit and a feature, ≥ 0.5 counting as 'tracks it' "
                "(fixed before the run); weak units are reported with their r, not hidden.",
            ),
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
        setup=(
            (
                "task",
                "All three models read the same Python text, and the same characters are shown"
                " for each.",
            ),
            (
                "sizes",
                "64 units each (tanh RNN, ReLU RNN, LSTM), so value ranges compare at equal "
                "state size.",
            ),
            ("init", "Default initialisation for all three."),
            ("budget", "300 Adam steps per model, the same for all."),
            ("lr", "One rate for the three models, from the printed sweep below."),
            ("seeds", "One seed: the claim is about value ranges, which do not hinge on the draw."),
            (
                "criterion",
                "A vanilla RNN's values range more than 3× wider than the LSTM's h, the deck's"
                " −15.7…10.4 against −1…1.",
            ),
        ),
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
    lines += setup_lines({**dict(experiment.setup), **summary.get("setup", {})})
    lines += sweep_lines(summary)
    lines += ["", f"**Finding.** {summary['finding']}", ""]
    lines += translations_table(summary.get("translations", []))
    for target in summary.get("targets", []):
        verdict = "held" if target["held"] else "**did not hold**"
        lines.append(f"- Deck target {verdict}: {target['target']}")
    return "\n".join(lines).rstrip() + "\n"


def setup_lines(setup: dict[str, str]) -> list[str]:
    """The setup choices as a short list, one defending sentence each."""
    if not setup:
        return []
    return ["", "*Setup, and why:*", "", *(f"- **{k}**: {v}" for k, v in setup.items())]


def sweep_lines(summary: dict) -> list[str]:
    """The learning-rate sweep the run printed, as a line (or a table), with its choice.

    A flat sweep (``{lr: loss}``, from the kit's ``sweep_learning_rate``) is one line; a
    sweep per task and model (``{task: {lr: {model: {updates: score}}}}``) is a table of each
    model's score at the end of the sweep's budget. A run with no sweep says why.

    >>> line = sweep_lines({"lr": 0.01, "lr_sweep": {"0.003": 0.5, "0.01": 0.25},
    ...                     "lr_sweep_budget": "10 updates", "lr_sweep_criterion": "lowest"})[1]
    >>> for cell in line.split(" · "): print(cell)
    *Learning-rate sweep* (10 updates; lowest): lr 0.003 → 0.5
    **lr 0.01 → 0.25 (chosen, used for every model)**
    """
    sweep, lr = summary.get("lr_sweep"), summary.get("lr")
    if not sweep:
        note = summary.get("lr_sweep_note")
        return ["", f"*Learning rate* {lr:g} for every model: {note}."] if note else []
    how = "; ".join(summary[k] for k in ("lr_sweep_budget", "lr_sweep_criterion") if k in summary)
    head = "*Learning-rate sweep*" + (f" ({how})" if how else "")
    first = next(iter(sweep.values()))
    if not isinstance(first, dict):
        cells = []
        for rate, value in sweep.items():
            cell = f"lr {float(rate):g} → {float(value):.3g}"
            if float(rate) == lr:
                cell = f"**{cell} (chosen, used for every model)**"
            cells.append(cell)
        return ["", f"{head}: " + " · ".join(cells)]
    try:
        models = list(next(iter(first.values())))
        rows = []
        for task, per_lr in sweep.items():
            for rate, per_model in per_lr.items():
                ends = [per_model[m][max(per_model[m], key=int)] for m in models]
                mark = " (chosen)" if float(rate) == lr else ""
                cells = " | ".join(f"{v:.3g}" for v in ends)
                rows.append(f"| {task} | {float(rate):g}{mark} | {cells} |")
    except (TypeError, ValueError, KeyError):
        return ["", f"{head}: one rate per model; the table is in `summary.json`."]
    table = ["| task | lr | " + " | ".join(models) + " |", "|---" * (len(models) + 2) + "|"]
    words = f"{head}: each model's score at the end of the sweep's budget; one rate for all."
    return ["", words, "", *table, *rows]


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
