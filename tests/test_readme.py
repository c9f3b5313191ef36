"""Every Python code block in the README runs on its own, as a reader would paste it into a
fresh interpreter.

Blocks that start with ``>>>`` are REPL sessions and are checked as doctests (their printed
output must match); the others run as scripts. Each block starts from an empty namespace, so a
block that uses a name it does not import or define fails here, as it would for the reader.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(line number, code)`` of every ```python block."""
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in BLOCK.finditer(text)]


def test_the_readme_has_python_examples() -> None:
    assert len(python_blocks(README.read_text(encoding="utf-8"))) >= 6


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def run_block(line: int, code: str) -> dict:
    """Run one block in a fresh namespace (a doctest for ``>>>`` sessions); its names."""
    where = f"README.md line {line}"
    namespace: dict = {"__name__": "__readme__"}
    if code.lstrip().startswith(">>>"):
        flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        test = doctest.DocTestParser().get_doctest(code, namespace, where, str(README), line)
        runner = doctest.DocTestRunner(optionflags=flags)
        runner.run(test, clear_globs=False)
        assert runner.failures == 0, f"{where}: the session's output differs (see above)"
        return test.globs
    try:
        exec(compile(code, where, "exec"), namespace)
    except Exception as exc:  # the block's line makes the failure easy to find
        pytest.fail(f"{where} raised {type(exc).__name__}: {exc}")
    return namespace


@pytest.mark.parametrize(("line", "code"), BLOCKS, ids=[f"line{line}" for line, _ in BLOCKS])
def test_every_readme_python_block_runs_alone(line: int, code: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = run_block(line, code)
    # the README's example tests (e.g. "Testing your own ops") must pass too
    for name, f in namespace.items():
        if name.startswith("test_") and callable(f):
            f()


def test_the_readme_shows_how_to_write_a_test() -> None:
    assert any("def test_" in code for _, code in BLOCKS)
