"""Running sums and products (cumsum, cumprod): gradcheck on every backend, and forward and
gradient against PyTorch, also where the input has zeros."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_helpers import (
    VECTORS,
    check_case_at_values,
    check_case_gradcheck,
    check_case_matches_torch,
)

# name: (fn(x, m, idx), shapes, element options); see op_helpers
CASES = {
    "cumsum": (lambda x, m, idx: x.cumsum(-1), VECTORS, {}),
    "cumprod": (lambda x, m, idx: x.cumprod(0), VECTORS, {}),
}


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_gradcheck(name: str, backend: str, data: st.DataObject) -> None:
    check_case_gradcheck(CASES[name], backend, data)


@pytest.mark.parametrize("name", sorted(CASES))
@given(data=st.data())
def test_matches_torch(name: str, data: st.DataObject) -> None:
    check_case_matches_torch(CASES[name], data)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("cumprod", [[2.0, 0.0, 3.0], [0.0, 5.0, 4.0]]),
    ],
)
def test_gradients_at_zeros_and_ties_are_pytorchs(name: str, values: list) -> None:
    check_case_at_values(CASES[name], values)
