"""Ops that move values around without arithmetic: reshape, permute, broadcast, indexing,
concat, stack, dtype casts and device copies. The gradient moves back the same way.
"""

from __future__ import annotations

import math
from typing import Any

from minigrad import backend
from minigrad.backend import namespace, reshape
from minigrad.dims import ShapeError
from minigrad.op import Op


class Reshape(Op):
    name, symbol = "reshape", "reshape"
    rule = "reshape: the gradient is reshaped back to the input's shape"
    local_rules = ("upstream reshaped to the shape of {0}",)
    params = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: Any) -> Any:
        self.in_shape = tuple(x.shape)
        known = math.prod(n for n in self.shape if n != -1)
        if (
            list(self.shape).count(-1) > 1
            or (-1 not in self.shape and known != x.size)
            or (-1 in self.shape and (known == 0 or x.size % known))
        ):
            raise ShapeError(f"cannot reshape {self.in_shape} ({x.size} elements) to {self.shape}")
        return reshape(x, self.shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (reshape(grad, self.in_shape),)


class Permute(Op):
    name, symbol = "permute", "perm"
    rule = "permute: the gradient's axes are permuted back"
    local_rules = ("upstream with its axes permuted back to those of {0}",)
    params = ("axes",)

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes

    def forward(self, x: Any) -> Any:
        if sorted(a % max(x.ndim, 1) for a in self.axes) != list(range(x.ndim)):
            raise ShapeError(
                f"axes {self.axes} are not a permutation of a {x.ndim}-D tensor's axes"
            )
        self.axes = tuple(a % x.ndim for a in self.axes)
        return namespace(x).permute_dims(x, self.axes)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        inverse = tuple(sorted(range(len(self.axes)), key=self.axes.__getitem__))
        return (namespace(grad).permute_dims(grad, inverse),)


class BroadcastTo(Op):
    name, symbol = "broadcast_to", "expand"
    rule = "expand copies: the copies' gradients are summed back (the copy rule)"
    local_rules = ("upstream summed over the axes {0} was broadcast along",)
    params = ("shape",)

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: Any) -> Any:
        return namespace(x).broadcast_to(x, self.shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (grad,)  # the driver sums the broadcast axes back, as for every op


def _is_basic_key(key: Any) -> bool:
    """True when indexing uses only ints, slices, None and Ellipsis (no repeated elements)."""
    items = key if isinstance(key, tuple) else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (int, slice)) for k in items)


class GetItem(Op):
    name, symbol = "getitem", "[ ]"
    linear_in = (0,)
    rule = "indexing routes: picked elements get the upstream gradient, repeats add up"
    local_rules = (
        "upstream written back at the picked positions of {0} (repeats add), 0 elsewhere",
    )

    def __init__(self, key: Any) -> None:
        self.key = key
        self.basic = _is_basic_key(key)
        self.positions: Any = None
        if self.basic:
            # The Array API requires an index to name every axis (NumPy pads with ``:``);
            # a trailing Ellipsis means the same in both, so x[1] works on every backend.
            items = key if isinstance(key, tuple) else (key,)
            self._basic_key = items if Ellipsis in items else (*items, Ellipsis)
            # Assignment may not take None (new axes): backward writes through the key without
            # them and drops the new size-1 axes from the gradient instead.
            self._new_axes = None in items
            self._set_key = tuple(k for k in self._basic_key if k is not None)

    def describe(self) -> str:
        return f"getitem[{_format_key(self.key)}]"

    def forward(self, x: Any) -> Any:
        self.in_shape = tuple(x.shape)
        if self.basic:
            return x[self._basic_key]
        xp = namespace(x)
        if backend.has_fancy_indexing(xp):
            return x[self.key]
        # The Array API has no NumPy-style advanced indexing (integer arrays beside slices,
        # masks): gather through the flat positions the key selects, computed on the host.
        positions = _flat_positions(self.in_shape, self.key)
        self.positions = backend.asarray_on(xp, positions.reshape(-1), like=x)
        flat = xp.take(reshape(x, (-1,)), self.positions, axis=0)
        return reshape(flat, positions.shape)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        xp = namespace(grad)
        if self.positions is not None:
            size = math.prod(self.in_shape)
            full = xp.zeros((size,), dtype=grad.dtype)
            summed = backend.scatter_add(full, self.positions, reshape(grad, (-1,)))
            return (reshape(summed, self.in_shape),)
        full = xp.zeros(self.in_shape, dtype=grad.dtype)
        if self.basic:
            if self._new_axes:
                grad = reshape(grad, tuple(full[self._set_key].shape))
            full[self._set_key] = grad
            return (full,)
        return (backend.scatter_add(full, self.key, grad),)


