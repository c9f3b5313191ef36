"""Type promotion follows PyTorch, checked against PyTorch itself as the oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad.testing import assert_gradients_match, shapes, tensors

torch = pytest.importorskip("torch", reason="PyTorch is the oracle for type promotion")

DTYPES = ["bool", "int32", "int64", "float32", "float64"]
SCALARS = [True, 2, 1.5]
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "maximum": lambda a, b: a.maximum(b),
    "remainder": lambda a, b: a % b,
    "floor_divide": lambda a, b: a // b,
}


def _mg(dtype: str, ndim: int) -> minigrad.Tensor:
    """Nonzero values (so division is finite) of ``dtype``, 1-D or 0-d."""
    return minigrad.tensor(np.array([1, 3, 2]) if ndim else np.array(3), dtype=dtype)


def _th(t: minigrad.Tensor):
    return torch.from_numpy(np.array(t.numpy()))


def _name(torch_dtype) -> str:
    return str(torch_dtype).removeprefix("torch.")


def _torch_result(fn, *operands):
    """The dtype PyTorch gives, or None where PyTorch refuses (subtraction with a bool tensor)."""
    try:
        return _name(fn(*operands).dtype)
    except RuntimeError:
        return None


@pytest.mark.parametrize("op", ["add", "mul", "div", "maximum"])
@pytest.mark.parametrize(
    ("left", "right"), list(itertools.product(DTYPES, DTYPES)), ids=lambda d: d
)
@pytest.mark.parametrize("ndims", [(1, 1), (1, 0), (0, 1), (0, 0)], ids=str)
def test_tensor_with_tensor(op: str, left: str, right: str, ndims: tuple[int, int]) -> None:
    a, b = _mg(left, ndims[0]), _mg(right, ndims[1])
    expected = _torch_result(BINARY[op], _th(a), _th(b))
    assert expected is not None
    got = BINARY[op](a, b)
    assert minigrad.backend.dtype_name(got.dtype) == expected
    np.testing.assert_allclose(got.numpy(), BINARY[op](_th(a), _th(b)).numpy(), rtol=1e-6)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "remainder", "floor_divide"])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("scalar", SCALARS, ids=repr)
@pytest.mark.parametrize("reflected", [False, True])
def test_tensor_with_python_number(op: str, dtype: str, scalar, reflected: bool) -> None:
    fn = BINARY[op]

    def run(tensor, number):
        return fn(number, tensor) if reflected else fn(tensor, number)

    a, ref_a, ref_number = _mg(dtype, 1), _th(_mg(dtype, 1)), scalar
    if op in ("remainder", "floor_divide") and dtype == "bool" and isinstance(scalar, bool):
        return  # PyTorch has no bool kernel for these
    if op == "sub" and (dtype == "bool" or isinstance(scalar, bool)):
        # PyTorch refuses every subtraction with a bool. minigrad refuses bool − bool too, and
        # computes the others as if the bool were an integer (a difference kept: well defined).
        if dtype == "bool" and isinstance(scalar, bool):
            with pytest.raises(TypeError, match="boolean subtract"):
                run(a, scalar)
            return
        ref_a = ref_a.long() if dtype == "bool" else ref_a
        ref_number = int(scalar) if isinstance(scalar, bool) else scalar
    ref, got = run(ref_a, ref_number), run(a, scalar)
    assert minigrad.backend.dtype_name(got.dtype) == _name(ref.dtype), (dtype, scalar)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6)


def test_bool_plus_int_counts_as_reported_in_the_issue() -> None:
    assert (minigrad.tensor([True, False]) + 1).tolist() == [2, 1]


_FLOATING = ["exp", "log", "sqrt", "tanh", "sigmoid", "mean", "logsumexp", "sin", "cos", "tan"]
_FLOATING += ["asin", "acos", "atan", "sinh", "cosh", "erf", "log1p", "expm1", "log2", "log10"]
_FLOATING += ["exp2", "rsqrt", "reciprocal"]


@pytest.mark.parametrize("fn", _FLOATING)
@pytest.mark.parametrize("dtype", ["bool", "int32", "int64"])
def test_floating_functions_of_integers_give_the_default_dtype(fn: str, dtype: str) -> None:
    x = minigrad.tensor([1, 0, 1] if fn in ("asin", "acos") else [1, 2, 3], dtype=dtype)
    got = getattr(x, fn)()
    assert minigrad.backend.dtype_name(got.dtype) == minigrad.get_default_dtype()
    if fn == "mean":  # PyTorch refuses mean() of integers; minigrad averages as floats
        np.testing.assert_allclose(got.item(), np.mean(x.numpy()), rtol=1e-6)
        return
    reference = getattr(_th(x), fn)() if fn != "logsumexp" else torch.logsumexp(_th(x), 0)
    assert _name(reference.dtype) == minigrad.get_default_dtype()
    np.testing.assert_allclose(got.numpy(), reference.numpy(), rtol=1e-6)


def test_default_dtype_float64_is_what_integers_promote_to() -> None:
    minigrad.set_default_dtype("float64")
    torch_default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        x = minigrad.tensor([1, 2])
        for got, ref in [(x + 0.5, _th(x) + 0.5), (x / 2, _th(x) / 2), (x**0.5, _th(x) ** 0.5)]:
            assert minigrad.backend.dtype_name(got.dtype) == _name(ref.dtype) == "float64"
    finally:
        torch.set_default_dtype(torch_default)


@pytest.mark.parametrize("exponent", [2, 0.5, -1.0])
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64"])
def test_powers(exponent, dtype: str) -> None:
    x = minigrad.tensor([1, 2, 4], dtype=dtype)
    for got, ref in [(x**exponent, _th(x) ** exponent), (2**x, 2 ** _th(x))]:
        assert minigrad.backend.dtype_name(got.dtype) == _name(ref.dtype)
        np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    ("a", "b"),
    [(1, 3), (1.5, 3), (True, 3), ("int32", 3), ("float64", 2.5), ("int64", 2.5), ("f32", "f64")],
    ids=repr,
)
def test_where_promotes_its_branches(a, b) -> None:
    cond = minigrad.tensor([True, False])
    named = {"f32": "float32", "f64": "float64"}

    def operands(lib):
        def one(v):
            if isinstance(v, str):
                t = minigrad.tensor([5, 6], dtype=named.get(v, v))
                return t if lib == "mg" else _th(t)
            return v

        return one(a), one(b)

    got = minigrad.where(cond, *operands("mg"))
    ref = torch.where(_th(cond), *operands("torch"))
    assert minigrad.backend.dtype_name(got.dtype) == _name(ref.dtype)
    np.testing.assert_array_equal(got.numpy(), ref.numpy())


@pytest.mark.parametrize("other", [2, 1.5, True])
def test_comparisons_compare_values_not_casts(other) -> None:
    x = minigrad.tensor([True, False])
    for op in ["__eq__", "__lt__", "__ge__"]:
        got = getattr(x, op)(other)
        ref = getattr(_th(x), op)(other)
        assert got.tolist() == ref.tolist(), op


def test_stack_and_concat_promote_like_torch_cat() -> None:
    ints, floats = minigrad.tensor([1, 2]), minigrad.tensor([0.5, 1.5])
    got = minigrad.concat([ints, floats])
    ref = torch.cat([_th(ints), _th(floats)])
    assert minigrad.backend.dtype_name(got.dtype) == _name(ref.dtype)
    assert minigrad.backend.dtype_name(minigrad.stack([ints, floats]).dtype) == "float32"


@given(shape=shapes(min_dims=1), data=st.data())
def test_mixed_float_gradients_come_back_in_each_inputs_dtype(shape, data) -> None:
    """float32 [n] + float64 0-d is float32 (PyTorch); gradients keep each input's dtype."""
    x = data.draw(tensors(shape=shape, dtype="float32"), label="x")
    s = data.draw(tensors(shape=(), dtype="float64"), label="s")
    y = x * s + s
    assert minigrad.backend.dtype_name(y.dtype) == "float32"
    y.sum().backward()
    assert x.grad.dtype == x.dtype and s.grad.dtype == s.dtype
    np.testing.assert_allclose(s.grad.item(), x.numpy().sum() + x.numel(), rtol=1e-4)


@given(x=tensors(shape=shapes(min_dims=1), avoid=[0.0]))
def test_gradcheck_with_integer_operands(x) -> None:
    """Integer tensors and Python ints beside a float64 tensor: float64 results, true gradients."""
    ints = minigrad.arange(1, x.shape[-1] + 1)
    assert (x * ints).dtype == x.dtype and (ints / x).dtype == x.dtype
    assert_gradients_match(lambda a: (a * ints + 2) / (ints - a * 0.25) + 3 / a, x)


def test_result_type_and_promote_types_match_torch() -> None:
    for a, b in itertools.product(DTYPES, DTYPES):
        got = minigrad.promote_types(a, b)
        assert got == _name(torch.promote_types(getattr(torch, a), getattr(torch, b))), (a, b)
    with pytest.raises(TypeError, match="no type promotion for dtype 'complex64'"):
        minigrad.promote_types("complex64", "float32")
