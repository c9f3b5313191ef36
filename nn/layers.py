"""Feed-forward layers: Linear, Embedding, Dropout, Sequential and activation modules."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import minigrad
from minigrad import Tensor, backend
from nn import functional as F  # noqa: N812 (PyTorch's name)
from nn.module import Module, Parameter


def _uniform_parameter(
    shape: tuple[int, ...], bound: float, dtype: Any, device: str | None
) -> Parameter:
    """A parameter drawn from U(-bound, bound) with minigrad's seeded generator."""
    name = backend.dtype_name(dtype) if dtype is not None else minigrad.get_default_dtype()
    array = backend.random_uniform(shape, -bound, bound, name)
    return Parameter(Tensor(array, device=device))


class Linear(Module):
    """Affine map ``y = x @ weight.T + bias`` over the last axis (PyTorch's ``nn.Linear``).

    ``weight`` has shape ``(out_features, in_features)``; both parameters start from
    U(−1/√in, 1/√in), PyTorch's default, so weights move between the two libraries.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the last axis of the input and the output.
    bias : bool
        Whether to add a learned bias.
    dtype : str, optional
        Parameter dtype (the default dtype, float32, unless given).
    device : str, optional
        ``"cpu"`` or ``"cuda"``.

    Examples
    --------
    >>> import minigrad, nn
    >>> layer = nn.Linear(3, 2)
    >>> layer.weight.shape, layer.bias.shape
    ((2, 3), (2,))
    >>> layer(minigrad.ones(4, 3)).shape
    (4, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        dtype: Any = None,
        device: str | None = None,
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        bound = 1.0 / math.sqrt(self.in_features) if self.in_features else 0.0
        self.weight = _uniform_parameter(
            (self.out_features, self.in_features), bound, dtype, device
        )
        self.bias = _uniform_parameter((self.out_features,), bound, dtype, device) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear(in_features={self.in_features}, out_features={self.out_features}) "
                f"expects an input whose last dimension is {self.in_features}, got shape "
                f"{tuple(x.shape)}"
            )
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Embedding(Module):
    """A lookup table: integer ids of any shape → rows of ``weight`` (shape ``(num, dim)``).

    ``weight`` starts from N(0, 1), PyTorch's default.

    Examples
    --------
    >>> import nn
    >>> emb = nn.Embedding(10, 4)
    >>> emb([[1, 2, 3], [3, 2, 1]]).shape
    (2, 3, 4)
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, dtype: Any = None, device: str | None = None
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = int(num_embeddings), int(embedding_dim)
        self.weight = Parameter(
            minigrad.randn(self.num_embeddings, self.embedding_dim, dtype=dtype, device=device)
        )

    def forward(self, indices: Any) -> Tensor:
        return minigrad.embedding(self.weight, indices)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability ``p`` and scale the
    rest by 1/(1−p); in eval mode, the identity. Seed with :func:`minigrad.manual_seed`.

    Examples
    --------
    >>> import minigrad, nn
    >>> drop = nn.Dropout(0.5).eval()
    >>> drop(minigrad.ones(3)).tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        F.check_probability(p, "Dropout")
        self.p = float(p)

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Sequential(Module):
    """Modules applied one after another; indexable (``seq[0]``, ``seq[1:]``) and sized.

    Sub-modules are named ``"0"``, ``"1"``, … (or by the keys of an ``OrderedDict``), so
    state-dict names match PyTorch's (``"0.weight"``).

    Examples
    --------
    >>> import minigrad, nn
    >>> model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    >>> len(model), model(minigrad.ones(2, 3)).shape
    (3, (2, 1))
    >>> list(model.state_dict())[:2]
    ['0.weight', '0.bias']
    """

    def __init__(self, *modules: Module | OrderedDict[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            items = list(modules[0].items())
        else:
            items = [(str(i), m) for i, m in enumerate(modules)]
        for name, module in items:
            self._add(name, module)

    def _add(self, name: str, module: Any) -> None:
        if not isinstance(module, Module):
            raise TypeError(f"Sequential takes Modules, got {type(module).__name__} for {name!r}")
        setattr(self, name, module)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns ``self``."""
        self._add(str(len(self)), module)
        return self

    def forward(self, x: Any) -> Any:
        for module in self._modules.values():
            x = module(x)
        return x

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[index][1]


class Tanh(Module):
    """Element-wise tanh.

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.Tanh()(minigrad.zeros(2)).tolist()
    [0.0, 0.0]
    """

    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class Sigmoid(Module):
    """Element-wise logistic sigmoid.

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.Sigmoid()(minigrad.zeros(2)).tolist()
    [0.5, 0.5]
    """

    def forward(self, x: Tensor) -> Tensor:
        return x.sigmoid()


class ReLU(Module):
    """Element-wise max(x, 0).

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.ReLU()(minigrad.tensor([-1.0, 2.0])).tolist()
    [0.0, 2.0]
    """

    def forward(self, x: Tensor) -> Tensor:
        return x.relu()


class LeakyReLU(Module):
    """x where x > 0, else ``negative_slope`` × x.

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.LeakyReLU(0.5)(minigrad.tensor([-2.0, 2.0])).tolist()
    [-1.0, 2.0]
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: Tensor) -> Tensor:
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    """Softmax along ``axis`` (PyTorch calls it ``dim``; both keywords work).

    Examples
    --------
    >>> import minigrad, nn
    >>> nn.Softmax(axis=-1)(minigrad.zeros(1, 2)).tolist()
    [[0.5, 0.5]]
    """

    def __init__(self, axis: int = -1, *, dim: int | None = None) -> None:
        super().__init__()
        self.axis = axis if dim is None else dim

    def forward(self, x: Tensor) -> Tensor:
        return x.softmax(self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


class LogSoftmax(Softmax):
    """log softmax along ``axis`` (stable: x − logsumexp(x)).

    Examples
    --------
    >>> import minigrad, nn
    >>> round(nn.LogSoftmax()(minigrad.zeros(1, 2)).tolist()[0][0], 4)
    -0.6931
    """

    def forward(self, x: Tensor) -> Tensor:
        return x.log_softmax(self.axis)
