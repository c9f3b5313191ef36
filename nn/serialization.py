"""Save and load training state as ``.npz`` files, safely.

A state is a (nested) dict whose leaves are arrays (NumPy, CuPy or Tensors) or Python
scalars (int, float, bool, str, None), with lists and tuples allowed along the way — e.g.
``{"model": model.state_dict(), "optim": opt.state_dict(), "step": 7}``.

Arrays are stored as ``.npz`` members named by their key path joined with ``/``
(``model/weight``), so ``numpy.load`` can read them too. The nesting and the scalars are
stored as JSON in one extra member, ``__minigrad__``. Nothing is pickled: loading uses
``allow_pickle=False``, so a checkpoint cannot run code. Writes are atomic: a temporary file
in the same directory is written, flushed to disk and renamed over the target, so a crash
mid-write leaves the previous file intact.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from minigrad import Tensor, backend

SEP = "/"
META = "__minigrad__"
_FORMAT = 1
_ZIP_MAGIC = b"PK\x03\x04"


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
    return {"array": _store_array(value, path, arrays)}


def _store_array(value: Any, path: str, arrays: dict[str, np.ndarray]) -> str:
    data = value.data if isinstance(value, Tensor) else value
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
    return arrays[body]


# ---------------------------------------------------------------------- save / load


def save(state: Any, path: str | os.PathLike[str]) -> None:
    """Write ``state`` to ``path`` as an ``.npz`` file, atomically.

    The file is written exactly at ``path`` (no extension is added).

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
    meta = json.dumps({"format": _FORMAT, "tree": tree})
    target = Path(path)
    fd, temp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent if str(target.parent) else "."
    )
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays, **{META: np.array(meta)})
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, target)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    _fsync_directory(target.parent)


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
    arrays. A missing file raises ``FileNotFoundError``; a truncated, foreign or
    pickle-containing file raises :class:`CheckpointError` naming the path.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, nn
    >>> path = os.path.join(tempfile.mkdtemp(), "state.npz")
    >>> nn.save({"w": np.ones(2), "betas": (0.9, 0.999)}, path)
    >>> nn.load(path)["betas"]
    (0.9, 0.999)
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"nn.load: no file at {str(path)!r}")
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic != _ZIP_MAGIC:  # np.load would otherwise try to unpickle a foreign file
        raise _unreadable(path, ValueError(f"it starts with {magic!r}, not a zip header"))
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise CheckpointError(
                f"nn.load: {str(path)!r} contains pickled objects, which minigrad refuses to "
                "load because unpickling can run arbitrary code; re-save the state with nn.save"
            ) from exc
        raise _unreadable(path, exc) from exc
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError) as exc:
        raise _unreadable(path, exc) from exc
    if META not in arrays:
        return arrays
    meta = json.loads(str(arrays.pop(META)))
    return _decode(meta["tree"], arrays)


def _unreadable(path: str | os.PathLike[str], exc: BaseException) -> CheckpointError:
    return CheckpointError(
        f"nn.load: {str(path)!r} is not a readable .npz checkpoint ({type(exc).__name__}: "
        f"{exc}). It may be truncated (an interrupted copy or a full disk) or another format "
        "(e.g. a PyTorch .pt file); re-save it with nn.save or point to the right file"
    )
