"""Every Python code block in the README runs, in order, as a reader would paste them.

Blocks that start with ``>>>`` are REPL sessions and are checked as doctests (their printed
output must match); the others run as scripts in one shared namespace, so a later block may
use names an earlier one defined.
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


def test_every_readme_python_block_runs(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__readme__"}
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for line, code in python_blocks(README.read_text(encoding="utf-8")):
        where = f"README.md line {line}"
        if code.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(code, namespace, where, str(README), line)
            runner = doctest.DocTestRunner(optionflags=flags)
            runner.run(test, clear_globs=False)
            assert runner.failures == 0, f"{where}: the session's output differs (see above)"
        else:
            try:
                exec(compile(code, where, "exec"), namespace)
            except Exception as exc:  # the block's line makes the failure easy to find
                pytest.fail(f"{where} raised {type(exc).__name__}: {exc}")
    # the README's example tests (e.g. "Testing your own ops") must pass too
    examples = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert examples, "the README shows how to write a test"
    for example in examples:
        example()
