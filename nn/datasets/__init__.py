"""Seeded data sets for experiments: synthetic sequence tasks that need memory."""

from nn.datasets.binary import binary_addition, from_bits, parity
from nn.datasets.memory import BLANK, adding_task, copy_task

__all__ = ["BLANK", "adding_task", "binary_addition", "copy_task", "from_bits", "parity"]
