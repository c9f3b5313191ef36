"""Edges against PyTorch: kinks, zero-size shapes, 0-d tensors, indexing order, bad axes."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad
import nn
from minigrad.testing import assert_gradients_match, tensors
from nn import functional as F  # noqa: N812 (PyTorch's spelling)

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for edge values and shapes")

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # log 0, 0/0 on purpose


def _both(fn, *values):
    """``fn`` on float64 minigrad and torch leaves; the outputs and gradients of both."""
    xs = [minigrad.tensor(v, dtype="float64", requires_grad=True) for v in values]
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out, ref = fn(*xs), fn(*ts)
    out.sum().backward()
    ref.sum().backward()
    return (out, ref), [(x.grad, t.grad) for x, t in zip(xs, ts, strict=True)]


def _same(got, ref) -> None:
    got = got.numpy() if isinstance(got, minigrad.Tensor) else np.asarray(got)
    np.testing.assert_allclose(got, ref.detach().numpy(), rtol=1e-12, equal_nan=False)


KINKS = {
    "sqrt at 0": (lambda x: x.sqrt(), [[0.0, 1.0]]),
    "log at 0": (lambda x: x.log(), [[0.0, 1.0]]),
    "abs at 0": (lambda x: x.abs(), [[0.0, -1.0, 2.0]]),
    "relu at 0": (lambda x: x.relu(), [[0.0, 1.0, -1.0]]),
    "max ties": (lambda x: x.max(), [[1.0, 1.0, 0.0]]),
    "min ties": (lambda x: x.min(), [[0.0, 2.0, 0.0]]),
    "max(dim) ties": (lambda x: x.max(dim=1)[0], [[[1.0, 1.0, 0.0], [3.0, 3.0, 3.0]]]),
    "maximum ties": (lambda x, y: x.maximum(y), [[1.0, 2.0], [1.0, 3.0]]),
    "clip at its bounds": (lambda x: x.clip(0.0, 1.0), [[0.0, 1.0, 0.5, 2.0, -1.0]]),
    "clip low > high": (lambda x: x.clip(6.0, 2.0), [[1.0, 5.0, 9.0]]),
    "clamp min only": (lambda x: x.clamp(min=0.5), [[0.5, 0.0, 1.0]]),
    "pow(x, y) at x = 0": (
        lambda x, y: x**y,
        [[0.0, 0.0, 0.0, 0.0, 1.0], [0.0, 0.5, 2.0, -1.0, 0.0]],
    ),
    "0 ** y": (lambda y: 0**y, [[0.0, 1.0, 2.0, -1.0]]),
    "0.0 ** y": (lambda y: 0.0**y, [[0.0, 1.0, -2.0]]),
    "x ** 0.5 at 0": (lambda x: x**0.5, [[0.0, 4.0]]),
    "x ** -1 at 0": (lambda x: x**-1.0, [[0.0, 2.0]]),
}


@pytest.mark.parametrize("case", sorted(KINKS))
def test_values_and_subgradients_at_kinks_match_torch(case: str) -> None:
    fn, values = KINKS[case]
    (out, ref), grads = _both(fn, *values)
    _same(out, ref)
    for got, expected in grads:
        _same(got, expected)


MATMUL_SHAPES = [
    ((2, 0), (0, 3)),
    ((0, 2), (2, 3)),
    ((2, 3), (3, 0)),
    ((4, 2, 0), (0, 3)),
    ((0,), (0,)),
    ((0,), (0, 3)),
    ((2, 0), (0,)),
    ((2, 0, 3), (3, 4)),
    ((2, 3, 0), (2, 0, 4)),
]


@pytest.mark.parametrize(("left", "right"), MATMUL_SHAPES, ids=str)
def test_matmul_with_zero_size_axes(left, right) -> None:
    (out, ref), grads = _both(lambda a, b: a @ b, np.zeros(left), np.zeros(right))
    assert out.shape == tuple(ref.shape)
    for got, expected in grads:
        assert got.shape == tuple(expected.shape)


@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=3),
    n_out=st.integers(0, 3),
    data=st.data(),
)
def test_linear_with_zero_size_axes_matches_torch(shape, n_out, data) -> None:
    x = data.draw(tensors(shape=shape), label="x")
    w = data.draw(tensors(shape=(n_out, shape[-1])), label="w")
    b = data.draw(tensors(shape=(n_out,)), label="b")
    tx, tw, tb = (torch.tensor(t.numpy(), requires_grad=True) for t in (x, w, b))
    out, ref = F.linear(x, w, b), torch.nn.functional.linear(tx, tw, tb)
    (out * out).sum().backward()
    (ref * ref).sum().backward()
    _same(out, ref)
    for got, expected in [(x, tx), (w, tw), (b, tb)]:
        np.testing.assert_allclose(got.grad.numpy(), expected.grad.numpy(), rtol=1e-10)
    if x.numel() and w.numel():
        assert_gradients_match(lambda a, v: F.linear(a, v) ** 2, x, w)


@pytest.mark.parametrize(("n_in", "n_out"), [(0, 3), (3, 0), (0, 0)])
def test_nn_linear_with_zero_features(n_in: int, n_out: int) -> None:
    layer = nn.Linear(n_in, n_out)
    x = minigrad.randn(5, 2, n_in, requires_grad=True)
    out = layer(x)
    assert out.shape == (5, 2, n_out)
    out.sum().backward()
    assert x.grad.shape == x.shape and layer.weight.grad.shape == (n_out, n_in)
    if n_in == 0 and n_out:  # no inputs: the output is the bias
        np.testing.assert_allclose(out.numpy()[0, 0], layer.bias.numpy())


def test_reductions_of_empty_tensors_match_torch() -> None:
    z, tz = minigrad.zeros(0, 3, requires_grad=True), torch.zeros(0, 3, requires_grad=True)
    pairs = [
        (z.sum(), tz.sum()),
        (z.mean(), tz.mean()),
        (z.sum(0), tz.sum(0)),
        (z.mean(dim=0), tz.mean(dim=0)),
        (z.logsumexp(0), torch.logsumexp(tz, 0)),  # an empty sum: −inf
        (z.softmax(0), tz.softmax(0)),
        (z.log_softmax(dim=0), tz.log_softmax(dim=0)),
        (z.max(1).values, tz.max(1).values),
        (z.min(dim=1)[1], tz.min(dim=1)[1]),
        (z.max(axis=1), tz.amax(1)),
        (z.argmax(1), tz.argmax(1)),
    ]
    for got, ref in pairs:
        assert got.shape == tuple(ref.shape)
        np.testing.assert_array_equal(got.numpy(), ref.detach().numpy())
    total = z.logsumexp(1).sum() + z.softmax(0).sum() + z.max(dim=1).values.sum()
    total.backward()
    assert z.grad.shape == (0, 3)


def test_empty_mean_is_nan_without_warnings_and_its_gradient_is_empty() -> None:
    z = minigrad.zeros(0, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the module ignores RuntimeWarnings; not here
        for out in [z.mean(), z.mean(dim=0), z.mean(0, keepdim=True)]:
            assert np.isnan(out.numpy()).all()
            out.sum().backward()
    assert z.grad.shape == (0, 3)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.max(),
        lambda t: t.min(axis=0),
        lambda t: t.max(dim=0),
        lambda t: t.argmax(),
        lambda t: t.argmin(0),
    ],
)
def test_max_min_over_an_empty_axis_is_an_index_error_like_torch(call) -> None:
    with pytest.raises(IndexError, match=r"size 0.*\(0, 3\)"):
        call(minigrad.zeros(0, 3))
    with pytest.raises((IndexError, RuntimeError)):
        call(torch.zeros(0, 3))


ZERO_D = {
    "sum(0)": lambda t: t.sum(0),
    "sum(-1)": lambda t: t.sum(dim=-1),
    "mean(0, keepdim)": lambda t: t.mean(0, keepdim=True),
    "softmax(-1)": lambda t: t.softmax(-1),
    "log_softmax(0)": lambda t: t.log_softmax(0),
    "logsumexp(-1)": lambda t: t.logsumexp(-1),
    "squeeze(0)": lambda t: t.squeeze(0),
    "unsqueeze(-1)": lambda t: t.unsqueeze(-1),
    "unsqueeze(0)": lambda t: t.unsqueeze(0),
    "max(0)": lambda t: t.max(0)[0],
    "argmax(0)": lambda t: t.argmax(0),
    "flatten()": lambda t: t.flatten(),
}


@pytest.mark.parametrize("case", sorted(ZERO_D))
def test_zero_d_tensors_accept_dim_0_and_minus_1(case: str) -> None:
    fn = ZERO_D[case]
    x = minigrad.tensor(1.5, dtype="float64", requires_grad=True)
    tx = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    out, ref = fn(x), fn(tx)
    assert out.shape == tuple(ref.shape)
    _same(out, ref)
    if ref.requires_grad:
        (out * 3).sum().backward()
        (ref * 3).sum().backward()
        _same(x.grad, tx.grad)


def test_zero_d_rejects_other_axes() -> None:
    x = minigrad.tensor(1.0)
    for call in [lambda: x.sum(1), lambda: x.softmax(-2), lambda: x.squeeze(1)]:
        with pytest.raises(IndexError, match=r"out of range for a tensor of shape \(\)"):
            call()


INDEXES = {
    "int, slice, list": lambda x: x[0, :, [0, 1]],
    "slice, int, list": lambda x: x[:, 0, [0, 1]],
    "list, slice, int": lambda x: x[[0, 1], :, 0],
    "int, list, list": lambda x: x[0, [0, 1], [1, 2]],
    "int, ..., list": lambda x: x[0, ..., [0, 1]],
    "list, ..., int": lambda x: x[[1, 0, 1], ..., 3],
    "None, int, slice, list": lambda x: x[None, 1, :, [2, 2]],
    "int, slice, 2-D list": lambda x: x[1, :, [[0, 1], [3, 3]]],
    "mask": lambda x: x[x > 10],
    "int, slice, int": lambda x: x[1, 1:, 2],
}


@pytest.mark.parametrize("case", sorted(INDEXES))
def test_indexing_follows_torch(case: str) -> None:
    """PyTorch applies integers first; NumPy would move the indexed axes to the front."""
    values = np.arange(24.0).reshape(2, 3, 4)
    (out, ref), grads = _both(INDEXES[case], values)
    assert out.shape == tuple(ref.shape)
    _same(out, ref)
    for got, expected in grads:
        _same(got, expected)


AXIS_CALLS = {
    "stack": lambda x: minigrad.stack([x], axis=77),
    "concat": lambda x: minigrad.concat([x, x], dim=3),
    "split": lambda x: x.split(1, dim=-4),
    "unsqueeze": lambda x: x.unsqueeze(4),
    "squeeze": lambda x: x.squeeze(3),
    "transpose": lambda x: x.transpose(0, 5),
    "permute": lambda x: x.permute(0, 1, 3),
    "softmax": lambda x: x.softmax(dim=3),
    "log_softmax": lambda x: F.log_softmax(x, dim=-4),
    "argmax": lambda x: x.argmax(dim=9),
    "max": lambda x: x.max(dim=3),
    "sum": lambda x: x.sum(dim=(0, 3)),
    "size": lambda x: x.size(3),
    "flatten": lambda x: x.flatten(0, 3),
}


@pytest.mark.parametrize("op", sorted(AXIS_CALLS))
def test_invalid_axes_raise_index_error_naming_op_axis_and_shape(op: str) -> None:
    with pytest.raises(IndexError, match=rf"{op}: axis -?\d+ is out of range.*\(2, 3, 4\)"):
        AXIS_CALLS[op](minigrad.ones(2, 3, 4))


def test_invalid_index_and_shape_mismatch_errors() -> None:
    x = minigrad.ones(2, 3)
    with pytest.raises(IndexError, match=r"getitem.*\(2, 3\).*index 5 is out of bounds"):
        x[5]
    with pytest.raises(ValueError, match=r"stack needs tensors of one shape.*\(2,\), \(3,\)"):
        minigrad.stack([minigrad.ones(2), minigrad.ones(3)])
    with pytest.raises(ValueError, match=r"inner dimensions differ: \(2, 3\) @ \(2, 3\)"):
        x @ x
    with pytest.raises(ValueError, match=r"add failed on inputs of shape/dtype \[\(2, 3\)"):
        x + minigrad.ones(4)


def test_relu_of_minus_inf_is_zero_like_torch() -> None:
    # logsumexp over an empty axis is −inf; relu of it must be 0, not −inf × 0 = NaN.
    (out, ref), [(grad, tgrad)] = _both(
        lambda x: x.relu() if isinstance(x, minigrad.Tensor) else torch.relu(x),
        [-np.inf, -1.0, 0.0, 2.0, np.inf],
    )
    assert out.tolist() == ref.tolist() == [0.0, 0.0, 0.0, 2.0, np.inf]
    assert np.signbit(out.numpy()).tolist() == np.signbit(ref.detach().numpy()).tolist()
    assert grad.tolist() == tgrad.tolist()
    empty = minigrad.zeros(2, 0).logsumexp(dim=1).relu()
    assert empty.tolist() == [0.0, 0.0]


_AFTER = {
    "sigmoid": lambda t: t.sigmoid(),
    "sqrt": lambda t: t.sqrt(),
    "max": lambda t: t.max(),
    "logsumexp": lambda t: t.reshape(1).logsumexp(0),
}


@pytest.mark.parametrize("after", sorted(_AFTER))
@pytest.mark.parametrize("loss", ["cross_entropy", "nll_loss"])
@pytest.mark.parametrize("weighted", [False, True])
def test_loss_over_only_ignored_targets_has_a_zero_gradient_like_torch(
    after: str, loss: str, weighted: bool
) -> None:
    logits = [[1.0, 2.0, 0.5], [3.0, 4.0, -1.0]]
    kwargs = {"weight": [1.0, 2.0, 0.5]} if weighted else {}

    def run(lib, functional, x):
        extra = {k: lib.tensor(v, dtype=x.dtype) for k, v in kwargs.items()}
        value = getattr(functional, loss)(x, lib.tensor([-100, -100]), **extra)
        return _AFTER[after](value)

    (out, ref), [(grad, tgrad)] = _both(
        lambda x: (
            run(minigrad, F, x)
            if isinstance(x, minigrad.Tensor)
            else run(torch, torch.nn.functional, x)
        ),
        logits,
    )
    assert np.isnan(out.item()) and np.isnan(ref.item())
    assert grad.tolist() == tgrad.tolist() == [[0.0] * 3] * 2


@pytest.mark.parametrize("dtype", ["bool", "int64", "float32"])
@pytest.mark.parametrize("which", ["tril", "triu"])
def test_tril_triu_keep_the_dtype_like_torch(dtype: str, which: str) -> None:
    x = minigrad.tensor(np.ones((3, 3)), dtype=dtype)
    got = getattr(minigrad, which)(x, 1)
    ref = getattr(torch, which)(torch.from_numpy(np.array(x.numpy())), 1)
    assert str(got.dtype) == str(ref.dtype).removeprefix("torch.")
    assert got.tolist() == ref.tolist()


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2, 3) @ m.ones(2, 3),  # shapes
        lambda m: m.ones(4).tril(),  # needs 2 dimensions
        lambda m: m.ones(3).scatter(0, m.tensor([0]), m.ones(1, dtype=m.float32)),
        lambda m: m.ones(2, 2).masked_fill(m.tensor(True), m.ones(1)),
        lambda m: m.ones(3).gather(0, m.tensor([5])),
    ],
)
def test_errors_pytorch_raises_as_runtime_error_are_runtime_errors(call) -> None:
    class Lib:  # minigrad with float64 tensors, as the scatter case needs
        float32 = "float32"

        @staticmethod
        def ones(*shape, dtype="float64"):
            return minigrad.ones(*shape, dtype=dtype)

        tensor = staticmethod(minigrad.tensor)

    class TorchLib:
        float32 = torch.float32

        @staticmethod
        def ones(*shape, dtype=torch.float64):
            return torch.ones(*shape, dtype=dtype)

        tensor = staticmethod(torch.tensor)

    with pytest.raises(RuntimeError):
        call(TorchLib)
    with pytest.raises(RuntimeError) as caught:
        call(Lib)
    assert isinstance(caught.value, (ValueError, IndexError, TypeError))  # minigrad's own too
