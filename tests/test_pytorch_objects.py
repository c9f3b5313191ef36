"""PyTorch's objects and conveniences: dtype and device objects, type strings, legacy
constructors, ``from_numpy``, ``new_*``, ``narrow`` and ``__index__``, against PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn

DTYPE_NAMES = [
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
    "half",
    "float",
    "double",
    "short",
    "int",
    "long",
]
LEGACY = ["FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "BoolTensor", "ByteTensor"]


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for its own objects")


def _has_gpu() -> bool:
    try:
        minigrad.backend.cupy_module()
    except RuntimeError:
        return False
    return True


# ---------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_objects_are_the_dtypes_pytorch_names(torch, name: str) -> None:
    ours = getattr(minigrad, name)
    theirs = torch.zeros(2, dtype=getattr(torch, name)).numpy().dtype
    assert ours == theirs
    assert minigrad.zeros(2, dtype=ours).dtype == ours
    assert minigrad.tensor([1, 0], dtype=ours).dtype == theirs
    assert minigrad.ones(2).to(ours).dtype == ours


def test_dtype_objects_are_numpy_dtypes_equal_to_their_names() -> None:
    assert minigrad.float32 is np.dtype("float32")
    assert minigrad.long is minigrad.int64 and minigrad.double is minigrad.float64
    assert minigrad.bool == np.dtype(bool) and minigrad.half == "float16"
    assert minigrad.tensor([1.0]).dtype == minigrad.float32
    assert minigrad.get_default_dtype() == minigrad.float32


@pytest.mark.parametrize(
    "make",
    [
        lambda d: minigrad.Tensor([1, 2], dtype=d),
        lambda d: minigrad.tensor([1, 2], dtype=d),
        lambda d: minigrad.as_tensor(np.ones(2), dtype=d),
        lambda d: minigrad.zeros(2, dtype=d),
        lambda d: minigrad.ones(2, dtype=d),
        lambda d: minigrad.full((2,), 3, dtype=d),
        lambda d: minigrad.zeros_like(minigrad.ones(2), dtype=d),
        lambda d: minigrad.arange(3, dtype=d),
        lambda d: minigrad.linspace(0, 1, 3, dtype=d),
        lambda d: minigrad.randn(2, dtype=d),
        lambda d: minigrad.rand(2, dtype=d),
        lambda d: minigrad.eye(2, dtype=d),
        lambda d: minigrad.ones(2).to(d),
        lambda d: minigrad.ones(2).type(d),
        lambda d: minigrad.ones(2, dtype="float32").sum(dtype=d),
        lambda d: nn.Linear(2, 1, dtype=d).weight,
        lambda d: nn.Linear(2, 1).to(d).weight,
    ],
)
def test_dtype_objects_are_accepted_wherever_dtype_names_are(make) -> None:
    assert make(minigrad.float64).dtype == minigrad.float64
    assert make("float64").dtype == minigrad.float64


def test_set_default_dtype_takes_a_dtype_object() -> None:
    try:
        minigrad.set_default_dtype(minigrad.double)
        assert minigrad.tensor([1.0]).dtype == minigrad.float64
    finally:
        minigrad.set_default_dtype(minigrad.float32)
    with pytest.raises(ValueError, match="default dtype"):
        minigrad.set_default_dtype(minigrad.int64)


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "int64", "int8", "bool"])
def test_is_floating_point_matches_torch(torch, name: str) -> None:
    x = minigrad.zeros(2, dtype=getattr(minigrad, name))
    expected = torch.zeros(2, dtype=getattr(torch, name)).is_floating_point()
    assert x.is_floating_point() is expected
    assert minigrad.is_floating_point(x) is expected


def test_is_tensor() -> None:
    assert minigrad.is_tensor(minigrad.ones(1))
    assert not minigrad.is_tensor(np.ones(1)) and not minigrad.is_tensor(1.0)


@pytest.mark.parametrize("method", ["half", "float", "double", "short", "int", "long", "bool"])
def test_cast_methods_give_torchs_dtypes(torch, method: str) -> None:
    got = getattr(minigrad.tensor([0.0, 1.5, -2.0]), method)()
    ref = getattr(torch.tensor([0.0, 1.5, -2.0]), method)()
    assert got.dtype == ref.numpy().dtype
    assert got.tolist() == ref.tolist()


def test_byte_and_char_casts() -> None:
    assert minigrad.tensor([1.0, 2.0]).byte().dtype == minigrad.uint8
    assert minigrad.tensor([1.0, 2.0]).char().dtype == minigrad.int8


# ---------------------------------------------------------------------- devices


def test_device_forms_type_index_and_string_equality(torch) -> None:
    for args in [("cpu",), ("cuda",), ("cuda:0",), ("cuda", 1), ("cuda:3",), ("cpu", 0)]:
        ours, theirs = minigrad.device(*args), torch.device(*args)
        assert (ours.type, ours.index) == (theirs.type, theirs.index)
        assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
        assert ours == str(theirs)
    assert (minigrad.device("cuda") == minigrad.device("cuda:0")) == (
        torch.device("cuda") == torch.device("cuda:0")
    )
    assert minigrad.device("cuda", 0) == minigrad.device("cuda:0") == "cuda:0"
    assert minigrad.device(minigrad.device("cpu")) == "cpu"
    assert len({minigrad.device("cpu"), "cpu"}) == 1  # hashes as its string


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("gpu",), "not valid"),
        (("cuda:x",), "not valid"),
        (("cuda:1", 2), "give the index once"),
        (("cuda", -1), "non-negative"),
        (("cpu", 1), "only index 0"),
        ((0,), "needs a string"),
    ],
)
def test_bad_devices_are_refused_clearly(args, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        minigrad.device(*args)


def test_tensor_device_is_a_device_that_still_equals_its_string() -> None:
    x = minigrad.ones(2)
    assert isinstance(x.device, minigrad.device)
    assert x.device == "cpu" and x.device == minigrad.device("cpu")
    assert x.device.type == "cpu" and x.device.index is None
    assert "device" not in repr(x)  # a CPU tensor's repr names no device, as before


def test_device_objects_are_accepted_wherever_device_strings_are() -> None:
    cpu = minigrad.device("cpu")
    assert minigrad.tensor([1.0], device=cpu).device == "cpu"
    assert minigrad.zeros(2, device=cpu).device == "cpu"
    assert minigrad.randn(2, device=cpu).device == "cpu"
    x = minigrad.ones(2)
    assert x.to(cpu) is x and x.cpu() is x
    model = nn.Linear(2, 1).to(cpu)
    assert model.weight.device == cpu
    assert minigrad.ones(1).new_zeros(2, device=cpu).device == cpu


@pytest.mark.skipif(_has_gpu(), reason="checks the message on machines without a GPU")
def test_cuda_without_a_gpu_says_why() -> None:
    with pytest.raises(RuntimeError, match=r"(CuPy|GPU)"):
        minigrad.ones(2).cuda()


# ---------------------------------------------------------------------- type strings


@pytest.mark.parametrize("name", ["float16", "float32", "float64", "int8", "int16", "int32"])
def test_type_strings_are_torchs(torch, name: str) -> None:
    assert minigrad.zeros(2, dtype=name).type() == torch.zeros(2, dtype=getattr(torch, name)).type()


@pytest.mark.parametrize("name", ["int64", "uint8", "bool"])
def test_type_strings_of_integers_and_bools_are_torchs(torch, name: str) -> None:
    assert minigrad.zeros(2, dtype=name).type() == torch.zeros(2, dtype=getattr(torch, name)).type()


def test_type_with_an_argument_casts_as_torch(torch) -> None:
    x, tx = minigrad.tensor([1.7, -2.2]), torch.tensor([1.7, -2.2])
    for target in ["torch.LongTensor", "torch.DoubleTensor", "torch.BoolTensor"]:
        got, ref = x.type(target), tx.type(target)
        assert got.dtype == ref.numpy().dtype and got.tolist() == ref.tolist()
    assert x.type(minigrad.int32).tolist() == tx.type(torch.int32).tolist()
    assert x.type("minigrad.IntTensor").dtype == minigrad.int32
    assert x.type("float64").dtype == minigrad.float64
    assert x.type("torch.FloatTensor") is x  # already that type: itself, as .to


def test_type_keeps_the_gradient_between_floats() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    (x.type(minigrad.float64) * 3).sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_type_errors() -> None:
    with pytest.raises(TypeError, match="uint16 has no PyTorch type string"):
        minigrad.Tensor(np.zeros(2, dtype=np.uint16)).type()
    with pytest.raises(ValueError, match="invalid type string"):
        minigrad.ones(2).type("torch.sparse.FloatTensor")


# ---------------------------------------------------------------------- constructors


def test_from_numpy_shares_memory_as_torch(torch) -> None:
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    t = minigrad.from_numpy(a)
    assert t.array is a and not t.requires_grad
    assert t.dtype == torch.from_numpy(a).numpy().dtype
    a[0, 0] = 42
    assert t[0, 0].item() == 42
    f = np.zeros(2)  # float64 stays float64, as in torch
    assert minigrad.from_numpy(f).dtype == torch.from_numpy(f).numpy().dtype


def test_from_numpy_refuses_what_is_not_a_numeric_array() -> None:
    with pytest.raises(TypeError, match="expected a NumPy array, got list"):
        minigrad.from_numpy([1, 2])
    with pytest.raises(TypeError, match="dtype <U1"):
        minigrad.from_numpy(np.array(["a"]))


def test_as_tensor_shares_an_array_of_the_same_dtype() -> None:
    a = np.ones(3)
    assert minigrad.as_tensor(a).array is a
    assert minigrad.as_tensor(a, dtype=minigrad.float32).array is not a


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructors_from_data_match_torch(torch, name: str) -> None:
    data = [1.7, 0.0, 2.0]
    got, ref = getattr(minigrad, name)(data), getattr(torch, name)(data)
    assert got.dtype == ref.numpy().dtype
    assert got.tolist() == ref.tolist()
    assert isinstance(got, getattr(minigrad, name))
    others = [n for n in LEGACY if n != name]
    assert not any(isinstance(got, getattr(minigrad, n)) for n in others)


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_constructors_from_sizes_match_torchs_shape(torch, name: str) -> None:
    got, ref = getattr(minigrad, name)(2, 3), getattr(torch, name)(2, 3)
    assert got.shape == tuple(ref.shape) and got.dtype == ref.numpy().dtype
    assert not got.numpy().any()  # zeros (PyTorch leaves the memory uninitialised)
    assert getattr(minigrad, name)().shape == tuple(getattr(torch, name)().shape)


def test_legacy_constructor_misuse() -> None:
    with pytest.raises(TypeError, match=r"sizes .* or one sequence"):
        minigrad.FloatTensor([1.0], [2.0])
    assert not isinstance(np.zeros(2, dtype=np.float32), minigrad.FloatTensor)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_new_constructors_keep_dtype_as_torch(torch, dtype: str) -> None:
    x = minigrad.ones(2, dtype=dtype)
    tx = torch.ones(2, dtype=getattr(torch, dtype))
    calls = [
        lambda t: t.new_tensor([1, 2]),
        lambda t: t.new_tensor([[0.5]]),
        lambda t: t.new_zeros(2, 3),
        lambda t: t.new_zeros((2, 3)),
        lambda t: t.new_ones(3),
        lambda t: t.new_full((2,), 7),
    ]
    for call in calls:
        got, ref = call(x), call(tx)
        assert got.dtype == ref.numpy().dtype and got.shape == tuple(ref.shape)
        assert got.tolist() == ref.tolist()
        assert not got.requires_grad
    empty, ref = x.new_empty(2, 1), tx.new_empty(2, 1)  # PyTorch's values are uninitialised
    assert empty.dtype == ref.numpy().dtype and empty.shape == tuple(ref.shape)


def test_new_constructors_take_dtype_device_and_requires_grad(torch) -> None:
    x, tx = minigrad.ones(2), torch.ones(2)
    got = x.new_tensor([1, 2], dtype=minigrad.int64)
    assert got.dtype == tx.new_tensor([1, 2], dtype=torch.int64).numpy().dtype
    assert x.new_zeros(2, dtype=minigrad.float64).dtype == minigrad.float64
    w = x.new_ones(2, requires_grad=True)
    assert w.requires_grad and w.is_leaf
    assert x.new_full((1,), 2, device="cpu").device == "cpu"


def test_new_tensor_copies_its_data() -> None:
    a = np.zeros(2, dtype=np.float32)
    t = minigrad.ones(1).new_tensor(a)
    a[0] = 5
    assert t.tolist() == [0.0, 0.0]
    source = minigrad.ones(2, requires_grad=True)
    copy = minigrad.ones(1).new_tensor(source)
    assert copy.array is not source.array and not copy.requires_grad


# ---------------------------------------------------------------------- narrow


@pytest.mark.parametrize(
    ("dim", "start", "length"), [(0, 0, 2), (1, 1, 3), (-1, -2, 2), (0, 3, 0), (1, 4, 0)]
)
def test_narrow_values_and_gradients_match_torch(torch, dim: int, start: int, length: int) -> None:
    values = np.arange(12.0).reshape(3, 4)
    x = minigrad.tensor(values, requires_grad=True)
    tx = torch.tensor(values, requires_grad=True)
    got, ref = x.narrow(dim, start, length), tx.narrow(dim, start, length)
    assert got.tolist() == ref.tolist()
    assert minigrad.narrow(x, dim, start, length).tolist() == ref.tolist()
    weights = np.arange(1.0, 1.0 + ref.numel()).reshape(tuple(ref.shape))
    (got * minigrad.tensor(weights)).sum().backward()
    (ref * torch.tensor(weights)).sum().backward()
    assert x.grad.tolist() == tx.grad.tolist()


def test_narrow_takes_a_tensor_start() -> None:
    assert minigrad.arange(5).narrow(0, minigrad.tensor(3), 2).tolist() == [3, 4]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((0, 8, 5), ValueError, r"start \(8\) \+ length \(5\) exceeds dimension size \(10\)"),
        ((0, 11, 0), IndexError, "start 11 is out of range"),
        ((0, -11, 1), IndexError, "start -11 is out of range"),
        ((0, 0, -1), ValueError, "exceeds dimension size"),
        ((1, 0, 1), IndexError, "axis 1 is out of range"),
        ((0, 1.5, 1), TypeError, "start must be an int"),
    ],
)
def test_narrow_errors(torch, args, error, message) -> None:
    with pytest.raises(error, match=message):
        minigrad.arange(10).narrow(*args)
    with pytest.raises((RuntimeError, IndexError, TypeError)):
        torch.arange(10).narrow(*args)  # PyTorch refuses the same calls


def test_narrow_of_a_0d_tensor_is_refused() -> None:
    with pytest.raises(ValueError, match="0-d"):
        minigrad.tensor(1.0).narrow(0, 0, 1)


# ---------------------------------------------------------------------- __index__


def test_integer_tensors_index_lists_and_size_ranges_as_torch(torch) -> None:
    letters = ["a", "b", "c", "d"]
    for value in [2, [3], True]:
        t, tt = minigrad.tensor(value), torch.tensor(value)
        assert letters[t] == letters[tt]
        assert list(range(t)) == list(range(tt))
    assert letters[minigrad.tensor(1, dtype=minigrad.uint8)] == "b"
    assert np.arange(5)[minigrad.tensor(4)] == 4


@pytest.mark.parametrize("value", [1.5, [1, 2], 2.0])
def test_index_refuses_floats_and_several_elements_as_torch(torch, value) -> None:
    message = "only integer tensors of a single element can be converted to an index"
    with pytest.raises(TypeError, match=message):
        range(torch.tensor(value))
    with pytest.raises(TypeError, match=message):
        range(minigrad.tensor(value))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("cpu", "float64"), {}),
        ((), {"device": "cpu", "dtype": "float16"}),
        (("int64",), {}),
        ((), {"dtype": "float32", "copy": True}),
    ],
)
def test_to_takes_pytorchs_forms(torch, args, kwargs) -> None:
    values = [[1.5, -2.0], [3.0, 0.25]]
    ours = minigrad.tensor(values, dtype="float32").to(*args, **kwargs)
    theirs_args = [getattr(torch, a) if a != "cpu" else a for a in args]
    theirs_kwargs = {k: getattr(torch, v) if k == "dtype" else v for k, v in kwargs.items()}
    theirs = torch.tensor(values, dtype=torch.float32).to(*theirs_args, **theirs_kwargs)
    assert str(ours.dtype) == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_to_another_tensor_takes_its_dtype_and_device_and_keeps_the_gradient() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(minigrad.zeros(1, dtype=minigrad.float64))
    assert y.dtype == minigrad.float64 and y.device == x.device
    (y * y).sum().backward()
    assert x.grad.dtype == minigrad.float32 and x.grad.tolist() == [2.0, 4.0]


def test_to_without_change_is_the_tensor_unless_copy() -> None:
    x = minigrad.tensor([1.0, 2.0])
    assert x.to("cpu", "float32") is x
    copied = x.to("cpu", copy=True)
    assert copied is not x and copied.array is not x.array and copied.tolist() == x.tolist()


def test_to_with_bad_arguments_says_which_forms_it_takes() -> None:
    with pytest.raises(TypeError, match=r"to\(\) takes a device, a dtype, both, or a tensor"):
        minigrad.tensor([1.0]).to("cpu", "float32", "float64")
    with pytest.raises(TypeError, match=r"\['layout'\]"):
        minigrad.tensor([1.0]).to(layout="strided")


def test_tensor_copies_while_as_tensor_from_numpy_and_tensor_share(torch) -> None:
    made = {
        "tensor": (minigrad.tensor, torch.tensor),
        "as_tensor": (minigrad.as_tensor, torch.as_tensor),
        "from_numpy": (minigrad.from_numpy, torch.from_numpy),
        "Tensor": (minigrad.Tensor, torch.Tensor),
    }
    for name, (ours, theirs) in made.items():
        a, b = np.zeros(2, np.float32), np.zeros(2, np.float32)
        ours(a).array[0] = 5.0
        theirs(b)[0] = 5.0
        assert a[0] == b[0], f"{name}: minigrad {'shares' if a[0] else 'copies'}, torch not"


@pytest.mark.parametrize("data", [[0], [1, 2], [True, False], 3, [[1, 2], [3, 4]], [1.5]])
def test_the_tensor_constructor_and_tensor_give_torchs_dtypes(torch, data) -> None:
    assert str(minigrad.Tensor(data).dtype) == str(torch.Tensor(data).dtype).removeprefix("torch.")
    assert str(minigrad.tensor(data).dtype) == str(torch.tensor(data).dtype).removeprefix("torch.")
