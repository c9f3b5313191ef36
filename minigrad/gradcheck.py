"""Check analytic gradients against central finite differences, in float64.

Two modes. ``"full"`` differentiates numerically along every element of an input (the whole
Jacobian, exact and thorough, for small inputs); a failure lists single Jacobian entries
∂output[i]/∂input[j], analytic beside numeric. ``"directional"`` compares directional
derivatives along a few random directions (cheap for large inputs); directions are
Rademacher (±1/√n) vectors, so no direction is pathologically small and every element takes
part. A directional failure says so, and for an element-wise function it also lists the
diagonal entries ∂output[j]/∂input[j], which two more evaluations give exactly.
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
    return _contract(_checked_output(fn(*inputs)), weights)


def _contract(out: Tensor, weights: Any) -> Tensor:
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

    ``fn(*inputs)`` may return any shape. Backward runs once, on ``Σ v · fn(inputs)`` for a
    fixed random cotangent ``v``, so every output element is checked; only inputs with
    ``requires_grad`` are checked. When an input disagrees, the report lists what a person
    can check by hand: in ``full`` mode the Jacobian entries ∂output[i]/∂input[j] (analytic
    and numeric, with the input's value); in ``directional`` mode the random directions, and
    for element-wise functions the diagonal ∂output[j]/∂input[j] too.

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
    worst entries.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.randn(3, 4, dtype="float64", requires_grad=True)
    >>> minigrad.gradcheck(lambda a: (a * a).tanh(), [x])
    True

    A local gradient of ``x`` where ``2x`` is right shows up entry by entry:

    >>> class Square(minigrad.Elementwise):
    ...     name, symbol, rule = "square", "x²", "square: downstream = upstream × 2x"
    ...     def forward(self, x):
    ...         self.saved = (x,)
    ...         return x * x
    ...     def local_grads(self):
    ...         (x,) = self.saved
    ...         return (x,)  # wrong: should be 2 * x
    >>> x = minigrad.tensor([1.0, 3.0], dtype="float64", requires_grad=True)
    >>> try:
    ...     minigrad.gradcheck(lambda t: minigrad.apply(Square(), t), [x])
    ... except minigrad.GradcheckError as err:
    ...     print(err)
    gradcheck failed: input 0 (shape (2,)): 2 of 4 Jacobian entries disagree; worst first:
      output  input  index       value       analytic        numeric     |diff|
      (1,)        0  (1,)            3              3              6          3
      (0,)        0  (0,)            1              1              2          1
      each entry is ∂output[output]/∂input[index] at that input value
      in every entry that disagrees, analytic = 0.5 × numeric
    """
    if mode not in ("auto", "full", "directional"):
        raise ValueError(f"mode must be 'auto', 'full' or 'directional', got {mode!r}")
    inputs = _as_float64(inputs)
    rng = np.random.default_rng(seed)
    with no_grad():
        probe = _checked_output(fn(*inputs))
    out_shape = probe.shape
    weights_np = rng.uniform(0.5, 1.5, size=out_shape) * rng.choice([-1.0, 1.0], size=out_shape)
    weights = Tensor(
        backend.asarray_on(backend.namespace(probe.array), weights_np, like=probe.array)
    )
    for t in inputs:
        t.grad = None
    out = _checked_output(fn(*inputs))
    elementwise = _is_elementwise(out)
    _contract(out, weights).backward()
    failures: list[str] = []
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            continue
        analytic = np.zeros(t.shape) if t.grad is None else t.grad.numpy().astype(np.float64)
        if mode == "full" or (mode == "auto" and t.numel() <= max_full):
            failure = _full_check(fn, inputs, i, weights_np, analytic, eps, atol, rtol)
        else:
            found = _check(
                fn,
                inputs,
                i,
                weights,
                analytic,
                _random_directions(t.shape, directions, rng),
                eps,
                atol,
                rtol,
            )
            failure = found and _directional_report(
                fn,
                inputs,
                i,
                found,
                directions,
                elementwise and t.shape == out_shape,
                eps,
                atol,
                rtol,
                mode,
            )
        if failure:
            failures.append(failure)
    if failures:
        raise GradcheckError("\n".join(failures))
    return True


