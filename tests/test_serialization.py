"""nn.save / nn.load: round trips, nesting, atomic writes, and clear errors on bad files."""

from __future__ import annotations

import os
import time
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import nn
from minigrad import serialization


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

    def full_disk(fd):
        raise OSError("disk full")

    monkeypatch.setattr(serialization.os, "fsync", full_disk)
    with pytest.raises(OSError, match=r"save: cannot write '.*ckpt\.npz': disk full") as err:
        nn.save({"step": 2}, path)
    assert ".tmp" not in str(err.value)  # the user's path, never the temporary file
    monkeypatch.undo()
    assert nn.load(path) == {"step": 1}
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_save_into_a_missing_folder_names_the_users_path(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        nn.save({"step": 1}, tmp_path / "no" / "ckpt.npz")
    message = str(err.value)
    assert "no/ckpt.npz" in message and "does not exist" in message and ".tmp" not in message


def test_save_removes_temp_files_an_interrupted_save_left(tmp_path):
    stale = tmp_path / ".ckpt.npz.x1y2z3.tmp"
    stale.write_bytes(b"PK\x03\x04 half")
    old = time.time() - 2 * serialization.STALE_AFTER_SECONDS
    os.utime(stale, (old, old))
    live = tmp_path / ".ckpt.npz.q9w8e7.tmp"  # a save another process is writing right now
    live.write_bytes(b"PK\x03\x04 being written")
    other = tmp_path / ".other.npz.abc.tmp"  # another target's: not ours to delete
    other.write_bytes(b"x")
    os.utime(other, (old, old))
    nn.save({"step": 3}, tmp_path / "ckpt.npz")
    assert sorted(os.listdir(tmp_path)) == [
        ".ckpt.npz.q9w8e7.tmp",
        ".other.npz.abc.tmp",
        "ckpt.npz",
    ]


def test_numpy_scalars_round_trip_as_scalars(tmp_path):
    state = {"lr": np.float32(0.5), "step": np.int64(7), "flag": np.bool_(True)}
    nn.save(state, tmp_path / "s.npz")
    loaded = nn.load(tmp_path / "s.npz")
    for key, value in state.items():
        assert type(loaded[key]) is type(value) and loaded[key] == value


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
    with pytest.raises(FileNotFoundError, match=r"load: no file at"):
        nn.load(tmp_path / "nope.npz")


def test_unstorable_values_are_refused_before_writing(tmp_path):
    with pytest.raises(TypeError, match="keys must be strings"):
        nn.save({1: np.ones(1)}, tmp_path / "k.npz")
    with pytest.raises(TypeError, match="would need pickling"):
        nn.save({"s": np.array(["text"])}, tmp_path / "s.npz")
    with pytest.raises(TypeError, match="cannot store a value of type object"):
        nn.save({"o": object()}, tmp_path / "o.npz")
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------------- crafted and damaged files


def _checkpoint(tmp_path):
    path = tmp_path / "ckpt.npz"
    state = {"model": {"w": np.arange(6.0).reshape(2, 3), "b": np.ones(3)}, "step": 4}
    nn.save(state, path)
    return path, state


def _rewrite(path, change):
    """Rewrite the zip with ``change(name, data) -> (name, data) or None`` per member."""
    with zipfile.ZipFile(path) as archive:
        members = [(n, archive.read(n)) for n in archive.namelist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            changed = change(name, data)
            if changed is not None:
                archive.writestr(*changed)


def _meta(path) -> dict:
    import json

    with np.load(path, allow_pickle=False) as archive:
        return json.loads(str(archive[serialization.META]))


def _with_meta(text: str):
    def change(name, data):
        if name.startswith(serialization.META):
            return name, serialization._npy_bytes(np.array(text))
        return name, data

    return change


@pytest.mark.parametrize(
    ("craft", "message"),
    [
        (lambda n, d: ("model/v.npy", d) if n == "model/w.npy" else (n, d), "does not hold"),
        (lambda n, d: None if n == "model/b.npy" else (n, d), "does not hold"),
        (_with_meta("{not json"), "not valid JSON"),
        (_with_meta('{"tree": {"value": 1}}'), "lacks the 'format' and 'tree'"),
        (_with_meta('{"format": 99, "tree": {"value": 1}}'), "format 99"),
        (_with_meta('{"format": 2, "tree": {"nonsense": 1}}'), "malformed entry"),
        (_with_meta('{"format": 2, "tree": {"value": 1}}'), r"members \['model/b', 'model/w'\]"),
        (_with_meta("[1, 2]"), "lacks the 'format' and 'tree'"),
    ],
)
def test_crafted_members_and_metadata_are_refused(tmp_path, craft, message):
    path, _ = _checkpoint(tmp_path)
    _rewrite(path, craft)
    with pytest.raises(nn.CheckpointError, match=rf"ckpt\.npz.*{message}"):
        nn.load(path)


def test_swapped_members_are_caught_by_their_checksums(tmp_path):
    path = tmp_path / "ckpt.npz"
    nn.save({"a": np.zeros(3), "b": np.ones(3)}, path)
    with zipfile.ZipFile(path) as archive:
        data = {n: archive.read(n) for n in archive.namelist()}
    _rewrite(
        path,
        lambda n, d: (n, data["b.npy"] if n == "a.npy" else data["a.npy"] if n == "b.npy" else d),
    )
    with pytest.raises(nn.CheckpointError, match=r"member 'a' does not match its checksum"):
        nn.load(path)


def test_damaged_zip_version_field_is_a_checkpoint_error(tmp_path):
    path, _ = _checkpoint(tmp_path)
    data = bytearray(path.read_bytes())
    central = data.rfind(b"PK\x01\x02")  # the last central-directory entry
    data[central + 6 : central + 8] = (99).to_bytes(2, "little")  # "version needed": 9.9
    data[central + 10 : central + 12] = (99).to_bytes(2, "little")  # an unknown compression
    path.write_bytes(bytes(data))
    with pytest.raises(nn.CheckpointError, match=r"ckpt\.npz"):
        nn.load(path)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_corruption_is_a_checkpoint_error_or_harmless(tmp_path_factory, data):
    """Flip, cut or overwrite bytes anywhere: CheckpointError, or the exact state back."""
    path, state = _checkpoint(tmp_path_factory.mktemp("c"))
    raw = bytearray(path.read_bytes())
    how = data.draw(st.sampled_from(["flip", "cut", "zero"]))
    at = data.draw(st.integers(0, len(raw) - 1))
    if how == "flip":
        raw[at] ^= data.draw(st.integers(1, 255))
    elif how == "cut":
        raw = raw[:at]
    else:
        raw[at : at + 16] = bytes(len(raw[at : at + 16]))
    path.write_bytes(bytes(raw))
    try:
        loaded = nn.load(path)
    except nn.CheckpointError as err:
        assert "ckpt.npz" in str(err)
        return
    assert loaded["step"] == state["step"]
    for key in ("w", "b"):
        np.testing.assert_array_equal(loaded["model"][key], state["model"][key])


def test_every_single_byte_flip_is_a_checkpoint_error_or_harmless(tmp_path):
    path, state = _checkpoint(tmp_path)
    raw = path.read_bytes()
    outcomes = {"refused": 0, "harmless": 0}
    for at in range(len(raw)):
        damaged = bytearray(raw)
        damaged[at] ^= 0x55
        path.write_bytes(bytes(damaged))
        try:
            loaded = nn.load(path)
        except nn.CheckpointError:
            outcomes["refused"] += 1
            continue
        outcomes["harmless"] += 1  # a timestamp or attribute byte: the state is intact
        np.testing.assert_array_equal(loaded["model"]["w"], state["model"]["w"])
        assert loaded["step"] == state["step"]
    assert outcomes["refused"] > 0.8 * len(raw)


def test_every_truncation_raises_checkpoint_error(tmp_path):
    # A cut inside the last bytes (the zip's closing comment) used to load without error.
    path = tmp_path / "full.npz"
    nn.save({"w": np.arange(12.0).reshape(3, 4), "step": 7, "betas": (0.9, 0.999)}, path)
    data = path.read_bytes()
    cut = tmp_path / "cut.npz"
    for size in range(len(data)):
        cut.write_bytes(data[:size])
        with pytest.raises(nn.CheckpointError):
            nn.load(cut)
    cut.write_bytes(data)
    assert nn.load(cut)["step"] == 7
