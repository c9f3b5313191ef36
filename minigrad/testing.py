"""Hypothesis strategies and assertion helpers for testing ops and their gradients.

The strategies draw :class:`~minigrad.Tensor` objects (float64 by default, so finite
differences are accurate) on NumPy or on ``array_api_strict``; the helpers turn "this
function's gradient is right" and "this function computes what NumPy computes" into one call
inside ``@given``. minigrad's own op tests are written with them.

Hypothesis is imported here only: ``import minigrad`` works without it.

Importing this module registers the Hypothesis profile ``"minigrad"`` (:data:`PROFILE`): no
deadline and no too-slow health check (a gradient check evaluates the function twice per
element), and no *explain* phase, whose "Explanation" would point at lines of minigrad's own
gradient checker rather than at your op. It is loaded at once unless you loaded a profile of
your own (Hypothesis's automatic ``"default"`` and ``"ci"`` profiles do not count: it keeps
their settings); build yours on it with ``settings.register_profile("mine",
parent=settings.get_profile("minigrad"), ...)``.

Examples
--------
>>> from hypothesis import given, settings
>>> from minigrad.testing import tensors, assert_gradients_match
>>> @settings(max_examples=5, deadline=None)
... @given(tensors(shape=(2, 3)))
... def test_tanh(x):
...     assert_gradients_match(lambda t: t.tanh(), x)
>>> test_tanh()
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

try:
    from hypothesis import HealthCheck, Phase, assume, settings
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "minigrad.testing needs Hypothesis, which is not installed: "
        'pip install "minigrad[testing]" (or pip install hypothesis)'
    ) from exc

from minigrad import backend as _backend
from minigrad.gradcheck import GradcheckError, gradcheck, gradgradcheck
from minigrad.tensor import Tensor

__all__ = [
    "BACKENDS",
    "PROFILE",
    "assert_forward_matches",
    "assert_gradients_match",
    "assert_second_gradients_match",
    "assume_well_separated",
    "available_backends",
    "broadcastable_tensors",
    "matmul_pairs",
    "shapes",
    "tensors",
    "to_backend",
]

#: Every backend name the strategies understand.
BACKENDS = ("numpy", "array_api_strict", "cupy")

#: The Hypothesis profile this module registers (and loads, unless another one was loaded).
PROFILE = "minigrad"


def _current_profile() -> str | None:
    current = getattr(settings, "get_current_profile_name", None)
    return current() if current is not None else getattr(settings, "_current_profile", None)


# Hypothesis loads "default" itself, and "ci" when it sees a CI run (the CI variable): neither
# is the user's choice, so the minigrad profile is built on whichever is in force and loaded.
_AUTOMATIC = (None, "default", "ci")
settings.register_profile(
    PROFILE,
    parent=settings(),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=tuple(phase for phase in Phase if phase is not Phase.explain),
)
if _current_profile() in _AUTOMATIC:
    settings.load_profile(PROFILE)

ShapeLike = tuple[int, ...] | st.SearchStrategy[tuple[int, ...]] | None


def available_backends() -> list[str]:
    """The backends usable on this machine: NumPy, ``array_api_strict`` if installed, CuPy on a GPU.

    Examples
    --------
    >>> "numpy" in available_backends()
    True
    """
    found = ["numpy"]
    try:
        import array_api_strict  # noqa: F401
    except ImportError:
        pass
    else:
        found.append("array_api_strict")
    try:
        _backend.cupy_module()
    except RuntimeError:
        pass
    else:
        found.append("cupy")
    return found


def to_backend(array: Any, backend: str = "numpy") -> Any:
    """Convert a NumPy array (or anything ``np.asarray`` takes) to ``backend``'s array type.

    Parameters
    ----------
    array : array-like
        Host values.
    backend : {"numpy", "array_api_strict", "cupy"}
        The array library to put them in.

    Examples
    --------
    >>> type(to_backend([1.0, 2.0], "array_api_strict")).__module__.split(".")[0]
    'array_api_strict'
    """
    host = np.asarray(array)
    if backend == "numpy":
        return host
    if backend == "array_api_strict":
        import array_api_strict

        return array_api_strict.asarray(host)
    if backend == "cupy":
        return _backend.to_device(host, "cuda")
    raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")


def shapes(
    *, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4
) -> st.SearchStrategy[tuple[int, ...]]:
    """Array shapes (tuples of ints), from scalars ``()`` up to ``max_dims`` axes.

    Small by default: gradcheck evaluates the function twice per element.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(shapes(min_dims=1, max_dims=2))
    ... def check(shape):
    ...     assert 1 <= len(shape) <= 2
    >>> check()
    """
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def _elements(
    dtype: str, min_value: float, max_value: float, avoid: Sequence[float], min_distance: float
) -> st.SearchStrategy[float]:
    width = 32 if dtype == "float32" else 64
    values = st.floats(
        min_value=min_value,
        max_value=max_value,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
        width=width,
    )
    if avoid:
        points = tuple(float(p) for p in avoid)
        # A filter (not a shifted range) keeps both sides of each kink reachable.
        values = values.filter(lambda v: all(abs(v - p) >= min_distance for p in points))
    return values


def _numpy_arrays(
    shape: ShapeLike,
    dtype: str,
    min_value: float,
    max_value: float,
    avoid: Sequence[float],
    min_distance: float,
    unique: bool,
) -> st.SearchStrategy[np.ndarray]:
    if dtype not in ("float32", "float64"):
        raise ValueError(
            f"tensors() draws floating-point data; dtype must be float32 or float64, got {dtype!r}"
        )
    if min_value > max_value:
        raise ValueError(f"min_value {min_value} is larger than max_value {max_value}")
    if min_distance < 0:
        raise ValueError(f"min_distance must be >= 0, got {min_distance}")
    shape_strategy = shapes() if shape is None else shape
    if isinstance(shape_strategy, tuple):
        shape_strategy = st.just(shape_strategy)
    if unique and min_distance > 0:
        return _separated_arrays(shape_strategy, dtype, min_value, max_value, avoid, min_distance)
    return hnp.arrays(
        np.dtype(dtype),
        shape_strategy,
        elements=_elements(dtype, min_value, max_value, avoid, min_distance),
        unique=unique,
    )


def _separated_arrays(
    shape_strategy: st.SearchStrategy[tuple[int, ...]],
    dtype: str,
    min_value: float,
    max_value: float,
    avoid: Sequence[float],
    min_distance: float,
) -> st.SearchStrategy[np.ndarray]:
    """Arrays whose elements are pairwise at least ``min_distance`` apart.

    Merely distinct values are not enough for ``max``/``min``: two elements 1e-7 apart are a
    tie to a finite difference. The elements are distinct points of a grid of spacing
    ``min_distance`` (a little more, so rounding to float32 cannot bring two closer), shifted
    by a drawn offset, in a drawn order.
    """
    step = min_distance * (1 + 1e-4)
    slots = int((max_value - min_value) // step) + 1

    @st.composite
    def draw(data: st.DrawFn) -> np.ndarray:
        shape = data(shape_strategy)
        size = int(np.prod(shape))
        offset = data(st.floats(0.0, max(0.0, (max_value - min_value) - (slots - 1) * step)))
        grid = [min_value + offset + k * step for k in range(slots)]
        grid = [v for v in grid if all(abs(v - p) >= min_distance for p in avoid)]
        if size > len(grid):
            raise ValueError(
                f"tensors(unique=True) cannot place {size} elements at least {min_distance} "
                f"apart in [{min_value}, {max_value}] (only {len(grid)} fit, avoiding "
                f"{list(avoid)}): widen the range, lower min_distance or draw smaller shapes"
            )
        chosen = data(st.permutations(grid))[:size]
        return np.array(chosen, dtype=dtype).reshape(shape)

    return draw()


def _wrap(array: np.ndarray, backend: str, requires_grad: bool) -> Tensor:
    return Tensor(to_backend(array, backend), requires_grad=requires_grad)


def tensors(
    shape: ShapeLike = None,
    *,
    dtype: str = "float64",
    min_value: float = -3.0,
    max_value: float = 3.0,
    avoid: Sequence[float] = (),
    min_distance: float = 0.05,
    unique: bool = False,
    requires_grad: bool = True,
    backend: str = "numpy",
) -> st.SearchStrategy[Tensor]:
    """Tensors with generated shapes and values.

    Parameters
    ----------
    shape : tuple or strategy of tuples, optional
        A fixed shape, or a strategy such as :func:`shapes`; default ``shapes()``.
    dtype : {"float64", "float32"}
        float64 by default, which :func:`minigrad.gradcheck` requires.
    min_value, max_value : float
        Bounds of the elements (finite, no NaN).
    avoid : sequence of float
        Points where the function under test is not differentiable (``0`` for ``abs``/``relu``,
        the bounds of ``clip``); elements stay at least ``min_distance`` away from each, so the
        finite-difference step never straddles a kink.
    min_distance : float
        How far elements stay from the ``avoid`` points and, with ``unique``, from each other.
    unique : bool
        Elements pairwise at least ``min_distance`` apart (exactly distinct when it is 0), for
        ops whose gradient routes to the extreme (``max``/``min``, ``sort``), where ties, and
        near-ties closer than the finite-difference step, are non-differentiable.
    requires_grad : bool
        Whether the tensors are leaves that want gradients.
    backend : {"numpy", "array_api_strict", "cupy"}
        The array library holding the data.

    Examples
    --------
    Elements bounded away from 0, where ``abs`` has a kink:

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(tensors(shape=(3,), avoid=[0.0], min_distance=0.1))
    ... def test_abs(x):
    ...     assert (x.abs() >= 0.1).numpy().all()
    >>> test_abs()
    """
    arrays = _numpy_arrays(shape, dtype, min_value, max_value, avoid, min_distance, unique)
    return arrays.map(lambda a: _wrap(a, backend, requires_grad))


def broadcastable_tensors(
    n: int = 2,
    *,
    min_dims: int = 0,
    max_dims: int = 3,
    min_side: int = 1,
    max_side: int = 4,
    **tensor_kwargs: Any,
) -> st.SearchStrategy[tuple[Tensor, ...]]:
    """Tuples of ``n`` tensors whose shapes broadcast together (NumPy's rules).

    Shapes come from :func:`hypothesis.extra.numpy.mutually_broadcastable_shapes`, so size-1
    axes and missing leading axes both appear: the cases where the backward driver must sum
    gradients back. ``tensor_kwargs`` go to :func:`tensors` (``dtype``, bounds, ``avoid``,
    ``backend``, …).

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(broadcastable_tensors(2))
    ... def test_add(ab):
    ...     a, b = ab
    ...     assert (a + b).shape == np.broadcast_shapes(a.shape, b.shape)
    ...     assert_gradients_match(lambda x, y: x + y, a, b)
    >>> test_add()
    """
    if n < 1:
        raise ValueError(f"broadcastable_tensors needs n >= 1, got {n}")

    @st.composite
    def draw(data: st.DrawFn) -> tuple[Tensor, ...]:
        found = data(
            hnp.mutually_broadcastable_shapes(
                num_shapes=n,
                min_dims=min_dims,
                max_dims=max_dims,
                min_side=min_side,
                max_side=max_side,
            )
        )
        return tuple(data(tensors(shape, **tensor_kwargs)) for shape in found.input_shapes)

    return draw()


def matmul_pairs(
    *, max_batch_dims: int = 2, min_side: int = 1, max_side: int = 4, **tensor_kwargs: Any
) -> st.SearchStrategy[tuple[Tensor, Tensor]]:
    """Pairs ``(a, b)`` for which ``a @ b`` is defined, as NumPy defines it.

    Covers vector @ vector, vector @ matrix, matrix @ vector, matrix @ matrix and batched
    stacks of matrices whose batch shapes broadcast against each other (``(2, 1, m, k) @
    (3, k, n)``), and 1-D operands against batches.

    Examples
    --------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, deadline=None)
    ... @given(matmul_pairs())
    ... def test_shape(ab):
    ...     a, b = ab
    ...     assert (a @ b).shape == (a.numpy() @ b.numpy()).shape
    >>> test_shape()
    """

    @st.composite
    def draw(data: st.DrawFn) -> tuple[Tensor, Tensor]:
        side = st.integers(min_side, max_side)
        m, k, n = data(side), data(side), data(side)
        batches = data(
            hnp.mutually_broadcastable_shapes(
                num_shapes=2, min_dims=0, max_dims=max_batch_dims, min_side=1, max_side=3
            )
        )
        batch_a, batch_b = batches.input_shapes
        a_vector = data(st.booleans())
        # A batched right operand against a 1-D left one is legal; two 1-D operands too.
        b_vector = data(st.booleans())
        shape_a = (k,) if a_vector else (*batch_a, m, k)
        shape_b = (k,) if b_vector else (*batch_b, k, n)
        a = data(tensors(shape_a, **tensor_kwargs))
        b = data(tensors(shape_b, **tensor_kwargs))
        return a, b

    return draw()


def _describe(tensors_: Sequence[Any]) -> str:
    parts = []
    for i, t in enumerate(tensors_):
        if isinstance(t, Tensor):
            library = _backend.library_name(_backend.namespace(t.array))
            parts.append(
                f"  input {i}: shape {t.shape}, {_backend.dtype_name(t.dtype)}, "
                f"{library}, requires_grad={t.requires_grad}"
            )
        else:
            parts.append(f"  input {i}: {type(t).__name__} {t!r}")
    return "\n".join(parts)


def _fn_name(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


def assert_gradients_match(
    fn: Callable[..., Tensor],
    *inputs: Tensor,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    eps: float = 1e-6,
    mode: str = "auto",
    directions: int = 4,
) -> None:
    """Assert that ``fn``'s analytic gradients agree with finite differences.

    One call inside ``@given``: runs :func:`minigrad.gradcheck` on ``fn(*inputs)`` and, on a
    mismatch, raises an ``AssertionError`` naming the function, every input's shape, dtype and
    backend, and the worst entries (input, index, analytic, numeric).

    Parameters
    ----------
    fn : callable
        Takes the tensors and returns a Tensor of any shape.
    *inputs : Tensor
        float64 tensors; those with ``requires_grad`` are checked.
    atol, rtol, eps, mode, directions
        Passed to :func:`minigrad.gradcheck`.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([0.5, 1.5], dtype="float64", requires_grad=True)
    >>> assert_gradients_match(lambda t: t.log() * t, x)
    """
    try:
        gradcheck(fn, list(inputs), eps=eps, atol=atol, rtol=rtol, mode=mode, directions=directions)
    except GradcheckError as err:
        raise AssertionError(
            f"gradients of {_fn_name(fn)} disagree with finite differences\n"
            f"{_describe(inputs)}\n{err}"
        ) from None


def assert_second_gradients_match(
    fn: Callable[..., Tensor],
    *inputs: Tensor,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    eps: float = 1e-6,
) -> None:
    """Assert that ``fn``'s second derivatives (double backward) agree with finite differences.

    The Hypothesis companion of :func:`minigrad.gradgradcheck`: one call inside ``@given``,
    with a failure that names the function and every input's shape, dtype and backend.

    Examples
    --------
    >>> import minigrad
    >>> x = minigrad.tensor([0.5, 1.5], dtype="float64", requires_grad=True)
    >>> assert_second_gradients_match(lambda t: t.tanh() * t, x)
    """
    try:
        gradgradcheck(fn, list(inputs), eps=eps, atol=atol, rtol=rtol)
    except GradcheckError as err:
        raise AssertionError(
            f"second derivatives of {_fn_name(fn)} disagree with finite differences\n"
            f"{_describe(inputs)}\n{err}"
        ) from None


def _host(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value.numpy()
    if isinstance(value, (list, tuple)):
        return [_host(v) for v in value]
    return np.asarray(_backend.to_numpy(value)) if hasattr(value, "shape") else np.asarray(value)


def assert_forward_matches(
    minigrad_fn: Callable[..., Any],
    numpy_fn: Callable[..., Any],
    *inputs: Any,
    rtol: float = 1e-7,
    atol: float = 1e-10,
) -> None:
    """Assert that ``minigrad_fn(*tensors)`` equals ``numpy_fn(*arrays)`` in shape and value.

    ``numpy_fn`` receives the inputs as NumPy arrays (tensors are copied to the host), so the
    reference is plain NumPy whatever the tensors' backend. Either function may return a list
    or tuple (``split``), compared element by element.

    Examples
    --------
    >>> import numpy as np, minigrad
    >>> x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]], dtype="float64")
    >>> assert_forward_matches(lambda t: t.sum(axis=0), lambda a: a.sum(axis=0), x)
    """
    got = _host(minigrad_fn(*inputs))
    expected = _host(numpy_fn(*[_host(v) for v in inputs]))
    if isinstance(got, list) or isinstance(expected, list):
        if not (isinstance(got, list) and isinstance(expected, list)) or len(got) != len(expected):
            raise AssertionError(
                f"{_fn_name(minigrad_fn)} returned {len(got)} results, NumPy "
                f"{len(expected) if isinstance(expected, list) else 1}"
            )
        for g, e in zip(got, expected, strict=True):
            _compare(g, e, rtol, atol, minigrad_fn, inputs)
        return
    _compare(got, expected, rtol, atol, minigrad_fn, inputs)


def _compare(
    got: np.ndarray,
    expected: np.ndarray,
    rtol: float,
    atol: float,
    fn: Callable[..., Any],
    inputs: Sequence[Any],
) -> None:
    if got.shape != expected.shape:
        raise AssertionError(
            f"{_fn_name(fn)} returned shape {got.shape}, NumPy gives "
            f"{expected.shape}\n{_describe(inputs)}"
        )
    try:
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)
    except AssertionError as err:
        raise AssertionError(
            f"{_fn_name(fn)} differs from NumPy\n{_describe(inputs)}\n{err}"
        ) from None


def assume_well_separated(values: Any, min_gap: float = 1e-3) -> None:
    """Inside ``@given``: discard an example whose values contain near-ties (``max``, sorting).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(tensors(shape=(4,)))
    ... def test_max(x):
    ...     assume_well_separated(x)
    ...     assert_gradients_match(lambda t: t.max(), x)
    >>> test_max()
    """
    flat = np.sort(np.ravel(_host(values)))
    assume(flat.size < 2 or bool(np.min(np.diff(flat)) >= min_gap))


# ---------------------------------------------------------------------- check_op

#: What :func:`check_op` checks, in the order it checks them; ``skip=`` takes these names.
PROPERTIES = (
    "gradient",
    "local gradient",
    "broadcasting",
    "0-d inputs",
    "zero-size inputs",
    "float32 forward",
    "array_api_strict",
    "second derivatives",
)

_BROADCASTS = (
    ((2, 3), (3,)),
    ((2, 1), (1, 3)),
    ((), (2, 3)),
    ((3, 1, 2), (2,)),
)


class OpCheckError(AssertionError):
    """An op failed one of :func:`check_op`'s properties; ``prop`` names which."""

    def __init__(self, message: str, prop: str) -> None:
        super().__init__(message)
        self.prop = prop


