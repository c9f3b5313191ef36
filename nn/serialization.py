"""``nn.save`` / ``nn.load``: the engine's :func:`minigrad.save` and :func:`minigrad.load`
under the names nn has always had (the format lives in :mod:`minigrad.serialization`)."""

from minigrad import CheckpointError, load, save

__all__ = ["CheckpointError", "load", "save"]
