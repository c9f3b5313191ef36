"""Gradients for pictures, computed without touching the user's tensors.

A picture of backprop needs ∂L/∂t for *every* tensor, intermediates included, but drawing
must not change what the user sees in ``.grad``, fire their hooks, or free their graph. So
the backward pass here runs with ``retain_graph=True`` and with every ``.grad``, hook and
``retain_grad`` flag in the graph set aside and put back afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from minigrad import BackwardStep, Tensor, backend, backward_steps, grads_set_aside


def private_steps(root: Tensor, tensors: list[Tensor]) -> Iterator[BackwardStep]:
    """``backward_steps(root, retain_graph=True)`` that leaves every ``.grad`` as it was.

    Leaf gradients are visible (in ``.grad``) while the generator runs, so a step's
    ``completed`` leaves can be read; they are restored once it finishes or is closed.
    """
    if not root.requires_grad or root.numel() != 1:
        return
    with grads_set_aside(tensors):
        yield from backward_steps(root, retain_graph=True)


def gradients(root: Tensor, tensors: list[Tensor] | None = None) -> dict[Any, np.ndarray]:
    """∂root/∂t for every tensor ``t`` in ``root``'s graph, as NumPy arrays.

    Each use of a tensor by an op also gets an entry, keyed ``(id(tensor), id(node))``: for
    a *copy* (``W_hh`` at every time step) these are the contributions that are summed.

    Runs a private backward pass: ``.grad`` attributes, hooks and the graph are left as they
    were. Returns ``{}`` when ``root`` is not a scalar that requires grad. Raises the engine's
    error when the graph was already freed by ``backward()`` (use ``retain_graph=True``).

    Examples
    --------
    >>> from minigrad import Tensor
    >>> x = Tensor(-2.0, requires_grad=True); y = Tensor(5.0, requires_grad=True)
    >>> z = Tensor(-4.0, requires_grad=True)
    >>> q = x + y
    >>> f = q * z
    >>> g = gradients(f)
    >>> float(g[q]), float(g[z]), x.grad is None
    (-4.0, 3.0, True)
    >>> w = Tensor(3.0, requires_grad=True)
    >>> s = w * 2 + w * 5
    >>> sorted(float(v) for k, v in gradients(s).items() if isinstance(k, tuple) and k[0] == id(w))
    [2.0, 5.0]
    """
    from viz.walk import walk

    tensors = walk(root).tensors if tensors is None else tensors
    found: dict[Any, np.ndarray] = {}
    for step in private_steps(root, tensors):
        if step.output is not None:
            found[step.output] = backend.to_numpy(step.upstream)
        for parent, g in zip(step.inputs, step.downstream, strict=True):
            if g is not None:
                key = (id(parent), id(step.node))
                found[key] = (
                    found[key] + backend.to_numpy(g) if key in found else backend.to_numpy(g)
                )
        for leaf in step.completed:
            found[leaf] = backend.to_numpy(leaf.grad.array)
    return found


def magnitude(grad: Any) -> float:
    """The L2 norm of a gradient array (``|g|`` for a scalar)."""
    return float(np.linalg.norm(np.asarray(grad, dtype=np.float64).ravel()))
