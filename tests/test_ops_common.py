"""Op tests that span families: argument errors across reductions, indexing, einsum and shape
ops say what to do. (Each family's ops are tested in ``test_ops_<family>.py``; the every-op
rule sweep is ``test_op_rules.py``.)"""

from __future__ import annotations

import pytest

import minigrad


def test_bad_arguments_say_what_to_do() -> None:
    x = minigrad.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(IndexError, match=r"index values must be in \[-2, 2\)"):
        x.gather(1, [[0, 2], [1, 0]])
    with pytest.raises(ValueError, match="dimensions but the input has 2"):
        x.gather(1, [0, 1])
    with pytest.raises(ValueError, match="names 2 operands, got 1"):
        minigrad.einsum("...i,i->i", x)
    with pytest.raises(ValueError, match="either unbiased= or correction="):
        x.var(unbiased=True, correction=0)
    with pytest.raises(ValueError, match="'fro', 'nuc', a number"):
        x.norm("max")
    with pytest.raises(ValueError, match="at least 2 sizes"):
        x.repeat(2)
    with pytest.raises(ValueError, match="topk k=3"):
        x.topk(3)


def test_pytorchs_arguments_and_runtime_errors() -> None:
    from nn import functional as F  # noqa: N812 (PyTorch's name)

    with pytest.raises(RuntimeError, match="bool"):
        -minigrad.tensor([True, False])
    with pytest.raises(RuntimeError, match="differ"):
        F.l1_loss(minigrad.ones(5, 4), minigrad.ones(5))
    with pytest.raises(RuntimeError, match="complex"):
        minigrad.ones(2).masked_fill(minigrad.tensor(True), 1j)
    x = minigrad.tensor([2.0, 1.0, 2.0, 0.0])
    assert x.sort(stable=True).indices.tolist() == [3, 1, 0, 2]
    assert minigrad.argsort(x, descending=True, stable=True).tolist() == [0, 2, 1, 3]
    assert x.repeat_interleave(2, output_size=8).shape == (8,)
    with pytest.raises(RuntimeError, match="output_size=7"):
        x.repeat_interleave(2, output_size=7)
