"""examples/tour.ipynb runs top to bottom, in a kernel started as an unactivated venv would,
writing only into a temporary folder; and it is stored executed, with a conclusion per section.

The kernel is this environment's python run by its path, with nothing of the environment (and
no Graphviz ``dot``) on ``PATH``: rendering must find ``graphviz-pure`` beside the interpreter,
and the notebook's inline graph must still display as SVG.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "tour.ipynb"
PURE_BESIDE_PYTHON = (Path(sys.executable).parent / "graphviz-pure").is_file()


@pytest.mark.slow
@pytest.mark.skipif(
    not PURE_BESIDE_PYTHON,
    reason="graphviz-pure is not installed beside this Python: the notebook cannot render",
)
def test_tour_notebook_runs_without_dot_or_an_activated_environment(tmp_path) -> None:
    nbformat = pytest.importorskip("nbformat", reason="needs the dev extra (nbformat)")
    nbclient = pytest.importorskip("nbclient", reason="needs the dev extra (nbclient)")
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    probe = (
        "import shutil; from viz.render import find_executable; "
        "print('dot:', shutil.which('dot'), find_executable('dot'))"
    )
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    kernels = tmp_path / "kernels" / "tour"
    kernels.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]}
    (kernels / "kernel.json").write_text(json.dumps({**spec, "display_name": "tour"}))
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = {
        **os.environ,
        "PATH": str(empty),  # neither the venv's scripts nor /usr/bin (dot) on PATH
        "PYTHONPATH": str(ROOT),
        "MPLBACKEND": "Agg",
    }
    env.pop("VIRTUAL_ENV", None)
    specs = KernelSpecManager(kernel_dirs=[str(tmp_path / "kernels")])
    km = KernelManager(kernel_name="tour", kernel_spec_manager=specs)
    client = nbclient.NotebookClient(
        notebook, km=km, timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=env)

    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs), "inline graph not shown"
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "mul swaps" in text and "add passes" in text
    assert "dot: None None" in text  # the kernel really ran without Graphviz's dot
    assert any("image/png" in o.get("data", {}) for o in outputs), "no inline plot or PNG"
    assert "LSTM, forget bias 1" in text  # the decks' setting for the comparison
    out = Path(re.search(r"writing to (.+)", text).group(1).strip())
    try:
        assert (out / "lstm_16x9.png").read_bytes()[1:4] == b"PNG"
        assert (out / "deck" / "frames.pdf").read_bytes().startswith(b"%PDF")
        assert len(list((out / "frames").glob("frame_*.png"))) == 4
    finally:
        shutil.rmtree(out, ignore_errors=True)
    assert not (tmp_path / "lstm_16x9.png").exists() and not (tmp_path / "frames").exists()


def test_tour_notebook_is_stored_executed_with_a_conclusion_per_section() -> None:
    nbformat = pytest.importorskip("nbformat", reason="needs the dev extra (nbformat)")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "stored without running every cell"
    outputs = [o for cell in code for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/svg+xml" in o.get("data", {}) for o in outputs)
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3  # slide, frame, plot
    sections = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    parts = re.split(r"^## ", sections, flags=re.MULTILINE)[1:]
    assert len(parts) == 4 and all("**Conclusion.**" in part for part in parts)
