"""nn: models on the minigrad engine — layers, recurrent networks, losses, optimizers."""

import os as _os

import minigrad as _minigrad
from minigrad import Tensor
from nn import forecast, functional, init, optim, utils
from nn.data import (
    CharVocab,
    batchify,
    default_corpus,
    python_corpus,
    shakespeare_corpus,
    sliding_windows,
    tbptt_chunks,
)
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

# isort: split
# --- recurrent layers (nn/recurrent/) and BPTT helpers (nn/bptt.py) ---
from nn.bptt import detach_state, hidden_grad_norms
from nn.recurrent import (
    GRU,
    LSTM,
    RNN,
    GRUCell,
    HiddenGradRecorder,
    LSTMCell,
    RNNCell,
    StateRecorder,
    StepEvent,
)

__all__ = [
    "GRU",
    "LSTM",
    "RNN",
    "BCEWithLogitsLoss",
    "CharVocab",
    "CheckpointError",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "GRUCell",
    "HiddenGradRecorder",
    "LSTMCell",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "NLLLoss",
    "Parameter",
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "StateRecorder",
    "StepEvent",
    "Tanh",
    "Tensor",
    "batchify",
    "default_corpus",
    "detach_state",
    "forecast",
    "functional",
    "hidden_grad_norms",
    "init",
    "load",
    "optim",
    "python_corpus",
    "save",
    "shakespeare_corpus",
    "sliding_windows",
    "tbptt_chunks",
    "utils",
]

# detect_anomaly() names the user's line: the first frame outside minigrad and this package
_minigrad.register_library(_os.path.dirname(__file__))


def __getattr__(name: str) -> object:
    """A missing name says it is PyTorch's and not provided (``nn.Transformer``), instead of a
    bare ``AttributeError``."""
    raise AttributeError(
        f"module 'nn' has no attribute {name!r}: minigrad does not provide PyTorch's "
        f"torch.nn.{name} (README, 'Running PyTorch code', lists what it provides)"
    )
