"""Programs written for PyTorch run on minigrad with only their imports changed.

Each program in ``tests/programs/`` is written as a PyTorch tutorial writes it (a sine-wave
``LSTMCell`` predictor trained by L-BFGS, a word-level 2-layer LSTM language model, a
character-level RNN that generates names, a micrograd-style MLP with a hand-written update).
The test runs it twice: as written, on PyTorch, and with its ``import torch…`` lines replaced
by minigrad's (:data:`IMPORTS`, the only change), then checks minigrad's loss curve tracks
PyTorch's.

"Tracks" is decided against PyTorch's own seed-to-seed spread, since the two libraries draw
different initial weights from the same seed: minigrad's mean loss over the curve and its
final loss must each lie inside the range PyTorch gives over three seeds, widened by a factor
of 1.5 on each side, and minigrad's curve must fall (final loss below the first).
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import numpy as np
import pytest

PROGRAMS = Path(__file__).parent / "programs"
NAMES = ["sine_lstmcell_lbfgs", "word_language_model", "char_rnn_names", "mlp_manual_sgd"]
IMPORTS = {
    "import torch": "import minigrad as torch",
    "import torch.nn as nn": "import nn",
    "import torch.nn.functional as F": "import nn.functional as F",
    "import torch.optim as optim": "from nn import optim",
}
TORCH_SEEDS = (0, 1, 2)
WIDEN = 1.5


def as_minigrad(source: str) -> str:
    """The program with its PyTorch imports replaced by minigrad's, and nothing else changed."""
    lines = []
    for line in source.splitlines():
        if line.strip() in IMPORTS:
            line = line.replace(line.strip(), IMPORTS[line.strip()])
        elif "import torch" in line or "from torch" in line:
            raise AssertionError(f"an import the test does not know how to change: {line!r}")
        lines.append(line)
    return "\n".join(lines) + "\n"


def load(name: str, framework: str) -> types.ModuleType:
    """Program ``name`` as a fresh module, on ``framework`` ("torch" or "minigrad")."""
    source = (PROGRAMS / f"{name}.py").read_text(encoding="utf-8")
    if framework == "minigrad":
        source = as_minigrad(source)
    module = types.ModuleType(f"program_{name}_{framework}")
    module.__file__ = str(PROGRAMS / f"{name}.py")
    sys.modules[module.__name__] = module  # classes defined inside need their module
    try:
        exec(compile(source, module.__file__, "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module


def test_only_the_import_lines_change():
    for name in NAMES:
        source = (PROGRAMS / f"{name}.py").read_text(encoding="utf-8")
        changed = [
            (a, b)
            for a, b in zip(source.splitlines(), as_minigrad(source).splitlines(), strict=True)
            if a != b
        ]
        assert changed, f"{name} imports nothing from torch"
        assert all(a.strip() in IMPORTS for a, _ in changed), changed


@pytest.fixture(scope="module")
def torch_module():
    if importlib.util.find_spec("torch") is None:
        pytest.skip(
            "PyTorch is not installed: the programs' reference curves come from it "
            "(pip install torch to run this test)"
        )
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small programs: a second thread only adds noise here
    yield torch
    torch.set_num_threads(threads)


@pytest.mark.parametrize("name", NAMES)
def test_program_runs_on_minigrad_and_tracks_pytorch(name, torch_module):
    reference = [np.asarray(load(name, "torch").main(seed=s)) for s in TORCH_SEEDS]
    ours = np.asarray(load(name, "minigrad").main(seed=0))
    assert ours.shape == reference[0].shape and np.isfinite(ours).all()
    assert ours[-1] < ours[0], f"{name}: minigrad's loss did not fall: {ours.round(4)}"
    for label, pick in (("mean loss", np.mean), ("final loss", lambda c: c[-1])):
        values = [float(pick(c)) for c in reference]
        low, high = min(values) / WIDEN, max(values) * WIDEN
        got = float(pick(ours))
        assert low <= got <= high, (
            f"{name}: minigrad's {label} {got:.4g} is outside PyTorch's range over seeds "
            f"{TORCH_SEEDS} ({min(values):.4g}–{max(values):.4g}, widened ×{WIDEN}); "
            f"minigrad {ours.round(4)}, PyTorch seed 0 {reference[0].round(4)}"
        )


def test_pytorch_spellings_of_the_model_library_and_cuda():
    import minigrad
    import nn

    assert minigrad.nn is nn and minigrad.optim is nn.optim
    assert minigrad.nn.utils.clip_grad_norm_ is nn.utils.clip_grad_norm_
    assert minigrad.cuda.is_available() == (minigrad.cuda.device_count() > 0)


@pytest.mark.parametrize(
    ("module", "name", "shown"),
    [("minigrad", "onnx", "torch.onnx"), ("nn", "Transformer", "torch.nn.Transformer")],
)
def test_what_minigrad_does_not_provide_is_named(module, name, shown):
    with pytest.raises(AttributeError, match=rf"does not provide PyTorch's {shown}\b"):
        getattr(importlib.import_module(module), name)
