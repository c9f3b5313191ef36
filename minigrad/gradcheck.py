"""Check analytic gradients against central finite differences, in float64.

Two modes. ``"full"`` builds the whole numeric Jacobian-vector product element by element
(exact and thorough, for small inputs). ``"directional"`` compares directional derivatives
along a few random unit directions (cheap for large inputs); directions are Rademacher
(±1/√n) vectors, so no direction is pathologically small and every element takes part.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from minigrad import backend
from minigrad.graph import no_grad
from minigrad.tensor import Tensor


class GradcheckError(AssertionError):
    """The analytic gradient disagrees with finite differences; the message shows where."""


@dataclass
class Mismatch:
    """One disagreeing entry: input number, index, analytic and numeric values."""

    input_index: int
    index: tuple[int, ...] | str
    analytic: float
    numeric: float

    @property
    def error(self) -> float:
        return abs(self.analytic - self.numeric)


def _as_float64(inputs: Sequence[Tensor]) -> list[Tensor]:
    checked = []
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor):
            raise TypeError(f"gradcheck input {i} is a {type(t).__name__}, not a Tensor")
        if t.requires_grad and backend.dtype_name(t.dtype) != "float64":
            raise TypeError(
                f"gradcheck input {i} is {backend.dtype_name(t.dtype)}; finite differences need "
                "float64 — create it with dtype='float64' "
                "(or call minigrad.set_default_dtype('float64') first)"
            )
        checked.append(t)
    return checked


def _scalar_output(fn: Callable[..., Tensor], inputs: list[Tensor], weights: Any) -> Tensor:
    """Σ weights · fn(inputs): reduces any output to a scalar with a fixed random cotangent."""
    out = fn(*inputs)
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: the function returned {type(out).__name__}, not a Tensor")
    return (out * weights).sum() if out.ndim else out * weights


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    mode: str = "auto",
    directions: int = 4,
    max_full: int = 200,
    seed: int = 0,
) -> bool:
    """Assert that ``fn``'s analytic gradients match central differences.

    ``fn(*inputs)`` may return any shape: it is contracted with a fixed random cotangent so
    every output element is checked. Only inputs with ``requires_grad`` are checked.

    Parameters
    ----------
    fn : callable
        Takes the tensors in ``inputs`` and returns a Tensor.
    inputs : sequence of Tensor
        float64 tensors (gradcheck refuses float32: its differences are too coarse).
    eps, atol, rtol : float
        Step size and tolerances: ``|analytic − numeric| ≤ atol + rtol·|numeric|``.
    mode : {"auto", "full", "directional"}
        ``auto`` uses ``full`` while an input has at most ``max_full`` elements.
    directions : int
        Number of random directions per input in directional mode.

    Returns
    -------
    True when every entry agrees; otherwise raises :class:`GradcheckError` listing the
    worst entries (input, index, analytic, numeric).

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.randn(3, 4, dtype="float64", requires_grad=True)
    >>> minigrad.gradcheck(lambda a: (a * a).tanh(), [x])
    True
    """
    if mode not in ("auto", "full", "directional"):
        raise ValueError(f"mode must be 'auto', 'full' or 'directional', got {mode!r}")
    inputs = _as_float64(inputs)
    rng = np.random.default_rng(seed)
    with no_grad():
        probe = fn(*inputs)
    out_shape = probe.shape
    weights_np = rng.uniform(0.5, 1.5, size=out_shape) * rng.choice([-1.0, 1.0], size=out_shape)
    weights = Tensor(backend.asarray_on(backend.namespace(probe.data), weights_np, like=probe.data))
    for t in inputs:
        t.grad = None
    _scalar_output(fn, inputs, weights).backward()
    mismatches: list[Mismatch] = []
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            continue
        analytic = np.zeros(t.shape) if t.grad is None else t.grad.numpy().astype(np.float64)
        use_full = mode == "full" or (mode == "auto" and t.numel() <= max_full)
        along = (
            _unit_directions(t.shape) if use_full else _random_directions(t.shape, directions, rng)
        )
        mismatches += _check(fn, inputs, i, weights, analytic, along, eps, atol, rtol)
    if mismatches:
        raise GradcheckError(_report(mismatches))
    return True


def _evaluate(fn: Callable[..., Tensor], inputs: list[Tensor], weights: Tensor) -> float:
    with no_grad():
        return float(_scalar_output(fn, inputs, weights).item())


def _perturbed(inputs: list[Tensor], i: int, delta: np.ndarray) -> list[Tensor]:
    t = inputs[i]
    moved = backend.to_numpy(t.data).astype(np.float64) + delta
    xp = backend.namespace(t.data)
    replaced = Tensor(backend.asarray_on(xp, moved, dtype=t.dtype, like=t.data))
    return [*inputs[:i], replaced, *inputs[i + 1 :]]


def _central(
    fn: Callable[..., Tensor],
    inputs: list[Tensor],
    i: int,
    weights: Tensor,
    delta: np.ndarray,
    eps: float,
) -> float:
    plus = _evaluate(fn, _perturbed(inputs, i, delta * eps), weights)
    minus = _evaluate(fn, _perturbed(inputs, i, -delta * eps), weights)
    return (plus - minus) / (2 * eps)


def _close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def _unit_directions(shape: tuple[int, ...]) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """One direction per element: the full Jacobian-vector check, element by element."""
    for index in np.ndindex(*shape):
        delta = np.zeros(shape)
        delta[index] = 1.0
        yield tuple(int(k) for k in index), delta


def _random_directions(
    shape: tuple[int, ...], count: int, rng: np.random.Generator
) -> Iterator[tuple[str, np.ndarray]]:
    """Rademacher directions ±1/√n: unit length, every element moves, none is tiny."""
    scale = 1.0 / np.sqrt(max(math.prod(shape), 1))
    for k in range(count):
        yield f"random direction {k}", rng.choice([-scale, scale], size=shape)


def _check(
    fn: Callable[..., Tensor],
    inputs: list[Tensor],
    i: int,
    weights: Tensor,
    analytic: np.ndarray,
    directions: Iterable[tuple[Any, np.ndarray]],
    eps: float,
    atol: float,
    rtol: float,
) -> list[Mismatch]:
    """Compare ⟨analytic, d⟩ with the central difference along each direction ``d``."""
    found = []
    for where, delta in directions:
        numeric = _central(fn, inputs, i, weights, delta, eps)
        projected = float(np.sum(analytic * delta))
        if not _close(projected, numeric, atol, rtol):
            found.append(Mismatch(i, where, projected, numeric))
    return found


def _report(mismatches: list[Mismatch], worst: int = 8) -> str:
    ranked = sorted(mismatches, key=lambda m: m.error, reverse=True)[:worst]
    rows = [
        f"gradcheck failed: {len(mismatches)} entries disagree; worst first:",
        f"  {'input':>5}  {'index':<22} {'analytic':>14} {'numeric':>14} {'|diff|':>10}",
    ]
    for m in ranked:
        rows.append(
            f"  {m.input_index:>5}  {m.index!s:<22} {m.analytic:>14.6g} "
            f"{m.numeric:>14.6g} {m.error:>10.3g}"
        )
    return "\n".join(rows)


def gradgradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    mode: str = "auto",
    seed: int = 0,
) -> bool:
    """Assert that ``fn``'s *second* derivatives match finite differences of its gradients.

    The first-order gradients of ``Σ v · fn(inputs)`` (a fixed random cotangent ``v``) are
    computed with ``create_graph=True``; :func:`gradcheck` then checks their own gradients,
    i.e. the double backward of every op on the way.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.randn(3, dtype="float64", requires_grad=True)
    >>> minigrad.gradgradcheck(lambda a: (a * a).tanh(), [x])
    True
    """
    from minigrad.autograd import grad as grad_of
    from minigrad.graph import enable_grad

    inputs = _as_float64(inputs)
    rng = np.random.default_rng(seed + 1)
    with no_grad():
        probe = fn(*inputs)
    cotangent = rng.uniform(0.5, 1.5, size=probe.shape) * rng.choice([-1.0, 1.0], probe.shape)
    v = Tensor(backend.asarray_on(backend.namespace(probe.data), cotangent, like=probe.data))
    wanted = [t for t in inputs if t.requires_grad]

    def first_order(*args: Tensor) -> Tensor:
        # finite differences pass perturbed copies that need no gradient: make them leaves
        args = tuple(
            Tensor._make(a.data, True, None) if t.requires_grad and not a.requires_grad else a
            for a, t in zip(args, inputs, strict=True)
        )
        with enable_grad():
            out = (fn(*args) * v).sum()
            chosen = [a for a, t in zip(args, inputs, strict=True) if t.requires_grad]
            grads = grad_of(out, chosen, create_graph=True, allow_unused=True)
            flat = [
                (a * 0).reshape(-1) if g is None else g.reshape(-1)
                for a, g in zip(chosen, grads, strict=True)
            ]
            from minigrad.functions import concat

            return concat(flat) if len(flat) > 1 else flat[0]

    if not wanted:
        raise ValueError("gradgradcheck: no input has requires_grad=True")
    return gradcheck(first_order, inputs, eps=eps, atol=atol, rtol=rtol, mode=mode, seed=seed)
