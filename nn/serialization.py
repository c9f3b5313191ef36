"""Save and load training state as ``.npz`` files, safely.

A state is a (nested) dict whose leaves are arrays (NumPy, CuPy or Tensors) or Python
scalars (int, float, bool, str, None), with lists and tuples allowed along the way — e.g.
``{"model": model.state_dict(), "optim": opt.state_dict(), "step": 7}``.

Arrays are stored as ``.npz`` members named by their key path joined with ``/``
(``model/weight``), so ``numpy.load`` can read them too. The nesting, the scalars and a
SHA-256 checksum of every member (over its name and bytes) are stored as JSON in one extra
member, ``__minigrad__``. Nothing is pickled: arrays are read with ``allow_pickle=False``, so a
checkpoint cannot run code.

Every way a file can be damaged or crafted — cut short, foreign, pickled, a broken zip
directory or version field, metadata that is not JSON or lacks keys, members renamed,
swapped, added or removed — raises :class:`CheckpointError` naming the file and what is
wrong. Writes are atomic: a temporary file in the same directory is written, flushed to disk
and renamed over the target, so a crash mid-write leaves the previous file intact; the next
save removes temporary files that such a crash left behind for the same target.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from minigrad import Tensor, backend

SEP = "/"
META = "__minigrad__"
_FORMAT = 2  # 1: tree only; 2: tree and per-member checksums
_FORMATS = (1, 2)
_NODE_KINDS = ("dict", "list", "tuple", "value", "array", "scalar")
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_COMMENT = b"minigrad checkpoint"  # tells a damaged checkpoint from a plain numpy .npz


class CheckpointError(ValueError):
    """A file that is not a readable minigrad checkpoint (truncated, foreign, or pickled)."""


# ---------------------------------------------------------------------- flatten


def _encode(value: Any, path: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-able description of ``value``; arrays go into ``arrays`` under their key path."""
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or SEP in key:
                raise TypeError(
                    f"nn.save: keys must be strings without {SEP!r}, got {key!r} "
                    f"at {path or '<root>'}"
                )
            out[key] = _encode(item, f"{path}{SEP}{key}" if path else key, arrays)
        return {"dict": out}
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return {kind: [_encode(v, f"{path}{SEP}{i}", arrays) for i, v in enumerate(value)]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    if isinstance(value, np.generic):  # a NumPy scalar comes back as one, not a 0-d array
        return {"scalar": _store_array(value, path, arrays)}
    return {"array": _store_array(value, path, arrays)}


def _store_array(value: Any, path: str, arrays: dict[str, np.ndarray]) -> str:
    data = value.array if isinstance(value, Tensor) else value
    try:
        array = np.asarray(backend.to_numpy(data))
    except TypeError as exc:
        raise TypeError(
            f"nn.save: cannot store a {type(value).__name__} at {path!r}; use "
            "arrays, Tensors, numbers, strings, None, dicts, lists or tuples"
        ) from exc
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"nn.save: array at {path!r} has dtype {array.dtype}, which would need "
            "pickling; store numbers only"
        )
    name = path or "<root>"
    arrays[name] = array
    return name


def _decode(tree: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    ((kind, body),) = tree.items()
    if kind == "dict":
        return {k: _decode(v, arrays) for k, v in body.items()}
    if kind == "list":
        return [_decode(v, arrays) for v in body]
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in body)
    if kind == "value":
        return body
    if kind == "scalar":
        return arrays[body][()]
    return arrays[body]


