"""Function transforms built on :func:`minigrad.grad`: ``vjp``, ``jvp``, ``jacobian``,
``hessian`` and ``hvp``, shaped as ``torch.autograd.functional`` shapes them. Its public name
is ``minigrad.functional``.

``func`` takes one Tensor (or several) and returns one Tensor (or a tuple). Inputs are used
detached, so nothing outside is touched, unless ``create_graph=True`` (then results stay
connected to the inputs' graph and can be differentiated again). Jacobians are built one
row per backward pass with one-hot upstream gradients — no vectorisation, so a Jacobian of a
function with ``m`` outputs costs ``m`` backward passes.

Examples
--------
>>> import minigrad
>>> from minigrad.functional import hessian, jacobian
>>> x = minigrad.tensor([1.0, 2.0], dtype="float64")
>>> hessian(lambda v: (v ** 3).sum(), x).tolist()          # diag(6x)
[[6.0, 0.0], [0.0, 12.0]]
>>> jacobian(lambda v: v * v, x).tolist()                  # diag(2x)
[[2.0, 0.0], [0.0, 4.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.autograd import grad
from minigrad.creation import zeros_like
from minigrad.functions import stack
from minigrad.graph import enable_grad
from minigrad.higher_order import constant
from minigrad.tensor import Tensor

Tensors = Tensor | tuple[Tensor, ...]


def _inputs(inputs: Tensors, create_graph: bool, who: str) -> tuple[tuple[Tensor, ...], bool]:
    """The inputs as a tuple of leaves that require grad, and whether one tensor was given."""
    single = isinstance(inputs, Tensor)
    items = (inputs,) if single else tuple(inputs)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: input {i} is a {type(t).__name__}; pass Tensors")
        if not backend.is_floating(t.dtype):
            raise TypeError(f"{who}: input {i} has dtype {t.dtype}; differentiate float tensors")
    prepared = tuple(
        t if create_graph and t.requires_grad else Tensor._make(t.array, True, None) for t in items
    )
    return prepared, single


def _outputs(out: Any, who: str) -> tuple[tuple[Tensor, ...], bool]:
    single = isinstance(out, Tensor)
    items = (out,) if single else tuple(out)
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: func returned a {type(t).__name__} at {i}; return Tensors")
    return items, single


def _filled(grads: Sequence[Tensor | None], like: Sequence[Tensor]) -> tuple[Tensor, ...]:
    """``None`` (an input the output does not use) becomes zeros, as PyTorch's strict=False."""
    return tuple(
        constant(zeros_like(x).array) if g is None else g for g, x in zip(grads, like, strict=True)
    )


def _call(func: Callable[..., Any], xs: tuple[Tensor, ...]) -> Any:
    with enable_grad():
        return func(*xs)


def vjp(
    func: Callable[..., Any], inputs: Tensors, v: Any = None, create_graph: bool = False
) -> tuple[Any, Any]:
    """``(func(inputs), vᵀ·J)``: the vector-Jacobian product, one backward pass.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0])
    >>> out, g = vjp(lambda t: t * t, x, minigrad.tensor([1.0, 1.0]))
    >>> g.tolist()
    [2.0, 4.0]
    """
    xs, single_in = _inputs(inputs, create_graph, "vjp")
    out = _call(func, xs)
    outs, _ = _outputs(out, "vjp")
    vs = [v] if isinstance(v, Tensor) or v is None else list(v)
    if not all(o.requires_grad for o in outs):
        grads: tuple[Tensor | None, ...] = (None,) * len(xs)
    else:
        grads = grad(outs, xs, vs, create_graph=create_graph, allow_unused=True)
    result = _filled(grads, xs)
    return out, (result[0] if single_in else result)


def jvp(
    func: Callable[..., Any], inputs: Tensors, v: Any = None, create_graph: bool = False
) -> tuple[Any, Any]:
    """``(func(inputs), J·v)``: the Jacobian-vector product, by the double-vjp trick.

    ``J·v`` is the gradient, with respect to a dummy upstream ``u``, of ``uᵀ·J·v``: two
    backward passes, the first recorded (``create_graph=True``).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0], dtype="float64")
    >>> out, jv = jvp(lambda t: t ** 2, x, minigrad.tensor([1.0, 0.0], dtype="float64"))
    >>> jv.tolist()
    [2.0, 0.0]
    """
    xs, _ = _inputs(inputs, True, "jvp")
    vs = (v,) if isinstance(v, Tensor) else tuple(v) if v is not None else (None,)
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise ValueError("jvp: v is required unless the input is a single one-element tensor")
        vs = (constant(backend.namespace(xs[0].array).ones_like(xs[0].array)),)
    out = _call(func, xs)
    outs, single_out = _outputs(out, "jvp")
    dummies = tuple(
        Tensor._make(backend.namespace(o.array).zeros_like(o.array), True, None) for o in outs
    )
    with enable_grad():
        grads = grad(outs, xs, dummies, create_graph=True, allow_unused=True)
        total = None
        for g, vi in zip(grads, vs, strict=True):
            if g is None:
                continue
            term = (g * vi).sum()
            total = term if total is None else total + term
    if total is None or not total.requires_grad:
        result = tuple(constant(zeros_like(o).array) for o in outs)
    else:
        result = _filled(grad(total, dummies, create_graph=create_graph, allow_unused=True), outs)
    return out, (result[0] if single_out else result)


