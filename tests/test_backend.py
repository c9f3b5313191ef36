"""Backends, devices and dtypes: NumPy, array_api_strict (CuPy's stand-in), CuPy on a GPU."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
from minigrad import Tensor
from minigrad import backend as engine_backend
from minigrad.testing import available_backends, to_backend


def _cuda_usable() -> bool:
    return "cupy" in available_backends()


def test_tensor_keeps_its_backend(backend: str) -> None:
    x = Tensor(to_backend([1.0, 2.0], backend), requires_grad=True)
    y = (x * 2).exp().sum()
    assert type(y.array).__module__.split(".")[0] == type(x.array).__module__.split(".")[0]
    y.backward()
    assert type(x.grad.array) is type(x.array)


def test_mixing_array_libraries_is_a_clear_error() -> None:
    a = Tensor(np.ones(2))
    b = Tensor(to_backend(np.ones(2), "array_api_strict"))
    with pytest.raises(
        TypeError,
        match=r"add: inputs come from different array libraries "
        r"\(array_api_strict and numpy\)",
    ):
        a + b


def test_tensor_operators_convert_foreign_arrays_to_the_tensor_backend() -> None:
    x = Tensor(to_backend([1.0, 2.0], "array_api_strict"), requires_grad=True)
    y = x * np.array([3.0, 4.0])
    assert type(y.array) is type(x.array)
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_default_dtype_is_float32_and_can_be_changed() -> None:
    assert minigrad.get_default_dtype() == "float32"
    assert Tensor(1.0).dtype == np.float32
    assert Tensor([1, 2]).dtype == np.float32  # the constructor: PyTorch's torch.Tensor
    assert minigrad.tensor([1, 2]).dtype == np.int64  # inferred, as torch.tensor
    assert Tensor(np.ones(2)).dtype == np.float64  # arrays keep their dtype
    minigrad.set_default_dtype("float64")
    assert Tensor([1.0]).dtype == np.float64
    assert minigrad.zeros(2).dtype == np.float64
    assert minigrad.randn(2).dtype == np.float64
    with pytest.raises(ValueError, match="default dtype must be one of"):
        minigrad.set_default_dtype("int32")


def test_ops_keep_float32() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2.5 + 1).tanh().sum()
    assert y.dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32


def test_device_strings() -> None:
    x = Tensor([1.0])
    assert x.device == "cpu"
    assert x.to("cpu") is x
    with pytest.raises(ValueError, match="device 'gpu' is not valid"):
        Tensor(1.0, device="gpu")


@pytest.mark.skipif(_cuda_usable(), reason="CuPy and a GPU are present: see the cuda test")
def test_cuda_without_cupy_or_gpu_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match=r"(CuPy|GPU)"):
        Tensor(1.0).to("cuda")
    with pytest.raises(RuntimeError, match=r"(CuPy|GPU)"):
        minigrad.zeros(2, device="cuda")


@pytest.mark.skipif(not _cuda_usable(), reason="needs CuPy and a CUDA GPU; this machine has none")
def test_cuda_moves_and_gradients_come_back() -> None:
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.to("cuda")
    assert y.device == "cuda:0"
    (y * 3).sum().backward()
    assert x.grad.device == "cpu" and x.grad.tolist() == [3.0, 3.0]
    with pytest.raises(RuntimeError, match="different devices"):
        y + Tensor([1.0, 2.0])


def test_minigrad_imports_without_hypothesis() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'hypothesis':\n"
        "            raise ImportError('blocked for the test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import minigrad\n"
        "x = minigrad.Tensor(2.0, requires_grad=True)\n"
        "(x * x).backward()\n"
        "assert x.grad.item() == 4.0\n"
        "assert 'hypothesis' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_engine_does_not_import_nn_or_viz() -> None:
    code = "import sys, minigrad, minigrad.testing; print(sorted({'nn', 'viz'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@given(
    rows=st.integers(1, 300),
    count=st.integers(0, 300),
    row_shape=st.sampled_from([(1,), (5,), (64,), (2, 3), (0,)]),
    index_dtype=st.sampled_from(["int64", "int32", "uint8"]),
    seed=st.integers(0, 2**32 - 1),
)
def test_scatter_add_of_whole_rows_equals_add_at(
    rows: int, count: int, row_shape: tuple[int, ...], index_dtype: str, seed: int
) -> None:
    """The flat path (whole rows added through their elements' flat positions) must equal
    np.add.at, repeats included; uint8 ids times a row width must not overflow."""
    rng = np.random.default_rng(seed)
    rows = min(rows, 256) if index_dtype == "uint8" else rows
    index = rng.integers(0, rows, count).astype(index_dtype)
    values = rng.normal(size=(count, *row_shape))
    start = rng.normal(size=(rows, *row_shape))
    expected = start.copy()
    np.add.at(expected, index, values)
    got = engine_backend.scatter_add(start.copy(), index, values)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_scatter_add_of_rows_into_a_strided_target_and_with_a_nan() -> None:
    target = np.zeros((4, 6))[:, ::2]  # not contiguous: no flat view, the row path is used
    got = engine_backend.scatter_add(target, np.array([1, 1, 3]), np.ones((3, 3)))
    assert got is target and got[:, 0].tolist() == [0.0, 2.0, 0.0, 1.0]
    values = np.ones((3, 2))
    values[0, 1] = np.nan
    got = engine_backend.scatter_add(np.zeros((3, 2)), np.array([0, 2, 2]), values)
    assert np.isnan(got[0, 1]) and not np.isnan(np.delete(got.ravel(), 1)).any()


def test_scatter_add_keeps_add_at_semantics_for_negative_and_broadcast_indices() -> None:
    index = np.array([-1, 2] * 40)  # -1 and 2 are the same row of 3: must accumulate together
    got = engine_backend.scatter_add(np.zeros(3), index, np.ones(80))
    assert got.tolist() == [0.0, 0.0, 80.0]
    got = engine_backend.scatter_add(np.zeros(3), np.zeros(100, dtype=int), 1.0)  # scalar values
    assert got.tolist() == [100.0, 0.0, 0.0]
