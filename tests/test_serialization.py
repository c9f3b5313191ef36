"""nn.save / nn.load: round trips, nesting, atomic writes, and clear errors on bad files."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import minigrad
import nn
from nn import serialization


def test_flat_dict_of_arrays_round_trips_exactly(tmp_path):
    state = {"a": np.arange(6, dtype=np.int64).reshape(2, 3), "b": np.float32([1.5, -2.0])}
    nn.save(state, tmp_path / "flat.npz")
    loaded = nn.load(tmp_path / "flat.npz")
    assert sorted(loaded) == ["a", "b"]
    for key, value in state.items():
        assert loaded[key].dtype == value.dtype
        np.testing.assert_array_equal(loaded[key], value)


def test_nested_state_restores_nesting_scalars_and_containers(tmp_path):
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    state = {
        "model": model.state_dict(),
        "meta": {"step": 7, "loss": 0.1 + 0.2, "done": False, "name": "run-1", "note": None},
        "betas": (0.9, 0.999),
        "history": [1.0, np.ones(2), {"x": 3}],
        "tensor": minigrad.tensor([1.0, 2.0]),
    }
    nn.save(state, tmp_path / "nested.npz")
    loaded = nn.load(tmp_path / "nested.npz")
    assert loaded["meta"] == state["meta"] and type(loaded["meta"]["step"]) is int
    assert loaded["betas"] == (0.9, 0.999) and isinstance(loaded["betas"], tuple)
    assert loaded["history"][0] == 1.0 and loaded["history"][2] == {"x": 3}
    np.testing.assert_array_equal(loaded["history"][1], np.ones(2))
    np.testing.assert_array_equal(loaded["tensor"], [1.0, 2.0])
    fresh = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    fresh.load_state_dict(loaded["model"])
    for a, b in zip(model.parameters(), fresh.parameters(), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_arrays_are_readable_by_plain_numpy_under_their_key_paths(tmp_path):
    nn.save({"model": {"weight": np.ones(3)}}, tmp_path / "c.npz")
    with np.load(tmp_path / "c.npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["model/weight"], np.ones(3))


def test_plain_numpy_npz_loads_as_flat_dict(tmp_path):
    np.savez(tmp_path / "plain.npz", w=np.zeros(2))
    assert list(nn.load(tmp_path / "plain.npz")) == ["w"]


def test_failed_write_leaves_old_file_intact_and_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    nn.save({"step": 1}, path)

    def exploding_savez(file, **arrays):
        file.write(b"PK\x03\x04 half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(serialization.np, "savez", exploding_savez)
    with pytest.raises(OSError, match="disk full"):
        nn.save({"step": 2}, path)
    monkeypatch.undo()
    assert nn.load(path) == {"step": 1}
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_truncated_file_gives_clear_error_naming_the_path(tmp_path):
    path = tmp_path / "cut.npz"
    nn.save({"w": np.arange(1000.0)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(nn.CheckpointError, match=r"cut\.npz.*may be truncated.*re-save it"):
        nn.load(path)


def test_foreign_file_gives_clear_error(tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(b"\x80\x02}q\x00.")  # the start of a pickle, as torch.save writes
    with pytest.raises(nn.CheckpointError, match=r"model\.pt.*not a readable \.npz"):
        nn.load(path)


def test_pickled_member_is_refused(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, payload=np.array([{"a": 1}], dtype=object))
    assert zipfile.is_zipfile(path)
    with pytest.raises(nn.CheckpointError, match="contains pickled objects"):
        nn.load(path)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nn\.load: no file at"):
        nn.load(tmp_path / "nope.npz")


def test_unstorable_values_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match="keys must be strings"):
        nn.save({1: np.ones(1)}, tmp_path / "k.npz")
    with pytest.raises(TypeError, match="would need pickling"):
        nn.save({"s": np.array(["text"])}, tmp_path / "s.npz")
    with pytest.raises(TypeError, match="cannot store a object"):
        nn.save({"o": object()}, tmp_path / "o.npz")
    assert not list(tmp_path.iterdir())
