"""The Tensor: an array, its gradient, and a link to the node that made it."""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from minigrad import backend, ops
from minigrad.dtypes import get_default_dtype
from minigrad.graph import PER_THREAD, STATE, Node
from minigrad.op import Op, check_same_backend, failure_message
from minigrad.tensor_ops import TensorOps

Operand = "Tensor | float | int | np.ndarray"


def apply(op: Op, *inputs: Tensor) -> Tensor:
    """Run ``op`` on ``inputs`` and record a graph node when a gradient is needed.

    This is the only place graph nodes are made, so grad mode, scopes, device checks and
    anomaly detection hold for every op alike. It lives beside :class:`Tensor` (as
    ``Function.apply`` does in tinygrad) because it makes Tensors; ops know only arrays.

    Examples
    --------
    >>> import minigrad
    >>> from minigrad import ops
    >>> a = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> y = minigrad.apply(ops.Mul(), a, a)
    >>> y.tolist(), y.node.op.name
    ([1.0, 4.0], 'mul')
    """
    # One and two inputs (almost every op) are spelled out: this runs once per op, and a
    # comprehension costs a frame of its own.
    if len(inputs) == 2:
        x, y = inputs
        arrays = [x.data, y.data]
        first = type(arrays[0])
        if type(arrays[1]) is not first:
            check_same_backend(op, inputs)
        needs = (x.requires_grad, y.requires_grad)
    elif len(inputs) == 1:
        arrays = [inputs[0].data]
        first = type(arrays[0])
        needs = (inputs[0].requires_grad,)
    else:
        arrays = [t.data for t in inputs]
        first = type(arrays[0])
        if any(type(a) is not first for a in arrays):
            check_same_backend(op, inputs)
        needs = tuple([t.requires_grad for t in inputs])
    try:
        out = op.forward(*arrays)
    except (ValueError, TypeError, IndexError) as exc:
        raise type(exc)(failure_message(op, inputs, exc)) from exc
    if type(out) is not first and backend.namespace(out) is backend.np:
        # NumPy gives 0-d results as scalars; remember which one, since backward may have
        # saved it: a gradient graph (create_graph) must know it is the output
        op.scalar_output, out = out, backend.np.asarray(out)
    mode = PER_THREAD.mode
    requires = mode.grad_enabled and True in needs
    node = None
    if requires:
        op.needs = needs
        node = Node(op, inputs, mode.scope_path)
    else:
        op.release()
    if STATE.anomaly:
        from minigrad.anomaly import check_forward

        if node is not None:
            node.created_at = traceback.extract_stack()[:-2]
        check_forward(op, out, node)
    return Tensor._make(out, requires, node)


