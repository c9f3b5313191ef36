"""Train a character-level language model (LSTM, GRU or vanilla RNN) and sample from it.

LECTURE: decks 002 and 004 (after Karpathy 2015, "The unreasonable effectiveness of
recurrent neural networks"): the same model sampled at increasing numbers of training steps
goes from noise to words to the text's structure (speaker names, line breaks, indentation).

The char-rnn recipe on minigrad: embedding (or one-hot) → recurrent layers → linear →
cross-entropy, trained statefully over (T, B) streams with the hidden state carried (detached)
from chunk to chunk. The text's contiguous tail is held out for validation (in nats and bits
per character); the best checkpoint by validation loss is kept, and a run resumes exactly from
its checkpoint. By default a sample is drawn before training (step 0: noise) and every
``--sample-every`` steps; all go to ``samples.md`` and the picture ``samples.png`` shows them
one under the other. Built-in corpora (nothing downloaded): ``verse`` (a few KB written for
minigrad), ``shakespeare`` (~300 K characters of Shakespeare's plays, shipped compressed) and
``python`` (this machine's Python standard library, the lectures' "Linux source" analogue).

Run:
    python examples/char_rnn.py                          # built-in verse, a few seconds
    python examples/char_rnn.py --corpus shakespeare --steps 1500 --sample-every 300
    python examples/char_rnn.py --corpus python --steps 3000 --sample-every 500
    python examples/char_rnn.py --text input.txt --optimizer rmsprop --lr 2e-3 --alpha 0.95
    python examples/char_rnn.py --resume runs/lstm-verse-<time>/last.npz --steps 600

The run folder (``--out``, default ``runs/<model>-<corpus>-<time>``) holds ``last.npz`` and
``best.npz`` (model, optimizer, vocabulary, arguments, RNG state), ``loss.png``,
``samples.md``, ``samples.png``, ``bptt_graph.png`` (a short window unrolled, one box per
step, coloured by gradient norm) and ``summary.json``.
"""

from __future__ import annotations

import argparse
import collections
import math
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

import minigrad
import nn
from nn import functional as F  # noqa: N812 (the PyTorch idiom)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _experiment_kit import (
    check_target,
    experiment_parser,
    run_folder,
    save_figure,
    write_summary,
)

MODELS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
OPTIMIZERS = ("adam", "rmsprop", "sgd", "adagrad")
CORPORA = ("verse", "python", "shakespeare")
# options that fix the model, the data or the optimizer: a resumed run takes them from the
# checkpoint and refuses a different value on the command line
STRUCTURAL = (
    "model", "layers", "hidden", "embed", "dropout", "corpus", "text", "corpus_chars",
    "val_fraction", "seq_len", "batch", "optimizer", "seed",
)  # fmt: skip
LN2 = math.log(2.0)


class CharLM(nn.Module):
    """Embedding (or one-hot) → RNN/LSTM/GRU → Linear: next-character logits at every position.

    ``embed=0`` feeds one-hot rows instead of a learned embedding (``.embed`` is then None).

    Examples
    --------
    >>> import minigrad
    >>> lm = CharLM(5, model="gru", hidden=8, embed=4)
    >>> logits, state = lm(minigrad.tensor([[0, 1], [2, 3], [4, 0]]))
    >>> logits.shape, state.shape
    ((3, 2, 5), (1, 2, 8))
    """

    def __init__(
        self,
        vocab_size: int,
        *,
        model: str = "lstm",
        hidden: int = 128,
        layers: int = 1,
        embed: int = 32,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if model not in MODELS:
            raise ValueError(f"model must be one of {sorted(MODELS)}, got {model!r}")
        self.vocab_size, self.kind = vocab_size, model
        self.embed = nn.Embedding(vocab_size, embed) if embed else None
        width = embed or vocab_size
        self.rnn = MODELS[model](width, hidden, num_layers=layers, dropout=dropout)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab_size)

    def inputs(self, ids: Any) -> minigrad.Tensor:
        """The recurrent layers' input for ``ids`` (T, B): embeddings or one-hot rows."""
        ids = ids if isinstance(ids, minigrad.Tensor) else minigrad.tensor(ids)
        if self.embed is not None:
            return self.embed(ids)
        rows = np.eye(self.vocab_size, dtype=np.float32)[np.asarray(ids.numpy())]
        return minigrad.tensor(rows, device=self.head.weight.device)

    def forward(self, ids: Any, state: Any = None) -> tuple[minigrad.Tensor, Any]:
        out, state = self.rnn(self.inputs(ids), state)
        return self.head(self.drop(out)), state


