"""Shared test configuration: Hypothesis profiles and the array-backend fixture.

Profiles: ``default`` (fast, for local runs) and ``ci`` (more examples, derandomized so a CI
failure reproduces); choose with the ``HYPOTHESIS_PROFILE`` environment variable.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import minigrad
from minigrad.testing import PROFILE, available_backends

# Built on minigrad.testing's profile: gradcheck runs the function twice per input element, so
# single examples can be slow (deadlines would only make the suite flaky), and Hypothesis's
# "Explanation" would point at the gradient checker's lines rather than at the op.
_COMMON = {"parent": settings.get_profile(PROFILE)}
settings.register_profile("default", max_examples=20, **_COMMON)
settings.register_profile("ci", max_examples=60, derandomize=True, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Only the backends this machine has are parametrized, so nothing is skipped silently:
# CuPy joins the op suite exactly when it imports and sees a GPU.
BACKENDS = available_backends()


@pytest.fixture(params=BACKENDS, scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """The array library the test's tensors live in: "numpy", "array_api_strict" (, "cupy")."""
    return request.param


@pytest.fixture(autouse=True)
def _restore_default_dtype():
    """A test that changes the default dtype must not change it for the tests after it."""
    dtype = minigrad.get_default_dtype()
    yield
    minigrad.set_default_dtype(dtype)


@pytest.fixture(autouse=True, scope="module")
def _restore_matplotlib_settings():
    """A test (or a module fixture) that runs an experiment in-process, which sets the slide
    style, must not change the look of the figures of the test modules after it."""
    import matplotlib

    with matplotlib.rc_context():
        yield
