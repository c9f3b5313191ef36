"""What the op test files (``test_ops_<family>.py``, one per family of ``minigrad/ops/``) share.

Each family file names its cases in tables; the helpers here draw a case's inputs and run its
checks, so every family is checked the same way. Three kinds of table:

* against NumPy: ``name: (minigrad fn, NumPy fn, element bounds and kinks to avoid)``, or for
  two inputs ``(minigrad fn, NumPy fn, bounds of the first input, bounds of the second)``;
* unary against PyTorch: ``name: (minigrad fn, torch fn name or callable(t, F), bounds)``
  (``F`` is ``torch.nn.functional``);
* methods against PyTorch: ``name: (fn(x, m, idx), shapes, element options)``: ``m`` is the
  library (``minigrad`` or ``torch``) for free functions, ``idx`` turns a NumPy index array into
  that library's index, so one expression serves both sides (the method names are PyTorch's).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import assume
from hypothesis import strategies as st

import minigrad
from minigrad.testing import (
    assert_forward_matches,
    assert_gradients_match,
    assume_well_separated,
    broadcastable_tensors,
    shapes,
    tensors,
)

# ------------------------------------------------------------------------ against NumPy


def draw_pair(data: st.DataObject, backend: str, first: dict, second: dict) -> tuple:
    a, b = data.draw(broadcastable_tensors(2, backend=backend), label="shapes")
    # Redraw with per-input bounds, keeping the broadcast-compatible shapes.
    a = data.draw(tensors(a.shape, backend=backend, **first), label="a")
    b = data.draw(tensors(b.shape, backend=backend, **second), label="b")
    return a, b


def check_unary(entry: tuple, backend: str, data: st.DataObject) -> None:
    """Forward against NumPy and gradcheck, for an entry of a unary table against NumPy."""
    fn, reference, bounds = entry
    x = data.draw(tensors(backend=backend, **bounds), label="x")
    assert_forward_matches(fn, reference, x)
    assert_gradients_match(fn, x)


def check_binary(
    entry: tuple, backend: str, data: st.DataObject, *, avoid_ties: bool = False
) -> None:
    """Forward against NumPy and gradcheck on broadcast shapes, for a two-input entry."""
    fn, reference, first, second = entry
    a, b = draw_pair(data, backend, first, second)
    if avoid_ties:
        # Ties are the non-differentiable points of max/min.
        assume(np.min(np.abs(a.numpy() - b.numpy()), initial=1.0) > 1e-2)
    assert_forward_matches(fn, reference, a, b, rtol=1e-6)
    assert_gradients_match(fn, a, b)


# ------------------------------------------------------------------------ unary against PyTorch


def torch_unary(entry: tuple) -> tuple[Any, Any]:
    """PyTorch (skipping the test where it is not installed) and the entry's torch function."""
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    spec = entry[1]
    if isinstance(spec, str):
        return torch, lambda t: getattr(torch, spec)(t)
    return torch, lambda t: spec(t, torch.nn.functional)


def check_unary_gradcheck(entry: tuple, backend: str, data: st.DataObject) -> None:
    fn, _, bounds = entry
    x = data.draw(tensors(backend=backend, **bounds), label="x")
    assert_gradients_match(fn, x)


def check_unary_matches_torch(entry: tuple, data: st.DataObject) -> None:
    torch, reference = torch_unary(entry)
    fn, _, bounds = entry
    x = data.draw(tensors(**bounds), label="x")
    tx = torch.tensor(x.numpy(), requires_grad=True)
    ours, theirs = fn(x), reference(tx)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-7, atol=1e-12)
    upstream = np.linspace(-1.0, 2.0, max(x.numpy().size, 1)).reshape(x.shape)
    ours.backward(minigrad.tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-7, atol=1e-12)


def check_unary_at_points(entry: tuple, points: list[float]) -> None:
    """The gradient at ``points`` (kinks, jumps) is exactly PyTorch's."""
    torch, reference = torch_unary(entry)
    x = minigrad.tensor(points, dtype="float64", requires_grad=True)
    tx = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    entry[0](x).sum().backward()
    reference(tx).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


# ------------------------------------------------------------------------ methods against PyTorch

ANY = shapes()
VECTORS = shapes(min_dims=1, max_dims=3)
MATRICES = shapes(min_dims=2, max_dims=3)
LONG = shapes(min_dims=1, max_dims=3, min_side=2)
DISTINCT = {"unique": True, "separated": True}  # ties are where sort and max have no derivative


def draw_case(data: st.DataObject, case: tuple, backend: str = "numpy") -> minigrad.Tensor:
    _, shape, options = case
    options = dict(options)
    separated = options.pop("separated", False)
    separated_abs = options.pop("separated_abs", False)
    x = data.draw(tensors(shape, backend=backend, **options), label="x")
    if separated:
        assume_well_separated(x.numpy(), 1e-3)
    if separated_abs:
        assume_well_separated(np.abs(x.numpy()), 1e-3)
    return x


def ours(case: tuple):
    """The case's expression on minigrad tensors."""
    fn = case[0]
    return lambda x: fn(x, minigrad, lambda a: a)


def check_case_gradcheck(case: tuple, backend: str, data: st.DataObject) -> None:
    x = draw_case(data, case, backend)
    assert_gradients_match(ours(case), x)


def check_case_matches_torch(case: tuple, data: st.DataObject) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    fn = case[0]
    x = draw_case(data, case)
    tx = torch.tensor(x.numpy(), requires_grad=True)
    mine, theirs = ours(case)(x), fn(tx, torch, torch.as_tensor)
    np.testing.assert_allclose(mine.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = np.linspace(-1.0, 2.0, math.prod(mine.shape)).reshape(mine.shape)
    mine.backward(minigrad.tensor(upstream))
    theirs.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def check_case_at_values(case: tuple, values: list) -> None:
    """The gradient at ``values`` (zeros, ties) matches PyTorch's."""
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle here; not installed")
    fn = case[0]
    x = minigrad.tensor(values, dtype="float64", requires_grad=True)
    tx = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    ours(case)(x).sum().backward()
    fn(tx, torch, torch.as_tensor).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=0)