def _tree_problem(tree: Any, members: set[str], used: list[str]) -> str | None:
    """What is wrong with a metadata tree (``None`` if nothing); collects members it uses."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or len(node) != 1 or next(iter(node)) not in _NODE_KINDS:
            return f"the metadata has a malformed entry {str(node)[:60]!r}"
        ((kind, body),) = node.items()
        if kind == "dict" and isinstance(body, dict):
            stack.extend(body.values())
        elif kind in ("list", "tuple") and isinstance(body, list):
            stack.extend(body)
        elif kind == "value" and (body is None or isinstance(body, (bool, int, float, str))):
            continue
        elif kind in ("array", "scalar") and isinstance(body, str):
            if body not in members:
                return f"the metadata names an array {body!r} that the file does not hold"
            used.append(body)
        else:
            return f"the metadata's {kind!r} entry holds a {type(body).__name__}"
    return None


def _checksum(name: str, data: bytes) -> str:
    return hashlib.sha256(name.encode("utf-8") + b"\0" + data).hexdigest()


# ---------------------------------------------------------------------- save / load


def save(state: Any, path: str | os.PathLike[str]) -> None:
    """Write ``state`` to ``path`` as an ``.npz`` file, atomically.

    The file is written exactly at ``path`` (no extension is added). An error names ``path``
    (never the temporary file), and the previous file at ``path`` is left as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> import nn
    >>> model = nn.Linear(2, 1)
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> nn.save({"model": model.state_dict(), "step": 7}, path)
    >>> loaded = nn.load(path)
    >>> loaded["step"], sorted(loaded["model"])
    (7, ['bias', 'weight'])
    """
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(state, "", arrays)
    members = {f"{name}.npy": _npy_bytes(array) for name, array in arrays.items()}
    checksums = {name: _checksum(name, data) for name, data in members.items()}
    meta = json.dumps({"format": _FORMAT, "tree": tree, "checksums": checksums})
    members[f"{META}.npy"] = _npy_bytes(np.array(meta))
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        _remove_stale_temp_files(folder, target.name)
        _write_atomically(folder, target, members)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileNotFoundError) and not folder.is_dir():
            reason = f"the folder {str(folder)!r} does not exist; create it first"
        raise type(exc)(exc.errno, f"nn.save: cannot write {str(path)!r}: {reason}") from exc


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def _temp_prefix(name: str) -> str:
    return f".{name}."


def _remove_stale_temp_files(folder: Path, name: str) -> None:
    """Delete temporary files an interrupted save of the same target left behind."""
    for stale in folder.glob(f"{_temp_prefix(name)}*.tmp"):
        try:
            stale.unlink()
        except OSError:
            pass  # another process may be saving right now; its rename will tidy up


def _write_atomically(folder: Path, target: Path, members: dict[str, bytes]) -> None:
    fd, temp = tempfile.mkstemp(prefix=_temp_prefix(target.name), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
                archive.comment = _ZIP_COMMENT
                for name, data in members.items():
                    archive.writestr(name, data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    _fsync_directory(folder)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: not every OS can open a directory)."""
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(path: str | os.PathLike[str]) -> Any:
    """Read a state written by :func:`save` (NumPy arrays and Python scalars, nested as saved).

    An ``.npz`` written by ``numpy.savez`` (no minigrad metadata) loads as a flat dict of
    arrays. A missing file raises ``FileNotFoundError``; any damaged, crafted, foreign or
    pickle-containing file raises :class:`CheckpointError` naming the path and the problem.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "state.npz")
    >>> nn.save({"w": np.ones(2), "betas": (0.9, 0.999), "lr": np.float32(0.5)}, path)
    >>> state = nn.load(path)
    >>> state["betas"], state["lr"], type(state["lr"]).__name__
    ((0.9, 0.999), np.float32(0.5), 'float32')
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"nn.load: no file at {str(path)!r}")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != _ZIP_MAGIC:  # np.load would otherwise try to unpickle a foreign file
        raise _unreadable(path, ValueError(f"it starts with {magic!r}, not a zip header"))
    _check_not_cut_short(path)
    try:
        members, comment = _read_members(path)
        arrays = {name: _parse_npy(path, name, data) for name, data in members.items()}
    except CheckpointError:
        raise
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # every other failure here means a damaged file
        raise _unreadable(path, exc) from exc
    if META not in arrays:
        if comment.startswith(_ZIP_COMMENT):
            raise CheckpointError(
                f"nn.load: {str(path)!r} is damaged or was altered after nn.save wrote it: its "
                f"metadata member {META!r} is missing"
            )
        return arrays  # a plain numpy .npz: a flat dict of its arrays
    return _rebuild(path, arrays, members)


_END_RECORD = b"PK\x05\x06"  # the zip's end-of-central-directory record: 22 bytes + comment


def _check_not_cut_short(path: str | os.PathLike[str]) -> None:
    """Raise when the file ends before its zip end record says it does.

    zipfile finds the end record by searching for it and reads whatever comment bytes are
    left, so a file cut inside its last bytes (the record's comment) would load.
    """
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 22 - 65535))
        tail = f.read()
    start = tail.rfind(_END_RECORD)
    if start < 0 or len(tail) - start < 22:
        return  # no end record at all: zipfile's own error says so
    declared = int.from_bytes(tail[start + 20 : start + 22], "little")
    present = len(tail) - start - 22
    if present < declared:
        raise _unreadable(
            path, ValueError(f"its zip comment is {present} of the {declared} bytes it declares")
        )


def _read_members(path: str | os.PathLike[str]) -> tuple[dict[str, bytes], bytes]:
    """``{array name: .npy bytes}`` of every member (``.npy`` suffix dropped), and the zip's
    comment."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if len(set(names)) != len(names):
            raise CheckpointError(
                f"nn.load: {str(path)!r} lists a member twice in its zip directory; the file "
                "was altered after nn.save wrote it"
            )
        members = {name.removesuffix(".npy"): archive.read(name) for name in names}
        return members, archive.comment


def _parse_npy(path: str | os.PathLike[str], name: str, data: bytes) -> np.ndarray:
    try:
        return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise CheckpointError(
                f"nn.load: {str(path)!r} contains pickled objects (member {name!r}), which "
                "minigrad refuses to load because unpickling can run arbitrary code; re-save "
                "the state with nn.save"
            ) from exc
        raise


def _rebuild(
    path: str | os.PathLike[str], arrays: dict[str, np.ndarray], members: dict[str, bytes]
) -> Any:
    """The saved state, after checking the metadata against the members."""

    def damaged(what: str) -> CheckpointError:
        return CheckpointError(
            f"nn.load: {str(path)!r} is damaged or was altered after nn.save wrote it: {what}"
        )

    try:
        meta = json.loads(str(arrays.pop(META)))
    except (ValueError, TypeError) as exc:
        raise damaged(f"its metadata is not valid JSON ({exc})") from exc
    if not isinstance(meta, dict) or not {"format", "tree"} <= set(meta):
        raise damaged("its metadata lacks the 'format' and 'tree' entries")
    if meta["format"] not in _FORMATS:
        raise damaged(
            f"format {meta['format']!r} is not one this minigrad reads ({_FORMATS}); a newer "
            "minigrad may have written it"
        )
    used: list[str] = []
    problem = _tree_problem(meta["tree"], set(arrays), used)
    if problem is None and sorted(used) != sorted(arrays):
        extra = sorted(set(arrays) - set(used))
        problem = f"members {extra} are not in the metadata" if extra else "an array is used twice"
    if problem is None and meta["format"] >= 2:
        problem = _checksum_problem(meta.get("checksums"), members)
    if problem is not None:
        raise damaged(problem)
    return _decode(meta["tree"], arrays)


def _checksum_problem(checksums: Any, members: dict[str, bytes]) -> str | None:
    if not isinstance(checksums, dict):
        return "its metadata lacks the members' checksums"
    for name, data in members.items():
        if name == META:
            continue
        expected = checksums.get(f"{name}.npy")
        if expected != _checksum(f"{name}.npy", data):
            return f"member {name!r} does not match its checksum (renamed, swapped or changed)"
    return None


def _unreadable(path: str | os.PathLike[str], exc: BaseException) -> CheckpointError:
    return CheckpointError(
        f"nn.load: {str(path)!r} is not a readable .npz checkpoint ({type(exc).__name__}: "
        f"{exc}). It may be truncated (an interrupted copy or a full disk) or another format "
        "(e.g. a PyTorch .pt file); re-save it with nn.save or point to the right file"
    )
