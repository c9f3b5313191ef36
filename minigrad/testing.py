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
your own; build yours on it with ``settings.register_profile("mine",
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
settings.register_profile(
    PROFILE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=tuple(phase for phase in Phase if phase is not Phase.explain),
)


def _current_profile() -> str | None:
    current = getattr(settings, "get_current_profile_name", None)
    return current() if current is not None else getattr(settings, "_current_profile", None)


if _current_profile() in (None, "default"):
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
            library = _backend.library_name(_backend.namespace(t.data))
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