def _checked_output(out: Any) -> Tensor:
    if not isinstance(out, Tensor):
        raise TypeError(f"gradcheck: the function returned {type(out).__name__}, not a Tensor")
    return out


def _is_elementwise(out: Tensor) -> bool:
    """Whether every op that made ``out`` is element-wise (its Jacobian is then diagonal)."""
    stack, seen, any_op = [out], set(), False
    while stack:
        node = stack.pop()._node
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if not node.op.derived:
            return False
        any_op = True
        stack.extend(node.parents)
    return any_op


def _evaluate(fn: Callable[..., Tensor], inputs: list[Tensor], weights: Tensor) -> float:
    with no_grad():
        return float(_scalar_output(fn, inputs, weights).item())


def _outputs(fn: Callable[..., Tensor], inputs: list[Tensor]) -> np.ndarray:
    with no_grad():
        return _checked_output(fn(*inputs)).numpy().astype(np.float64)


def _perturbed(inputs: list[Tensor], i: int, delta: np.ndarray) -> list[Tensor]:
    t = inputs[i]
    moved = backend.to_numpy(t.array).astype(np.float64) + delta
    xp = backend.namespace(t.array)
    replaced = Tensor(backend.asarray_on(xp, moved, dtype=t.dtype, like=t.array))
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


def _close(analytic: Any, numeric: Any, atol: float, rtol: float) -> Any:
    return np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric)


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


# ---------------------------------------------------------------------- full Jacobian

_MAX_JACOBIAN_ROWS = 4096
"""Outputs up to this size get their analytic Jacobian (one backward per output element)
computed for a failure's report; larger ones are reported contracted with the cotangent."""


def _full_check(
    fn: Callable[..., Tensor],
    inputs: list[Tensor],
    i: int,
    weights: np.ndarray,
    analytic: np.ndarray,
    eps: float,
    atol: float,
    rtol: float,
) -> str | None:
    """Input ``i`` moved one element at a time: the numeric Jacobian, column by column.

    The check itself compares the contracted gradients (Σ_o v_o ∂out_o/∂x_j, what backward
    computed); only on a failure is the analytic Jacobian built, row by row, for the report.
    """
    t = inputs[i]
    columns = []
    for index in np.ndindex(*t.shape):
        delta = np.zeros(t.shape)
        delta[index] = eps
        plus = _outputs(fn, _perturbed(inputs, i, delta))
        minus = _outputs(fn, _perturbed(inputs, i, -delta))
        columns.append((plus - minus) / (2 * eps))
    numeric = np.stack(columns, axis=-1).reshape(weights.shape + t.shape) if columns else None
    if numeric is None:  # a zero-size input: nothing to disagree about
        return None
    contracted = (
        np.tensordot(weights, numeric, axes=weights.ndim) if weights.ndim else (weights * numeric)
    )
    if _close(analytic, contracted, atol, rtol).all():
        return None
    if weights.size > _MAX_JACOBIAN_ROWS:
        return _contracted_report(i, t, analytic, contracted, atol, rtol)
    jacobian = _analytic_jacobian(fn, inputs, i, weights.shape)
    return _jacobian_report(i, t, jacobian, numeric, analytic, contracted, atol, rtol)


def _analytic_jacobian(
    fn: Callable[..., Tensor], inputs: list[Tensor], i: int, out_shape: tuple[int, ...]
) -> np.ndarray:
    """∂out[o]/∂input_i for every output element o, one backward per row."""
    from minigrad.autograd import grad as grad_of

    t = inputs[i]
    rows = np.zeros(out_shape + t.shape)
    for o in np.ndindex(*out_shape):
        out = _checked_output(fn(*inputs))
        if not out.requires_grad:
            continue
        (g,) = grad_of(out[o] if out.ndim else out, [t], allow_unused=True)
        if g is not None:
            rows[o] = g.numpy()
    return rows


