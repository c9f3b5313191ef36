"""Element-wise functions of one input: downstream = upstream × f'(x)."""

from __future__ import annotations

from typing import Any

from minigrad.backend import namespace
from minigrad.op import Op


class Exp(Op):
    name, symbol = "exp", "exp"
    rule = "exp: downstream = upstream × exp(x) (the output itself)"

    def forward(self, x: Any) -> Any:
        out = namespace(x).exp(x)
        self.saved = (out,)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad * self.saved[0],)

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class Log(Op):
    name, symbol = "log", "log"
    rule = "log: downstream = upstream / x"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return namespace(x).log(x)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad / self.saved[0],)

    def local_grads(self) -> tuple[Any, ...]:
        return (1.0 / self.saved[0],)


class Sqrt(Op):
    name, symbol = "sqrt", "√"
    rule = "sqrt: downstream = upstream / (2·√x)"

    def forward(self, x: Any) -> Any:
        out = namespace(x).sqrt(x)
        self.saved = (out,)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad / (2 * self.saved[0]),)

    def local_grads(self) -> tuple[Any, ...]:
        return (1.0 / (2 * self.saved[0]),)


class Abs(Op):
    name, symbol = "abs", "|x|"
    rule = "abs: downstream = upstream × sign(x) (0 at x = 0)"

    def forward(self, x: Any) -> Any:
        self.saved = (x,)
        return namespace(x).abs(x)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad * namespace(grad).sign(self.saved[0]),)

    def local_grads(self) -> tuple[Any, ...]:
        return (namespace(self.saved[0]).sign(self.saved[0]),)


class Tanh(Op):
    name, symbol = "tanh", "tanh"
    rule = "tanh: downstream = upstream × (1 − tanh²(x))"

    def forward(self, x: Any) -> Any:
        out = namespace(x).tanh(x)
        self.saved = (out,)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        out = self.saved[0]
        return (grad * (1 - out * out),)

    def local_grads(self) -> tuple[Any, ...]:
        out = self.saved[0]
        return (1 - out * out,)


def sigmoid_array(x: Any) -> Any:
    """Numerically stable logistic function: σ(x) = ½(1 + tanh(x/2)), no overflow."""
    return 0.5 * (namespace(x).tanh(0.5 * x) + 1)


class Sigmoid(Op):
    name, symbol = "sigmoid", "σ"
    rule = "sigmoid: downstream = upstream × σ(x)(1 − σ(x))"

    def forward(self, x: Any) -> Any:
        out = sigmoid_array(x)
        self.saved = (out,)
        return out

    def backward(self, grad: Any) -> tuple[Any, ...]:
        out = self.saved[0]
        return (grad * out * (1 - out),)

    def local_grads(self) -> tuple[Any, ...]:
        out = self.saved[0]
        return (out * (1 - out),)


def _mask(condition: Any, like: Any) -> Any:
    return namespace(like).astype(condition, like.dtype)


class ReLU(Op):
    name, symbol = "relu", "ReLU"
    rule = "relu routes: downstream = upstream where x > 0, else 0"

    def forward(self, x: Any) -> Any:
        mask = _mask(x > 0, x)
        self.saved = (mask,)
        return x * mask

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad * self.saved[0],)

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)


class LeakyReLU(Op):
    name, symbol = "leaky_relu", "LReLU"
    rule = "leaky relu: downstream = upstream where x > 0, else slope × upstream"

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = negative_slope

    def describe(self) -> str:
        return f"leaky_relu({self.negative_slope:g})"

    def forward(self, x: Any) -> Any:
        mask = _mask(x > 0, x)
        local = mask + (1 - mask) * self.negative_slope
        self.saved = (local,)
        return x * local

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad * self.saved[0],)

    def local_grads(self) -> tuple[Any, ...]:
        return (self.saved[0],)
