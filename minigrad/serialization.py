"""Save and load tensors and training state safely: :func:`save` and :func:`load`
(``minigrad.save``/``minigrad.load``; ``nn.save``/``nn.load`` are the same functions).

What can be saved: Tensors, NumPy (or CuPy) arrays, NumPy scalars, Python scalars (int, float,
bool, str, None), and dicts (string keys), ``OrderedDict`` objects, lists and tuples of them, nested
— e.g. ``{"model": model.state_dict(), "optim": opt.state_dict(), "step": 7}``. Each comes
back as what it was: a Tensor as a Tensor (with its dtype, device and ``requires_grad``), an
array as a NumPy array, an ``OrderedDict`` as one.

The file is an ``.npz`` (a zip of ``.npy`` members): arrays are stored as members named by
their key path joined with ``/`` (``model/weight``), so ``numpy.load`` can read them too. The
nesting, the scalars and a SHA-256 checksum of every member (over its name and bytes) are
stored as JSON in one extra member, ``__minigrad__``. Nothing is pickled: arrays are read with
``allow_pickle=False``, so loading a file can never run code.

Every way a file can be damaged or crafted — cut short, foreign, pickled, a broken zip
directory or version field, metadata that is not JSON or lacks keys, members renamed,
swapped, added or removed — raises :class:`CheckpointError` naming the file and what is
wrong. Writes to a path are atomic: a temporary file in the same directory is written,
flushed to disk and renamed over the target, so a crash mid-write leaves the previous file
intact; the next save removes temporary files that such a crash left behind for the same
target. Files written by earlier versions (formats 1 and 2, where Tensors were stored as
plain arrays) load as they always did.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import time
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from minigrad import backend
from minigrad.tensor import Tensor

__all__ = ["CheckpointError", "load", "save"]

SEP = "/"
META = "__minigrad__"
_FORMAT = 3  # 1: tree only; 2: and per-member checksums; 3: and tensors, OrderedDicts
_FORMATS = (1, 2, 3)
_NODE_KINDS = ("dict", "odict", "list", "tuple", "value", "array", "scalar", "tensor")
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_COMMENT = b"minigrad checkpoint"  # tells a damaged checkpoint from a plain numpy .npz


class CheckpointError(ValueError):
    """A file that is not a readable minigrad checkpoint (truncated, foreign, or pickled)."""


# ---------------------------------------------------------------------- flatten


def _encode(value: Any, path: str, where: str, arrays: dict[str, np.ndarray]) -> Any:
    """JSON-able description of ``value``; arrays go into ``arrays`` under their key path.

    ``path`` names the member (``model/weight``), ``where`` the place in the saved object for
    error messages (``obj['model']['weight']``).
    """
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or SEP in key:
                raise TypeError(
                    f"save: keys must be strings without {SEP!r}, got {key!r} "
                    f"({type(key).__name__}) in {where}"
                )
            out[key] = _encode(
                item, f"{path}{SEP}{key}" if path else key, f"{where}[{key!r}]", arrays
            )
        return {"odict" if isinstance(value, OrderedDict) else "dict": out}
    if isinstance(value, (list, tuple)):
        kind = "list" if isinstance(value, list) else "tuple"
        return {
            kind: [
                _encode(v, f"{path}{SEP}{i}", f"{where}[{i}]", arrays) for i, v in enumerate(value)
            ]
        }
    if isinstance(value, np.generic):  # a NumPy scalar comes back as one, not a 0-d array
        return {"scalar": _store_array(value, path, where, arrays)}  # (np.float64 is a float)
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"value": value}
    if isinstance(value, Tensor):
        name = _store_array(value.array, path, where, arrays)
        return {"tensor": [name, str(value.device), bool(value.requires_grad)]}
    return {"array": _store_array(value, path, where, arrays)}


def _unstorable(value: Any, where: str) -> TypeError:
    return TypeError(
        f"save: cannot store a value of type {type(value).__name__} at {where}; use Tensors, "
        "arrays, numbers, strings, None, and dicts, lists or tuples of them"
    )


def _store_array(value: Any, path: str, where: str, arrays: dict[str, np.ndarray]) -> str:
    if not (isinstance(value, np.generic) or hasattr(value, "__array_namespace__")):
        raise _unstorable(value, where)
    try:
        array = np.asarray(backend.to_numpy(value))
    except TypeError as exc:
        raise _unstorable(value, where) from exc
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"save: the array at {where} has dtype {array.dtype}, which would need pickling; "
            "store numbers only"
        )
    name = path or "<root>"
    arrays[name] = array
    return name


def _decode(tree: Any, arrays: Mapping[str, np.ndarray], place: Any) -> Any:
    ((kind, body),) = tree.items()
    if kind == "dict":
        return {k: _decode(v, arrays, place) for k, v in body.items()}
    if kind == "odict":
        return OrderedDict((k, _decode(v, arrays, place)) for k, v in body.items())
    if kind == "list":
        return [_decode(v, arrays, place) for v in body]
    if kind == "tuple":
        return tuple(_decode(v, arrays, place) for v in body)
    if kind == "value":
        return body
    if kind == "scalar":
        return arrays[body][()]
    if kind == "tensor":
        name, saved_device, requires_grad = body
        return _tensor(arrays[name], place(saved_device), requires_grad)
    return arrays[body]


def _tensor(array: np.ndarray, device: str, requires_grad: bool) -> Tensor:
    if device != "cpu":
        array = backend.to_device(array, device)
    t = Tensor.from_array(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _placement(map_location: Any) -> Any:
    """``saved device -> device to load onto``, from :func:`load`'s ``map_location``."""
    if map_location is None:
        return lambda saved: saved
    if isinstance(map_location, str):
        target = backend.normalize_device(map_location)
        return lambda saved: target
    if isinstance(map_location, Mapping):
        table = {backend.normalize_device(k): v for k, v in map_location.items()}
        return lambda saved: backend.normalize_device(
            table.get(backend.normalize_device(saved), saved)
        )
    raise TypeError(
        f"load: map_location must be None, a device ('cpu', 'cuda:0', minigrad.device) or a "
        f"dict from saved devices to devices, got {type(map_location).__name__}"
    )


