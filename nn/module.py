"""Module and Parameter: named, nested containers of trainable tensors."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np

from minigrad import Tensor, backend


class Parameter(Tensor):
    """A tensor that a :class:`Module` owns and an optimizer updates (requires_grad=True).

    Examples
    --------
    >>> import nn
    >>> p = nn.Parameter([1.0, 2.0])
    >>> p.requires_grad
    True
    """

    def __init__(
        self, data: Any, requires_grad: bool = True, name: str | None = None, dtype: Any = None
    ) -> None:
        super().__init__(
            data.array if isinstance(data, Tensor) else data,
            requires_grad=requires_grad,
            name=name,
            dtype=dtype,
        )

    def __repr__(self) -> str:
        return "Parameter" + super().__repr__()[len("Tensor") :]


class Module:
    """Base class of every layer and model.

    Assigning a :class:`Parameter` or a ``Module`` to an attribute registers it, so
    ``parameters()``, ``state_dict()``, ``train()``/``eval()`` and ``zero_grad()`` reach it.

    Examples
    --------
    >>> import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = nn.Parameter([2.0])
    ...         self.b = nn.Parameter([0.5])
    ...     def forward(self, x):
    ...         return x * self.w + self.b
    >>> m = Affine()
    >>> [name for name, _ in m.named_parameters()]
    ['w', 'b']
    >>> m(nn.Tensor([1.0])).tolist()
    [2.5]
    """

    def __init__(self) -> None:
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if "_parameters" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before "
                f"assigning attribute {name!r}"
            )
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._parameters.pop(name, None)
        self._modules.pop(name, None)
        object.__delattr__(self, name)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------------------ traversal

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their attribute names."""
        yield from self._modules.items()

    def children(self) -> Iterator[Module]:
        """Direct sub-modules."""
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every descendant, with dotted names."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant."""
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted name (``"layers.0.weight"``), each once."""
        seen: set[int] = set()
        for module_name, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                if id(p) in seen:
                    continue
                seen.add(id(p))
                yield (f"{module_name}.{name}" if module_name else name), p

    def parameters(self) -> Iterator[Parameter]:
        """Every parameter, each once."""
        for _, p in self.named_parameters():
            yield p

    # ------------------------------------------------------------------ modes

    def train(self, mode: bool = True) -> Module:
        """Set training mode (Dropout active) on this module and its descendants."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Set evaluation mode (Dropout off)."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient (to None by default, or to zeros)."""
        for p in self.parameters():
            if set_to_none or p.grad is None:
                p.grad = None
            else:
                p.grad.array = backend.namespace(p.grad.array).zeros_like(p.grad.array)

    def to(self, target: str) -> Module:
        """Move (``"cpu"``, ``"cuda"``) or cast (``"float64"``) every parameter, in place."""
        for p in self.parameters():
            p.array = p.to(target).array
            p.grad = None
        return self

    def double(self) -> Module:
        """Cast every parameter to float64 (for gradcheck)."""
        return self.to("float64")

    def float(self) -> Module:
        """Cast every parameter to float32."""
        return self.to("float32")

    # ------------------------------------------------------------------ state

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Copies of every parameter as NumPy arrays, by dotted name."""
        return OrderedDict(
            (name, np.array(p.numpy(), copy=True)) for name, p in self.named_parameters()
        )

    def load_state_dict(self, state: dict[str, Any], strict: bool = True) -> None:
        """Copy values from ``state`` into the parameters.

        Every name, shape and dtype is checked first; on any problem a ``ValueError`` lists
        all of them and the module is left exactly as it was.

        Examples
        --------
        >>> import nn
        >>> a, b = nn.Linear(2, 3), nn.Linear(2, 3)
        >>> b.load_state_dict(a.state_dict())
        >>> bool((a.weight == b.weight).numpy().all())
        True
        """
        own = dict(self.named_parameters())
        problems = []
        if strict:
            problems += [f"missing key {k!r}" for k in own if k not in state]
            problems += [f"unexpected key {k!r}" for k in state if k not in own]
        updates = []
        for name, value in state.items():
            if name not in own:
                continue
            p = own[name]
            array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
            if tuple(array.shape) != p.shape:
                problems.append(
                    f"{name!r}: shape {tuple(array.shape)} in the state, {p.shape} in the module"
                )
            elif np.dtype(array.dtype).name != backend.dtype_name(p.dtype):
                problems.append(
                    f"{name!r}: dtype {np.dtype(array.dtype).name} in the state, "
                    f"{backend.dtype_name(p.dtype)} in the module"
                )
            else:
                updates.append((p, array))
        if problems:
            raise ValueError(
                f"load_state_dict into {type(self).__name__} found {len(problems)} problem(s); "
                "the module was not changed:\n  " + "\n  ".join(problems)
            )
        for p, array in updates:
            p.array = backend.to_device(np.array(array, copy=True), p.device)

    # ------------------------------------------------------------------ repr

    def extra_repr(self) -> str:
        """One-line description of this module's own settings, for ``repr``."""
        return ""

    def __repr__(self) -> str:
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"
