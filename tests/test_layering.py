"""Imports inside minigrad/ only point down: each module imports modules of lower floors.

The floors (lowest first) are those of the design: arrays, devices and axes; dtypes and the
graph; the op protocol and ``apply``; the op classes; step records and anomaly checks; the
backward driver; the Tensor's methods; the Tensor; creation; the free functions; transforms;
checks. Module-level, function-level and ``if TYPE_CHECKING:`` imports all count (a lazy
import is still a dependency, and a typing import still ties two files): the modules below
``minigrad.tensor`` annotate with ``minigrad.graph.TensorLike`` instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import minigrad

PACKAGE = Path(minigrad.__file__).parent

FLOORS: dict[str, int] = {
    "minigrad.backend": 0,
    "minigrad.kernels": 0,
    "minigrad.dims": 0,
    "minigrad.threads": 0,
    "minigrad.cuda": 1,
    "minigrad.dtypes": 1,
    "minigrad.graph": 1,
    "minigrad.anomaly": 2,  # below op: apply checks every forward under detect_anomaly()
    "minigrad.op": 3,
    "minigrad.ops": 4,  # the package and every minigrad.ops.<family> module
    "minigrad.inplace": 5,  # in-place writes and version counters, checked by the driver
    "minigrad.stepping": 6,
    "minigrad.autograd": 7,
    "minigrad.methods._common": 8,
    "minigrad.methods.*": 9,  # every family module
    "minigrad.methods": 10,  # the package, which gathers the families
    "minigrad.tensor": 11,
    "minigrad.creation": 12,
    "minigrad.serialization": 12,  # save and load: Tensors, no ops
    "minigrad.functions": 13,
    "minigrad.higher_order": 14,
    "minigrad.transforms": 15,  # vjp, jvp, jacobian, hessian, hvp
    "minigrad.gradcheck": 16,
    "minigrad.testing": 17,
    "minigrad": 18,  # the package's __init__: the public surface
}

# Upward imports allowed on purpose (none today). A pair listed here that no longer occurs
# fails the test, so the set cannot go stale.
EXPECTED_VIOLATIONS: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:]) if "." in name else Path()
    base = PACKAGE / relative
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _floor(module: str) -> int:
    if module in FLOORS:
        return FLOORS[module]
    if module.startswith("minigrad.ops."):
        return FLOORS["minigrad.ops"]
    if module.startswith("minigrad.methods."):
        return FLOORS["minigrad.methods.*"]
    raise KeyError(f"{module} has no floor: add it to FLOORS in tests/test_layering.py")


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """The minigrad modules ``tree`` imports, at any depth."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "minigrad" or alias.name.startswith("minigrad."):
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base == "minigrad" or base.startswith("minigrad."):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if _is_module(candidate) else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _violations() -> set[tuple[str, str]]:
    bad: set[tuple[str, str]] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for imported in _imports(tree, module, path.name == "__init__.py"):
            if imported == module:
                continue
            in_ops = module.startswith("minigrad.ops")
            if in_ops and imported.startswith("minigrad.ops."):
                continue  # op modules may use their siblings
            if in_ops and imported == "minigrad.ops" and module != "minigrad.ops":
                bad.add((module, imported))  # inside ops/, import the sibling, not the package
                continue
            if not in_ops and imported.startswith("minigrad.ops."):
                bad.add((module, imported))  # outside ops/, ops are reached as `ops.Name`
                continue
            if module.startswith("minigrad.methods.") and imported.startswith("minigrad.methods."):
                if imported != "minigrad.methods._common":
                    bad.add((module, imported))  # families do not import each other
                continue
            if _floor(imported) >= _floor(module):
                bad.add((module, imported))
    return bad


def test_every_module_has_a_floor() -> None:
    for path in PACKAGE.rglob("*.py"):
        _floor(_module_name(path))


def test_imports_only_point_down() -> None:
    new = _violations() - EXPECTED_VIOLATIONS
    assert not new, "upward imports (importer, imported): " + ", ".join(map(str, sorted(new)))


def test_expected_violations_are_still_real() -> None:
    gone = EXPECTED_VIOLATIONS - _violations()
    assert not gone, f"fixed, remove from EXPECTED_VIOLATIONS: {sorted(gone)}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from minigrad.tensor import Tensor", {"minigrad.tensor"}),
        ("from minigrad import ops, backend", {"minigrad.ops", "minigrad.backend"}),
        ("def f():\n    from minigrad.functions import stack", {"minigrad.functions"}),
        ("if TYPE_CHECKING:\n    from minigrad.tensor import Tensor", {"minigrad.tensor"}),
        ("import minigrad.op", {"minigrad.op"}),
        ("from minigrad import __version__", {"minigrad"}),
    ],
)
def test_imports_are_read_at_every_depth(source: str, expected: set[str]) -> None:
    assert _imports(ast.parse(source), "minigrad.dims", False) == expected
