"""The Tensor: an array, its gradient, and a link to the node that made it."""

from __future__ import annotations

import math
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np

from minigrad import autograd, backend, ops
from minigrad import op as op_module
from minigrad.dims import AxisError, axis_arg, check_axes, check_axis, keep_arg
from minigrad.dtypes import get_default_dtype, result_type
from minigrad.graph import PER_THREAD, STATE, Node, next_seq
from minigrad.op import Op, check_same_backend, failure_message
from minigrad.tensor_ops import TensorOps

Operand = "Tensor | float | int | np.ndarray"


_new = object.__new__


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
        a, b = x.data, y.data
        arrays = (a, b)
        first = type(a)
        if type(b) is not first:
            check_same_backend(op, inputs)
        needs = (x.requires_grad, y.requires_grad)
    elif len(inputs) == 1:
        (x,) = inputs
        a = x.data
        arrays = (a,)
        first = type(a)
        needs = (x.requires_grad,)
    else:
        arrays = tuple([t.data for t in inputs])
        first = type(arrays[0])
        if any(type(a) is not first for a in arrays):
            check_same_backend(op, inputs)
        needs = tuple([t.requires_grad for t in inputs])
    try:
        out = op.forward(*arrays)
    except (ValueError, TypeError, IndexError) as exc:
        raise type(exc)(failure_message(op, inputs, exc)) from exc
    if type(out) is not first and isinstance(out, np.generic):
        # NumPy gives 0-d results as scalars; remember which one, since backward may have
        # saved it: a gradient graph (create_graph) must know it is the output
        op.scalar_output = out
        out = np.asarray(out)
    mode = PER_THREAD.mode
    requires = mode.grad_enabled and True in needs
    node = None
    if requires:
        op.needs = needs
        # Node() and Tensor._make, inlined: this runs once per op, and calling them measured
        # 5 % slower on the scalar chain. A test checks that every slot is filled.
        node = _new(Node)
        node.op = op
        node.parents = inputs
        node.scope = mode.scope_path
        node.seq = next_seq()
        node.freed = False
    else:
        op.release()
    if STATE.anomaly:
        from minigrad.anomaly import check_forward

        if node is not None:
            node.created_at = traceback.extract_stack()[:-2]
        check_forward(op, out, node)
    t = _new(Tensor)
    t.data = out
    t.grad = None
    t.requires_grad = requires
    t.name = None
    t._node = node
    t._hooks = None
    t._retain = False
    return t


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
        """Fast constructor for op outputs: no conversion, no checks (``apply`` fills the
        same slots inline: keep the two in step)."""
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
        return Tensor._make(self.data, False, None)

    def clone(self) -> Tensor:
        """A copy of the values that stays in the graph (the gradient passes through).

        Examples
        --------
        >>> from minigrad import Tensor
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> y = x.clone()
        >>> y.data is x.data, y.requires_grad
        (False, True)
        """
        return apply(ops.Cast(backend.dtype_name(self.dtype)), self)

    def contiguous(self) -> Tensor:
        """``self``: minigrad's arrays need no memory-layout step (PyTorch's no-op case)."""
        return self

    def to(self, target: Any) -> Tensor:
        """A copy on another device (``"cpu"``, ``"cuda"``) or with another dtype.

        Differentiable between floating dtypes and devices: the gradient flows back to this
        tensor's device and dtype. A cast to an integer or bool dtype is cut from the graph.

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
        if not backend.is_floating(name):
            return _cast(self.detach(), name)
        return apply(ops.Cast(name), self)

    def float(self) -> Tensor:
        """Cast to float32."""
        return self.to("float32")

    def double(self) -> Tensor:
        """Cast to float64."""
        return self.to("float64")

    def long(self) -> Tensor:
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
    # Operands of different dtypes (or Python numbers) promote as in PyTorch, see dtypes.py.
    # The hot path, two tensors of one dtype, checks only that and goes straight to apply.

    def __add__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor) and other.data.dtype is self.data.dtype:
            return apply(ops.Add(), self, other)
        return apply(ops.Add(), *_promote(self, other))

    def __radd__(self, other: Any) -> Tensor:
        b, a = _promote(self, other)
        return apply(ops.Add(), a, b)

    def __sub__(self, other: Any) -> Tensor:
        return apply(ops.Sub(), *_promote(self, other))

    def __rsub__(self, other: Any) -> Tensor:
        b, a = _promote(self, other)
        return apply(ops.Sub(), a, b)

    def __mul__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor) and other.data.dtype is self.data.dtype:
            return apply(ops.Mul(), self, other)
        return apply(ops.Mul(), *_promote(self, other))

    def __rmul__(self, other: Any) -> Tensor:
        b, a = _promote(self, other)
        return apply(ops.Mul(), a, b)

    def __truediv__(self, other: Any) -> Tensor:
        a, b = _promote(self, other)
        return apply(ops.Div(), _floating(a), _floating(b))

    def __rtruediv__(self, other: Any) -> Tensor:
        b, a = _promote(self, other)
        return apply(ops.Div(), _floating(a), _floating(b))

    def __neg__(self) -> Tensor:
        return apply(ops.Neg(), self)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, exponent: Any) -> Tensor:
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            # A tensor that needs a gradient is floating: the number cannot change its dtype.
            base = self if self.requires_grad else _cast(self, result_type(self, exponent))
            return apply(ops.PowScalar(exponent), base)
        return apply(ops.Pow(), *_promote(self, exponent))

    def __rpow__(self, base: Any) -> Tensor:
        exponent, base_t = _promote(self, base)
        if not backend.is_floating(exponent.dtype):  # 2 ** int tensor: integers, no gradient
            return Tensor._make(base_t.data**exponent.data, False, None)
        if isinstance(base, (int, float)) and not isinstance(base, bool) and base > 0:
            return apply(ops.RPowScalar(base), exponent)
        return apply(ops.Pow(), base_t, exponent)

    def __matmul__(self, other: Any) -> Tensor:
        if isinstance(other, Tensor) and other.data.dtype is self.data.dtype:
            return apply(ops.MatMul(), self, other)
        return apply(ops.MatMul(), *_promote(self, other))

    def __rmatmul__(self, other: Any) -> Tensor:
        b, a = _promote(self, other)
        return apply(ops.MatMul(), a, b)

    def add(self, other: Any, alpha: float = 1) -> Tensor:
        """``self + alpha × other`` (PyTorch's ``add``)."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other: Any, alpha: float = 1) -> Tensor:
        """``self − alpha × other`` (PyTorch's ``sub``)."""
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other: Any) -> Tensor:
        """``self × other``."""
        return self * other

    def div(self, other: Any) -> Tensor:
        """``self / other`` (true division: integers give the default float dtype)."""
        return self / other

    def neg(self) -> Tensor:
        """``−self``."""
        return -self

    def matmul(self, other: Any) -> Tensor:
        """``self @ other``."""
        return self @ other

    # ------------------------------------------------------------------ comparisons

    def _compare(self, other: Any, fn: Callable[[Any, Any], Any]) -> Tensor:
        a, b = _promote(self.detach(), other.detach() if isinstance(other, Tensor) else other)
        return Tensor._make(fn(a.data, b.data), False, None)

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
    # Floating functions of an integer or bool tensor compute in the default float dtype.

    def exp(self) -> Tensor:
        """e ** x, element-wise."""
        return apply(ops.Exp(), self if self.requires_grad else _floating(self))

    def log(self) -> Tensor:
        """Natural logarithm, element-wise."""
        return apply(ops.Log(), self if self.requires_grad else _floating(self))

    def sqrt(self) -> Tensor:
        """Square root, element-wise."""
        return apply(ops.Sqrt(), self if self.requires_grad else _floating(self))

    def abs(self) -> Tensor:
        """Absolute value, element-wise."""
        return apply(ops.Abs(), self)

    def __abs__(self) -> Tensor:
        return self.abs()

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, element-wise."""
        return apply(ops.Tanh(), self if self.requires_grad else _floating(self))

    def sigmoid(self) -> Tensor:
        """Logistic sigmoid 1 / (1 + e^-x), element-wise (stable for large |x|)."""
        return apply(ops.Sigmoid(), self if self.requires_grad else _floating(self))

    def relu(self) -> Tensor:
        """max(x, 0), element-wise."""
        return apply(ops.ReLU(), self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """x where x > 0, else negative_slope × x."""
        return apply(ops.LeakyReLU(negative_slope), self)

    def clip(self, min: float | None = None, max: float | None = None) -> Tensor:
        """Limit values to [min, max]; the gradient is 0 where a bound was applied.

        As in PyTorch's ``clamp``, ``min > max`` sets every value to ``max``.
        """
        return apply(ops.Clip(min, max), self)

    clamp = clip

    def maximum(self, other: Any) -> Tensor:
        """Element-wise maximum with ``other``."""
        return apply(ops.Maximum(), *_promote(self, other))

    def minimum(self, other: Any) -> Tensor:
        """Element-wise minimum with ``other``."""
        return apply(ops.Minimum(), *_promote(self, other))

    def pow(self, exponent: Any) -> Tensor:
        """``self ** exponent``."""
        return self**exponent

    # ------------------------------------------------------------------ reductions
    # PyTorch's ``dim``/``keepdim`` and NumPy's ``axis``/``keepdims`` are both accepted
    # (positionally: the axis, then keepdim); see minigrad/dims.py.

    def sum(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Sum over ``dim``/``axis`` (an int, a tuple, or None for all).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(2, 3).sum(dim=1, keepdim=True).shape
        (2, 1)
        """
        axes, keep = _reduce_args(self, "sum", axis, dim, keepdims, keepdim)
        return apply(ops.Sum(axes, keep), self)

    def mean(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Mean over ``dim``/``axis`` (integers are averaged in the default float dtype)."""
        axes, keep = _reduce_args(self, "mean", axis, dim, keepdims, keepdim)
        return apply(ops.Mean(axes, keep), _floating(self))

    def max(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Any:
        """The maximum; with ``dim`` (or a positional axis), ``(values, indices)`` as in PyTorch.

        ``x.max()`` and ``x.max(axis=…)`` (NumPy's keyword) give the values only, and ties share
        the gradient equally. ``x.max(dim)`` gives a named tuple ``(values, indices)`` whose
        values pass the gradient to the element at ``indices`` only, as in PyTorch.
        ``x.max(other_tensor)`` is the element-wise :meth:`maximum`.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(dim=1).indices.tolist(), x.max(axis=1).tolist()
        ([1, 0], [5.0, 7.0])
        """
        return _max_or_min(self, "max", dim, keepdim, axis, keepdims)

    def min(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Any:
        """The minimum; ``(values, indices)`` with ``dim`` (see :meth:`max`)."""
        return _max_or_min(self, "min", dim, keepdim, axis, keepdims)

    def logsumexp(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """log Σ exp(x) over ``dim``/``axis``, computed without overflow (−inf if empty)."""
        axes, keep = _reduce_args(self, "logsumexp", axis, dim, keepdims, keepdim)
        return apply(ops.LogSumExp(axes, keep), _floating(self))

    def softmax(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """exp(x) / Σ exp(x) along ``dim``/``axis`` (default: the last axis)."""
        axis = _one_axis(self, "softmax", axis, dim, default=-1)
        return apply(ops.Softmax(axis), _floating(self))

    def log_softmax(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """x − logsumexp(x) along ``dim``/``axis`` (default: the last axis)."""
        axis = _one_axis(self, "log_softmax", axis, dim, default=-1)
        return apply(ops.LogSoftmax(axis), _floating(self))

    def argmax(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Indices of the maxima (of the flattened tensor when no axis is given)."""
        return _arg_reduce(self, "argmax", axis, dim, keepdims, keepdim)

    def argmin(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Indices of the minima (of the flattened tensor when no axis is given)."""
        return _arg_reduce(self, "argmin", axis, dim, keepdims, keepdim)

    def any(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Whether any value is nonzero, over ``dim``/``axis`` (a bool tensor, no gradient)."""
        return _logical_reduce(self, "any", axis, dim, keepdims, keepdim)

    def all(
        self, dim: Any = None, keepdim: Any = None, *, axis: Any = None, keepdims: Any = None
    ) -> Tensor:
        """Whether every value is nonzero, over ``dim``/``axis`` (a bool tensor, no gradient)."""
        return _logical_reduce(self, "all", axis, dim, keepdims, keepdim)

    # ------------------------------------------------------------------ shape

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
        return self.data.ndim

    def reshape(self, *shape: Any) -> Tensor:
        """The same values in another shape (one axis may be -1)."""
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self
        return apply(ops.Reshape(shape), self)

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Axes ``start_dim`` to ``end_dim`` (all by default) merged into one.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(2, 3, 4).flatten(1).shape
        (2, 12)
        """
        if self.ndim == 0:
            return self.reshape(1)
        start = check_axis("flatten", start_dim, self.shape)
        end = check_axis("flatten", end_dim, self.shape)
        if start > end:
            raise ValueError(
                f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor "
                f"of shape {self.shape}"
            )
        merged = math.prod(self.shape[start : end + 1])
        return self.reshape((*self.shape[:start], merged, *self.shape[end + 1 :]))

    def permute(self, *axes: Any) -> Tensor:
        """Reorder the axes (``x.permute(2, 0, 1)``)."""
        axes = tuple(check_axis("permute", a, self.shape) for a in _shape_arg(axes))
        return apply(ops.Permute(axes), self)

    def transpose(self, dim0: int = -2, dim1: int = -1) -> Tensor:
        """Swap two axes (the last two by default)."""
        if self.ndim < 2:
            raise ValueError(f"transpose needs at least 2 dimensions, this tensor has {self.ndim}")
        axes = list(range(self.ndim))
        dim0, dim1 = (check_axis("transpose", d, self.shape) for d in (dim0, dim1))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return apply(ops.Permute(tuple(axes)), self)

    def t(self) -> Tensor:
        """A matrix transposed; a 0-d or 1-D tensor as it is (PyTorch's ``t``)."""
        if self.ndim > 2:
            raise ValueError(
                f"t() expects a tensor with at most 2 dimensions, this one has shape "
                f"{self.shape}; use transpose(dim0, dim1) or permute"
            )
        return self if self.ndim < 2 else self.transpose(0, 1)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Repeat along size-1 (or new leading) axes to ``shape``; gradients sum back."""
        shape = _shape_arg(shape)
        if shape == self.shape:
            return self
        return apply(ops.BroadcastTo(shape), self)

    expand = broadcast_to

    def unsqueeze(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """Insert a size-1 axis at ``dim``/``axis``."""
        axis = _one_axis(self, "unsqueeze", axis, dim, extra=1)
        shape = list(self.shape)
        shape.insert(axis, 1)
        return self.reshape(tuple(shape))

    def squeeze(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """Drop size-1 axes: all, or those named by ``dim``/``axis`` (an int or a tuple).

        As in PyTorch, naming an axis whose size is not 1 leaves it in place.
        """
        axes = check_axes("squeeze", axis_arg("squeeze", axis, dim), self.shape)
        if axes is None:
            axes = range(self.ndim)
        shape = tuple(n for i, n in enumerate(self.shape) if not (i in axes and n == 1))
        return self.reshape(shape)

    def split(
        self, split_size_or_sections: int | Sequence[int], dim: Any = None, *, axis: Any = None
    ) -> list[Tensor]:
        """Split along ``dim``/``axis`` (default 0) into pieces of a size or a list of sizes."""
        from minigrad.functions import split

        return split(self, split_size_or_sections, dim, axis=axis)

    def __getitem__(self, key: Any) -> Tensor:
        key = _index_key(key, self)
        first, rest = _split_ints(key)
        if rest is not None:  # PyTorch applies integers first, then the array indices
            return apply(ops.GetItem(rest), apply(ops.GetItem(first), self))
        return apply(ops.GetItem(key), self)


op_module.bind_tensor(Tensor)


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


class ValuesIndices(NamedTuple):
    """What ``max(dim)``/``min(dim)`` return, as PyTorch's ``torch.return_types.max``."""

    values: Tensor
    indices: Tensor


def _lift(value: Any, like: Tensor) -> Tensor:
    """Make ``value`` (a Tensor, Python number or array) a Tensor beside ``like``.

    A Python number becomes the dtype PyTorch would give ``like <op> value``.
    """
    if isinstance(value, Tensor):
        return value
    xp = backend.namespace(like.data)
    if isinstance(value, (int, float, bool)):
        return _number(value, like, result_type(like, value))
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__"):
        if backend.namespace(value) is not xp:
            value = backend.asarray_on(xp, backend.to_numpy(value), like=like.data)
        return Tensor._make(value, False, None)
    raise TypeError(
        f"cannot combine a Tensor with {type(value).__name__}; use a number, an array or a Tensor"
    )


def _number(value: bool | int | float, like: Tensor, dtype: Any) -> Tensor:
    """A Python number as a 0-d tensor of ``dtype`` on ``like``'s backend and device."""
    xp = backend.namespace(like.data)
    if isinstance(dtype, str):
        dtype = backend.dtype_of(xp, dtype)
    return Tensor._make(backend.asarray_on(xp, value, dtype=dtype, like=like.data), False, None)


def _promote(a: Tensor, b: Any) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` as tensors of PyTorch's result dtype (see :func:`dtypes.result_type`)."""
    if (type(b) is float or type(b) is int) and backend.is_floating(a.data.dtype):
        return a, _number(b, a, a.data.dtype)  # x * 2.0: the tensor's dtype, no cast
    if isinstance(b, Tensor) and b.data.dtype is a.data.dtype:
        return a, b
    other = _lift(b, a)
    name = result_type(a, b if isinstance(b, (bool, int, float)) else other)
    return _cast(a, name), _cast(other, name)


def _cast(t: Tensor, name: str) -> Tensor:
    """``t`` as dtype ``name``: recorded when ``t`` needs a gradient, a plain copy otherwise."""
    if backend.dtype_name(t.data.dtype) == name:
        return t
    if t.requires_grad:
        return apply(ops.Cast(name), t)
    xp = backend.namespace(t.data)
    return Tensor._make(xp.astype(t.data, backend.dtype_of(xp, name)), False, None)


def _floating(t: Tensor) -> Tensor:
    """``t``, or an integer/bool ``t`` in the default float dtype (as PyTorch's float ops do)."""
    if backend.is_floating(t.data.dtype):
        return t
    return _cast(t, get_default_dtype())


def _reduce_args(
    t: Tensor, op: str, axis: Any, dim: Any, keepdims: Any, keepdim: Any
) -> tuple[Any, bool]:
    """The checked axes (None for all) and keepdims of a reduction, from either spelling."""
    axes = check_axes(op, axis_arg(op, axis, dim), t.shape)
    return axes, keep_arg(op, keepdims, keepdim)


def _one_axis(
    t: Tensor, op: str, axis: Any, dim: Any, default: int | None = None, extra: int = 0
) -> int:
    """The one checked axis of an op that takes exactly one."""
    value = axis_arg(op, axis, dim)
    if value is None:
        if default is None:
            raise TypeError(f"{op}() needs an axis: pass dim= (or axis=)")
        value = default
    return check_axis(op, value, t.shape, extra)


def _max_or_min(t: Tensor, op: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any) -> Any:
    """``t.max(...)``/``t.min(...)``: element-wise, values only, or PyTorch's (values, indices)."""
    if isinstance(dim, Tensor):
        return t.maximum(dim) if op == "max" else t.minimum(dim)
    reduce = ops.Max if op == "max" else ops.Min
    if dim is None:  # no axis, or NumPy's axis=: the values only
        axes, keep = _reduce_args(t, op, axis, dim, keepdims, keepdim)
        return apply(reduce(axes, keep), t)
    index = _arg_reduce(t, "arg" + op, axis, dim, True, None)
    values = _take_along(t, index, check_axis(op, dim, t.shape))
    if not keep_arg(op, keepdims, keepdim) and t.ndim:
        values, index = values.squeeze(dim), index.squeeze(dim)
    return ValuesIndices(values, index)


def _take_along(t: Tensor, index: Tensor, axis: int) -> Tensor:
    """``t``'s elements at ``index`` (``t``'s shape with ``axis`` of size 1) along ``axis``.

    Differentiable through indexing, so the gradient reaches the picked elements only.
    """
    if t.ndim == 0:
        return t
    xp = backend.namespace(t.data)
    key = tuple(
        index.data
        if i == axis
        else xp.reshape(xp.arange(n), tuple(n if j == i else 1 for j in range(t.ndim)))
        for i, n in enumerate(t.shape)
    )
    return apply(ops.GetItem(key), t)


def _arg_reduce(t: Tensor, op: str, axis: Any, dim: Any, keepdims: Any, keepdim: Any) -> Tensor:
    """``argmax``/``argmin`` over one axis, or over the flattened tensor when none is given."""
    axis = axis_arg(op, axis, dim)
    keep = keep_arg(op, keepdims, keepdim)
    xp = backend.namespace(t.data)
    if axis is not None:
        axis = check_axis(op, axis, t.shape)
        if t.ndim == 0:
            return Tensor._make(xp.zeros((), dtype=xp.int64), False, None)
    if t.ndim and (t.shape[axis] if axis is not None else t.numel()) == 0:
        raise AxisError(f"{op}: cannot pick from an axis of size 0 (shape {t.shape})")
    data = t.data if axis is not None else xp.reshape(t.data, (-1,))
    out = getattr(xp, op)(data, axis=axis if axis is not None else 0, keepdims=keep)
    if axis is None and keep:
        out = xp.reshape(out, (1,) * t.ndim)
    return Tensor._make(xp.astype(out, xp.int64), False, None)


def _logical_reduce(t: Tensor, op: str, axis: Any, dim: Any, keepdims: Any, keepdim: Any) -> Tensor:
    """``any``/``all`` as a bool tensor (no gradient)."""
    axes, keep = _reduce_args(t, op, axis, dim, keepdims, keepdim)
    xp = backend.namespace(t.data)
    data = t.data if backend.dtype_name(t.dtype) == "bool" else t.data != 0
    return Tensor._make(getattr(xp, op)(data, axis=axes, keepdims=keep), False, None)


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


def _is_int(k: Any) -> bool:
    return isinstance(k, (int, np.integer)) and not isinstance(k, bool)


def _is_array(k: Any) -> bool:
    return not (k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer)))


def _split_ints(key: Any) -> tuple[Any, Any]:
    """PyTorch's order for an index mixing integers and integer arrays that are not adjacent.

    NumPy counts the integers as array indices and, when slices separate them, moves every
    indexed axis to the front (``x[0, :, [0, 1]]`` of a (2, 3, 4) tensor is (2, 3)); PyTorch
    applies the integers first (giving (3, 2)). Returns ``(integers_key, rest_key)`` to apply
    one after the other, or ``(key, None)`` when NumPy and PyTorch agree.
    """
    items = key if isinstance(key, tuple) else (key,)
    picked = [i for i, k in enumerate(items) if _is_int(k) or _is_array(k)]
    arrays = [k for k in items if _is_array(k)]
    if (
        not arrays
        or not any(_is_int(k) for k in items)
        or picked == list(range(picked[0], picked[-1] + 1))
        or any(backend.dtype_name(k.dtype) == "bool" for k in arrays)
    ):
        return key, None
    first = tuple(slice(None) if _is_array(k) else k for k in items)
    rest = tuple(
        k if _is_array(k) or k is Ellipsis else slice(None) for k in items if not _is_int(k)
    )
    return first, rest