def _jacobian_report(
    i: int,
    t: Tensor,
    jacobian: np.ndarray,
    numeric: np.ndarray,
    analytic: np.ndarray,
    contracted: np.ndarray,
    atol: float,
    rtol: float,
) -> str:
    wrong = ~_close(jacobian, numeric, atol, rtol)
    if not wrong.any():  # only the sum over outputs fell outside the tolerance
        return _contracted_report(i, t, analytic, contracted, atol, rtol)
    values = backend.to_numpy(t.array).astype(np.float64)
    out_ndim = jacobian.ndim - t.ndim
    where = [tuple(int(k) for k in w) for w in np.argwhere(wrong)]
    where.sort(key=lambda w: -abs(jacobian[w] - numeric[w]))
    shown = [(w[:out_ndim], w[out_ndim:], w) for w in where[:8]]
    ow = max(7, *(len(str(o)) for o, _, _ in shown))
    iw = max(10, *(len(str(j)) for _, j, _ in shown))
    rows = [
        f"gradcheck failed: input {i} (shape {t.shape}): {len(where)} of {jacobian.size} "
        "Jacobian entries disagree; worst first:",
        f"  {'output':<{ow}} {'input':>5}  {'index':<{iw}} {'value':>6} "
        f"{'analytic':>14} {'numeric':>14} {'|diff|':>10}",
    ]
    for o, j, w in shown:
        a, n = jacobian[w], numeric[w]
        rows.append(
            f"  {o!s:<{ow}} {i:>5}  {j!s:<{iw}} {values[j]:>6.4g} {a:>14.6g} {n:>14.6g} "
            f"{abs(a - n):>10.3g}"
        )
    rows.append("  each entry is ∂output[output]/∂input[index] at that input value")
    rows.extend(_ratio_hint([jacobian[w] for w in where], [numeric[w] for w in where]))
    return "\n".join(rows)


def _ratio_hint(analytic: Sequence[float], numeric: Sequence[float]) -> list[str]:
    """A factor shared by every disagreeing entry (a missing 2, a flipped sign) is a clue."""
    pairs = [(a, n) for a, n in zip(analytic, numeric, strict=True) if abs(n) > 1e-8]
    if len(pairs) != len(analytic) or not pairs:
        return []
    ratios = np.array([a / n for a, n in pairs])
    if np.ptp(ratios) > 1e-3 * max(1.0, float(np.abs(ratios).max())):
        return []
    ratio = float(np.round(ratios.mean(), 4))
    if ratio == 0:
        return ["  analytic is 0 wherever numeric is not: is a gradient missing?"]
    return [f"  in every entry that disagrees, analytic = {ratio:g} × numeric"]


def _contracted_report(
    i: int, t: Tensor, analytic: np.ndarray, contracted: np.ndarray, atol: float, rtol: float
) -> str:
    where = [
        tuple(int(k) for k in w) for w in np.argwhere(~_close(analytic, contracted, atol, rtol))
    ]
    where.sort(key=lambda w: -abs(analytic[w] - contracted[w]))
    return "\n".join(
        [
            f"gradcheck failed: input {i} (shape {t.shape}): {len(where)} of {t.size} "
            "entries of ∂(Σ v·output)/∂input disagree; worst first:",
            f"  {'input':>5}  {'index':<22} {'analytic':>14} {'numeric':>14} {'|diff|':>10}",
            *(
                f"  {i:>5}  {w!s:<22} {analytic[w]:>14.6g} {contracted[w]:>14.6g} "
                f"{abs(analytic[w] - contracted[w]):>10.3g}"
                for w in where[:8]
            ),
            "  each entry is the gradient of Σ v·output, v a fixed random cotangent (v[i] in\n"
            "  ±[0.5, 1.5]) that sums every output element into one number",
        ]
    )


# ---------------------------------------------------------------------- directional


