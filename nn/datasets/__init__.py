"""Seeded data sets for experiments: synthetic sequence tasks that need memory, and toy
translation pairs for encoder–decoder models."""

from nn.datasets.memory import BLANK, adding_task, copy_task
from nn.datasets.translation import (
    EOS,
    PAD,
    SOS,
    TokenVocab,
    date_pairs,
    digit_reversal_pairs,
    digit_sort_pairs,
    held_out_split,
)

__all__ = [
    "BLANK",
    "EOS",
    "PAD",
    "SOS",
    "TokenVocab",
    "adding_task",
    "copy_task",
    "date_pairs",
    "digit_reversal_pairs",
    "digit_sort_pairs",
    "held_out_split",
]
