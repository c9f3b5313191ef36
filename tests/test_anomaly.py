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
