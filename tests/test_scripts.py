"""examples/ and benchmarks/ hold scripts (shared modules start with _); every script answers
--help, and --help changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache"}


def scripts() -> list[Path]:
    """The runnable scripts: every ``.py`` file of examples/ and benchmarks/ whose name does
    not start with ``_`` (those are the modules the scripts share)."""
    found = sorted([*ROOT.glob("examples/*.py"), *ROOT.glob("benchmarks/*.py")])
    return [p for p in found if not p.name.startswith("_")]


def snapshot() -> dict[str, int]:
    files = {}
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in names:
            path = Path(folder) / name
            files[str(path.relative_to(ROOT))] = path.stat().st_mtime_ns
    return files


def test_there_are_scripts() -> None:
    assert len(scripts()) >= 6


@pytest.mark.parametrize("script", scripts(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_folders_hold_only_scripts(script: Path) -> None:
    """A module a reader would run by mistake (it prints nothing) gets a ``_`` prefix."""
    source = script.read_text(encoding="utf-8")
    assert 'if __name__ == "__main__":' in source, (
        f"{script.relative_to(ROOT)} is not a script (no __main__ guard): give a shared module "
        "a name starting with _"
    )


@pytest.mark.parametrize("script", scripts(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_help_answers_without_side_effects(script: Path, tmp_path) -> None:
    before = snapshot()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.lstrip().startswith("usage:"), done.stdout[:200]
    assert snapshot() == before, "--help changed files in the repository"
    assert list(tmp_path.iterdir()) == [], "--help wrote files in the working folder"