def model_options(args: dict[str, Any]) -> dict[str, Any]:
    """The :class:`CharLM` keyword arguments among a run's arguments."""
    return {key: args[key] for key in ("model", "hidden", "layers", "embed", "dropout")}


def load_checkpoint(path: str | Path) -> tuple[CharLM, nn.CharVocab, dict[str, Any], dict]:
    """The model, vocabulary, arguments and raw contents of a ``char_rnn.py`` checkpoint.

    Raises SystemExit with a message naming the file when it is missing, unreadable or not a
    ``char_rnn.py`` checkpoint.

    Examples
    --------
    >>> load_checkpoint("no/such/file.npz")
    Traceback (most recent call last):
    ...
    SystemExit: char_rnn.py: error: checkpoint no/such/file.npz does not exist
    """
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"char_rnn.py: error: checkpoint {path} does not exist")
    try:
        checkpoint = nn.load(path)
    except (nn.CheckpointError, OSError) as exc:
        raise SystemExit(f"char_rnn.py: error: cannot read checkpoint {path}: {exc}") from exc
    missing = {"model", "vocab", "args", "step"} - set(checkpoint)
    if missing:
        raise SystemExit(
            f"char_rnn.py: error: {path} is not a char_rnn.py checkpoint "
            f"(it lacks {', '.join(sorted(missing))})"
        )
    args, vocab = dict(checkpoint["args"]), nn.CharVocab.from_dict(checkpoint["vocab"])
    model = CharLM(len(vocab), **model_options(args))
    try:
        model.load_state_dict(checkpoint["model"])
    except (KeyError, ValueError, RuntimeError) as exc:
        raise SystemExit(f"char_rnn.py: error: {path} does not fit its model: {exc}") from exc
    return model, vocab, args, checkpoint


# ---------------------------------------------------------------------- command line

SMOKE = {
    "steps": 30, "hidden": 32, "embed": 16, "batch": 8, "seq_len": 16, "eval_every": 10,
    "sample_every": 15, "sample_length": 60, "log_every": 10, "corpus_chars": 100_000,
}  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """The command line: model, data, optimizer, schedule, sampling and run-folder options."""
    parser = experiment_parser("char_rnn", __doc__.splitlines()[0])
    parser.set_defaults(out=None)
    parser.add_argument("--smoke", action="store_true", help="a seconds-long run (as --quick)")
    add = parser.add_argument
    add("--corpus", choices=CORPORA, default="verse", help="built-in corpus (unless --text)")
    add("--text", help="a UTF-8 text file to train on instead of a built-in corpus")
    add("--corpus-chars", type=int, default=nn.data.PYTHON_CORPUS_CHARS, help="python cap")
    add("--model", choices=sorted(MODELS), default="lstm")
    add("--layers", type=int, default=1)
    add("--hidden", type=int, default=128)
    add("--embed", type=int, default=32, help="embedding size (0: one-hot input)")
    add("--one-hot", action="store_const", const=0, dest="embed", help="one-hot input")
    add("--dropout", type=float, default=0.0, help="between layers and before the head")
    add("--seq-len", type=int, default=32, help="BPTT window (characters)")
    add("--batch", type=int, default=16, help="parallel streams")
    add("--optimizer", choices=OPTIMIZERS, default="adam")
    add("--lr", type=float, default=3e-3)
    add("--alpha", type=float, default=0.95, help="RMSprop's smoothing constant")
    add("--lr-decay", type=float, default=1.0, help="lr factor per epoch after --decay-after")
    add("--decay-after", type=int, default=10, help="epochs before the lr decays")
    add("--clip", type=float, default=5.0, help="global gradient-norm clip (0: none)")
    add("--clip-value", type=float, default=None, help="clip each gradient entry instead")
    add("--steps", type=int, default=300)
    add("--epochs", type=float, default=None, help="passes over the text (overrides --steps)")
    add("--device", choices=("cpu", "cuda"), default="cpu")
    add("--val-fraction", type=float, default=0.1, help="contiguous tail held out")
    add("--eval-every", type=int, default=100, help="validation every N steps (and at the end)")
    add("--eval-chars", type=int, default=0, help="validate on the split's first N chars (0: all)")
    add("--log-every", type=int, default=50)
    add(
        "--sample-every",
        type=int,
        default=100,
        help="write a sample to samples.md before training and every N steps (0: at the end only)",
    )
    add("--sample-length", type=int, default=300)
    add("--temperature", type=float, default=0.8, help="0: greedy")
    add("--top-k", type=int, default=0, help="sample among the k likeliest (0: all)")
    add("--prime", default="The ", help="text the samples start from")
    add("--resume", default=None, help="continue from this checkpoint (last.npz)")
    return parser


