"""nn.init: PyTorch's initialisers, checked against their definitions and against PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad
import nn
from nn import init


def _big(*shape: int) -> minigrad.Tensor:
    return minigrad.zeros(*shape, dtype="float64")


def test_fans_and_gains_match_pytorch() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle for fans and gains")
    for shape in [(3, 5), (8, 4, 3), (6, 2, 3, 3)]:
        expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
        assert init.fans(_big(*shape)) == expected
    for name in ["linear", "sigmoid", "tanh", "relu", "selu", "conv2d"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2)
    )


@pytest.mark.parametrize(
    ("fill", "expected_std", "bound"),
    [
        (lambda t: init.xavier_uniform_(t), math.sqrt(2 / (400 + 300)), math.sqrt(6 / 700)),
        (lambda t: init.xavier_normal_(t, gain=2.0), 2 * math.sqrt(2 / 700), None),
        (lambda t: init.kaiming_uniform_(t), math.sqrt(2 / 400), math.sqrt(6 / 400)),
        (
            lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
            math.sqrt(2 / 300),
            None,
        ),
        (lambda t: init.uniform_(t, -0.5, 0.5), math.sqrt(1 / 12), 0.5),
        (lambda t: init.normal_(t, 0.0, 0.02), 0.02, None),
    ],
)
def test_distributions_have_their_defined_spread(fill, expected_std, bound) -> None:
    minigrad.manual_seed(0)
    w = fill(_big(300, 400)).numpy()
    assert abs(w.mean()) < 0.05 * expected_std + 1e-12
    assert w.std() == pytest.approx(expected_std, rel=0.02)
    if bound is not None:
        assert np.abs(w).max() <= bound


def test_constants_and_in_place_identity() -> None:
    p = nn.Parameter(np.ones((2, 3), dtype=np.float32))
    assert init.zeros_(p) is p and p.numpy().tolist() == [[0.0] * 3] * 2
    assert init.constant_(p, 2.5).numpy().dtype == np.float32 and p.numpy()[0, 0] == 2.5
    assert init.ones_(p).numpy().sum() == 6
    assert p.grad is None and p.node is None


@pytest.mark.parametrize("shape", [(4, 4), (3, 6), (6, 3), (2, 3, 2)])
def test_orthogonal_is_orthogonal(shape: tuple[int, ...]) -> None:
    minigrad.manual_seed(1)
    w = init.orthogonal_(_big(*shape), gain=1.5).numpy().reshape(shape[0], -1)
    small = min(w.shape)
    gram = w @ w.T if w.shape[0] == small else w.T @ w
    np.testing.assert_allclose(gram, 2.25 * np.eye(small), atol=1e-12)


def test_seeded_initialisation_repeats() -> None:
    minigrad.manual_seed(7)
    a = init.kaiming_uniform_(_big(5, 5)).numpy()
    minigrad.manual_seed(7)
    assert np.array_equal(a, init.kaiming_uniform_(_big(5, 5)).numpy())


def test_lstm_forget_bias_on_layers_and_cells() -> None:
    lstm = nn.LSTM(2, 4, num_layers=2, bidirectional=True)
    init.lstm_forget_bias_(lstm, 1.0)
    for name, p in lstm.named_parameters():
        if name.startswith("bias_"):
            block = p.numpy()[4:8]
            assert np.all(block == (1.0 if name.startswith("bias_ih") else 0.0)), name
    cell = init.lstm_forget_bias_(nn.LSTMCell(2, 3), 2.0)
    assert (cell.bias_ih.numpy()[3:6] + cell.bias_hh.numpy()[3:6]).tolist() == [2.0] * 3
    others = cell.bias_ih.numpy()[:3]
    assert np.all(np.abs(others) <= 1 / math.sqrt(3))  # the other gates keep PyTorch's init


def test_errors_name_what_is_wrong() -> None:
    with pytest.raises(ValueError, match=r"at least 2 dimensions.*\(5,\)"):
        init.xavier_uniform_(_big(5))
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.kaiming_normal_(_big(3, 3), nonlinearity="swish")
    with pytest.raises(ValueError, match="mode='fan_avg'"):
        init.kaiming_uniform_(_big(3, 3), mode="fan_avg")
    with pytest.raises(TypeError, match="got ndarray"):
        init.zeros_(np.zeros(3))
    with pytest.raises(TypeError, match="floating-point"):
        init.ones_(minigrad.tensor([1, 2, 3]))
    with pytest.raises(TypeError, match=r"nn\.LSTM's or nn\.LSTMCell's forget gate, got GRU"):
        init.lstm_forget_bias_(nn.GRU(2, 3))
    with pytest.raises(ValueError, match="bias=False"):
        init.lstm_forget_bias_(nn.LSTM(2, 3, bias=False))