class OpCheck:
    """What :func:`check_op` checked (every property passed), and what it skipped and why."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.checked: list[str] = []
        self.skipped: dict[str, str] = {}

    def __repr__(self) -> str:
        skipped = "".join(f"\n  skipped {p}: {why}" for p, why in self.skipped.items())
        return f"check_op({self.name}): {', '.join(self.checked)} passed{skipped}"


def _arity(fn: Callable[..., Any], skip_self: bool) -> int | None:
    import inspect

    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if skip_self:
        params = params[1:]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None
    return sum(
        1
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    )


class _Source:
    """Shapes and values for check_op: from Hypothesis's ``data`` (inside ``@given``, so a
    failure shrinks) or from a seeded NumPy generator (anywhere)."""

    def __init__(self, data: Any, seed: int, bounds: dict[str, Any]) -> None:
        self.data, self.rng, self.bounds = data, np.random.default_rng(seed), bounds

    def shape(self) -> tuple[int, ...]:
        if self.data is not None:
            return self.data.draw(shapes(max_side=3), label="shape")
        return tuple(int(n) for n in self.rng.integers(1, 4, size=self.rng.integers(1, 4)))

    def broadcast(self, n: int) -> tuple[tuple[int, ...], ...]:
        if self.data is not None:
            found = self.data.draw(
                hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=0, max_dims=3, max_side=3),
                label="shapes",
            )
            return found.input_shapes
        first, second = _BROADCASTS[int(self.rng.integers(len(_BROADCASTS)))]
        picks = [first, second] + [first] * (n - 2)
        order = self.rng.permutation(n)
        return tuple(picks[k] for k in order)

    def array(self, shape: tuple[int, ...]) -> np.ndarray:
        b = self.bounds
        if self.data is not None:
            strategy = _numpy_arrays(
                shape,
                "float64",
                b["min_value"],
                b["max_value"],
                b["avoid"],
                b["min_distance"],
                b["unique"],
            )
            return self.data.draw(strategy, label="values")
        return _sampled(self.rng, shape, **b)


def _sampled(
    rng: np.random.Generator,
    shape: tuple[int, ...],
    *,
    min_value: float,
    max_value: float,
    avoid: Sequence[float],
    min_distance: float,
    unique: bool,
) -> np.ndarray:
    size = int(np.prod(shape))
    if unique and size:
        step = min_distance * (1 + 1e-4)
        grid = np.arange(min_value, max_value, step)
        grid = grid[[all(abs(v - p) >= min_distance for p in avoid) for v in grid]]
        if len(grid) < size:
            raise ValueError(f"check_op: {size} unique values do not fit in the bounds")
        return rng.permutation(grid)[:size].reshape(shape)
    values = rng.uniform(min_value, max_value, size=size)
    for _ in range(100):  # resample the few that fell near a kink
        near = np.zeros(size, dtype=bool)
        for p in avoid:
            near |= np.abs(values - p) < min_distance
        if not near.any():
            break
        values[near] = rng.uniform(min_value, max_value, size=int(near.sum()))
    return values.reshape(shape)


def check_op(
    op: Any,
    *,
    arity: int | None = None,
    min_value: float = -3.0,
    max_value: float = 3.0,
    avoid: Sequence[float] = (),
    min_distance: float = 0.05,
    unique: bool = False,
    skip: Sequence[str] = (),
    examples: int = 3,
    data: Any = None,
    seed: int = 0,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> OpCheck:
    """Check everything an op must satisfy, in one call; a failure names the property.

    ``op`` is an op class (a subclass of :class:`minigrad.Op` or :class:`minigrad.Elementwise`,
    built with no arguments and run through :func:`minigrad.apply`) or a function of tensors
    (``minigrad.tanh``, ``lambda a, b: a * b``). Over generated shapes it checks, in order:

    ``gradient``
        analytic gradients against central differences in float64 (:func:`minigrad.gradcheck`);
    ``local gradient``
        element-wise ops only: the declared local gradient ∂out/∂input, times the upstream
        gradient, is what backward gives (what stepping shows is what backward used);
    ``broadcasting``
        ops of several inputs: shapes that broadcast, so the driver sums gradients back;
    ``0-d inputs`` and ``zero-size inputs``
        scalars, and empty arrays (shape ``(0,)``, ``(2, 0)``): forward runs, every gradient
        has its input's shape;
    ``float32 forward``
        float32 inputs give a float32 output close to the float64 one;
    ``array_api_strict``
        the op on the strict Array API library (as on CuPy) gives NumPy's values and
        gradients (skipped, with the reason in the result, when it is not installed);
    ``second derivatives``
        double backward against finite differences of the gradient (:func:`gradgradcheck`).

    Outside ``@given`` the shapes and values come from a generator seeded with ``seed``
    (``examples`` cases per property); inside, pass ``data`` (``@given(st.data())``) and
    Hypothesis draws them and shrinks a failure.

    Parameters
    ----------
    op : Op subclass or callable
        What to check.
    arity : int, optional
        The number of tensor inputs, when it cannot be read from the signature.
    min_value, max_value, avoid, min_distance, unique
        The input values, as for :func:`tensors` (``avoid`` kinks such as 0 for ``abs``).
    skip : sequence of str
        Properties (names from :data:`PROPERTIES`) not to check.
    examples : int
        Cases per property without ``data``.
    data : hypothesis DataObject, optional
        Draw the cases from it (inside ``@given(st.data())``).
    seed : int
        Seeds the generator used without ``data``.
    atol, rtol : float
        Tolerances of the gradient checks.

    Returns
    -------
    OpCheck
        The properties checked and those skipped (with why).

    Raises
    ------
    OpCheckError
        naming the failed property, the inputs' shapes and what disagreed.

    Examples
    --------
    >>> import minigrad
    >>> from minigrad import Elementwise
    >>> from minigrad.backend import namespace
    >>> class Softplus(Elementwise):
    ...     name, symbol, rule = "softplus", "softplus", "softplus: downstream = upstream × σ(x)"
    ...     def forward(self, x):
    ...         xp = namespace(x)
    ...         self.saved = (x,)
    ...         return xp.log1p(xp.exp(-xp.abs(x))) + xp.where(x > 0, x, xp.zeros_like(x))
    ...     def local_grads(self):
    ...         (x,) = self.saved
    ...         return (1 / (1 + namespace(x).exp(-x)),)
    >>> report = check_op(Softplus)
    >>> report.checked[:2]
    ['gradient', 'local gradient']
    >>> check_op(lambda a, b: a * b)  # doctest: +NORMALIZE_WHITESPACE
    check_op(<lambda>): gradient, local gradient, broadcasting, 0-d inputs, zero-size inputs,
    float32 forward, array_api_strict, second derivatives passed
    """
    unknown = [p for p in skip if p not in PROPERTIES]
    if unknown:
        raise ValueError(f"check_op: unknown properties {unknown}; choose from {PROPERTIES}")
    name, fn, n, op_class = _as_function(op, arity)
    bounds = {
        "min_value": min_value,
        "max_value": max_value,
        "avoid": tuple(avoid),
        "min_distance": min_distance,
        "unique": unique,
    }
    source = _Source(data, seed, bounds)
    cases = 1 if data is not None else max(1, examples)
    report = OpCheck(name)
    ctx = _Checker(name, fn, n, source, cases, atol, rtol, report)
    for prop, run in _plan(ctx, op_class, n).items():
        if prop in skip:
            report.skipped[prop] = "skip= asked for it"
        elif isinstance(run, str):
            report.skipped[prop] = run
        else:
            ctx.prop = prop
            run()
            report.checked.append(prop)
    return report


def _as_function(op: Any, arity: int | None) -> tuple[str, Callable[..., Tensor], int, Any]:
    """``op`` (an op class or a function of tensors) as (name, function, number of inputs,
    the op class or None)."""
    from minigrad.op import Op, apply

    if isinstance(op, Op):
        raise TypeError(
            f"check_op: pass the op's class ({type(op).__name__}), not an instance (each "
            "application needs a fresh op), or a function such as lambda x: apply(op(...), x)"
        )
    if isinstance(op, type) and issubclass(op, Op):

        def fn(*tensors_: Tensor) -> Tensor:
            return apply(op(), *tensors_)

        n = arity if arity is not None else _arity(op.forward, skip_self=True)
        name, op_class = op.__name__, op
    else:
        if not callable(op):
            raise TypeError(f"check_op: {op!r} is neither an op class nor a function")
        name, fn, op_class = _fn_name(op), op, None
        n = arity if arity is not None else _arity(op, skip_self=False)
    if n is None or n < 1:
        raise TypeError(f"check_op({name}): cannot tell how many inputs it takes; pass arity=")
    return name, fn, n, op_class


def _plan(ctx: _Checker, op_class: Any, n: int) -> dict[str, Any]:
    """Each property in :data:`PROPERTIES` order: the check to run, or why it does not apply."""
    from minigrad.op import Elementwise

    elementwise = (
        issubclass(op_class, Elementwise) if op_class is not None else ctx.looks_elementwise()
    )
    checks = {
        "gradient": ctx.gradient,
        "local gradient": (lambda: ctx.local_gradient(op_class))
        if elementwise
        else "not an element-wise op",
        "broadcasting": ctx.broadcasting if n > 1 else "one input: nothing to broadcast",
        "0-d inputs": ctx.zero_d,
        "zero-size inputs": ctx.zero_size,
        "float32 forward": ctx.float32,
        "array_api_strict": ctx.strict
        if "array_api_strict" in available_backends()
        else "array_api_strict is not installed (pip install array-api-strict)",
        "second derivatives": ctx.second,
    }
    return {prop: checks[prop] for prop in PROPERTIES}


class _Checker:
    """The properties of :func:`check_op`, each a method; :meth:`fail` names the property."""

    def __init__(
        self,
        name: str,
        fn: Callable[..., Tensor],
        n: int,
        source: _Source,
        cases: int,
        atol: float,
        rtol: float,
        report: OpCheck,
    ) -> None:
        self.name, self.fn, self.n, self.source = name, fn, n, source
        self.cases, self.atol, self.rtol, self.report = cases, atol, rtol, report
        self.prop = ""

    # ------------------------------------------------------------------ helpers

    def fail(self, inputs: Sequence[Any], detail: str) -> None:
        passed = f"\n(passed before it: {', '.join(self.report.checked)})"
        raise OpCheckError(
            f"check_op({self.name}): property '{self.prop}' failed\n{_describe(inputs)}\n"
            f"{detail}{passed if self.report.checked else ''}",
            self.prop,
        )

    def tensors(
        self, shapes_: Sequence[tuple[int, ...]], dtype: str = "float64", backend: str = "numpy"
    ) -> list[Tensor]:
        arrays = [self.source.array(s) for s in shapes_]
        return [Tensor(to_backend(a.astype(dtype), backend), requires_grad=True) for a in arrays]

    def run(self, inputs: Sequence[Tensor]) -> Tensor:
        try:
            out = self.fn(*inputs)
        except Exception as exc:
            self.fail(inputs, f"the op raised {type(exc).__name__}: {exc}")
        if not isinstance(out, Tensor):
            self.fail(inputs, f"the op returned a {type(out).__name__}, not a Tensor")
        return out

    def grads(self, inputs: Sequence[Tensor], out: Tensor) -> list[np.ndarray]:
        """∂(Σ out)/∂input for each input, checked to have the input's shape."""
        from minigrad.autograd import grad as grad_of

        if not out.requires_grad:
            self.fail(inputs, "the output does not require grad: the op records no node")
        try:
            found = grad_of(out.sum(), list(inputs), allow_unused=True)
        except Exception as exc:
            self.fail(inputs, f"backward raised {type(exc).__name__}: {exc}")
        result = []
        for i, (t, g) in enumerate(zip(inputs, found, strict=True)):
            array = np.zeros(t.shape) if g is None else g.numpy()
            if array.shape != t.shape:
                self.fail(inputs, f"the gradient of input {i} has shape {array.shape}")
            result.append(array)
        return result

    def gradcheck_on(self, inputs: Sequence[Tensor], second: bool = False) -> None:
        check = gradgradcheck if second else gradcheck
        try:
            check(self.fn, list(inputs), atol=self.atol, rtol=self.rtol)
        except GradcheckError as err:
            self.fail(inputs, str(err))
        except Exception as exc:
            self.fail(inputs, f"the check raised {type(exc).__name__}: {exc}")

    def looks_elementwise(self) -> bool:
        """A function is element-wise when every op it records is (and shapes are kept)."""
        from minigrad.gradcheck import _is_elementwise

        inputs = self.tensors([(2, 3)] * self.n)
        try:
            out = self.fn(*inputs)
        except Exception:
            return False
        return isinstance(out, Tensor) and out.shape == (2, 3) and _is_elementwise(out)

    # ------------------------------------------------------------------ properties

    def gradient(self) -> None:
        for _ in range(self.cases):
            shape = self.source.shape()
            self.gradcheck_on(self.tensors([shape] * self.n))

    def local_gradient(self, op_class: type | None) -> None:
        """upstream × declared local gradient = what backward hands each input."""
        from minigrad.autograd import backward_steps, unbroadcast
        from minigrad.op import times_local

        for _ in range(self.cases):
            shape = self.source.shape()
            inputs = self.tensors([shape] * self.n)
            upstream = self.source.array(shape) if shape else np.float64(1.5)
            if op_class is not None:
                op = op_class()
                arrays = [t.array for t in inputs]
                op.needs = (True,) * self.n
                op.forward(*arrays)
                local = op.local_grads()
                expected = times_local(np.asarray(upstream), local)
                got = op.backward(np.asarray(upstream))
                for i, (e, g) in enumerate(zip(expected, got, strict=True)):
                    if not np.allclose(np.broadcast_to(e, shape), np.broadcast_to(g, shape)):
                        self.fail(
                            inputs,
                            f"input {i}: backward gives {_short(g)}, but upstream × the "
                            f"declared local gradient is {_short(e)} (upstream {_short(upstream)}"
                            f", local {_short(local[i])}): what stepping shows is not what "
                            "backward computes",
                        )
            out = self.run(inputs)
            for step in backward_steps(out, grad=Tensor(np.broadcast_to(upstream, out.shape))):
                if step.local is None:
                    continue
                products = times_local(step.upstream, step.local)
                for i, (p, d) in enumerate(zip(products, step.downstream, strict=True)):
                    if p is None or d is None:
                        continue
                    d = np.asarray(_backend.to_numpy(d))
                    p = unbroadcast(np.asarray(_backend.to_numpy(p)), d.shape)
                    if not np.allclose(p, d):
                        self.fail(inputs, f"upstream × local ≠ downstream for input {i}:\n{step}")

    def broadcasting(self) -> None:
        for _ in range(self.cases):
            shapes_ = self.source.broadcast(self.n)
            inputs = self.tensors(shapes_)
            out = self.run(inputs)
            self.grads(inputs, out)
            self.gradcheck_on(inputs)

    def zero_d(self) -> None:
        for _ in range(self.cases):
            self.gradcheck_on(self.tensors([()] * self.n))

    def zero_size(self) -> None:
        for shape in ((0,), (2, 0)):
            inputs = self.tensors([shape] * self.n)
            self.grads(inputs, self.run(inputs))

    def float32(self) -> None:
        for _ in range(self.cases):
            shape = self.source.shape()
            wide = self.tensors([shape] * self.n)
            narrow = [Tensor(t.numpy().astype(np.float32), requires_grad=True) for t in wide]
            expected, got = self.run(wide), self.run(narrow)
            if _backend.dtype_name(got.dtype) != "float32":
                self.fail(
                    narrow,
                    f"float32 inputs gave a {_backend.dtype_name(got.dtype)} output "
                    "(PyTorch keeps float32)",
                )
            if not np.allclose(got.numpy(), expected.numpy(), rtol=1e-4, atol=1e-5):
                self.fail(
                    narrow,
                    f"float32 forward {_short(got.numpy())} is far from float64's "
                    f"{_short(expected.numpy())}",
                )
            for i, g in enumerate(self.grads(narrow, got)):
                if g.dtype != np.float32:
                    self.fail(narrow, f"the gradient of input {i} is {g.dtype}, not float32")

    def strict(self) -> None:
        for _ in range(self.cases):
            shape = self.source.shape()
            host = self.tensors([shape] * self.n)
            strict = [
                Tensor(to_backend(t.numpy(), "array_api_strict"), requires_grad=True) for t in host
            ]
            got = self.run(strict)
            library = _backend.library_name(_backend.namespace(got.array))
            if library != "array_api_strict":
                self.fail(strict, f"the output is a {library} array, not array_api_strict's")
            expected = self.run(host)
            if not np.allclose(got.numpy(), expected.numpy()):
                self.fail(strict, f"values {_short(got.numpy())} differ from NumPy's")
            for i, (g, e) in enumerate(
                zip(self.grads(strict, got), self.grads(host, expected), strict=True)
            ):
                if not np.allclose(g, e):
                    self.fail(strict, f"the gradient of input {i} differs from NumPy's")

    def second(self) -> None:
        for _ in range(max(1, self.cases - 1)):
            shape = self.source.shape()
            self.gradcheck_on(self.tensors([shape] * self.n), second=True)


def _short(value: Any) -> str:
    array = np.asarray(_backend.to_numpy(value) if hasattr(value, "shape") else value)
    return np.array2string(array, precision=4, threshold=8, separator=", ").replace("\n", "")
