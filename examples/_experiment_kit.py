"""What every lecture experiment in ``examples/`` shares: its command line, its run folder,
its progress bar, its figures and its ``summary.json``.

An experiment script builds its parser with :func:`experiment_parser` (which adds ``--quick``,
``--out``, ``--seed`` and ``--no-progress``), opens its run folder with :func:`run_folder`,
wraps long loops in :func:`progress`, saves figures with :func:`save_figure`, states each of
the deck's targets with :func:`check_target` and ends with :func:`write_summary`. The summary
always has ``experiment``, ``finding`` (the result in words), ``figures`` and ``targets``, so
``examples/make_lectures_page.py`` can build ``docs/lectures.md`` from the runs.

Examples
--------
>>> import sys; sys.path.insert(0, "examples")
>>> from _experiment_kit import experiment_parser
>>> args = experiment_parser("demo", "A demo.").parse_args(["--quick", "--out", "/tmp/x"])
>>> args.quick, args.out, args.seed
(True, '/tmp/x', 0)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def experiment_parser(name: str, description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every experiment has.

    ``--quick`` (seconds, for the tests), ``--out DIR`` (default ``runs/<name>``), ``--seed``
    and ``--no-progress``. Add the experiment's own options to the parser it returns.
    """
    parser = argparse.ArgumentParser(
        prog=f"{name}.py",
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="a small run that finishes in seconds (the tests)"
    )
    parser.add_argument(
        "--out", default=os.path.join("runs", name), help="folder for figures and summary.json"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of every random choice")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (e.g. in logs)")
    return parser


def run_folder(args: argparse.Namespace) -> Path:
    """Make (if needed) and return the run folder named by ``--out``."""
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SystemExit(f"cannot create the run folder {out}: {exc.strerror}") from exc
    return out


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True
) -> Iterator[T]:
    """``items`` with a tqdm progress bar on stderr (none when ``enabled`` is false)."""
    if not enabled:
        yield from items
        return
    from tqdm.auto import tqdm

    yield from tqdm(items, total=total, desc=desc, leave=False, file=sys.stderr)


def save_figure(fig: Any, out: Path, stem: str, *, svg: bool = False) -> list[str]:
    """Save a Matplotlib figure as ``<stem>.png`` (and ``.svg``); return the file names."""
    import matplotlib.pyplot as plt

    names = [f"{stem}.png"] + ([f"{stem}.svg"] if svg else [])
    for name in names:
        fig.savefig(out / name, dpi=130, bbox_inches="tight")
    plt.close(fig)
    return names


def check_target(targets: list[dict[str, Any]], statement: str, held: bool) -> None:
    """Record and print whether one of the deck's stated targets held in this run."""
    targets.append({"target": statement, "held": bool(held)})
    print(f"target {'held' if held else 'DID NOT hold'}: {statement}")


def write_summary(
    out: Path,
    experiment: str,
    finding: str,
    figures: list[str],
    targets: list[dict[str, Any]],
    **numbers: Any,
) -> dict[str, Any]:
    """Write ``summary.json`` (the finding in words, the figures, the targets, the numbers).

    Non-finite numbers are written as strings (``"inf"``, ``"nan"``) so the file stays valid
    JSON. The finding is printed too.
    """
    summary = {
        "experiment": experiment,
        "finding": finding,
        "figures": figures,
        "targets": targets,
        **{key: _jsonable(value) for key, value in numbers.items()},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"finding: {finding}")
    print(f"wrote {out / 'summary.json'} and {len(figures)} figure(s)")
    return summary


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value
