"""Double backward of the common ops, from the same tables that gradcheck them once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_ops_common import BINARY, UNARY
from test_ops_scan_index import CASES, _draw, _ours

import minigrad
from minigrad.testing import assert_second_gradients_match, tensors

# the rounding family is piecewise constant: its second derivative is 0 like its first
SMOOTH_UNARY = sorted(set(UNARY) - {"sign", "floor", "ceil", "round", "trunc"})


@pytest.mark.parametrize("name", SMOOTH_UNARY)
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_double_backward_of_elementwise_ops(name: str, data) -> None:
    fn, _, options = UNARY[name]
    x = data.draw(tensors(**options))
    assert_second_gradients_match(lambda t: fn(t) * t, x, atol=1e-4)


@pytest.mark.parametrize("name", sorted(BINARY))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_double_backward_of_binary_ops(name: str, data) -> None:
    fn, _, a_options, b_options = BINARY[name]
    shape = data.draw(minigrad.testing.shapes(max_dims=2, max_side=3))
    a = data.draw(tensors(shape, **a_options))
    b = data.draw(tensors(shape, **b_options))
    if name in ("remainder", "floor_divide"):  # finite differences must not cross a jump
        ratio = a.numpy() / b.numpy()
        assume(np.all(np.abs(ratio - np.round(ratio)) > 1e-3))
    assert_second_gradients_match(lambda a, b: fn(a, b) * a * b, a, b, atol=1e-4)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_double_backward_of_scans_sorting_and_indexing(name: str, data) -> None:
    x = _draw(data, name)
    fn = _ours(name)
    assert_second_gradients_match(lambda t: fn(t) * fn(t), x, atol=1e-4)
