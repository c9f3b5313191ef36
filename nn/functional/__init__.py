"""Layers, losses and activations as functions (PyTorch's ``torch.nn.functional``).

``import nn.functional as F`` gives every function below; each lives in the module of its kind:

- :mod:`.activations` — ``relu``, ``tanh``, ``softmax``, ``gelu``, … ;
- :mod:`.layers` — ``linear``, ``dropout``, ``pad``, ``one_hot``;
- :mod:`.classification` — ``nll_loss``, ``cross_entropy`` (class ids or probabilities);
- :mod:`.regression` — ``mse_loss``, ``l1_loss``, ``huber_loss``, ``smooth_l1_loss``;
- :mod:`.probabilistic` — ``binary_cross_entropy(_with_logits)``, ``kl_div``;
- :mod:`.loss_ops` — the losses' own ops (one graph node each, hand-written backward).

Class axis convention
---------------------
:func:`cross_entropy` and :func:`nll_loss` follow PyTorch by default: the classes are on axis
1, so inputs are ``(N, C)`` with targets ``(N,)``, or ``(N, C, d1, …)`` with targets
``(N, d1, …)``. Recurrent language models produce ``(T, B, C)`` logits with ``(T, B)``
targets: pass ``axis=-1`` for those (no transpose needed).
"""

from nn.functional.activations import (
    celu,
    elu,
    gelu,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    rrelu,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
)
from nn.functional.classification import cross_entropy, nll_loss
from nn.functional.layers import check_probability, dropout, embedding, linear, one_hot, pad
from nn.functional.loss_ops import BCEOp, BCEWithLogitsOp, CrossEntropyOp, NLLLossOp
from nn.functional.probabilistic import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    kl_div,
)
from nn.functional.regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss

__all__ = [
    "BCEOp",
    "BCEWithLogitsOp",
    "CrossEntropyOp",
    "NLLLossOp",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "celu",
    "check_probability",
    "cross_entropy",
    "dropout",
    "elu",
    "embedding",
    "gelu",
    "glu",
    "hardshrink",
    "hardsigmoid",
    "hardswish",
    "hardtanh",
    "huber_loss",
    "kl_div",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "logsigmoid",
    "mish",
    "mse_loss",
    "nll_loss",
    "one_hot",
    "pad",
    "prelu",
    "relu",
    "relu6",
    "rrelu",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softmin",
    "softplus",
    "softshrink",
    "softsign",
    "tanh",
    "tanhshrink",
    "threshold",
]
