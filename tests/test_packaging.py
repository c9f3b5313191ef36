"""Packaging promises: the license file, type markers, and the testing extra's error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_license_file_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"  # an SPDX expression (the TOML-table form is deprecated)
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_packages_are_typed() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = config["tool"]["setuptools"]["package-data"]
    for package in ("minigrad", "nn", "viz"):
        assert (ROOT / package / "py.typed").exists() and "py.typed" in data[package]


def test_testing_module_without_hypothesis_says_which_extra(tmp_path) -> None:
    blocker = tmp_path / "sitecustomize.py"  # make `import hypothesis` fail in the child
    blocker.write_text(
        "import sys\n"
        "class _NoHypothesis:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'hypothesis' or name.startswith('hypothesis.'):\n"
        "            raise ImportError('No module named ' + repr(name))\n"
        "sys.meta_path.insert(0, _NoHypothesis())\n"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    code = "import minigrad, nn, viz; import minigrad.testing"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0
    assert 'pip install "minigrad[testing]"' in done.stderr
