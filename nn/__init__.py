"""nn: models on the minigrad engine — layers, recurrent networks, losses, optimizers."""

from minigrad import Tensor
from nn import functional, optim, utils
from nn.data import CharVocab, batchify, default_corpus, sliding_windows, tbptt_chunks
from nn.layers import (
    Dropout,
    Embedding,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from nn.losses import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from nn.module import Module, Parameter
from nn.serialization import CheckpointError, load, save

__all__ = [
    "BCEWithLogitsLoss",
    "CharVocab",
    "CheckpointError",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "NLLLoss",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "Tensor",
    "batchify",
    "default_corpus",
    "functional",
    "load",
    "optim",
    "save",
    "sliding_windows",
    "tbptt_chunks",
    "utils",
]
