"""Linear, Embedding, Dropout, Sequential and the activation modules."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
import nn
from minigrad.testing import tensors, to_backend


def test_linear_has_pytorch_names_shapes_and_init_bounds():
    minigrad.manual_seed(0)
    layer = nn.Linear(16, 5)
    assert [name for name, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.shape == (5, 16) and layer.bias.shape == (5,)
    bound = 1 / np.sqrt(16)
    for p in (layer.weight, layer.bias):
        values = p.numpy()
        assert values.dtype == np.float32
        assert np.all(np.abs(values) <= bound) and values.std() > bound / 4


def test_linear_forward_matches_numpy_and_works_without_bias():
    layer = nn.Linear(3, 2, bias=False)
    x = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    out = layer(minigrad.tensor(x))
    np.testing.assert_allclose(out.numpy(), x @ layer.weight.numpy().T, rtol=1e-6)
    assert layer.bias is None and len(list(layer.parameters())) == 1


@given(x=tensors(shape=st.tuples(st.integers(1, 3), st.just(3))))
def test_linear_gradcheck(x):
    layer = nn.Linear(3, 2).double()
    minigrad.gradcheck(lambda a, w, b: a @ w.T + b, [x, layer.weight, layer.bias])
    minigrad.gradcheck(lambda a: layer(a), [x])


def test_linear_rejects_wrong_last_dimension():
    with pytest.raises(ValueError, match=r"last dimension is 4, got shape \(2, 3\)"):
        nn.Linear(4, 2)(minigrad.zeros(2, 3))


def test_linear_matches_torch_with_copied_weights():
    torch = pytest.importorskip("torch", reason="PyTorch is the independent oracle here")
    ours = nn.Linear(4, 3, dtype="float64")
    theirs = torch.nn.Linear(4, 3, dtype=torch.float64)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(5, 4))
    ours(minigrad.tensor(x)).sum().backward()
    theirs(torch.from_numpy(x)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
    np.testing.assert_allclose(ours.bias.grad.numpy(), theirs.bias.grad.numpy())


def test_embedding_lookup_gradcheck_and_repeated_ids_accumulate():
    emb = nn.Embedding(5, 3).double()
    ids = np.array([[0, 4], [4, 4]])
    np.testing.assert_array_equal(emb(ids).numpy(), emb.weight.numpy()[ids])
    minigrad.gradcheck(lambda w: minigrad.embedding(w, ids), [emb.weight])
    emb.zero_grad()
    emb(ids).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy()[:, 0], [1, 0, 0, 0, 3])


def test_embedding_init_is_standard_normal():
    minigrad.manual_seed(1)
    values = nn.Embedding(400, 50).weight.numpy()
    assert abs(values.mean()) < 0.02 and abs(values.std() - 1) < 0.02


def test_embedding_rejects_float_and_out_of_range_ids():
    emb = nn.Embedding(5, 2)
    with pytest.raises(TypeError, match="indices must be integers"):
        emb(np.array([0.0, 1.0]))
    with pytest.raises(IndexError, match=r"must be in \[0, 5\)"):
        emb([1, 5])


def test_dropout_is_identity_in_eval_and_inverted_in_training():
    drop = nn.Dropout(0.25)
    x = minigrad.ones(20000)
    minigrad.manual_seed(3)
    kept = drop(x).numpy()
    np.testing.assert_allclose(np.unique(kept), [0.0, 1 / 0.75], rtol=1e-6)
    assert abs((kept == 0).mean() - 0.25) < 0.02
    assert drop.eval()(x) is x


def test_dropout_reproduces_with_manual_seed_and_masks_the_gradient():
    x = minigrad.ones(50, requires_grad=True)
    minigrad.manual_seed(7)
    first = nn.functional.dropout(x, 0.5)
    minigrad.manual_seed(7)
    second = nn.functional.dropout(x, 0.5)
    np.testing.assert_array_equal(first.numpy(), second.numpy())
    first.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), first.numpy())


def test_dropout_p_one_zeroes_and_bad_p_is_refused():
    assert not nn.Dropout(1.0)(minigrad.ones(4)).numpy().any()
    with pytest.raises(ValueError, match=r"probability must be in \[0, 1\], got 1.5"):
        nn.Dropout(1.5)


def test_sequential_indexing_slicing_len_and_state_names():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(model) == 3 and isinstance(model[1], nn.ReLU) and model[-1] is model[2]
    head = model[:2]
    assert len(head) == 2 and head[0] is model[0]
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = minigrad.ones(4, 2)
    np.testing.assert_allclose(model(x).numpy(), model[2](model[1](model[0](x))).numpy())
    model.append(nn.Sigmoid())
    assert len(model) == 4 and list(model)[-1].__class__ is nn.Sigmoid


def test_sequential_refuses_non_modules():
    with pytest.raises(TypeError, match="Sequential takes Modules, got function"):
        nn.Sequential(nn.Linear(1, 1), lambda x: x)


def test_train_and_eval_reach_nested_dropout():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.eval()
    assert not model[1].training
    model.train()
    assert model[1].training


@pytest.mark.parametrize(
    ("module", "reference"),
    [
        (nn.Tanh(), np.tanh),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.LeakyReLU(0.1), lambda x: np.where(x > 0, x, 0.1 * x)),
        (nn.Softmax(axis=1), lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
        (nn.LogSoftmax(dim=1), lambda x: x - np.log(np.exp(x).sum(1, keepdims=True))),
    ],
)
def test_activation_modules_match_numpy_and_gradcheck(module, reference):
    x = np.random.default_rng(0).normal(size=(3, 4))
    np.testing.assert_allclose(module(minigrad.tensor(x)).numpy(), reference(x), rtol=1e-12)
    t = minigrad.tensor(x + np.sign(x) * 0.1, requires_grad=True)  # away from ReLU's kink
    minigrad.gradcheck(module, [t])


def test_linear_runs_on_every_array_backend(backend):
    layer = nn.Linear(3, 2, dtype="float64")
    x = np.random.default_rng(0).normal(size=(4, 3))
    expected = x @ layer.weight.numpy().T + layer.bias.numpy()
    for p in layer.parameters():
        p.array = to_backend(p.numpy(), backend)
    out = layer(minigrad.tensor(to_backend(x, backend)))
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(layer.bias.grad.numpy(), [4.0, 4.0])
