"""A minimal micrograd-style scalar autograd ``Value``, the pure-Python reference for speed.

This is our own small reimplementation of the idea in karpathy/micrograd (``engine.py``), kept
to what the engine-overhead benchmark needs: ``+``, ``*`` and ``tanh`` on Python floats, and a
backward pass. Unlike the original it orders the graph without recursion (an explicit stack), so
chains of tens of thousands of ops backpropagate, and its children are a tuple (deterministic
order). It is a yardstick, not part of minigrad.
"""

from __future__ import annotations

import math


class Value:
    """A Python float that records how it was computed."""

    __slots__ = ("_backward", "_prev", "data", "grad")

    def __init__(self, data: float, _prev: tuple[Value, ...] = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._prev = _prev
        self._backward = _noop

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other))

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other))

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = Value(t, (self,))

        def _backward() -> None:
            self.grad += (1.0 - t * t) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        """Topological order by an explicit post-order walk, then the chain rule in reverse."""
        order: list[Value] = []
        visited: set[int] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            v, expanded = stack.pop()
            if expanded:
                order.append(v)
                continue
            if id(v) in visited:
                continue
            visited.add(id(v))
            stack.append((v, True))
            for child in v._prev:
                if id(child) not in visited:
                    stack.append((child, False))
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


def _noop() -> None:
    pass
