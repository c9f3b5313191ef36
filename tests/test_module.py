"""Module behaviour seen through real layers: traversal, modes, state dicts and their errors."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(5, 3)
        self.body = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.ReLU())
        self.head = nn.Linear(4, 2)
        self.tied = self.head.weight  # a shared parameter is listed once

    def forward(self, ids):
        return self.head(self.body(self.emb(ids)))


def test_named_parameters_are_dotted_and_unique():
    names = [name for name, _ in Net().named_parameters()]
    # The module's own parameters come first; head.weight is the shared "tied" one.
    assert names == ["tied", "emb.weight", "body.0.weight", "body.0.bias", "head.bias"]


def test_modes_and_zero_grad_reach_every_submodule():
    net = Net()
    net.eval()
    assert not any(m.training for m in net.modules())
    net(np.array([[0, 1]])).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_load_state_dict_lists_every_problem_and_changes_nothing():
    net = Net()
    before = {k: v.copy() for k, v in net.state_dict().items()}
    state = net.state_dict()
    state["emb.weight"] = np.zeros((6, 3), dtype=np.float32)
    state["body.0.bias"] = np.zeros(4, dtype=np.float64)
    state["extra"] = np.zeros(1, dtype=np.float32)
    del state["head.bias"]
    state["tied"] = state["tied"] + 1
    with pytest.raises(
        ValueError,
        match=r"(?s)4 problem\(s\).*missing key 'head.bias'.*"
        r"unexpected key 'extra'.*shape \(6, 3\).*dtype float64",
    ):
        net.load_state_dict(state)
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_state_dict_round_trip_through_a_file(tmp_path):
    a, b = Net(), Net()
    nn.save(a.state_dict(), tmp_path / "net.npz")
    b.load_state_dict(nn.load(tmp_path / "net.npz"))
    ids = np.array([[1, 2, 3]])
    a.eval()
    b.eval()
    np.testing.assert_array_equal(a(ids).numpy(), b(ids).numpy())


def test_double_casts_parameters_for_gradcheck():
    net = nn.Sequential(nn.Linear(2, 2), nn.Tanh()).double()
    assert all(p.dtype == np.float64 for p in net.parameters())
    x = minigrad.tensor(np.random.default_rng(0).normal(size=(3, 2)), requires_grad=True)
    minigrad.gradcheck(net, [x])


def test_repr_shows_structure_and_settings():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.1)))
    assert "(0): Linear(in_features=2, out_features=3, bias=True)" in text
    assert "(1): Dropout(p=0.1)" in text
