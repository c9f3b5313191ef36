"""Seeded data sets for experiments: synthetic sequence tasks that need memory, and time
series to forecast."""

from nn.datasets.memory import BLANK, adding_task, copy_task
from nn.datasets.timeseries import lorenz, noisy_sine

__all__ = ["BLANK", "adding_task", "copy_task", "lorenz", "noisy_sine"]
