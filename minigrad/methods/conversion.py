"""Conversion methods: dtype questions and casts (``is_floating_point``, ``type``, ``int``,
``half`` …), device moves (``cpu``, ``cuda``), ``__index__``, and the ``new_*`` constructors
that make a tensor with this one's dtype and device.

None of these is an op: a cast or a move goes through :meth:`Tensor.to` (recorded when it is
differentiable), and the ``new_*`` tensors are new leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend
from minigrad import op as _op
from minigrad.dims import DTypeError
from minigrad.methods._common import shape_arg

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor

TYPE_NAMES = {
    "float16": "HalfTensor",
    "float32": "FloatTensor",
    "float64": "DoubleTensor",
    "int8": "CharTensor",
    "int16": "ShortTensor",
    "int32": "IntTensor",
    "int64": "LongTensor",
    "uint8": "ByteTensor",
    "bool": "BoolTensor",
}
"""PyTorch's legacy type name of each dtype (``float32`` → ``FloatTensor``)."""

_DTYPES_OF_TYPES = {name: dtype for dtype, name in TYPE_NAMES.items()}


def parse_type_string(text: str) -> tuple[str, str | None]:
    """``(dtype name, device or None)`` of a type string such as ``"torch.cuda.LongTensor"``.

    The prefix may be ``torch.``, ``minigrad.`` or nothing; a ``cuda.`` part asks for the GPU,
    none for the CPU (so the device is ``"cpu"`` or ``"cuda"``). Anything else is not a type
    string: ``None`` comes back for the device and the text itself for the dtype.

    Examples
    --------
    >>> parse_type_string("torch.cuda.LongTensor"), parse_type_string("FloatTensor")
    (('int64', 'cuda'), ('float32', 'cpu'))
    """
    parts = text.split(".")
    if parts[-1] not in _DTYPES_OF_TYPES:
        return text, None
    prefix = parts[:-1]
    if prefix and prefix[0] in ("torch", "minigrad"):
        prefix = prefix[1:]
    if prefix not in ([], ["cuda"]):
        raise ValueError(f"invalid type string {text!r}: use e.g. 'torch.FloatTensor'")
    return _DTYPES_OF_TYPES[parts[-1]], "cuda" if prefix else "cpu"