def _flat_positions(shape: tuple[int, ...], key: Any) -> Any:
    """The flat (row-major) positions ``x[key]`` reads, as a NumPy array of the result's shape."""
    items = key if isinstance(key, tuple) else (key,)
    host = tuple(
        k if k is None or isinstance(k, (int, slice)) or k is Ellipsis else backend.to_numpy(k)
        for k in items
    )
    return backend.np.arange(math.prod(shape)).reshape(shape)[host]


def _format_key(key: Any) -> str:
    items = key if isinstance(key, tuple) else (key,)
    parts = []
    for k in items:
        if isinstance(k, slice):
            parts.append(
                ":".join("" if v is None else str(v) for v in (k.start, k.stop))
                + (f":{k.step}" if k.step is not None else "")
            )
        elif k is Ellipsis:
            parts.append("...")
        elif k is None:
            parts.append("None")
        elif isinstance(k, int):
            parts.append(str(k))
        else:
            parts.append(f"<{getattr(k, 'shape', '?')} indices>")
    return ", ".join(parts)


class Concat(Op):
    name, symbol = "concat", "concat"
    rule = "concat routes: each input gets its slice of the upstream gradient"
    local_rules = ("the slice of upstream that {i} filled",)
    params = ("axis",)

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def forward(self, *arrays: Any) -> Any:
        ndim = arrays[0].ndim
        if ndim == 0:
            raise ShapeError("concat needs tensors with at least one dimension; use stack")
        self.axis %= ndim
        self.sizes = [a.shape[self.axis] for a in arrays]
        return namespace(arrays[0]).concat(arrays, axis=self.axis)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        grads, start = [], 0
        lead = (slice(None),) * self.axis
        for size in self.sizes:
            # The trailing Ellipsis names the remaining axes, as the Array API requires.
            grads.append(grad[(*lead, slice(start, start + size), Ellipsis)])
            start += size
        return tuple(grads)


class Stack(Op):
    name, symbol = "stack", "stack"
    rule = "stack routes: each input gets its slice of the upstream gradient"
    local_rules = ("the slice of upstream that {i} filled",)
    params = ("axis",)

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def forward(self, *arrays: Any) -> Any:
        self.axis %= arrays[0].ndim + 1
        return namespace(arrays[0]).stack(arrays, axis=self.axis)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        lead = (slice(None),) * self.axis
        return tuple(grad[(*lead, i, Ellipsis)] for i in range(grad.shape[self.axis]))


class Cast(Op):
    name, symbol = "cast", "cast"
    rule = "cast: the gradient is cast back to the input's dtype"
    local_rules = ("upstream cast back to the dtype of {0}",)
    params = ("dtype_name",)

    def __init__(self, dtype_name: str) -> None:
        self.dtype_name = dtype_name

    def forward(self, x: Any) -> Any:
        xp = namespace(x)
        self.in_dtype = x.dtype
        return xp.astype(x, backend.dtype_of(xp, self.dtype_name))

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (namespace(grad).astype(grad, self.in_dtype),)


class Transfer(Op):
    name, symbol = "to", "to"
    linear_in = (0,)
    rule = "device copy: the gradient is copied back to the input's device"
    local_rules = ("upstream copied back to the device of {0}",)
    params = ("device",)

    def __init__(self, device: str) -> None:
        self.device = device

    def forward(self, x: Any) -> Any:
        self.source = backend.device_of(x)
        return backend.to_device(x, self.device)

    def backward(self, grad: Any) -> tuple[Any, ...]:
        return (backend.to_device(grad, self.source),)