def parse_args(argv: list[str] | None = None) -> tuple[argparse.Namespace, dict | None]:
    """The arguments (smoke settings and a resumed run's saved settings applied) and the
    checkpoint to resume from, if any. Clashes and bad values exit as argparse does."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.smoke or args.quick:
        args.smoke = args.quick = True
        _apply_unchanged(parser, args, SMOKE)
    checkpoint = _resume_into(parser, args) if args.resume else None
    _validate(parser, args)
    return args, checkpoint


def _apply_unchanged(parser: argparse.ArgumentParser, args: argparse.Namespace, values: dict):
    for key, value in values.items():
        if getattr(args, key) == parser.get_default(key):
            setattr(args, key, value)


def _resume_into(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict:
    """Load ``--resume``; structural options come from it (a different value given is an
    error); the run folder defaults to the checkpoint's."""
    *_, checkpoint = load_checkpoint(args.resume)
    saved = checkpoint["args"]
    for key in STRUCTURAL:
        given = getattr(args, key)
        if given != parser.get_default(key) and given != saved.get(key):
            parser.error(
                f"--resume {args.resume} was trained with --{key.replace('_', '-')} "
                f"{saved.get(key)}, not {given}; leave the option out to keep the saved one"
            )
        setattr(args, key, saved.get(key))
    args.out = args.out or str(Path(args.resume).parent)
    return checkpoint