class ConversionMethods:
    """Dtype questions, casts, device moves and the ``new_*`` constructors."""

    __slots__ = ()

    # ------------------------------------------------------------------ dtype

    def is_floating_point(self: Tensor) -> bool:
        """Whether the dtype is a floating-point one (float16, float32, float64).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(2).is_floating_point(), minigrad.arange(2).is_floating_point()
        (True, False)
        """
        return backend.is_floating(self.array.dtype)

    def type(self: Tensor, dtype: Any = None, non_blocking: bool = False, **kwargs: Any) -> Any:
        """PyTorch's type string (``'torch.FloatTensor'``) without an argument; with a dtype,
        a dtype name or a type string, this tensor cast to it (as :meth:`to`).

        The strings are PyTorch's own (``torch.``, ``torch.cuda.`` on a GPU), so code that
        compares them keeps working; ``minigrad.LongTensor`` … are accepted as well. A type
        string names a device as well: ``'torch.FloatTensor'`` brings a GPU tensor to the CPU,
        as in PyTorch. ``non_blocking`` is accepted and ignored.

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.zeros(2)
        >>> x.type(), x.type("torch.LongTensor").dtype, x.type(minigrad.float64).type()
        ('torch.FloatTensor', dtype('int64'), 'torch.DoubleTensor')
        """
        if dtype is None:
            name = backend.dtype_name(self.array.dtype)
            if name not in TYPE_NAMES:
                raise DTypeError(f"dtype {name} has no PyTorch type string")
            device = self.device
            prefix = "torch.cuda." if device.startswith("cuda") else "torch."
            return prefix + TYPE_NAMES[name]
        if not isinstance(dtype, str):
            return self.to(dtype)
        name, device = parse_type_string(dtype)
        result = self.to(name)
        if device is not None and not self.device.startswith(device):
            result = result.to(device)
        return result

    def half(self: Tensor, memory_format: Any = None) -> Tensor:
        """Cast to float16 (differentiable)."""
        return self.to("float16")

    def int(self: Tensor, memory_format: Any = None) -> Tensor:
        """Cast to int32 (cut from the graph: integers carry no gradient)."""
        return self.to("int32")

    def short(self: Tensor, memory_format: Any = None) -> Tensor:
        """Cast to int16 (cut from the graph)."""
        return self.to("int16")

    def char(self: Tensor, memory_format: Any = None) -> Tensor:
        """Cast to int8 (cut from the graph)."""
        return self.to("int8")

    def byte(self: Tensor, memory_format: Any = None) -> Tensor:
        """Cast to uint8 (cut from the graph)."""
        return self.to("uint8")

    def bool(self: Tensor, memory_format: Any = None) -> Tensor:
        """Cast to bool (cut from the graph)."""
        return self.to("bool")

    # ------------------------------------------------------------------ device

    def cpu(self: Tensor) -> Tensor:
        """This tensor on the CPU (itself when it is there already; differentiable)."""
        return self.to("cpu")

    def cuda(self: Tensor, device: Any = None, non_blocking: bool = False) -> Tensor:
        """This tensor on a GPU (``device``: an index, ``"cuda:N"`` or a :class:`device`;
        GPU 0 by default). Needs CuPy; differentiable."""
        if device is None:
            device = "cuda"
        elif isinstance(device, int) and not isinstance(device, bool):
            device = f"cuda:{device}"
        return self.to(backend.device(device))

    def __index__(self: Tensor) -> int:
        """The value of a one-element integer (or bool) tensor as an int, so a tensor can
        index a list or size a ``range``, as in PyTorch.

        Examples
        --------
        >>> import minigrad
        >>> "abc"[minigrad.tensor(1)], list(range(minigrad.tensor(2)))
        ('b', [0, 1])
        """
        if self.array.dtype.kind not in "iub" or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    # ------------------------------------------------------------------ new_*

    def new_tensor(
        self: Tensor,
        data: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """A new leaf tensor of ``data`` (always a copy), with this tensor's dtype and device
        unless given (PyTorch's ``new_tensor``: an integer list beside a float tensor becomes
        floats).

        Examples
        --------
        >>> import minigrad
        >>> minigrad.zeros(2, dtype="float64").new_tensor([1, 2]).dtype
        dtype('float64')
        """
        if isinstance(data, _op.Tensor):
            data = data.array
        host = np.array(backend.to_numpy(data) if hasattr(data, "__array_namespace__") else data)
        return self._new(host, dtype, device, requires_grad, "new_tensor")

    def new_full(
        self: Tensor,
        size: Any,
        fill_value: Any,
        *,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """A new tensor of ``size`` filled with ``fill_value``, with this tensor's dtype and
        device unless given.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.arange(3).new_full((2,), 7).tolist()
        [7, 7]
        """
        shape = (size,) if isinstance(size, int) else shape_arg(tuple(size))
        return self._new(np.full(shape, fill_value), dtype, device, requires_grad, "new_full")

    def new_zeros(
        self: Tensor,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Zeros of ``size`` (``new_zeros(2, 3)`` or ``new_zeros((2, 3))``), with this
        tensor's dtype and device unless given.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(1, dtype="float64").new_zeros(2, 3).dtype
        dtype('float64')
        """
        return self.new_full(
            shape_arg(size), 0, dtype=dtype, device=device, requires_grad=requires_grad
        )

    def new_ones(
        self: Tensor,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Ones of ``size``, with this tensor's dtype and device unless given.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.arange(3).new_ones(2).tolist()
        [1, 1]
        """
        return self.new_full(
            shape_arg(size), 1, dtype=dtype, device=device, requires_grad=requires_grad
        )

    def new_empty(
        self: Tensor,
        *size: Any,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """A tensor of ``size`` with this tensor's dtype and device unless given. PyTorch
        leaves the values uninitialised; minigrad fills zeros.

        Examples
        --------
        >>> import minigrad
        >>> minigrad.ones(1).new_empty(2).shape
        (2,)
        """
        return self.new_full(
            shape_arg(size), 0, dtype=dtype, device=device, requires_grad=requires_grad
        )

    def _new(
        self: Tensor, host: np.ndarray, dtype: Any, device: Any, requires_grad: bool, name: str
    ) -> Tensor:
        """``host`` (a NumPy array) as a new leaf of ``dtype`` on ``device`` (defaults: this
        tensor's), on this tensor's backend when it stays on this device."""
        if host.dtype.kind not in "biuf":
            raise DTypeError(f"{name}: cannot make a tensor of {host.dtype} values")
        xp = backend.namespace(self.array)
        dtype_name = backend.dtype_name(self.array.dtype if dtype is None else dtype)
        if device is None or backend.normalize_device(device) == backend.normalize_device(
            self.device
        ):
            array = backend.asarray_on(
                xp, host, dtype=backend.dtype_of(xp, dtype_name), like=self.array
            )
        else:
            array = backend.to_device(host.astype(dtype_name), device)
        return _op.Tensor(array, requires_grad=requires_grad)
