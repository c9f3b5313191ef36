"""Array services for ops that loop by hand: a kernel table and a buffer pool.

These sit beside :mod:`minigrad.backend` (the engine's other array services) because nothing
in them is about neural networks: :class:`Kernels` gives a hot loop NumPy's ufuncs directly
(and portable stand-ins elsewhere), :class:`BufferPool` recycles big scratch arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Kernels:
    """Array functions with NumPy's ``out=`` signature, for hand-written loops.

    For NumPy they *are* NumPy's ufuncs and ``dot``: a recurrence makes about ten calls per
    time step, and a Python wrapper around each would cost more than the arithmetic at
    min-char-rnn's size. Any other namespace gets portable spellings that assign into ``out``.

    Examples
    --------
    >>> import numpy as np
    >>> k = kernels(np)
    >>> out = np.empty(2)
    >>> k.add(np.ones(2), np.ones(2), out=out)
    array([2., 2.])
    """

    __slots__ = ("add", "matmul", "maximum", "mul", "sub", "tanh")

    def __init__(self, xp: Any) -> None:
        if xp is np:
            self.add, self.sub, self.mul = np.add, np.subtract, np.multiply
            # np.dot, not np.matmul: same BLAS call, ~0.4 µs less dispatch (all operands and
            # outputs here are C-contiguous 2-D slabs, as np.dot's ``out`` requires)
            self.matmul, self.tanh, self.maximum = np.dot, np.tanh, np.maximum
            return

        def matmul(a: Any, b: Any, out: Any) -> None:
            out[...] = a @ b

        def add(a: Any, b: Any, out: Any) -> None:
            out[...] = a + b

        def sub(a: Any, b: Any, out: Any) -> None:
            out[...] = a - b

        def mul(a: Any, b: Any, out: Any) -> None:
            out[...] = a * b

        def tanh(a: Any, out: Any) -> None:
            out[...] = xp.tanh(a)

        def maximum(a: Any, b: float, out: Any) -> None:
            out[...] = xp.where(a > b, a, xp.full_like(a, b))

        self.add, self.sub, self.mul = add, sub, mul
        self.matmul, self.tanh, self.maximum = matmul, tanh, maximum


_KERNELS: dict[int, Kernels] = {}


def kernels(xp: Any) -> Kernels:
    """The (cached) kernels of namespace ``xp``."""
    kernels = _KERNELS.get(id(xp))
    if kernels is None:
        kernels = _KERNELS[id(xp)] = Kernels(xp)
    return kernels


class BufferPool:
    """Reuses big per-call NumPy arrays from one call to the next.

    Ops with large internal arrays (nn's fused recurrences) take them here and give them back
    when their graph is released (after backward, or right after a forward under
    ``no_grad``). A fresh multi-megabyte array costs a page fault per 4 KiB page once the
    allocator has handed the previous one back to the OS: about 1,700 faults, several
    milliseconds, per LSTM train step at batch 32 on a 2-core VM. Arrays of a graph that is
    never released (kept alive, or ``retain_graph=True``) are never given back, so nothing in
    use is ever handed out twice. At most ``per_shape`` arrays of each of the ``shapes`` most
    recent shapes are kept.
    """

    def __init__(self, per_shape: int = 2, shapes: int = 16) -> None:
        self.per_shape, self.shapes = per_shape, shapes
        self._free: dict[tuple[tuple[int, ...], np.dtype], list[np.ndarray]] = {}

    def take(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        free = self._free.get((shape, dtype))
        return free.pop() if free else np.empty(shape, dtype=dtype)

    def give(self, arrays: list[np.ndarray]) -> None:
        for array in arrays:
            key = (array.shape, array.dtype)
            free = self._free.pop(key, [])  # re-inserted last: the dict is oldest-first
            if len(free) < self.per_shape:
                free.append(array)
            self._free[key] = free
        while len(self._free) > self.shapes:
            del self._free[next(iter(self._free))]

    def clear(self) -> None:
        self._free.clear()


POOL = BufferPool()
