"""minigrad.save / minigrad.load: every kind of object round trips as torch.save/torch.load
would give it back; paths and file objects; map_location; old nn.save files; clear errors.

(The file format's safety against damaged and crafted files is tested in
tests/test_serialization.py.)"""

from __future__ import annotations

import io
import json
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

import minigrad
import nn
from minigrad import serialization

DATA = Path(__file__).parent / "data"
DTYPES = ["float16", "float32", "float64", "int8", "int32", "int64", "uint8", "bool"]


@pytest.fixture
def torch():
    return pytest.importorskip("torch", reason="PyTorch is the oracle for save/load")


def _round_trip(obj, **load_kwargs):
    buffer = io.BytesIO()
    minigrad.save(obj, buffer)
    buffer.seek(0)
    return minigrad.load(buffer, **load_kwargs)


def _torch_round_trip(torch, obj):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=False)  # our own buffer; it holds NumPy objects


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (3,), (2, 3)])
def test_tensors_of_every_dtype_and_shape_come_back_as_tensors(dtype: str, shape) -> None:
    values = np.arange(int(np.prod(shape))).reshape(shape) % 3
    x = minigrad.tensor(values, dtype=getattr(minigrad, dtype))
    loaded = _round_trip(x)
    assert isinstance(loaded, minigrad.Tensor)
    assert loaded.dtype == x.dtype and loaded.shape == x.shape
    np.testing.assert_array_equal(loaded.numpy(), x.numpy())
    assert not loaded.requires_grad and loaded.is_leaf


def test_tensors_round_trip_as_torchs_do(torch) -> None:
    values = [[1.5, -2.0], [0.0, 3.25]]
    ours = {
        "w": minigrad.tensor(values, requires_grad=True),
        "h": minigrad.tensor(values, dtype=minigrad.float64),
        "i": minigrad.tensor([1, 2]),
        "b": minigrad.tensor(True),
        "made": minigrad.tensor(values, requires_grad=True) * 2,
    }
    theirs = {
        "w": torch.tensor(values, requires_grad=True),
        "h": torch.tensor(values, dtype=torch.float64),
        "i": torch.tensor([1, 2]),
        "b": torch.tensor(True),
        "made": torch.tensor(values, requires_grad=True) * 2,
    }
    got, ref = _round_trip(ours), _torch_round_trip(torch, theirs)
    assert list(got) == list(ref)
    for key in ref:
        assert got[key].dtype == ref[key].detach().numpy().dtype, key
        assert got[key].tolist() == ref[key].tolist(), key
        assert got[key].requires_grad == ref[key].requires_grad, key
        assert got[key].is_leaf == ref[key].is_leaf, key


def test_nested_containers_numbers_strings_and_arrays_keep_their_types(torch) -> None:
    def make(lib):
        return {
            "list": [1, 2.5, "three", None, True],
            "tuple": (lib.ones(2), np.zeros(3, dtype=np.int16)),
            "ordered": OrderedDict([("b", 1), ("a", lib.zeros(1))]),
            "scalar": np.float64(0.5),
            "nested": {"deeper": [{"x": np.array(7)}]},
        }

    obj = make(minigrad)
    got = _round_trip(obj)
    ref = _torch_round_trip(torch, make(torch))
    assert got["list"] == ref["list"] == obj["list"]
    assert type(got["tuple"]) is type(ref["tuple"]) is tuple
    assert isinstance(got["tuple"][0], minigrad.Tensor) and isinstance(
        ref["tuple"][0], torch.Tensor
    )
    assert type(got["tuple"][1]) is type(ref["tuple"][1]) is np.ndarray
    assert got["tuple"][1].dtype == np.int16
    assert type(got["ordered"]) is type(ref["ordered"]) is OrderedDict
    assert list(got["ordered"]) == ["b", "a"]
    assert type(got["scalar"]) is np.float64 and got["scalar"] == 0.5
    assert got["nested"]["deeper"][0]["x"].shape == ()
    assert type(got["nested"]["deeper"][0]["x"]) is type(ref["nested"]["deeper"][0]["x"])


@pytest.mark.parametrize("obj", [3, 2.5, "text", None, [], {}, ()])
def test_plain_python_values_round_trip(obj) -> None:
    assert _round_trip(obj) == obj


def test_a_state_dict_round_trips_into_a_fresh_model(tmp_path) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    minigrad.save(model.state_dict(), tmp_path / "model.pt")
    state = minigrad.load(tmp_path / "model.pt")
    assert isinstance(state, OrderedDict) and list(state) == list(model.state_dict())
    fresh = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    fresh.load_state_dict(state)
    x = minigrad.randn(5, 3)
    np.testing.assert_array_equal(fresh(x).numpy(), model(x).numpy())


def test_a_parameter_dict_of_tensors_loads_into_a_model(tmp_path) -> None:
    model = nn.Linear(2, 2)
    minigrad.save(dict(model.named_parameters()), str(tmp_path / "p.npz"))
    state = minigrad.load(str(tmp_path / "p.npz"))
    assert all(isinstance(v, minigrad.Tensor) and v.requires_grad for v in state.values())
    fresh = nn.Linear(2, 2)
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh.weight.numpy(), model.weight.numpy())