class Tensor(TensorOps):
    """An n-dimensional array that remembers how it was computed, for backprop.

    Parameters
    ----------
    data : number, nested list, NumPy/CuPy/Array API array, or Tensor
        The values. Python floats and lists of floats become the default dtype (float32);
        arrays keep their dtype unless ``dtype`` is given.
    requires_grad : bool
        Whether backward should compute ``∂loss/∂self`` into ``.grad``.
    name : str, optional
        A label shown by ``repr``, stepping and graphs.
    dtype : str or dtype, optional
        Convert to this dtype (``"float32"``, ``"float64"``, ``"int64"``, …).
    device : str, optional
        ``"cpu"`` (NumPy) or ``"cuda"``/``"cuda:N"`` (CuPy).

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

    __slots__ = ("_hooks", "_node", "_retain", "data", "grad", "name", "requires_grad")
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
        self.data = array
        self.grad: Tensor | None = None
        self.name = name
        self._node: Node | None = None
        self._hooks: list[Callable[[Tensor], Tensor | None]] | None = None
        self._retain = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _make(cls, data: Any, requires_grad: bool, node: Node | None) -> Tensor:
        """Fast constructor for op outputs: no conversion, no checks."""
        t = cls.__new__(cls)
        t.data = data
        t.grad = None
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
        >>> t.data is a, t.dtype
        (True, dtype('float64'))
        """
        return cls._make(array, requires_grad, None)

    # ------------------------------------------------------------------ properties

    @property
    def shape(self) -> tuple[int, ...]:
        """The array's shape, a tuple of ints."""
        return tuple(self.data.shape)

    @property
    def ndim(self) -> int:
        """Number of dimensions."""
        return self.data.ndim

    @property
    def dtype(self) -> Any:
        """The array's dtype (a dtype object of its backend)."""
        return self.data.dtype

    @property
    def device(self) -> str:
        """``"cpu"`` or ``"cuda:N"``."""
        return backend.device_of(self.data)

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

    @property
    def T(self) -> Tensor:  # noqa: N802 (NumPy's name)
        """All axes reversed (NumPy's ``.T``)."""
        return self.permute(*reversed(range(self.ndim)))

    @property
    def mT(self) -> Tensor:  # noqa: N802 (Array API's name)
        """The last two axes swapped (a batch of matrices transposed)."""
        return self.transpose(-2, -1)

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
        return backend.to_numpy(self.data)

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
        return Tensor._make(self.data, False, None)

    def to(self, target: Any) -> Tensor:
        """A copy on another device (``"cpu"``, ``"cuda"``) or with another dtype.

        Differentiable: the gradient flows back to this tensor's device and dtype.

        Examples
        --------
        >>> from minigrad import Tensor
        >>> Tensor([1, 2]).to("float64").dtype
        dtype('float64')
        """
        if isinstance(target, str) and (target == "cpu" or target.startswith("cuda")):
            device = backend.normalize_device(target)
            if device == self.device and backend.namespace(self.data) is np:
                return self
            return apply(ops.Transfer(device), self)
        name = backend.dtype_name(target)
        if name == backend.dtype_name(self.dtype):
            return self
        return apply(ops.Cast(name), self)

    def float(self) -> Tensor:
        """Cast to float32."""
        return self.to("float32")

    def double(self) -> Tensor:
        """Cast to float64."""
        return self.to("float64")

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
        if create_graph:
            from minigrad.higher_order import backward_create_graph

            backward_create_graph(self, grad, retain_graph)
            return
        from minigrad.autograd import run_backward

        for _ in run_backward(self, grad, bool(retain_graph), record=False):
            pass

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
            parts.append(f"device={self.device!r}")
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

    # ------------------------------------------------------------------ arithmetic

    def __add__(self, other: Any) -> Tensor:
        return apply(ops.Add(), self, _lift(other, self))

    def __radd__(self, other: Any) -> Tensor:
        return apply(ops.Add(), _lift(other, self), self)

    def __sub__(self, other: Any) -> Tensor:
        return apply(ops.Sub(), self, _lift(other, self))

    def __rsub__(self, other: Any) -> Tensor:
        return apply(ops.Sub(), _lift(other, self), self)

    def __mul__(self, other: Any) -> Tensor:
        return apply(ops.Mul(), self, _lift(other, self))

    def __rmul__(self, other: Any) -> Tensor:
        return apply(ops.Mul(), _lift(other, self), self)

    def __truediv__(self, other: Any) -> Tensor:
        return apply(ops.Div(), self, _lift(other, self))

    def __rtruediv__(self, other: Any) -> Tensor:
        return apply(ops.Div(), _lift(other, self), self)

    def __neg__(self) -> Tensor:
        return apply(ops.Neg(), self)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            return apply(ops.PowScalar(exponent), self)
        return apply(ops.Pow(), self, _lift(exponent, self))

    def __rpow__(self, base: Any) -> Tensor:
        if isinstance(base, (int, float)) and not isinstance(base, bool) and base > 0:
            return apply(ops.RPowScalar(base), self)
        return apply(ops.Pow(), _lift(base, self), self)

    def __matmul__(self, other: Any) -> Tensor:
        return apply(ops.MatMul(), self, _lift(other, self))

    def __rmatmul__(self, other: Any) -> Tensor:
        return apply(ops.MatMul(), _lift(other, self), self)

    # ------------------------------------------------------------------ comparisons

    def _compare(self, other: Any, fn: Callable[[Any, Any], Any]) -> Tensor:
        return Tensor._make(fn(self.data, _lift(other, self).data), False, None)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(other, lambda a, b: a >= b)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(other, lambda a, b: a != b)

    # ------------------------------------------------------------------ element-wise

    def exp(self) -> Tensor:
        """e ** x, element-wise."""
        return apply(ops.Exp(), self)

    def log(self) -> Tensor:
        """Natural logarithm, element-wise."""
        return apply(ops.Log(), self)

    def sqrt(self) -> Tensor:
        """Square root, element-wise."""
        return apply(ops.Sqrt(), self)

    def abs(self) -> Tensor:
        """Absolute value, element-wise."""
        return apply(ops.Abs(), self)

    def __abs__(self) -> Tensor:
        return self.abs()

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, element-wise."""
        return apply(ops.Tanh(), self)

    def sigmoid(self) -> Tensor:
        """Logistic sigmoid 1 / (1 + e^-x), element-wise (stable for large |x|)."""
        return apply(ops.Sigmoid(), self)

    def relu(self) -> Tensor:
        """max(x, 0), element-wise."""
        return apply(ops.ReLU(), self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """x where x > 0, else negative_slope × x."""
        return apply(ops.LeakyReLU(negative_slope), self)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit values to [min, max]; the gradient is 0 where a bound was applied."""
        return apply(ops.Clip(min, max), self)

    clamp = clip

    def maximum(self, other: Any) -> Tensor:
        """Element-wise maximum with ``other``."""
        return apply(ops.Maximum(), self, _lift(other, self))

    def minimum(self, other: Any) -> Tensor:
        """Element-wise minimum with ``other``."""
        return apply(ops.Minimum(), self, _lift(other, self))

    def pow(self, exponent: Any) -> Tensor:
        """``self ** exponent``."""
        return self**exponent

    # ------------------------------------------------------------------ reductions

    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum over ``axis`` (an int, a tuple, or None for all)."""
        return apply(ops.Sum(axis, keepdims), self)

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis``."""
        return apply(ops.Mean(axis, keepdims), self)

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; ties share the gradient equally."""
        return apply(ops.Max(axis, keepdims), self)

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; ties share the gradient equally."""
        return apply(ops.Min(axis, keepdims), self)

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """log Σ exp(x) over ``axis``, computed without overflow."""
        return apply(ops.LogSumExp(axis, keepdims), self)

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / Σ exp(x) along ``axis``."""
        return apply(ops.Softmax(axis), self)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x − logsumexp(x) along ``axis``."""
        return apply(ops.LogSoftmax(axis), self)

    def argmax(self, axis: int | None = None) -> Tensor:
        """Indices of the maxima (not differentiable)."""
        return Tensor._make(_argmax(self.data, axis), False, None)

    # ------------------------------------------------------------------ shape

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in another shape (one axis may be -1)."""
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self
        return apply(ops.Reshape(shape), self)

    view = reshape

    def flatten(self) -> Tensor:
        """A 1-D view of all the values."""
        return self.reshape(-1)

    def permute(self, *axes: Any) -> Tensor:
        """Reorder the axes (``x.permute(2, 0, 1)``)."""
        return apply(ops.Permute(_shape_arg(axes)), self)

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Tensor:
        """Swap two axes (the last two by default)."""
        if self.ndim < 2:
            raise ValueError(f"transpose needs at least 2 dimensions, this tensor has {self.ndim}")
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return apply(ops.Permute(tuple(axes)), self)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Repeat along size-1 (or new leading) axes to ``shape``; gradients sum back."""
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self
        return apply(ops.BroadcastTo(shape), self)

    expand = broadcast_to

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert a size-1 axis at ``axis``."""
        shape = list(self.shape)
        shape.insert(axis % (self.ndim + 1), 1)
        return self.reshape(tuple(shape))

    def squeeze(self, axis: int | None = None) -> Tensor:
        """Drop size-1 axes (all, or the one at ``axis``)."""
        if axis is None:
            return self.reshape(tuple(n for n in self.shape if n != 1))
        if self.shape[axis] != 1:
            raise ValueError(f"cannot squeeze axis {axis} of size {self.shape[axis]}")
        shape = list(self.shape)
        del shape[axis]
        return self.reshape(tuple(shape))

    def split(self, split_size_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
        """Split along ``axis`` into pieces of a given size (or a list of sizes)."""
        from minigrad.functions import split

        return split(self, split_size_or_sections, axis)

    def __getitem__(self, key: Any) -> Tensor:
        return apply(ops.GetItem(_index_key(key, self)), self)


class _HookHandle:
    """Returned by :meth:`Tensor.register_hook`; ``remove()`` unregisters the hook."""

    def __init__(self, hooks: list[Any], hook: Any) -> None:
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)


# ---------------------------------------------------------------------- helpers


def _to_array(data: Any, dtype: Any) -> Any:
    """Turn user data into a backend array, applying minigrad's dtype defaults."""
    if isinstance(data, Tensor):
        array = data.data
    elif isinstance(data, (bool, int, float, list, tuple)) or isinstance(data, np.generic):
        if isinstance(data, (list, tuple)) and any(isinstance(v, Tensor) for v in data):
            raise TypeError("Tensor() got a list of Tensors; use minigrad.stack(tensors)")
        array = np.asarray(data)
        if array.dtype.kind == "f" and dtype is None and not isinstance(data, np.generic):
            array = array.astype(get_default_dtype())
        elif array.dtype.kind not in "biuf":
            raise TypeError(
                f"cannot make a tensor from {type(data).__name__} data of dtype {array.dtype}"
            )
    elif isinstance(data, np.ndarray):
        if data.dtype.kind not in "biuf":
            raise TypeError(
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


def _lift(value: Any, like: Tensor) -> Tensor:
    """Make ``value`` (a Tensor, Python number or array) a Tensor beside ``like``."""
    if isinstance(value, Tensor):
        return value
    xp = backend.namespace(like.data)
    if isinstance(value, (int, float, bool)):
        dtype = like.dtype if backend.is_floating(like.dtype) or isinstance(value, int) else None
        return Tensor._make(backend.asarray_on(xp, value, dtype=dtype, like=like.data), False, None)
    if isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__"):
        if backend.namespace(value) is not xp:
            value = backend.asarray_on(xp, backend.to_numpy(value), like=like.data)
        return Tensor._make(value, False, None)
    raise TypeError(
        f"cannot combine a Tensor with {type(value).__name__}; use a number, an array or a Tensor"
    )


def _shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(n) for n in shape)


def _index_key(key: Any, like: Tensor) -> Any:
    """Replace Tensors and lists in an index with arrays of ``like``'s backend."""
    if isinstance(key, tuple):
        return tuple(_index_key(k, like) for k in key)
    if isinstance(key, Tensor):
        key = key.data
    if isinstance(key, list):
        key = np.asarray(key)
    if isinstance(key, np.ndarray) or hasattr(key, "__array_namespace__"):
        xp = backend.namespace(like.data)
        if backend.namespace(key) is not xp:
            key = backend.asarray_on(xp, backend.to_numpy(key), like=like.data)
    return key


def _argmax(data: Any, axis: int | None) -> Any:
    xp = backend.namespace(data)
    if axis is None:
        return xp.argmax(xp.reshape(data, (-1,)))
    return xp.argmax(data, axis=axis)
