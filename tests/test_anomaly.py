"""detect_anomaly: the first NaN/Inf names the op and the user's line that created it."""

from __future__ import annotations

import warnings

import pytest

import minigrad
from minigrad import AnomalyError, Tensor


def test_forward_nan_names_the_op_and_the_users_line() -> None:
    x = Tensor([-1.0, 4.0], requires_grad=True)
    with minigrad.detect_anomaly(), pytest.raises(AnomalyError) as caught:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            x.sqrt()  # the line the report must point at
    message = str(caught.value)
    assert "forward of sqrt produced NaN" in message
    assert __file__ in message
    assert "x.sqrt()  # the line the report must point at" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_backward_nan_names_the_op_and_where_it_was_created() -> None:
    x = Tensor([0.0, 1.0], requires_grad=True)
    with minigrad.detect_anomaly():
        root = x.sqrt()  # finite forward; at 0 the backward is 0 / 0
        loss = (root * 0.0).sum()
        with pytest.raises(AnomalyError) as caught:
            loss.backward()
    message = str(caught.value)
    assert "backward of sqrt" in message
    assert "produced NaN in the gradient of input 0" in message
    assert __file__ in message
    assert "root = x.sqrt()" in message


def test_anomaly_mode_is_off_outside_the_block() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y = Tensor([-1.0]).log()  # no error: detection is opt-in
    assert y.numpy()[0] != y.numpy()[0]  # NaN


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_anomaly_names_the_scope() -> None:
    x = Tensor([0.0], requires_grad=True)
    with minigrad.detect_anomaly(), minigrad.scope("decoder"):
        loss = x.sqrt().sum()
        with pytest.raises(AnomalyError, match="in scope 'decoder'"):
            loss.backward()


def test_anomaly_names_the_first_bad_element_without_numpys_warning() -> None:
    x = Tensor([1.0, 0.0, 2.0, 0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy's "divide by zero in log" would raise here
        with minigrad.detect_anomaly(), pytest.raises(AnomalyError) as caught:
            x.log()
    lines = str(caught.value).splitlines()
    assert lines[0] == "detect_anomaly: forward of log produced -inf"
    assert lines[1] == (
        "  first bad element: index (1,) = -inf (1 of 2 bad elements); there input 0 = 0"
    )


def test_anomaly_in_backward_names_the_gradients_bad_element() -> None:
    x = Tensor([4.0, 0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with minigrad.detect_anomaly():
            loss = x.sqrt().sum()
            with pytest.raises(AnomalyError) as caught:
                loss.backward()
    assert "first bad element: index (1,) = inf; there input 0 = 0" in str(caught.value)


def test_numpy_warnings_come_back_after_the_block() -> None:
    import numpy as np

    with minigrad.detect_anomaly():
        pass
    with pytest.warns(RuntimeWarning):
        np.log(np.zeros(1))


def test_an_error_while_building_an_op_is_printed_once() -> None:
    """The op's message was chained under a copy of itself, so a traceback showed it twice;
    now one exception carries it, with the op's own frames still in the traceback."""
    import traceback

    a, b = minigrad.ones(2, 3), minigrad.ones(2, 3, requires_grad=True)
    with pytest.raises(ValueError) as caught:
        a @ b
    printed = "".join(traceback.format_exception(caught.value))
    assert printed.count("inner dimensions differ") == 1
    assert "matmul failed on inputs of shape/dtype [(2, 3) float32, (2, 3) float32]" in printed
    assert "ops/linalg.py" in printed  # where the op raised is still shown
