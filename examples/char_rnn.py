"""Train a character-level language model (LSTM, GRU or vanilla RNN) and sample from it.

The char-rnn recipe on minigrad: embedding (or one-hot) → recurrent layers → linear →
cross-entropy, trained statefully over (T, B) streams with the hidden state carried (detached)
from chunk to chunk. The text's contiguous tail is held out for validation (in nats and bits
per character); the best checkpoint by validation loss is kept, samples at set steps go to
``samples.md``, and a run resumes exactly from its checkpoint.

Run:
    python examples/char_rnn.py                          # built-in verse, a few seconds
    python examples/char_rnn.py --corpus python --steps 3000 --sample-every 500
    python examples/char_rnn.py --text input.txt --optimizer rmsprop --lr 2e-3 --alpha 0.95
    python examples/char_rnn.py --resume runs/lstm-verse-<time>/last.npz --steps 600

The run folder (``--out``, default ``runs/<model>-<corpus>-<time>``) holds ``last.npz`` and
``best.npz`` (model, optimizer, vocabulary, arguments, RNG state), ``loss.png``,
``samples.md``, ``bptt_graph.png`` (a short window unrolled, one box per step, coloured by
gradient norm) and ``summary.json``.
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

import minigrad
import nn
from minigrad.backend import RANDOM
from nn import functional as F  # noqa: N812 (the PyTorch idiom)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from experiment_kit import check_target, save_figure, write_summary  # noqa: E402

MODELS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
OPTIMIZERS = ("adam", "rmsprop", "sgd", "adagrad")
CORPORA = ("verse", "python")
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