def _tree_problem(tree: Any, members: set[str], used: list[str]) -> str | None:
    """What is wrong with a metadata tree (``None`` if nothing); collects members it uses."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict) or len(node) != 1 or next(iter(node)) not in _NODE_KINDS:
            return f"the metadata has a malformed entry {str(node)[:60]!r}"
        ((kind, body),) = node.items()
        if kind in ("dict", "odict") and isinstance(body, dict):
            stack.extend(body.values())
        elif kind in ("list", "tuple") and isinstance(body, list):
            stack.extend(body)
        elif kind == "value" and (body is None or isinstance(body, (bool, int, float, str))):
            continue
        elif kind in ("array", "scalar") and isinstance(body, str):
            if body not in members:
                return f"the metadata names an array {body!r} that the file does not hold"
            used.append(body)
        elif kind == "tensor" and _tensor_entry_ok(body):
            if body[0] not in members:
                return f"the metadata names an array {body[0]!r} that the file does not hold"
            used.append(body[0])
        else:
            return f"the metadata's {kind!r} entry holds a {type(body).__name__}"
    return None


def _tensor_entry_ok(body: Any) -> bool:
    """A tensor entry is ``[member name, device, requires_grad]``."""
    if not (isinstance(body, list) and len(body) == 3):
        return False
    name, device, requires_grad = body
    if not (isinstance(name, str) and isinstance(device, str) and isinstance(requires_grad, bool)):
        return False
    try:
        backend.normalize_device(device)
    except ValueError:
        return False
    return True


def _checksum(name: str, data: bytes) -> str:
    return hashlib.sha256(name.encode("utf-8") + b"\0" + data).hexdigest()


# ---------------------------------------------------------------------- save / load

File = str | os.PathLike[str] | BinaryIO


def save(obj: Any, f: File) -> None:
    """Write ``obj`` to ``f`` (a path, or a binary file object open for writing).

    ``obj`` is a Tensor, an array, a number or a string, or dicts (string keys), lists and
    tuples of them (see the module docstring); anything else raises ``TypeError`` naming its
    type and where it sits in ``obj`` (``obj['model'][3]``) before anything is written.

    A path is written exactly there (no extension is added), atomically: an error names the
    path (never the temporary file) and leaves the previous file as it was. A file object
    receives the bytes with one ``write``.

    Examples
    --------
    >>> import os, tempfile
    >>> import minigrad
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
    >>> x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    >>> minigrad.save({"x": x, "step": 7}, path)
    >>> loaded = minigrad.load(path)
    >>> loaded["x"], loaded["step"]
    (Tensor([1., 2.], requires_grad=True), 7)
    """
    arrays: dict[str, np.ndarray] = {}
    tree = _encode(obj, "", "obj", arrays)
    members = {f"{name}.npy": _npy_bytes(array) for name, array in arrays.items()}
    checksums = {name: _checksum(name, data) for name, data in members.items()}
    meta = json.dumps({"format": _FORMAT, "tree": tree, "checksums": checksums})
    members[f"{META}.npy"] = _npy_bytes(np.array(meta))
    if hasattr(f, "write"):
        buffer = io.BytesIO()
        _write_zip(buffer, members)
        f.write(buffer.getvalue())
        return
    target = Path(f)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        _remove_stale_temp_files(folder, target.name)
        _write_atomically(folder, target, members)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, FileNotFoundError) and not folder.is_dir():
            reason = f"the folder {str(folder)!r} does not exist; create it first"
        raise type(exc)(exc.errno, f"save: cannot write {str(f)!r}: {reason}") from exc


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asanyarray(array), allow_pickle=False)
    return buffer.getvalue()


def _write_zip(f: BinaryIO, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.comment = _ZIP_COMMENT
        for name, data in members.items():
            archive.writestr(name, data)


def _temp_prefix(name: str) -> str:
    return f".{name}."


STALE_AFTER_SECONDS = 3600.0
"""A temporary file of the same target this old is left over from an interrupted save; a
younger one may belong to a save another process is writing now, which must not lose it."""


def _remove_stale_temp_files(folder: Path, name: str) -> None:
    """Delete temporary files an interrupted save of the same target left behind."""
    now = time.time()
    for stale in folder.glob(f"{_temp_prefix(name)}*.tmp"):
        try:
            if now - stale.stat().st_mtime >= STALE_AFTER_SECONDS:
                stale.unlink()
        except OSError:  # gone already: another process's save renamed or removed it
            continue


def _write_atomically(folder: Path, target: Path, members: dict[str, bytes]) -> None:
    fd, temp = tempfile.mkstemp(prefix=_temp_prefix(target.name), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_zip(f, members)
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


def load(f: File, map_location: Any = None, weights_only: bool = True) -> Any:
    """Read what :func:`save` wrote to ``f`` (a path, or a binary file object open for
    reading), nested as it was saved.

    Tensors come back as Tensors (dtype, ``requires_grad`` and device as saved), arrays as
    NumPy arrays, NumPy scalars as NumPy scalars. An ``.npz`` written by ``numpy.savez`` (no
    minigrad metadata) loads as a flat dict of arrays.

    Parameters
    ----------
    f : path or binary file object
        Where to read from.
    map_location : None, device or dict, optional
        Where tensors go: ``None`` puts each on the device it was saved from, a device
        (``"cpu"``, ``"cuda:1"``, :class:`minigrad.device`) puts all there, a dict maps saved
        devices to new ones (``{"cuda:0": "cpu"}``). Arrays always load as NumPy arrays.
    weights_only : bool
        Accepted for PyTorch's signature. Loading is always what PyTorch calls weights-only:
        the format holds no pickles, so no file can run code however this is set.

    A missing file raises ``FileNotFoundError``; any damaged, crafted, foreign or
    pickle-containing file raises :class:`CheckpointError` naming the file and the problem.

    Examples
    --------
    >>> import io
    >>> import numpy as np, minigrad
    >>> buffer = io.BytesIO()
    >>> minigrad.save({"w": np.ones(2), "betas": (0.9, 0.999), "lr": np.float32(0.5)}, buffer)
    >>> _ = buffer.seek(0)
    >>> state = minigrad.load(buffer, map_location="cpu")
    >>> state["betas"], state["lr"], type(state["w"]).__name__
    ((0.9, 0.999), np.float32(0.5), 'ndarray')
    """
    place = _placement(map_location)
    if hasattr(f, "read"):
        label = repr(str(getattr(f, "name", "<file object>")))
        raw = f.read()
    else:
        label = repr(str(f))
        if not os.path.exists(f):
            raise FileNotFoundError(f"load: no file at {label}")
        with open(f, "rb") as handle:
            raw = handle.read()
    if raw[:4] != _ZIP_MAGIC:  # np.load would otherwise try to unpickle a foreign file
        raise _unreadable(label, ValueError(f"it starts with {raw[:4]!r}, not a zip header"))
    _check_not_cut_short(label, raw)
    try:
        members, comment = _read_members(label, raw)
        arrays = {name: _parse_npy(label, name, data) for name, data in members.items()}
    except CheckpointError:
        raise
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # every other failure here means a damaged file
        raise _unreadable(label, exc) from exc
    if META not in arrays:
        if comment.startswith(_ZIP_COMMENT):
            raise CheckpointError(
                f"load: {label} is damaged or was altered after it was saved: its "
                f"metadata member {META!r} is missing"
            )
        return arrays  # a plain numpy .npz: a flat dict of its arrays
    tree = _checked_tree(label, arrays, members)
    try:
        return _decode(tree, arrays, place)
    except RuntimeError as exc:  # a saved GPU tensor on a machine without one
        raise RuntimeError(
            f"load: {label} holds tensors saved on a GPU that cannot be used here ({exc}); "
            "pass map_location='cpu' to load them onto the CPU"
        ) from exc


_END_RECORD = b"PK\x05\x06"  # the zip's end-of-central-directory record: 22 bytes + comment


def _check_not_cut_short(label: str, raw: bytes) -> None:
    """Raise when the file ends before its zip end record says it does.

    zipfile finds the end record by searching for it and reads whatever comment bytes are
    left, so a file cut inside its last bytes (the record's comment) would load.
    """
    tail = raw[max(0, len(raw) - 22 - 65535) :]
    start = tail.rfind(_END_RECORD)
    if start < 0 or len(tail) - start < 22:
        return  # no end record at all: zipfile's own error says so
    declared = int.from_bytes(tail[start + 20 : start + 22], "little")
    present = len(tail) - start - 22
    if present < declared:
        raise _unreadable(
            label, ValueError(f"its zip comment is {present} of the {declared} bytes it declares")
        )


def _read_members(label: str, raw: bytes) -> tuple[dict[str, bytes], bytes]:
    """``{array name: .npy bytes}`` of every member (``.npy`` suffix dropped), and the zip's
    comment."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = archive.namelist()
        if len(set(names)) != len(names):
            raise CheckpointError(
                f"load: {label} lists a member twice in its zip directory; the file was "
                "altered after it was saved"
            )
        members = {name.removesuffix(".npy"): archive.read(name) for name in names}
        return members, archive.comment


def _parse_npy(label: str, name: str, data: bytes) -> np.ndarray:
    try:
        return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise CheckpointError(
                f"load: {label} contains pickled objects (member {name!r}), which minigrad "
                "refuses to load because unpickling can run arbitrary code; re-save the state "
                "with minigrad.save"
            ) from exc
        raise


def _checked_tree(label: str, arrays: dict[str, np.ndarray], members: dict[str, bytes]) -> Any:
    """The saved tree, after checking the metadata against the members."""

    def damaged(what: str) -> CheckpointError:
        return CheckpointError(
            f"load: {label} is damaged or was altered after it was saved: {what}"
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
    return meta["tree"]


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


def _unreadable(label: str, exc: BaseException) -> CheckpointError:
    return CheckpointError(
        f"load: {label} is not a readable .npz checkpoint ({type(exc).__name__}: {exc}). It "
        "may be truncated (an interrupted copy or a full disk) or another format (e.g. a "
        "PyTorch .pt file); re-save it with minigrad.save or point to the right file"
    )
