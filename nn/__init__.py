"""nn: models on the minigrad engine — layers, recurrent networks, losses, optimizers."""

from minigrad import Tensor
from nn.module import Module, Parameter

__all__ = ["Module", "Parameter", "Tensor"]