def _validate(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 0.0 < args.val_fraction < 0.5:
        parser.error(f"--val-fraction must be in (0, 0.5), got {args.val_fraction}")
    for key in ("steps", "hidden", "layers", "seq_len", "batch", "log_every", "eval_every"):
        if getattr(args, key) < 1:
            parser.error(f"--{key.replace('_', '-')} must be at least 1")
    if args.text and not Path(args.text).is_file():
        parser.error(f"--text {args.text}: no such file")
    if args.temperature < 0:
        parser.error("--temperature must be >= 0 (0 is greedy)")


# ---------------------------------------------------------------------- data


def corpus_name(args: argparse.Namespace) -> str:
    """``verse``, ``python`` or the ``--text`` file's stem: the run folder's middle part."""
    return Path(args.text).stem if args.text else args.corpus


def load_text(args: argparse.Namespace) -> str:
    """The training text: ``--text``, else the built-in corpus ``--corpus``."""
    if args.text:
        return Path(args.text).read_text(encoding="utf-8")
    if args.corpus == "python":
        return nn.python_corpus(max_chars=args.corpus_chars)
    if args.corpus == "shakespeare":
        return nn.shakespeare_corpus()
    return nn.default_corpus()


def split_ids(ids: np.ndarray, val_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Training head and contiguous validation tail (``val_fraction`` of the ids), as
    char-rnn splits.

    Examples
    --------
    >>> [part.tolist() for part in split_ids(np.arange(10), 0.2)]
    [[0, 1, 2, 3, 4, 5, 6, 7], [8, 9]]
    """
    cut = len(ids) - max(2, round(len(ids) * val_fraction))
    return ids[:cut], ids[cut:]


def val_streams(val: np.ndarray, batch: int, seq_len: int, eval_chars: int) -> np.ndarray:
    """The validation split (its first ``eval_chars`` if > 0) as (T, B) streams, with fewer
    streams than training when the split is short."""
    part = val[:eval_chars] if eval_chars > 0 else val
    return nn.batchify(part, max(1, min(batch, len(part) // (seq_len + 1))))


# ---------------------------------------------------------------------- training


def make_optimizer(args: argparse.Namespace, params: list) -> nn.optim.Optimizer:
    """Adam, RMSprop (with ``--alpha``), SGD or Adagrad at ``--lr``."""
    if args.optimizer == "rmsprop":
        return nn.optim.RMSprop(params, lr=args.lr, alpha=args.alpha)
    kinds = {"adam": nn.optim.Adam, "sgd": nn.optim.SGD, "adagrad": nn.optim.Adagrad}
    return kinds[args.optimizer](params, lr=args.lr)


def learning_rate(args: argparse.Namespace, epoch: int) -> float:
    """``--lr`` times ``--lr-decay`` for every epoch past ``--decay-after``.

    Examples
    --------
    >>> learning_rate(argparse.Namespace(lr=1.0, lr_decay=0.5, decay_after=2), 4)
    0.25
    """
    return args.lr * args.lr_decay ** max(0, epoch - args.decay_after)


def clip(args: argparse.Namespace, params: list) -> None:
    """``--clip-value`` per entry if given, else ``--clip`` on the global norm (0: none)."""
    if args.clip_value is not None:
        nn.utils.clip_grad_value_(params, args.clip_value)
    elif args.clip > 0:
        nn.utils.clip_grad_norm_(params, args.clip)


def train_step(model, optimizer, args, inputs, targets, state) -> tuple[float, Any]:
    """One truncated-BPTT update on a chunk; the loss and the detached final state."""
    logits, state = model(minigrad.tensor(inputs, device=args.device), state)
    loss = F.cross_entropy(logits, minigrad.tensor(targets, device=args.device), axis=-1)
    optimizer.zero_grad()
    loss.backward()
    clip(args, list(model.parameters()))
    optimizer.step()
    return loss.item(), nn.detach_state(state)


def evaluate(model: CharLM, streams: np.ndarray, seq_len: int, device: str) -> float:
    """Mean cross-entropy in nats per character over the streams, carrying the state."""
    model.eval()
    total, count, state = 0.0, 0, None
    with minigrad.no_grad():
        for inputs, targets in nn.tbptt_chunks(streams, seq_len):
            logits, state = model(minigrad.tensor(inputs, device=device), state)
            loss = F.cross_entropy(logits, minigrad.tensor(targets, device=device), axis=-1)
            total, count = total + loss.item() * targets.size, count + targets.size
    model.train()
    return total / count


def unigram_entropy(ids: np.ndarray, vocab_size: int) -> float:
    """Entropy (nats) of the character frequencies: the loss of a model with no context.

    Examples
    --------
    >>> round(unigram_entropy(np.array([0, 1, 0, 1]), 2), 4)
    0.6931
    """
    p = np.bincount(ids, minlength=vocab_size) / len(ids)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


# ---------------------------------------------------------------------- sampling


def clean_prime(prime: str, vocab: nn.CharVocab) -> str:
    """``prime`` without the characters the vocabulary lacks (warning about them); a newline
    (or the first character) when nothing is left.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     clean_prime("héllo", nn.CharVocab.from_text("hello"))
    'hllo'
    """
    unknown = sorted(set(prime) - set(vocab.chars))
    if unknown:
        warnings.warn(
            f"--prime: dropped characters not in the vocabulary: {''.join(unknown)!r}",
            stacklevel=2,
        )
    kept = "".join(c for c in prime if c in vocab)
    return kept or ("\n" if "\n" in vocab else vocab.chars[0])


def next_id(logits: np.ndarray, temperature: float, top_k: int, rng: np.random.Generator) -> int:
    """Pick the next character id: greedy at temperature 0, else sample (among the ``top_k``
    likeliest when ``top_k`` > 0).

    Examples
    --------
    >>> next_id(np.array([0.1, 3.0, 0.2]), 0.0, 0, np.random.default_rng(0))
    1
    >>> next_id(np.array([0.1, 3.0, 0.2]), 1.0, 1, np.random.default_rng(0))
    1
    """
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = logits.astype(np.float64) / temperature
    if 0 < top_k < len(scaled):
        scaled[scaled < np.sort(scaled)[-top_k]] = -np.inf
    probs = np.exp(scaled - scaled.max())
    return int(rng.choice(len(probs), p=probs / probs.sum()))


def sample(model, vocab, prime, length, *, temperature=0.8, top_k=0, rng=None, device="cpu"):
    """``prime`` followed by ``length`` generated characters, one step at a time."""
    rng = rng or np.random.default_rng()
    model.eval()
    ids = list(vocab.encode(prime))
    with minigrad.no_grad():
        logits, state = model(minigrad.tensor(np.array(ids)[:, None], device=device))
        for _ in range(length):
            ids.append(next_id(logits[-1, 0].numpy(), temperature, top_k, rng))
            logits, state = model(minigrad.tensor([[ids[-1]]], device=device), state)
    model.train()
    return vocab.decode(ids)


# ---------------------------------------------------------------------- the run


class Run:
    """Everything a run carries from step to step, and its checkpoint form."""

    def __init__(self, args: argparse.Namespace, vocab: nn.CharVocab) -> None:
        self.args, self.vocab = args, vocab
        self.model = CharLM(len(vocab), **model_options(vars(args))).to(args.device)
        self.optimizer = make_optimizer(args, list(self.model.parameters()))
        self.step, self.state, self.smoothed = 0, None, None
        self.train_loss: list[float] = []
        self.val: list[tuple[int, float]] = []
        self.best = (math.inf, 0)
        self.times: collections.deque[float] = collections.deque(maxlen=20)
        self.last_sample: tuple[int, str] | None = None  # (step, text), this process only

    def rate(self) -> float:
        """Steps per second over the last (up to) 20 steps of this process."""
        if len(self.times) < 2:
            return 0.0
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])

    def record(self, loss: float) -> None:
        self.step += 1
        self.train_loss.append(loss)
        self.smoothed = loss if self.smoothed is None else 0.95 * self.smoothed + 0.05 * loss
        self.times.append(time.perf_counter())

    def checkpoint(self) -> dict[str, Any]:
        state = self.state if isinstance(self.state, tuple) else (self.state,)
        return {
            "model": self.model.state_dict(),
            "optim": self.optimizer.state_dict(),
            "vocab": self.vocab.to_dict(),
            "args": {k: v for k, v in vars(self.args).items() if k != "resume"},
            "step": self.step,
            "hidden": [] if self.state is None else [s.numpy() for s in state],
            "smoothed": self.smoothed,
            "train_loss": np.array(self.train_loss, dtype=np.float64),
            "val": np.array(self.val, dtype=np.float64).reshape(-1, 2),
            "best": list(self.best),
            "rng": {"minigrad": minigrad.get_rng_state()},
        }

    def restore(self, checkpoint: dict[str, Any]) -> None:
        if nn.CharVocab.from_dict(checkpoint["vocab"]) != self.vocab:
            raise SystemExit(
                "char_rnn.py: error: the checkpoint's vocabulary differs from this text's; "
                "resume with the same --text/--corpus"
            )
        self.model.load_state_dict(checkpoint["model"])
        self.optimizer.load_state_dict(checkpoint["optim"])
        self.step, self.smoothed = int(checkpoint["step"]), checkpoint["smoothed"]
        hidden = [minigrad.tensor(h, device=self.args.device) for h in checkpoint["hidden"]]
        self.state = (tuple(hidden) if len(hidden) > 1 else hidden[0]) if hidden else None
        self.train_loss = [float(x) for x in checkpoint["train_loss"]]
        self.val = [(int(s), float(v)) for s, v in checkpoint["val"]]
        self.best = (float(checkpoint["best"][0]), int(checkpoint["best"][1]))
        minigrad.set_rng_state(checkpoint["rng"]["minigrad"])


def save(run: Run, out: Path, name: str) -> None:
    """Write the run's checkpoint to ``out/name`` (atomically, via ``nn.save``)."""
    nn.save(run.checkpoint(), out / name)


def validate(run: Run, valid: np.ndarray, out: Path) -> float:
    """Validation loss now; record it, keep ``best.npz`` if it is the best, write ``last.npz``."""
    loss = evaluate(run.model, valid, run.args.seq_len, run.args.device)
    run.val.append((run.step, loss))
    if loss < run.best[0]:
        run.best = (loss, run.step)
        save(run, out, "best.npz")
    save(run, out, "last.npz")
    return loss


def write_sample(run: Run, out: Path) -> str:
    """Save ``last.npz`` first, then sample and append the sample to ``samples.md``.

    Each sample draws from a generator seeded by (``--seed``, step), so a resumed run writes
    the samples an uninterrupted one would.
    """
    save(run, out, "last.npz")
    args = run.args
    text = sample(
        run.model,
        run.vocab,
        clean_prime(args.prime, run.vocab),
        args.sample_length,
        temperature=args.temperature,
        top_k=args.top_k,
        rng=np.random.default_rng([args.seed, run.step]),
        device=args.device,
    )
    val = f", validation loss {run.val[-1][1]:.3f} nats/char" if run.val else ""
    with open(out / "samples.md", "a", encoding="utf-8") as file:
        file.write(f"## step {run.step}{val}\n\n```text\n{text}\n```\n\n")
    run.last_sample = (run.step, text)
    return text


def train(run: Run, chunks: list, valid: np.ndarray, out: Path) -> float:
    """Train to ``--steps``; return the seconds spent."""
    args, start = run.args, time.perf_counter()
    bar = tqdm(
        total=args.steps,
        initial=run.step,
        desc="train",
        file=sys.stderr,
        disable=args.no_progress or not sys.stderr.isatty(),
        dynamic_ncols=True,
    )
    while run.step < args.steps:
        index, epoch = run.step % len(chunks), run.step // len(chunks)
        run.state = None if index == 0 else run.state  # each pass starts the streams afresh
        for group in run.optimizer.param_groups:
            group["lr"] = learning_rate(args, epoch)
        loss, run.state = train_step(run.model, run.optimizer, args, *chunks[index], run.state)
        run.record(loss)
        bar.update(1)
        last_val = run.val[-1][1] if run.val else math.nan
        bar.set_postfix(loss=f"{run.smoothed:.3f}", val=f"{last_val:.3f}", refresh=False)
        after_step(run, valid, out)
    bar.close()
    return time.perf_counter() - start


def after_step(run: Run, valid: np.ndarray, out: Path) -> None:
    """Log, validate and sample when their step comes (validation also at the last step)."""
    args, step = run.args, run.step
    last = step == args.steps
    if step % args.log_every == 0 or last:
        tqdm.write(f"step {step:5d}  loss {run.smoothed:.3f}  ({run.rate():.1f} steps/s)")
    if step % args.eval_every == 0 or last:
        loss = validate(run, valid, out)
        tqdm.write(f"step {step:5d}  validation {loss:.3f} nats/char ({loss / LN2:.3f} bits/char)")
    if args.sample_every and step % args.sample_every == 0:
        write_sample(run, out)


# ---------------------------------------------------------------------- pictures and summary


def loss_figure(run: Run) -> Any:
    """Training loss (every step, and smoothed) and validation loss, in nats per character."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    steps = np.arange(1, len(run.train_loss) + 1)
    ax.plot(steps, run.train_loss, color="tab:blue", alpha=0.25, lw=0.8)
    ax.plot(steps, ema(run.train_loss), color="tab:blue", label="training (smoothed)")
    if run.val:
        val_steps, val_loss = zip(*run.val, strict=True)
        ax.plot(val_steps, val_loss, "o-", color="tab:orange", label="validation")
    ax.set(xlabel="step", ylabel="cross-entropy (nats/char)", title=title(run.args))
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def read_samples(path: Path) -> list[tuple[int, str, str]]:
    r"""The ``(step, heading, text)`` of every sample in a ``samples.md``, in order.

    Examples
    --------
    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "samples.md"
    >>> fence = "```"
    >>> _ = page.write_text(f"## step 0\n\n{fence}text\nab\n{fence}\n\n"
    ...                     f"## step 5, x\n\n{fence}text\nc\n\nd\n{fence}\n\n")
    >>> read_samples(page)
    [(0, 'step 0', 'ab'), (5, 'step 5, x', 'c\n\nd')]
    """
    found = []
    for block in path.read_text(encoding="utf-8").split("## ")[1:]:
        heading, _, rest = block.partition("\n")
        body = rest.split("```text\n", 1)[1].rsplit("\n```", 1)[0]
        found.append((int(heading.split()[1].rstrip(",")), heading.strip(), body))
    return found


def samples_figure(samples: list[tuple[int, str, str]], args: argparse.Namespace) -> Any:
    """Up to five samples (the first, the last and evenly spaced ones between) one under the
    other, each cut to a few lines: noise → words → structure, for a slide."""
    import matplotlib.pyplot as plt

    if len(samples) > 5:
        picks = np.unique(np.linspace(0, len(samples) - 1, 5).round().astype(int))
        samples = [samples[i] for i in picks]
    lines_each = 5
    fig = plt.figure(figsize=(16, 9))
    fig.suptitle(f"Samples while training: {title(args)}", fontsize=20, y=0.99, x=0.02, ha="left")
    height = 0.9 / max(len(samples), 1)
    for i, (step, heading, text) in enumerate(samples):
        top = 0.92 - i * height
        lines = [line[:95] + ("…" if len(line) > 95 else "") for line in text.split("\n")]
        shown = "\n".join(lines[:lines_each])
        heading = (
            "before training (step 0)" if step == 0 else heading.replace("step", "after step", 1)
        )
        fig.text(0.02, top, heading, fontsize=15,
                 weight="bold", va="top", color="tab:blue")  # fmt: skip
        fig.text(0.03, top - 0.035, shown, fontsize=12.5, family="monospace", va="top")
    return fig


def ema(values: list[float], decay: float = 0.95) -> np.ndarray:
    """The exponential moving average the progress bar shows.

    Examples
    --------
    >>> ema([1.0, 0.0]).round(2).tolist()
    [1.0, 0.95]
    """
    out = np.empty(len(values))
    for i, value in enumerate(values):
        out[i] = value if i == 0 else decay * out[i - 1] + (1 - decay) * value
    return out


def title(args: argparse.Namespace) -> str:
    """``lstm 1×128 on verse`` and the like."""
    return f"{args.model} {args.layers}×{args.hidden} on {corpus_name(args)}"


def bptt_graph(run: Run, ids: np.ndarray, out: Path, steps: int = 6) -> str | None:
    """Draw the model unrolled over ``steps`` characters (one box per step, coloured by
    ‖∂L/∂·‖) to ``bptt_graph.png``; None (with a note) when no renderer is installed."""
    import viz

    rnn = run.model.rnn
    fused, rnn.fused = rnn.fused, False  # the composed form has one scope per time step
    run.model.eval()
    try:
        logits, _ = run.model(ids[:steps, None])
        loss = F.cross_entropy(logits, minigrad.tensor(ids[1 : steps + 1, None]), axis=-1)
        loss.name = "loss"
        dot = viz.draw_graph(
            loss,
            collapse=["t=*", "weights"],
            color_by="grad",
            show_values=False,
            title=f"{title(run.args)}, {steps} steps unrolled: ‖∂L/∂·‖ by colour",
        )
        viz.render(dot, out / "bptt_graph.png")
        return "bptt_graph.png"
    except (viz.RendererNotFoundError, OSError) as exc:
        print(f"note: no BPTT graph drawn ({exc})")
        return None
    finally:
        rnn.fused = fused
        run.model.train()


def finish(run: Run, out: Path, seconds: float, steps_run: int, ids: np.ndarray, unigram: float):
    """The last sample, the pictures and ``summary.json``."""
    args = run.args
    if run.last_sample is None or run.last_sample[0] != run.step:
        write_sample(run, out)
    print("\nsample:\n" + run.last_sample[1])
    figures = save_figure(loss_figure(run), out, "loss")
    figures += save_figure(samples_figure(read_samples(out / "samples.md"), args), out, "samples")
    figures += [name for name in [bptt_graph(run, ids, out)] if name]
    final, (best, best_step) = run.val[-1][1], run.best
    targets: list[dict[str, Any]] = []
    check_target(
        targets,
        f"validation loss below the unigram entropy of the text ({unigram:.3f} nats/char)",
        final < unigram,
    )
    return write_summary(
        out,
        "char_rnn",
        f"{title(args)}: validation {final:.3f} nats/char ({final / LN2:.3f} bits/char) after "
        f"{run.step} steps, best {best:.3f} at step {best_step}; a model without context "
        f"scores {unigram:.3f}",
        [*figures, "samples.md"],
        targets,
        final_val_loss=final,
        final_val_bits=final / LN2,
        best_val_loss=best,
        best_step=best_step,
        final_train_loss=run.train_loss[-1],
        steps=run.step,
        steps_this_run=steps_run,
        wall_time_s=seconds,
        steps_per_s=steps_run / seconds if seconds > 0 else 0.0,
        args={k: v for k, v in vars(args).items()},
    )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse the command line, train, sample, draw and summarise; return the summary."""
    args, checkpoint = parse_args(argv)
    minigrad.manual_seed(args.seed)
    text = load_text(args)
    vocab = nn.CharVocab.from_text(text)
    train_ids, val_ids = split_ids(vocab.encode(text), args.val_fraction)
    chunks = list(nn.tbptt_chunks(nn.batchify(train_ids, args.batch), args.seq_len))
    valid = val_streams(val_ids, args.batch, args.seq_len, args.eval_chars)
    if args.epochs:
        args.steps = max(1, round(args.epochs * len(chunks)))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    args.out = args.out or str(Path("runs") / f"{args.model}-{corpus_name(args)}-{stamp}")
    run = Run(args, vocab)
    if checkpoint is not None:
        run.restore(checkpoint)
        print(f"resumed from {args.resume} at step {run.step}")
    out = run_folder(args)
    print(
        f"{len(text):,} characters ({len(train_ids):,} training, {len(val_ids):,} validation), "
        f"{len(vocab)} symbols; {title(args)}, "
        f"{sum(p.numel() for p in run.model.parameters()):,} parameters; run folder {out}"
    )
    start_step = run.step
    if checkpoint is None:  # a new run into an old folder starts its own samples page
        (out / "samples.md").unlink(missing_ok=True)
    if args.sample_every and run.step == 0:
        write_sample(run, out)  # step 0: what the untrained model writes (noise)
    seconds = train(run, chunks, valid, out)
    unigram = unigram_entropy(train_ids, len(vocab))
    return finish(run, out, seconds, run.step - start_step, val_ids, unigram)


if __name__ == "__main__":
    main()
