"""Seeded data sets for experiments: synthetic sequence tasks that need memory, bit-serial
addition and parity, time series to forecast, and toy translation pairs for encoder–decoder
models."""

from nn.datasets.binary import binary_addition, from_bits, parity
from nn.datasets.memory import BLANK, adding_task, copy_task
from nn.datasets.timeseries import lorenz, noisy_sine
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
    "binary_addition",
    "copy_task",
    "date_pairs",
    "digit_reversal_pairs",
    "digit_sort_pairs",
    "from_bits",
    "held_out_split",
    "lorenz",
    "noisy_sine",
    "parity",
]
