"""Initialisers, as ``torch.nn.init`` has them: they fill a tensor in place and return it.

Every function draws from minigrad's generator (seed it with :func:`minigrad.manual_seed`),
keeps the tensor's dtype and device, and records nothing in the graph. Fans and gains follow
PyTorch: for a weight of shape ``(out, in, *kernel)``, ``fan_in = in · ∏kernel`` and
``fan_out = out · ∏kernel``.

Examples
--------
>>> import minigrad, nn
>>> minigrad.manual_seed(0)
>>> layer = nn.Linear(64, 32)
>>> _ = nn.init.xavier_uniform_(layer.weight)
>>> _ = nn.init.zeros_(layer.bias)
>>> float(abs(layer.weight.numpy()).max()) <= (6 / (64 + 32)) ** 0.5
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from minigrad import Tensor, backend, default_generator

FAN_MODES = ("fan_in", "fan_out")
_GAINS = {
    "linear": 1.0,
    "identity": 1.0,
    "conv1d": 1.0,
    "conv2d": 1.0,
    "conv3d": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "selu": 3.0 / 4.0,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    Examples
    --------
    >>> calculate_gain("tanh"), calculate_gain("relu") ** 2, calculate_gain("leaky_relu", 0.2)
    (1.6666666666666667, 2.0000000000000004, 1.3867504905630728)
    """
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"leaky_relu's negative slope must be a number, got {slope!r}")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity not in _GAINS:
        known = ", ".join(sorted([*_GAINS, "leaky_relu"]))
        raise ValueError(f"unknown nonlinearity {nonlinearity!r}: choose one of {known}")
    return _GAINS[nonlinearity]


def fans(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(out, in, *kernel)``.

    Examples
    --------
    >>> import minigrad
    >>> fans(minigrad.zeros(32, 64)), fans(minigrad.zeros(8, 4, 3, 3))
    ((64, 32), (36, 72))
    """
    _require_tensor(tensor)
    if tensor.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a weight with at least 2 dimensions (out, in, ...), got "
            f"shape {tensor.shape}; initialise a bias with uniform_/normal_/zeros_ instead"
        )
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _require_tensor(tensor: Any) -> None:
    if not isinstance(tensor, Tensor):
        kind = type(tensor).__name__
        raise TypeError(f"nn.init fills a minigrad Tensor or Parameter, got {kind}")


def _fill(tensor: Tensor, host: np.ndarray) -> Tensor:
    """Put ``host`` values into ``tensor`` (same dtype and device), outside the graph."""
    if not isinstance(tensor, Tensor):
        raise TypeError(
            f"nn.init fills a minigrad Tensor or Parameter, got {type(tensor).__name__}"
        )
    xp = backend.namespace(tensor.array)
    name = backend.dtype_name(tensor.dtype)
    if not name.startswith("float"):
        raise TypeError(f"nn.init fills floating-point tensors, got dtype {name}")
    values = np.asarray(host, dtype=np.float64).reshape(tensor.shape).astype(name)
    tensor.array = values if xp is np else backend.asarray_on(xp, values, like=tensor.array)
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with U(a, b)."""
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    return _fill(tensor, default_generator().uniform(a, b, size=tensor.shape))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with N(mean, std²)."""
    if std < 0:
        raise ValueError(f"normal_ needs std >= 0, got {std}")
    return _fill(tensor, default_generator().normal(mean, std, size=tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, np.full(tensor.shape, float(val)))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot & Bengio (2010): U(−a, a) with a = gain·√(6 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return uniform_(tensor, -bound, bound)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot & Bengio (2010): N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = fans(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return normal_(tensor, 0.0, std)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in FAN_MODES:
        raise ValueError(f"mode={mode!r}: choose 'fan_in' or 'fan_out'")
    fan = dict(zip(FAN_MODES, fans(tensor), strict=True))[mode]
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan) if fan else 0.0


def kaiming_uniform_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He et al. (2015): U(−b, b) with b = gain·√(3 / fan); ``a`` is leaky ReLU's slope."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(
    tensor: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He et al. (2015): N(0, std²) with std = gain / √fan."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity))


def orthogonal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Saxe et al. (2013): a (semi-)orthogonal matrix times ``gain``, from the QR of a
    Gaussian matrix; dimensions after the first are flattened, as in PyTorch.

    Examples
    --------
    >>> import minigrad, numpy as np
    >>> w = orthogonal_(minigrad.zeros(4, 4, dtype="float64"))
    >>> bool(np.allclose(w.numpy() @ w.numpy().T, np.eye(4)))
    True
    """
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_ needs at least 2 dimensions, got shape {tensor.shape}")
    rows = tensor.shape[0]
    cols = math.prod(tensor.shape[1:])
    flat = default_generator().standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))  # a uniform (Haar) distribution over orthogonal matrices
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q)


def lstm_forget_bias_(module: Any, value: float = 1.0) -> Any:
    """Set an LSTM's forget-gate bias to ``value`` in every layer and direction.

    Jozefowicz et al. (2015) recommend 1: the cell state's additive path then carries
    gradients far back from the start. PyTorch's gate order is i, f, g, o, and the forget
    gate's pre-activation adds ``bias_ih`` and ``bias_hh``; this puts ``value`` in
    ``bias_ih``'s f block and 0 in ``bias_hh``'s, so their sum is ``value``.

    Examples
    --------
    >>> import nn
    >>> lstm = lstm_forget_bias_(nn.LSTM(2, 3, num_layers=2), 1.0)
    >>> lstm.bias_ih_l1.numpy()[3:6].tolist(), lstm.bias_hh_l1.numpy()[3:6].tolist()
    ([1.0, 1.0, 1.0], [0.0, 0.0, 0.0])
    """
    kind = getattr(getattr(module, "_kind", None), "name", None)
    if kind != "lstm":
        raise TypeError(
            f"lstm_forget_bias_ sets an nn.LSTM's or nn.LSTMCell's forget gate, got "
            f"{type(module).__name__}"
        )
    if not module.bias:
        raise ValueError("this LSTM has no biases (bias=False): there is no forget bias to set")
    hidden = module.hidden_size
    block = slice(hidden, 2 * hidden)
    for name, param in module.named_parameters():
        if name.startswith(("bias_ih", "bias_hh")):
            host = backend.to_numpy(param.array).astype(np.float64)
            host[block] = value if name.startswith("bias_ih") else 0.0
            _fill(param, host)
    return module


__all__ = [
    "calculate_gain",
    "constant_",
    "fans",
    "kaiming_normal_",
    "kaiming_uniform_",
    "lstm_forget_bias_",
    "normal_",
    "ones_",
    "orthogonal_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]