def _directional_report(
    fn: Callable[..., Tensor],
    inputs: list[Tensor],
    i: int,
    mismatches: list[Mismatch],
    count: int,
    elementwise: bool,
    eps: float,
    atol: float,
    rtol: float,
    mode: str,
) -> str:
    t = inputs[i]
    why = "mode='directional'" if mode == "directional" else "a large input"
    rows = [
        f"gradcheck failed: input {i} (shape {t.shape}, {t.numel()} elements) was checked along "
        f"{count} random direction{'s' if count != 1 else ''} ({why}), and {len(mismatches)} "
        "disagree; worst first:",
        f"  {'input':>5}  {'direction':<22} {'analytic':>14} {'numeric':>14} {'|diff|':>10}",
    ]
    for m in sorted(mismatches, key=lambda m: m.error, reverse=True)[:8]:
        rows.append(
            f"  {m.input_index:>5}  {m.index!s:<22} {m.analytic:>14.6g} "
            f"{m.numeric:>14.6g} {m.error:>10.3g}"
        )
    rows.append(
        "  each row is the derivative of Σ v·output (v a fixed random cotangent) along a random\n"
        "  unit direction of the input, not one Jacobian entry; mode='full' lists entries"
    )
    if elementwise:
        rows.extend(_diagonal_report(fn, inputs, i, eps, atol, rtol))
    return "\n".join(rows)


def _diagonal_report(
    fn: Callable[..., Tensor], inputs: list[Tensor], i: int, eps: float, atol: float, rtol: float
) -> list[str]:
    """An element-wise function's Jacobian is diagonal: moving every element at once gives
    every ∂output[j]/∂input[j] from two evaluations, and one backward of Σ output gives the
    analytic diagonal."""
    from minigrad.autograd import grad as grad_of

    t = inputs[i]
    ones = np.ones(t.shape)
    numeric = (
        _outputs(fn, _perturbed(inputs, i, ones * eps))
        - _outputs(fn, _perturbed(inputs, i, -ones * eps))
    ) / (2 * eps)
    (g,) = grad_of(_checked_output(fn(*inputs)).sum(), [t], allow_unused=True)
    analytic = np.zeros(t.shape) if g is None else g.numpy().astype(np.float64)
    wrong = [tuple(int(k) for k in w) for w in np.argwhere(~_close(analytic, numeric, atol, rtol))]
    if not wrong:
        return []
    wrong.sort(key=lambda w: -abs(analytic[w] - numeric[w]))
    values = backend.to_numpy(t.array).astype(np.float64)
    rows = [
        "  the function is element-wise, so its Jacobian is diagonal: "
        f"{len(wrong)} of {t.numel()} diagonal\n  entries ∂output[j]/∂input[j] disagree; "
        "worst first:",
        f"  {'index j':<14} {'value':>10} {'analytic':>14} {'numeric':>14} {'|diff|':>10}",
    ]
    for w in wrong[:8]:
        a, n = analytic[w], numeric[w]
        rows.append(f"  {w!s:<14} {values[w]:>10.4g} {a:>14.6g} {n:>14.6g} {abs(a - n):>10.3g}")
    rows.extend(_ratio_hint([analytic[w] for w in wrong], [numeric[w] for w in wrong]))
    return rows


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
    v = Tensor(backend.asarray_on(backend.namespace(probe.array), cotangent, like=probe.array))
    wanted = [t for t in inputs if t.requires_grad]

    def first_order(*args: Tensor) -> Tensor:
        # finite differences pass perturbed copies that need no gradient: make them leaves
        args = tuple(
            Tensor._make(a.array, True, None) if t.requires_grad and not a.requires_grad else a
            for a, t in zip(args, inputs, strict=True)
        )
        with enable_grad():
            out = (fn(*args) * v).sum()
            chosen = [a for a, t in zip(args, inputs, strict=True) if t.requires_grad]
            grads = grad_of(out, chosen, create_graph=True, allow_unused=True)
            # a gradient that is None or constant (a linear fn: second derivative 0) still
            # joins the graph, through a * 0
            flat = [
                (a * 0).reshape(-1)
                if g is None
                else g.reshape(-1)
                if g.requires_grad
                else g.reshape(-1) + (a * 0).reshape(-1)
                for a, g in zip(chosen, grads, strict=True)
            ]
            from minigrad.functions import concat

            return concat(flat) if len(flat) > 1 else flat[0]

    if not wanted:
        raise ValueError("gradgradcheck: no input has requires_grad=True")
    return gradcheck(first_order, inputs, eps=eps, atol=atol, rtol=rtol, mode=mode, seed=seed)
