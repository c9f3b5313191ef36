"""minigrad.testing: the strategies draw what they promise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minigrad import Tensor
from minigrad.testing import (
    assert_forward_matches,
    broadcastable_tensors,
    matmul_pairs,
    shapes,
    tensors,
    to_backend,
)


@given(data=st.data())
def test_tensors_respect_shape_dtype_bounds_and_backend(backend: str, data: st.DataObject) -> None:
    shape = data.draw(shapes(max_dims=2))
    dtype = data.draw(st.sampled_from(["float32", "float64"]))
    requires_grad = data.draw(st.booleans())
    x = data.draw(
        tensors(
            shape,
            dtype=dtype,
            min_value=-2,
            max_value=1,
            requires_grad=requires_grad,
            backend=backend,
        )
    )
    assert isinstance(x, Tensor)
    assert x.shape == shape and str(x.dtype).endswith(dtype)
    assert x.requires_grad is requires_grad
    assert type(x.array).__module__.split(".")[0] == ("numpy" if backend == "numpy" else backend)
    values = x.numpy()
    assert np.all((values >= -2) & (values <= 1))


@given(tensors(avoid=[0.0, 1.0], min_distance=0.25))
def test_tensors_avoid_kinks(x: Tensor) -> None:
    values = x.numpy()
    assert np.all(np.abs(values) >= 0.25) and np.all(np.abs(values - 1.0) >= 0.25)


@given(tensors(shapes(min_dims=1), unique=True))
def test_tensors_unique(x: Tensor) -> None:
    assert len(np.unique(x.numpy())) == x.numel()


@given(
    tensors(
        shapes(min_dims=1, max_dims=2, max_side=3),
        dtype="float32",
        min_value=0.6,
        max_value=1.9,
        avoid=[0.8, 1.6],
        min_distance=0.05,
        unique=True,
    )
)
def test_unique_elements_are_min_distance_apart(x: Tensor) -> None:
    # merely distinct is not enough for max/min gradchecks: 1.0 and 0.99999 are a tie to a
    # finite difference
    values = np.sort(x.numpy().ravel()).astype(np.float64)
    assert np.all(np.diff(values) >= 0.05)
    assert np.all((values >= 0.6) & (values <= 1.9))
    assert np.all(np.abs(values - 0.8) >= 0.05) and np.all(np.abs(values - 1.6) >= 0.05)


def test_unique_says_when_the_elements_cannot_fit() -> None:
    @settings(max_examples=1, deadline=None)
    @given(tensors((5,), min_value=0.0, max_value=0.1, min_distance=0.05, unique=True))
    def draw_five(x: Tensor) -> None:
        raise AssertionError("five elements 0.05 apart do not fit in [0, 0.1]")

    with pytest.raises(ValueError, match=r"cannot place 5 elements at least 0.05 apart"):
        draw_five()


@given(broadcastable_tensors(3, max_dims=4))
def test_broadcastable_tensors_broadcast(group: tuple[Tensor, ...]) -> None:
    assert len(group) == 3
    np.broadcast_shapes(*(t.shape for t in group))  # raises if they do not


@given(matmul_pairs())
def test_matmul_pairs_are_compatible(pair: tuple[Tensor, Tensor]) -> None:
    a, b = pair
    assert (a @ b).shape == np.matmul(a.numpy(), b.numpy()).shape


def test_bad_strategy_arguments() -> None:
    with pytest.raises(ValueError, match="dtype must be float32 or float64"):
        tensors(dtype="int64")
    with pytest.raises(ValueError, match="min_value 2 is larger than max_value 1"):
        tensors(min_value=2, max_value=1)
    with pytest.raises(ValueError, match="unknown backend 'jax'"):
        to_backend([1.0], "jax")
    with pytest.raises(ValueError, match="n >= 1"):
        broadcastable_tensors(0)


def test_assert_forward_matches_reports_shape_and_value_differences() -> None:
    x = Tensor(np.array([1.0, 2.0]))
    with pytest.raises(AssertionError, match=r"returned shape \(2,\), NumPy gives \(\)"):
        assert_forward_matches(lambda t: t * 2, lambda a: a.sum(), x)
    with pytest.raises(AssertionError, match="differs from NumPy"):
        assert_forward_matches(lambda t: t * 2, lambda a: a * 3, x)
    assert_forward_matches(lambda t: t.split(1), lambda a: np.split(a, 2), x)


FAILING_GRADIENT_TEST = """
from hypothesis import given
from minigrad import Elementwise, apply
from minigrad.testing import tensors, assert_gradients_match

class Square(Elementwise):
    name, symbol, rule = "square", "x²", "square: downstream = upstream × 2x"
    def forward(self, x):
        self.saved = (x,)
        return x * x
    def local_grads(self):
        (x,) = self.saved
        return (x,)                      # wrong: 2 * x

@given(tensors(min_value=-5, max_value=5))
def test_square(x):
    assert_gradients_match(lambda t: apply(Square(), t), x)
"""


def test_a_failing_gradient_test_explains_nothing_inside_minigrad(tmp_path) -> None:
    """Hypothesis's "Explanation" listed lines of backend.py and gradcheck.py (never the
    user's op): the profile minigrad.testing registers and loads turns it off."""
    (tmp_path / "test_square.py").write_text(FAILING_GRADIENT_TEST, encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_square.py"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root), "HYPOTHESIS_PROFILE": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Jacobian entries disagree" in done.stdout
    assert "Explanation" not in done.stdout
    assert "minigrad/gradcheck.py:" not in done.stdout


def test_the_minigrad_profile_is_loaded_only_when_no_other_was() -> None:
    from hypothesis import Phase, settings

    from minigrad.testing import PROFILE

    assert Phase.explain not in settings.get_profile(PROFILE).phases
    assert settings.get_profile(PROFILE).deadline is None
    # this suite loads its own profile, built on minigrad's
    assert Phase.explain not in settings().phases
