"""In-place methods (``add_`` … ``copy_``, ``x += y``, ``x[i] = v``), each over its
out-of-place op.

Each method is one call of :func:`minigrad.inplace.run` with the out-of-place computation:
the gradient rules, dtype promotion and broadcasting are the out-of-place op's, and
:mod:`minigrad.inplace` writes the result into the tensor, counts the version and records the
node (labelled ``add_``). The rules are PyTorch's: a leaf that requires grad may be changed
in place only under ``no_grad()``; an in-place op keeps the tensor's shape and dtype.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from minigrad import backend, inplace, ops
from minigrad import op as _op
from minigrad.methods._common import as_tensor_like, cast, index_key
from minigrad.op import apply

if TYPE_CHECKING:
    from minigrad.graph import TensorLike as Tensor


class InplaceMethods:
    """Methods that change a tensor's values in place and return it.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0])
    >>> x.mul_(3).add_(1).tolist(), x._version
    ([4.0, 7.0], 2)
    >>> w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> h = w * 2
    >>> h += 1                        # recorded: the gradient goes through add_
    >>> h.sum().backward()
    >>> w.grad.tolist(), h.node.op.name
    ([2.0, 2.0], 'add_')
    """

    __slots__ = ()

    # ------------------------------------------------------------------ arithmetic

    def add_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
        """``self += alpha × other`` in place; returns ``self``."""
        return inplace.run(self, "add_", lambda s: s.add(other, alpha=alpha), (other,))

    def sub_(self: Tensor, other: Any, *, alpha: float = 1) -> Tensor:
        """``self -= alpha × other`` in place; returns ``self``."""
        return inplace.run(self, "sub_", lambda s: s.sub(other, alpha=alpha), (other,))

    def mul_(self: Tensor, other: Any) -> Tensor:
        """``self *= other`` in place; returns ``self``."""
        return inplace.run(self, "mul_", lambda s: s * other, (other,))

    def div_(self: Tensor, other: Any, *, rounding_mode: str | None = None) -> Tensor:
        """``self /= other`` in place (an integer tensor raises: the result is float)."""
        return inplace.run(
            self, "div_", lambda s: s.div(other, rounding_mode=rounding_mode), (other,)
        )

    def pow_(self: Tensor, exponent: Any) -> Tensor:
        """``self **= exponent`` in place; returns ``self``."""
        return inplace.run(self, "pow_", lambda s: s**exponent, (exponent,))

    def neg_(self: Tensor) -> Tensor:
        """``self = -self`` in place; returns ``self``."""
        return inplace.run(self, "neg_", lambda s: -s)

    # The augmented operators pass their own reference count of ``self``: see _augmented.
    def __iadd__(self: Tensor, other: Any) -> Tensor:
        refs = sys.getrefcount(self)
        return _augmented(self, refs, "add", other)

    def __isub__(self: Tensor, other: Any) -> Tensor:
        refs = sys.getrefcount(self)
        return _augmented(self, refs, "sub", other)

    def __imul__(self: Tensor, other: Any) -> Tensor:
        refs = sys.getrefcount(self)
        return _augmented(self, refs, "mul", other)

    def __itruediv__(self: Tensor, other: Any) -> Tensor:
        refs = sys.getrefcount(self)
        return _augmented(self, refs, "div", other)

    def __ipow__(self: Tensor, other: Any) -> Tensor:
        refs = sys.getrefcount(self)
        return _augmented(self, refs, "pow", other)

    # ------------------------------------------------------------------ functions

    def exp_(self: Tensor) -> Tensor:
        """``exp`` in place; returns ``self``."""
        return inplace.run(self, "exp_", lambda s: s.exp())

    def log_(self: Tensor) -> Tensor:
        """``log`` in place; returns ``self``."""
        return inplace.run(self, "log_", lambda s: s.log())

    def sqrt_(self: Tensor) -> Tensor:
        """``sqrt`` in place; returns ``self``."""
        return inplace.run(self, "sqrt_", lambda s: s.sqrt())

    def abs_(self: Tensor) -> Tensor:
        """``abs`` in place; returns ``self``."""
        return inplace.run(self, "abs_", lambda s: s.abs())

    def tanh_(self: Tensor) -> Tensor:
        """``tanh`` in place; returns ``self``."""
        return inplace.run(self, "tanh_", lambda s: s.tanh())

    def sigmoid_(self: Tensor) -> Tensor:
        """``sigmoid`` in place; returns ``self``."""
        return inplace.run(self, "sigmoid_", lambda s: s.sigmoid())

    def relu_(self: Tensor) -> Tensor:
        """``relu`` in place; returns ``self``."""
        return inplace.run(self, "relu_", lambda s: s.relu())

    def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
        """``clamp`` in place; returns ``self``."""
        return inplace.run(self, "clamp_", lambda s: s.clamp(min, max), (min, max))

    def clip_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:
        """``clip`` in place (``clamp_``); returns ``self``."""
        return inplace.run(self, "clip_", lambda s: s.clip(min, max), (min, max))

    # ------------------------------------------------------------------ writes

    def __setitem__(self: Tensor, key: Any, value: Any) -> None:
        """``self[key] = value``: recorded as ``index_put`` when a gradient is involved (the
        written positions' gradient goes to ``value``, the rest to ``self``'s earlier value).

        Examples
        --------
        >>> import minigrad
        >>> x = minigrad.zeros(2, 3)
        >>> x[0][1] = 1                    # x[0] is a view: the write reaches x
        >>> x[1, 1:] = minigrad.tensor([5.0, 6.0])
        >>> x.tolist()
        [[0.0, 1.0, 0.0], [0.0, 5.0, 6.0]]
        """
        key = index_key(key, self)
        v = _values_for(self, value)
        inplace.run(
            self,
            "index_put_",
            lambda s: apply(ops.IndexPut(key), s, v),
            (v,),
            direct=lambda x: inplace.assign(x, key, v.array),
        )

    def fill_(self: Tensor, value: Any) -> Tensor:
        """Set every element to ``value`` (a number or a 0-d tensor); returns ``self``."""
        return _overwrite(self, "fill_", value)

    def zero_(self: Tensor) -> Tensor:
        """Set every element to 0; returns ``self``."""
        return _overwrite(self, "zero_", 0)

    def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
        """Copy ``src``'s values into ``self`` (broadcast to its shape, cast to its dtype,
        moved to its device); the gradient flows back to ``src``. Returns ``self``."""
        return _overwrite(self, "copy_", src)

    def normal_(
        self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None
    ) -> Tensor:
        """Fill with samples of N(mean, std²) (minigrad's generator); returns ``self``."""
        samples = backend.random_normal(self.shape, backend.dtype_name(self.dtype), self.device)
        return _overwrite(self, "normal_", _op.Tensor._make(samples * std + mean, False, None))

    def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
        """Fill with samples of U[a, b) (minigrad's generator); returns ``self``."""
        dtype = backend.dtype_name(self.dtype)
        samples = backend.random_uniform(self.shape, a, b, dtype, like=self.array)
        return _overwrite(self, "uniform_", _op.Tensor._make(samples, False, None))

    # ------------------------------------------------------------------ shape

    def unsqueeze_(self: Tensor, dim: int) -> Tensor:
        """Insert an axis of length 1 at ``dim``, in place (a new view of the values)."""
        return inplace.run(self, "unsqueeze_", lambda s: s.unsqueeze(dim), metadata=True)

    def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
        """Drop axes of length 1 (or axis ``dim``), in place (a new view of the values)."""
        return inplace.run(self, "squeeze_", lambda s: s.squeeze(dim), metadata=True)

    def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
        """Swap axes ``dim0`` and ``dim1``, in place (a new view of the values)."""
        return inplace.run(self, "transpose_", lambda s: s.transpose(dim0, dim1), metadata=True)

    def t_(self: Tensor) -> Tensor:
        """Transpose a matrix (≤ 2-D) in place (a new view of the values)."""
        return inplace.run(self, "t_", lambda s: s.t(), metadata=True)


def _values_for(x: Tensor, value: Any) -> Tensor:
    """``value`` as a tensor to write into ``x``: on ``x``'s device, in ``x``'s dtype (the
    cast and the device copy are recorded when ``value`` needs a gradient)."""
    if isinstance(value, (list, tuple)):
        value = np.asarray(value)
    v = as_tensor_like(value, x)
    if v.device != x.device:
        v = v.to(x.device)
    return cast(v, backend.dtype_name(x.dtype))


def _overwrite(x: Tensor, name: str, value: Any) -> Tensor:
    """Write ``value`` into every element of ``x`` (``x[...] = value``), as op ``name``."""
    v = _values_for(x, value)
    return inplace.run(
        x,
        name,
        lambda s: apply(ops.IndexPut(...), s, v),
        (v,),
        direct=lambda t: inplace.assign(t, ..., v.array),
    )


_TEMPORARY_REFS = 3
"""References to ``self`` inside an augmented operator when ``self`` is a temporary (CPython
3.10–3.13: the evaluation stack, the method's argument, ``getrefcount``'s argument); a named
tensor has one more."""


def _augmented(x: Tensor, refs: int, method: str, other: Any) -> Tensor:
    """``x op= other``: in place, except for PyTorch's idiom ``t[i] += v`` on a ``t`` in the
    graph.

    There ``t[i]`` is a temporary view and Python writes the result back with
    ``t[i] = result``; minigrad refuses a recorded write through a view, so the temporary
    computes out of place, from a copy (what the op saves must not be a view of ``t``, which
    the write-back changes), and the write-back records it (``index_put_``), giving
    PyTorch's values and gradients. A view with a name (``v = t[i]; v += 1``) still raises:
    nothing would write it back. Python versions whose reference counts this module has not
    been checked on always raise (safe).
    """
    try:
        return getattr(x, f"{method}_")(other)
    except inplace.ViewWriteError:
        if refs <= _TEMPORARY_REFS and sys.version_info < (3, 14):
            return getattr(x.clone(), method)(other)
        raise
