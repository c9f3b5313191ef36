"""`.data` is PyTorch's (a Tensor cut from the graph, sharing the values); `.array` is the
backend array itself."""

import numpy as np
import pytest

import minigrad
from minigrad import Tensor


def test_data_is_a_detached_tensor_sharing_the_array():
    w = Tensor([1.0, 2.0], requires_grad=True)
    d = w.data
    assert isinstance(d, Tensor)
    assert d.requires_grad is False and d.is_leaf
    assert d.array is w.array
    d.array[0] = 7.0  # a write through .data is seen by the tensor
    assert w.tolist() == [7.0, 2.0]


def test_data_of_an_op_output_is_cut_from_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).data
    assert y.node is None and not y.requires_grad
    np.testing.assert_array_equal(y.numpy(), [3.0, 6.0])


@pytest.mark.parametrize("value", [Tensor([4.0, 5.0]), np.array([4.0, 5.0], np.float32)])
def test_assigning_data_replaces_the_values_and_keeps_the_leaf(value):
    w = Tensor([1.0, 2.0], requires_grad=True)
    w.data = value
    assert w.tolist() == [4.0, 5.0] and w.requires_grad and w.is_leaf
    (w * w).sum().backward()
    assert w.grad.tolist() == [8.0, 10.0]


def test_assigning_data_something_else_names_what_to_do():
    w = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"needs a Tensor.*got list.*minigrad.tensor"):
        w.data = [1.0, 2.0]
    assert w.tolist() == [1.0, 2.0]


def test_array_is_the_backend_array():
    a = np.arange(3.0)
    t = minigrad.Tensor.from_array(a)
    assert t.array is a and t.data.array is a
