"""Element-wise functions of one input: downstream = upstream × f'(x).

Each op declares only its local gradient f'(x); backward is derived from it.
"""

from __future__ import annotations

from typing import Any

from minigrad.backend import namespace
from minigrad.op import Elementwise


class Exp(Elementwise):
    name, symbol = "exp", "exp"
    rule = "exp: downstream = upstream × exp(x) (the output itself)"

    def forward(self, x: Any) -> Any:
        out = namespace(x).exp(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class Log(Elementwise):
    name, symbol = "log", "log"
    rule = "log: downstream = upstream / x"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return namespace(x).log(x)

    def local_grads(self) -> tuple[Any, ...]:
        return (1.0 / self.saved[0],)


class Sqrt(Elementwise):
    name, symbol = "sqrt", "√"
    rule = "sqrt: downstream = upstream / (2·√x)"

    def forward(self, x: Any) -> Any:
        out = namespace(x).sqrt(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        return (1.0 / (2 * self.saved[0]),)


class Abs(Elementwise):
    name, symbol = "abs", "|x|"
    rule = "abs: downstream = upstream × sign(x) (0 at x = 0)"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return namespace(x).abs(x)

    def local_grads(self) -> tuple[Any, ...]:
        return (namespace(self.saved[0]).sign(self.saved[0]),)


class Tanh(Elementwise):
    name, symbol = "tanh", "tanh"
    rule = "tanh: downstream = upstream × (1 − tanh²(x))"

    def forward(self, x: Any) -> Any:
        out = namespace(x).tanh(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        out = self.saved[0]
        return (1 - out * out,)


def sigmoid_array(x: Any) -> Any:
    """Numerically stable logistic function: σ(x) = ½(1 + tanh(x/2)), no overflow."""
    return 0.5 * (namespace(x).tanh(0.5 * x) + 1)


class Sigmoid(Elementwise):
    name, symbol = "sigmoid", "σ"
    rule = "sigmoid: downstream = upstream × σ(x)(1 − σ(x))"

    def forward(self, x: Any) -> Any:
        out = sigmoid_array(x)
        self.saved = (out,)
        return out

    def local_grads(self) -> tuple[Any, ...]:
        out = self.saved[0]
        return (out * (1 - out),)


def _mask(condition: Any, like: Any) -> Any:
    return namespace(like).astype(condition, like.dtype)


class ReLU(Elementwise):
    name, symbol = "relu", "ReLU"
    rule = "relu routes: downstream = upstream where x > 0, else 0"

    def forward(self, x: Any) -> Any:
        mask = _mask(x > 0, x)
        self.saved = (mask,)
        return x * mask

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class LeakyReLU(Elementwise):
    name, symbol = "leaky_relu", "LReLU"
    rule = "leaky relu: downstream = upstream where x > 0, else slope × upstream"
    params = ("negative_slope",)

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Any:
        mask = _mask(x > 0, x)
        local = mask + (1 - mask) * self.negative_slope
        self.saved = (local,)
        return x * local

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)
