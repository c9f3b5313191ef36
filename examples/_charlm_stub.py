"""A stand-in for ``examples/char_rnn.py``'s model and checkpoint loader (same contract).

``examples/activations.py`` reads char-RNN checkpoints through :func:`load_checkpoint` and
builds models with :class:`CharLM`; until ``char_rnn.py`` offers both, this file does, with the
same signatures, so switching is one import in ``activations.charlm_api``. The checkpoint
written by :func:`save_checkpoint` holds ``model`` (state dict), ``vocab`` (``CharVocab.to_dict``)
and ``args`` (the constructor's keywords).

>>> import sys; sys.path.insert(0, "examples")
>>> from _charlm_stub import CharLM
>>> import minigrad
>>> logits, state = CharLM(5, hidden=8)(minigrad.tensor([[0, 1], [2, 3], [4, 0]]))
>>> logits.shape
(3, 2, 5)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import minigrad
import nn

RNNS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class CharLM(nn.Module):
    """Embedding (or one-hot) → RNN/LSTM/GRU → Linear: next-character logits."""

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
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed) if embed else None
        width = embed or vocab_size
        self.rnn = RNNS[model](width, hidden, num_layers=layers, dropout=dropout)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, ids: Any, state: Any = None) -> tuple[minigrad.Tensor, Any]:
        ids = ids if isinstance(ids, minigrad.Tensor) else minigrad.tensor(ids)
        if self.embed is not None:
            x = self.embed(ids)
        else:
            x = nn.functional.one_hot(ids, self.vocab_size).float()
        out, state = self.rnn(x, state)
        return self.head(out), state


def save_checkpoint(path: str | Path, model: CharLM, vocab: nn.CharVocab, args: dict) -> None:
    """Write what :func:`load_checkpoint` reads."""
    nn.save({"model": model.state_dict(), "vocab": vocab.to_dict(), "args": args}, path)


def load_checkpoint(path: str | Path) -> tuple[CharLM, nn.CharVocab, dict, dict]:
    """``(model, vocab, args, checkpoint)`` from a checkpoint; a clear error when missing."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    checkpoint = nn.load(path)
    vocab = nn.CharVocab.from_dict(checkpoint["vocab"])
    args = dict(checkpoint["args"])
    keys = ("model", "hidden", "layers", "embed", "dropout")
    model = CharLM(len(vocab), **{k: args[k] for k in keys if k in args})
    model.load_state_dict(checkpoint["model"])
    return model, vocab, args, checkpoint