def test_real_binary_files_work_as_paths_do(tmp_path) -> None:
    with open(tmp_path / "f.bin", "wb") as f:
        minigrad.save({"x": minigrad.arange(3)}, f)
    with open(tmp_path / "f.bin", "rb") as f:
        assert minigrad.load(f)["x"].tolist() == [0, 1, 2]
    assert minigrad.load(tmp_path / "f.bin")["x"].tolist() == [0, 1, 2]


def test_nn_save_and_load_are_the_engines_functions() -> None:
    assert nn.save is minigrad.save and nn.load is minigrad.load
    assert nn.CheckpointError is minigrad.CheckpointError


# ---------------------------------------------------------------------- map_location


def _saved_on(device: str) -> io.BytesIO:
    """A file holding one tensor that says it was saved on ``device`` (written here on the CPU
    by editing the metadata, which no checksum covers)."""
    buffer = io.BytesIO()
    minigrad.save({"x": minigrad.tensor([1.0, 2.0])}, buffer)
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = f"{serialization.META}.npy"
    meta = json.loads(str(np.load(io.BytesIO(members[name]))))
    meta["tree"]["dict"]["x"]["tensor"][1] = device
    members[name] = serialization._npy_bytes(np.array(json.dumps(meta)))
    out = io.BytesIO()
    serialization._write_zip(out, members)
    out.seek(0)
    return out


@pytest.mark.parametrize(
    "map_location",
    ["cpu", minigrad.device("cpu"), {"cuda:0": "cpu"}, {"cuda": minigrad.device("cpu")}],
)
def test_map_location_brings_gpu_tensors_to_the_cpu(map_location) -> None:
    loaded = minigrad.load(_saved_on("cuda:0"), map_location=map_location)
    assert loaded["x"].device == "cpu" and loaded["x"].tolist() == [1.0, 2.0]


def test_loading_gpu_tensors_without_a_gpu_suggests_map_location() -> None:
    try:
        minigrad.backend.cupy_module()
    except RuntimeError:
        pass
    else:
        pytest.skip("this machine has a GPU: the saved GPU tensor loads there")
    with pytest.raises(RuntimeError, match="map_location='cpu'"):
        minigrad.load(_saved_on("cuda:0"))


@pytest.mark.parametrize("weights_only", [True, False])
def test_weights_only_is_accepted_and_loading_stays_safe(weights_only: bool) -> None:
    assert _round_trip({"a": 1}, weights_only=weights_only) == {"a": 1}


def test_map_location_of_another_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="map_location must be None, a device"):
        _round_trip({"a": 1}, map_location=lambda storage, location: storage)


def test_a_crafted_tensor_entry_is_a_checkpoint_error() -> None:
    with pytest.raises(minigrad.CheckpointError, match="'tensor' entry"):
        minigrad.load(_saved_on("tpu"))


# ---------------------------------------------------------------------- older files


def test_a_file_written_by_the_previous_nn_save_still_loads() -> None:
    """tests/data/nn_save_format2.npz was written by nn.save before minigrad.save existed
    (format 2), from {"model": nn.Linear(3, 2).state_dict(), "tensor": a float64 tensor,
    "ints", "mask", "zero_d" (NumPy), "step", "betas", "name", "none"}."""
    state = nn.load(DATA / "nn_save_format2.npz")
    assert sorted(state["model"]) == ["bias", "weight"]
    assert state["model"]["weight"].shape == (2, 3) and state["model"]["weight"].dtype == "float32"
    np.testing.assert_allclose(state["model"]["bias"], [0.12313239, 0.2649998], rtol=1e-6)
    assert type(state["tensor"]) is np.ndarray  # format 2 stored Tensors as arrays
    assert state["tensor"].tolist() == [[1.5, -2.0]] and state["tensor"].dtype == np.float64
    assert state["ints"].tolist() == [0, 1, 2, 3] and state["mask"].tolist() == [True, False]
    assert type(state["zero_d"]) is np.float32 and state["zero_d"] == 0.25
    assert (state["step"], state["betas"], state["name"], state["none"]) == (
        7,
        (0.9, 0.999),
        "run-1",
        None,
    )
    nn.Linear(3, 2).load_state_dict(state["model"])


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (
            {"model": [0, 1, 2, object()]},
            r"cannot store a value of type object at obj\['model'\]\[3\]",
        ),
        ({"opt": {"lr": 1j}}, r"cannot store a value of type complex at obj\['opt'\]\['lr'\]"),
        (
            [{"f": len}],
            r"cannot store a value of type builtin_function_or_method at obj\[0\]\['f'\]",
        ),
        ({"a": {1: 2}}, r"keys must be strings .* got 1 \(int\) in obj\['a'\]"),
        ({"a/b": 1}, r"keys must be strings without '/'"),
        ({"s": np.array(["text"])}, r"the array at obj\['s'\] has dtype <U4"),
        ({1, 2}, r"cannot store a value of type set at obj;"),
    ],
)
def test_unsupported_objects_name_their_type_and_place(tmp_path, obj, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        minigrad.save(obj, tmp_path / "x.pt")
    assert not list(tmp_path.iterdir())  # nothing written


def test_missing_and_foreign_files() -> None:
    with pytest.raises(FileNotFoundError, match="no file at"):
        minigrad.load("/nonexistent/ckpt.pt")
    with pytest.raises(minigrad.CheckpointError, match=r"not a readable \.npz checkpoint"):
        minigrad.load(io.BytesIO(b"\x80\x02}q\x00."))  # a pickle, as torch.save writes