def jacobian(func: Callable[..., Any], inputs: Tensors, create_graph: bool = False) -> Any:
    """∂func(inputs)/∂inputs, shaped ``output.shape + input.shape`` (PyTorch's layout).

    One input and one output give a Tensor; several give tuples (outputs outer, inputs
    inner), as ``torch.autograd.functional.jacobian``.

    Examples
    --------
    >>> import minigrad
    >>> W = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype="float64")
    >>> h = minigrad.tensor([0.0, 0.5], dtype="float64")
    >>> J = jacobian(lambda h: (W @ h).tanh(), h)          # diag(1 − tanh²) · W
    >>> J.shape
    (2, 2)
    """
    xs, single_in = _inputs(inputs, create_graph, "jacobian")
    out = _call(func, xs)
    outs, single_out = _outputs(out, "jacobian")
    rows = tuple(_jacobian_of(o, xs, create_graph) for o in outs)
    if single_in:
        rows = tuple(r[0] for r in rows)
    return rows[0] if single_out else rows


def _jacobian_of(out: Tensor, xs: tuple[Tensor, ...], create_graph: bool) -> tuple[Tensor, ...]:
    """The Jacobian blocks of one output with respect to each input."""
    n = out.numel()
    blocks: list[list[Tensor]] = [[] for _ in xs]
    xp = backend.namespace(out.array)
    for i in range(n):
        seed = np.zeros(n)
        seed[i] = 1.0
        upstream = backend.asarray_on(xp, seed.reshape(out.shape), dtype=out.dtype, like=out.array)
        if out.requires_grad:
            grads = grad(
                out, xs, upstream, retain_graph=True, create_graph=create_graph, allow_unused=True
            )
        else:
            grads = (None,) * len(xs)
        for block, g in zip(blocks, _filled(grads, xs), strict=True):
            block.append(g)
    return tuple(
        (stack(block) if block else constant(xp.zeros((0,), dtype=out.dtype))).reshape(
            (*out.shape, *x.shape)
        )
        for block, x in zip(blocks, xs, strict=True)
    )


def hessian(func: Callable[..., Tensor], inputs: Tensors, create_graph: bool = False) -> Any:
    """The matrix of second derivatives of a scalar ``func``: ``input.shape + input.shape``.

    The gradient is recorded (``create_graph=True``) and differentiated once per element.
    At a critical point its eigenvalues tell a minimum (all > 0), a maximum (all < 0) and a
    saddle (both signs) apart.

    Examples
    --------
    >>> import minigrad, numpy as np
    >>> xy = minigrad.tensor([0.0, 0.0], dtype="float64")
    >>> H = hessian(lambda v: v[0] ** 2 - v[1] ** 2, xy)   # a saddle
    >>> np.linalg.eigvalsh(H.numpy()).tolist()
    [-2.0, 2.0]
    """
    xs, single_in = _inputs(inputs, create_graph, "hessian")

    def gradient(*args: Tensor) -> tuple[Tensor, ...]:
        out = _call(func, args)
        if not isinstance(out, Tensor) or out.numel() != 1:
            raise ValueError("hessian: func must return a one-element Tensor")
        return _filled(grad(out, args, create_graph=True, allow_unused=True), args)

    firsts = gradient(*xs)
    blocks = tuple(_jacobian_of(g, xs, create_graph) for g in firsts)
    if single_in:
        return blocks[0][0]
    return blocks


def hvp(
    func: Callable[..., Tensor], inputs: Tensors, v: Any, create_graph: bool = False
) -> tuple[Tensor, Any]:
    """``(func(inputs), H·v)`` without forming H: the gradient of ``∇f · v`` (two passes).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([1.0, 2.0], dtype="float64")
    >>> _, hv = hvp(lambda t: (t ** 3).sum(), x, minigrad.tensor([1.0, 1.0], dtype="float64"))
    >>> hv.tolist()
    [6.0, 12.0]
    """
    xs, single_in = _inputs(inputs, create_graph, "hvp")
    vs = (v,) if isinstance(v, Tensor) else tuple(v)
    out = _call(func, xs)
    if not isinstance(out, Tensor) or out.numel() != 1:
        raise ValueError("hvp: func must return a one-element Tensor")
    with enable_grad():
        firsts = _filled(grad(out, xs, create_graph=True, allow_unused=True), xs)
        dot = None
        for g, vi in zip(firsts, vs, strict=True):
            term = (g * vi).sum()
            dot = term if dot is None else dot + term
    second = grad(dot, xs, create_graph=create_graph, allow_unused=True)
    result = _filled(second, xs)
    return out, (result[0] if single_in else result)
