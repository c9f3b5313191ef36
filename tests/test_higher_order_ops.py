"""Double backward of the common ops, from the same tables that gradcheck them once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from op_helpers import draw_case, ours
from test_ops_activations import CASES as ACTIVATION_CASES
from test_ops_activations import UNARY_VS_TORCH as ACTIVATIONS
from test_ops_arithmetic import BINARY_VS_TORCH as BINARY
from test_ops_compare import CASES as COMPARE_CASES
from test_ops_elementwise import UNARY_VS_TORCH as ELEMENTWISE
from test_ops_index import CASES as INDEX_CASES
from test_ops_linalg import CASES as LINALG_CASES
from test_ops_linalg import PRODUCTS
from test_ops_reduce import CASES as REDUCE_CASES
from test_ops_scan import CASES as SCAN_CASES
from test_ops_shape import CASES as SHAPE_CASES

import minigrad
from minigrad.testing import assert_second_gradients_match, tensors

UNARY = {**ELEMENTWISE, **ACTIVATIONS}
CASES = {
    **ACTIVATION_CASES,
    **REDUCE_CASES,
    **SCAN_CASES,
    **COMPARE_CASES,
    **SHAPE_CASES,
    **INDEX_CASES,
    **LINALG_CASES,
    **PRODUCTS,
}

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
    if name in ("remainder", "floor_divide", "fmod"):  # finite differences must not cross a jump
        ratio = a.numpy() / b.numpy()
        assume(np.all(np.abs(ratio - np.round(ratio)) > 1e-3))
    assert_second_gradients_match(lambda a, b: fn(a, b) * a * b, a, b, atol=1e-4)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=6, deadline=None)
@given(data=st.data())
def test_double_backward_of_scans_sorting_and_indexing(name: str, data) -> None:
    x = draw_case(data, CASES[name])
    fn = ours(CASES[name])
    assert_second_gradients_match(lambda t: fn(t) * fn(t), x, atol=1e-4)
