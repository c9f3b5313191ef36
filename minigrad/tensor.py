"""The Tensor: an array, its gradient, and a link to the node that made it.

This module holds the Tensor's core (construction, properties, conversion, the autograd
entry points); its methods come from the mixins of :mod:`minigrad.methods`, one per op
family. Right after the class is defined it is bound in :mod:`minigrad.op`, whose
:func:`~minigrad.op.apply` makes the outputs of every op.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from minigrad import autograd, backend, inplace, ops
from minigrad.dims import DTypeError, check_axis
from minigrad.dtypes import get_default_dtype
from minigrad.graph import Node
from minigrad.methods import (
    ActivationMethods,
    ArithmeticMethods,
    CompareMethods,
    ConversionMethods,
    ElementwiseMethods,
    IndexMethods,
    InplaceMethods,
    LinalgMethods,
    ReduceMethods,
    ScanMethods,
    ShapeMethods,
)
from minigrad.methods._common import cast
from minigrad.op import apply, bind_tensor

__all__ = ["Tensor", "apply"]


class Tensor(
    ArithmeticMethods,
    ElementwiseMethods,
    ActivationMethods,
    CompareMethods,
    ReduceMethods,
    ScanMethods,
    ShapeMethods,
    IndexMethods,
    LinalgMethods,
    ConversionMethods,
    InplaceMethods,
):
    """An n-dimensional array that remembers how it was computed, for backprop.

    Parameters
    ----------
    data : number, nested list, NumPy/CuPy/Array API array, or Tensor
        The values. Python numbers and lists of them become the default dtype (float32), as
        in PyTorch's ``torch.Tensor`` (``minigrad.tensor`` keeps ints as int64 and bools as
        bool, as ``torch.tensor``); arrays keep their dtype unless ``dtype`` is given.
    requires_grad : bool
        Whether backward should compute ``∂loss/∂self`` into ``.grad``.
    name : str, optional
        A label shown by ``repr``, stepping and graphs.
    dtype : str or dtype, optional
        Convert to this dtype (``"float32"``, ``"float64"``, ``"int64"``, …).
    device : str, optional
        ``"cpu"`` (NumPy) or ``"cuda"``/``"cuda:N"`` (CuPy).

    Attributes
    ----------
    array : NumPy or CuPy array
        The values themselves, as the backend holds them (no copy). ``.data`` is PyTorch's:
        a Tensor cut from the graph that shares this array.
    grad : Tensor or None
        ``∂loss/∂self`` after ``backward()``.

    Examples
    --------
    >>> from minigrad import Tensor
    >>> x = Tensor(-2.0, requires_grad=True, name="x")
    >>> y = Tensor(5.0, requires_grad=True, name="y")
    >>> z = Tensor(-4.0, requires_grad=True, name="z")
    >>> f = (x + y) * z
    >>> f.backward()
    >>> x.grad.item(), y.grad.item(), z.grad.item()
    (-4.0, -4.0, 3.0)
    """

    __slots__ = ("_grad", "_hooks", "_node", "_retain", "array", "name", "requires_grad")
    __array_priority__ = 1000  # so ndarray <op> Tensor defers to Tensor's reflected operators
    __hash__ = object.__hash__  # __eq__ is element-wise, identity stays the hash

    def __init__(
        self,
        data: Any,
        requires_grad: bool = False,
        name: str | None = None,
        dtype: Any = None,
        device: str | None = None,
    ) -> None:
        array = _to_array(data, dtype)
        if device is not None:
            array = backend.to_device(array, device)
        self.array = array
        self._grad: Tensor | None = None
        self.name = name
        self._node: Node | None = None
        self._hooks: list[Callable[[Tensor], Tensor | None]] | None = None
        self._retain = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data: Any, requires_grad: bool, node: Node | None) -> Tensor:
        """Fast constructor for op outputs: no conversion, no checks (``apply`` fills the
        same slots inline: keep the two in step)."""
        t = cls.__new__(cls)
        t.array = data
        t._grad = None
        t.requires_grad = requires_grad
        t.name = None
        t._node = node
        t._hooks = None
        t._retain = False
        return t

    @classmethod
    def from_array(cls, array: Any, requires_grad: bool = False) -> Tensor:
        """Wrap an array of a backend (NumPy, CuPy, …) as a leaf tensor, as it is.

        No copy and no dtype conversion: for arrays a library made itself (zero states,
        masks, targets). Use :func:`minigrad.tensor` for user data.

        Examples
        --------
        >>> import numpy as np
        >>> a = np.zeros(3, dtype=np.float64)
        >>> t = Tensor.from_array(a)
        >>> t.array is a, t.dtype
        (True, dtype('float64'))
        """
        return cls._make(array, requires_grad, None)

    # ------------------------------------------------------------------ properties

    @property
    def data(self) -> Tensor:
        """The values as a tensor cut from the graph, sharing this tensor's array (PyTorch's
        ``.data``).

        Writing into it (``p.data.add_(...)``, ``p.data[0] = 1``) changes this tensor's values
        without being recorded, and without counting a version (as PyTorch, whose ``.data``
        has a version counter of its own): a backward that needs the old values then
        computes with the new ones, silently. ``detach()`` shares the count instead.
        Assigning ``t.data = other`` replaces the values (a Tensor or an array of the same
        backend). The array itself is :attr:`array` (``.numpy()`` gives a NumPy copy from any
        device).

        Examples
        --------
        >>> from minigrad import Tensor
        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> d = w.data
        >>> d.requires_grad, d.array is w.array
        (False, True)
        >>> w.data = Tensor([5.0, 6.0])
        >>> w.tolist(), w.requires_grad
        ([5.0, 6.0], True)
        """
        return _Data._make(self.array, False, None)

    @data.setter
    def data(self, value: Any) -> None:
        if isinstance(value, Tensor):
            value = value.array
        elif not (hasattr(value, "shape") and hasattr(value, "dtype")):
            raise TypeError(
                f"t.data = ... needs a Tensor (or an array), got {type(value).__name__}; "
                "wrap values with minigrad.tensor(...)"
            )
        self.array = value

    @property
    def grad(self) -> Tensor | None:
        """``∂loss/∂self`` after ``backward()`` (``None`` before).

        Assign ``None`` to clear it, or a Tensor of this tensor's shape, dtype and device;
        anything else raises (to zero it, ``t.grad = None`` or ``t.grad.zero_()``).

        Examples
        --------
        >>> from minigrad import Tensor
        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> w.grad = Tensor([0.5, 0.5])
        >>> w.grad.tolist()
        [0.5, 0.5]
        >>> w.grad = 0  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: a tensor's .grad must be a Tensor or None, got int; ...
        """
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    @property
    def _version(self) -> int:
        """How many in-place writes went to this tensor's values (PyTorch's ``_version``):
        backward checks it for the values ops saved."""
        return inplace.version(self.array)

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, a tuple of ints."""
        return tuple(self.array.shape)

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.array.ndim

    @property
    def dtype(self) -> Any:
        """The array's dtype (a dtype object of its backend)."""
        return self.array.dtype

    @property
    def device(self) -> str:
        """``"cpu"`` or ``"cuda:N"``."""
        return backend.device_of(self.array)

    @property
    def node(self) -> Node | None:
        """The graph node that made this tensor (``None`` for leaves)."""
        return self._node

    @property
    def op(self) -> Any:
        """The op that made this tensor (``None`` for leaves)."""
        return None if self._node is None else self._node.op

    @property
    def is_leaf(self) -> bool:
        """True for tensors not made by a recorded op (inputs and parameters)."""
        return self._node is None

    def numel(self) -> int:
        """Number of elements."""
        return math.prod(self.shape)

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor; use .item() for its value")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    # ------------------------------------------------------------------ conversion

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (copied from the GPU if needed; no graph)."""
        return backend.to_numpy(self.array)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """NumPy's conversion protocol, so ``np.asarray(t)`` gives the values (no graph)."""
        array = self.numpy()
        if dtype is not None:
            array = array.astype(dtype, copy=False)
        return array.copy() if copy else array

    def item(self) -> float | int | bool:
        """The value of a one-element tensor as a Python number."""
        if self.numel() != 1:
            raise ValueError(
                f"item() needs a tensor with one element, this one has shape {self.shape}"
            )
        return self.numpy().reshape(()).item()

    def tolist(self) -> Any:
        """The values as (nested) Python lists."""
        return self.numpy().tolist()

    def detach(self) -> Tensor:
        """The same values, cut from the graph (no ``requires_grad``); shares the array."""
        return Tensor._make(self.array, False, None)

    def clone(self) -> Tensor:
        """A copy of the values that stays in the graph (the gradient passes through).

        Examples
        --------
        >>> from minigrad import Tensor
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> y = x.clone()
        >>> y.array is x.array, y.requires_grad
        (False, True)
        """
        return apply(ops.Cast(backend.dtype_name(self.dtype)), self)

    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """A copy on another device (``"cpu"``, ``"cuda"``) and/or with another dtype.

        Takes PyTorch's forms: ``to(device)``, ``to(dtype)``, ``to(device, dtype)``,
        ``to(other)`` (other's device and dtype) and the keywords ``device=``, ``dtype=``
        (``non_blocking=`` and ``copy=`` are accepted; ``copy=True`` always copies).
        Differentiable between floating dtypes and devices: the gradient flows back to this
        tensor's device and dtype. A cast to an integer or bool dtype is cut from the graph.
        Without a change, the tensor itself is returned, as in PyTorch.

        Examples
        --------
        >>> import minigrad
        >>> from minigrad import Tensor
        >>> Tensor([1, 2]).to("float64").dtype
        dtype('float64')
        >>> Tensor([1, 2]).to("cpu", minigrad.float16).dtype
        dtype('float16')
        >>> Tensor([1.0]).to(Tensor([1], dtype="int64")).dtype
        dtype('int64')
        """
        device, dtype, copy = _to_arguments(args, kwargs)
        out = self
        if device is not None:
            device = backend.normalize_device(device)
            if device != self.device or backend.namespace(self.array) is not np:
                out = apply(ops.Transfer(device), out)
        if dtype is not None:
            name = backend.dtype_name(dtype)
            if name != backend.dtype_name(out.dtype):
                if not backend.is_floating(name):
                    out = cast(out.detach(), name)
                else:
                    out = apply(ops.Cast(name), out)
        if copy and out is self:
            out = self.clone()
        return out

    def float(self, memory_format: Any = None) -> Tensor:
        """Cast to float32 (``memory_format`` is accepted: minigrad has one layout)."""
        return self.to("float32")

    def double(self, memory_format: Any = None) -> Tensor:
        """Cast to float64 (``memory_format`` is accepted: minigrad has one layout)."""
        return self.to("float64")

    def long(self, memory_format: Any = None) -> Tensor:
        """Cast to int64 (cut from the graph: integers carry no gradient)."""
        return self.to("int64")

    # ------------------------------------------------------------------ autograd

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaves only); returns ``self``."""
        if self._node is not None and not requires_grad:
            raise RuntimeError(
                "requires_grad_(False) on a tensor made by an op; use .detach() to cut it from "
                "the graph"
            )
        if requires_grad and not backend.is_floating(self.dtype):
            raise TypeError(
                f"only floating-point tensors can require gradients, this one is "
                f"{backend.dtype_name(self.dtype)}; create it with dtype='float32' or float values"
            )
        self.requires_grad = bool(requires_grad)
        return self

    def backward(
        self, grad: Any = None, retain_graph: bool | None = None, create_graph: bool = False
    ) -> None:
        """Backpropagate from this tensor: fill ``.grad`` of every leaf that requires it.

        Leaf gradients *accumulate* across calls, as in PyTorch: zero them (or set them to
        ``None``) between training steps. The graph's saved arrays are freed unless
        ``retain_graph=True``; a second backward through a freed graph raises.

        Parameters
        ----------
        grad : Tensor or array-like, optional
            ∂L/∂self. Required unless this tensor has one element (then it is 1).
        retain_graph : bool, optional
            Keep the saved arrays so backward can run through this graph again (default:
            the value of ``create_graph``).
        create_graph : bool
            Record the backward pass itself as a graph, so the gradients in ``.grad`` can
            be differentiated again (see :func:`minigrad.grad`).

        Examples
        --------
        >>> from minigrad import Tensor
        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> (w * w).sum().backward()
        >>> w.grad.tolist()
        [2.0, 4.0]
        """
        autograd.backward(self, grad, retain_graph, create_graph)

    def retain_grad(self) -> Tensor:
        """Ask backward to store ``.grad`` on this non-leaf tensor too; returns ``self``."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retain = True
        return self

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> _HookHandle:
        """Call ``hook(grad)`` when this tensor's gradient is complete in backward.

        The hook may return a replacement gradient (a Tensor or array of the same shape).
        Returns a handle whose ``remove()`` unregisters it.

        Examples
        --------
        >>> from minigrad import Tensor
        >>> x = Tensor(3.0, requires_grad=True)
        >>> seen = []
        >>> handle = x.register_hook(lambda g: seen.append(g.item()))
        >>> (x * 2).backward()
        >>> seen
        [2.0]
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook() on a tensor that does not require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _HookHandle(self._hooks, hook)

    # ------------------------------------------------------------------ repr

    def __repr__(self) -> str:
        values = np.array2string(
            self.numpy(),
            precision=4,
            separator=", ",
            threshold=20,
            edgeitems=3,
            suppress_small=True,
        )
        parts = [values.replace("\n", "\n       ")]
        if backend.dtype_name(self.dtype) not in (get_default_dtype(), "int64", "bool"):
            parts.append(f"dtype={backend.dtype_name(self.dtype)}")
        if self.device != "cpu":
            parts.append(f"device={str(self.device)!r}")
        if self._node is not None:
            parts.append(f"op={self._node.op.name}")
        elif self.requires_grad:
            parts.append("requires_grad=True")
        if self.grad is not None:
            grad = np.array2string(
                self.grad.numpy(),
                precision=4,
                separator=", ",
                threshold=20,
                edgeitems=3,
                suppress_small=True,
            )
            parts.append("grad=" + grad.replace("\n", "\n" + " " * 12))
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        return f"Tensor({', '.join(parts)})"

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise ValueError(
                f"the truth value of a tensor with {self.numel()} elements is ambiguous; "
                "use (t).any() / (t).all() style reductions or .item()"
            )
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __format__(self, spec: str) -> str:
        if spec and self.numel() == 1:
            return format(self.item(), spec)
        return format(repr(self), spec)

    # ------------------------------------------------------------------ size

    def size(self, dim: int | None = None) -> Any:
        """The shape (a tuple), or the length of axis ``dim`` (PyTorch's ``size``).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(2, 3).size(), minigrad.zeros(2, 3).size(-1)
        ((2, 3), 3)
        """
        if dim is None:
            return self.shape
        return self.shape[check_axis("size", dim, self.shape)] if self.ndim else 1

    def dim(self) -> int:
        """Number of dimensions (PyTorch's name for ``ndim``)."""
        return self.array.ndim


class _Data(Tensor):
    """What ``.data`` returns: a tensor sharing the values whose in-place writes are not
    counted (PyTorch's ``.data`` has a version counter of its own)."""

    __slots__ = ()
    _tracks_versions = False


def _check_grad(t: Tensor, value: Any) -> None:
    who = f"{t.name!r}" if t.name else "a tensor"
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{who}'s .grad must be a Tensor or None, got {type(value).__name__}; to clear it "
            "write t.grad = None, to zero it t.grad.zero_()"
        )
    if value.shape != t.shape:
        raise RuntimeError(
            f"cannot assign a gradient of shape {value.shape} to {who} of shape {t.shape}: "
            "a gradient has its tensor's shape"
        )
    if backend.dtype_name(value.dtype) != backend.dtype_name(t.dtype):
        raise RuntimeError(
            f"cannot assign a gradient of dtype {backend.dtype_name(value.dtype)} to {who} of "
            f"dtype {backend.dtype_name(t.dtype)}; convert it first (g.to("
            f"'{backend.dtype_name(t.dtype)}'))"
        )
    if value.device != t.device:
        raise RuntimeError(
            f"cannot assign a gradient on {value.device} to {who} on {t.device}; move it first "
            f"(g.to('{t.device}'))"
        )


class _HookHandle:
    """Returned by :meth:`Tensor.register_hook`; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# ---------------------------------------------------------------------- helpers


def _is_device(value: Any) -> bool:
    return isinstance(value, str) and (value == "cpu" or value.startswith("cuda"))


def _to_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, bool]:
    """``Tensor.to``'s arguments as (device, dtype, copy), in any of PyTorch's forms."""
    unknown = set(kwargs) - {"device", "dtype", "non_blocking", "copy", "memory_format"}
    if unknown or len(args) > 2:
        raise TypeError(
            f"to() takes a device, a dtype, both, or a tensor (and device=, dtype=, copy=); "
            f"got {len(args)} positional argument(s) and {sorted(unknown) or 'no other'} keywords"
        )
    device, dtype = kwargs.get("device"), kwargs.get("dtype")
    for value in args:
        if isinstance(value, Tensor):
            device, dtype = value.device, value.dtype
        elif _is_device(value):
            device = value
        else:
            dtype = value
    return device, dtype, bool(kwargs.get("copy", False))


def _to_array(data: Any, dtype: Any, infer: bool = False) -> Any:
    """Turn user data into a backend array, applying minigrad's dtype defaults.

    Python numbers become the default float (the ``Tensor`` constructor's rule), or, with
    ``infer``, keep their kind: ints int64, bools bool (``minigrad.tensor``'s rule)."""
    if isinstance(data, Tensor):
        array = data.array
    elif isinstance(data, (bool, int, float, list, tuple)) or isinstance(data, np.generic):
        if isinstance(data, (list, tuple)) and any(isinstance(v, Tensor) for v in data):
            raise TypeError("Tensor() got a list of Tensors; use minigrad.stack(tensors)")
        array = np.asarray(data)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"cannot make a tensor from {type(data).__name__} data of dtype {array.dtype}"
            )
        keeps_kind = infer and array.dtype.kind != "f"
        if dtype is None and not isinstance(data, np.generic) and not keeps_kind:
            # PyTorch's Tensor(...) constructor: Python numbers of any kind become the default
            # float (torch.Tensor([0]) is float32); minigrad.tensor([0]) infers int64, as
            # torch.tensor does
            array = array.astype(get_default_dtype())
    elif isinstance(data, np.ndarray):
        if data.dtype.kind not in "biuf":
            raise DTypeError(
                f"cannot make a tensor from a NumPy array of dtype {data.dtype}; use numbers"
            )
        array = data
    else:
        backend.namespace(data)  # raises a clear TypeError for unsupported data
        array = data
    if dtype is not None:
        xp = backend.namespace(array)
        array = xp.astype(array, backend.dtype_of(xp, backend.dtype_name(dtype)))
    return array


bind_tensor(Tensor)
