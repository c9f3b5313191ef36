"""examples/seq2seq.py: the --quick run writes its figures and summary, and the pieces it
is built from do what they say (teacher-forced batches, greedy decoding, exact match)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from experiment_helpers import check_figures, import_example, run_quick
from PIL import Image

import minigrad

KEYS = ["accuracy", "accuracy_per_length", "train_accuracy", "final_loss", "train_seconds"]


@pytest.mark.parametrize("cell, task", [("gru", "reverse"), ("lstm", "sort")])
def test_quick_run_writes_figures_and_summary(cell: str, task: str, tmp_path: Path) -> None:
    summary, _ = run_quick("seq2seq", tmp_path, "--cell", cell, "--task", task)
    assert (summary["cell"], summary["task"]) == (cell, task)
    for key in KEYS:
        assert key in summary
    per_length = summary["accuracy_per_length"]
    assert per_length and all(0 <= v <= 1 and math.isfinite(v) for v in per_length.values())
    assert {int(k) for k in per_length} <= set(range(3, 9))
    assert 0 <= summary["accuracy"] <= 1 and math.isfinite(summary["final_loss"])
    assert {"seq2seq.png", "seq2seq.svg", "training.png"} <= set(summary["figures"])
    assert "graph.png" not in summary["figures"]  # the autograd graph only with --graph
    check_figures(summary, tmp_path)
    with Image.open(tmp_path / "seq2seq.png") as image:  # drawn for a 16:9 slide
        assert 1.6 < image.size[0] / image.size[1] < 2.0, image.size
    diagram = (tmp_path / "seq2seq.svg").read_text(encoding="utf-8")
    for words in ("Encoder", "Decoder", "&lt;START&gt;", "&lt;END&gt;", "teacher forcing"):
        assert words in diagram, words
    examples = summary["translations"]
    assert examples and {len(e["source"]) for e in examples} == {int(k) for k in per_length}
    for example in examples:
        assert set(example) == {"source", "target", "output", "correct"}
        assert example["correct"] == (example["output"] == example["target"])
        assert example["target"] == (
            example["source"][::-1] if task == "reverse" else "".join(sorted(example["source"]))
        )


def test_graph_option_adds_the_autograd_graph_with_encoder_and_decoder(tmp_path: Path) -> None:
    summary, _ = run_quick("seq2seq", tmp_path, "--graph")
    assert {"graph.png", "graph.svg"} <= set(summary["figures"])
    graph = (tmp_path / "graph.svg").read_text(encoding="utf-8")
    assert "encoder" in graph and "decoder" in graph


def test_the_diagram_shows_what_translate_writes_for_the_padded_batch() -> None:
    """The diagram's tokens are the model's greedy output for the source padded as in the
    held-out batch, ending with <END> when the model writes one."""
    s2s = import_example("seq2seq")
    from nn.datasets import TokenVocab

    minigrad.manual_seed(1)
    vocab = TokenVocab("0123456789")
    model = s2s.EncoderDecoder("gru", len(vocab), 8, 16)
    sources = ["123", "45678", "9012345"]
    written = s2s.translate(model, vocab, sources)
    for source, text in zip(sources, written, strict=True):
        tokens = s2s.greedy_tokens(model, vocab, source, pad_to=7)
        assert "".join(t for t in tokens if t != "<END>") == text
        assert tokens[-1] == "<END>" or len(tokens) == 7 + 6


def test_batches_shift_the_target_by_one_for_teacher_forcing() -> None:
    s2s = import_example("seq2seq")
    from nn.datasets import EOS, PAD, SOS, TokenVocab

    vocab = TokenVocab("0123456789")
    src, tgt_in, tgt_out = s2s.batch_arrays(vocab, [("123", "321"), ("45", "54")])
    assert src.shape == (3, 2) and src[0, 1] == PAD  # left-padded: both end at the last step
    assert (tgt_in[0] == SOS).all() and (tgt_in[1:] == tgt_out[:-1]).all()
    assert vocab.decode(tgt_out[:, 0]) == "321" and tgt_out[3, 0] == EOS
    assert list(tgt_out[:, 1]) == [*vocab.encode("54"), EOS, PAD]


def test_greedy_decoding_feeds_back_its_own_guesses() -> None:
    """The first guess of greedy decoding is the teacher-forced first guess, and each later
    guess equals the teacher-forced guess when the decoder is fed the earlier guesses."""
    s2s = import_example("seq2seq")
    from nn.datasets import SOS, TokenVocab

    minigrad.manual_seed(0)
    vocab = TokenVocab("0123456789")
    model = s2s.EncoderDecoder("gru", len(vocab), 8, 16)
    src = vocab.pad(["123", "4567"], left=True)
    with minigrad.no_grad():
        guesses = model.greedy(src, steps=4)
        fed = np.concatenate([np.full((1, 2), SOS), guesses[:-1]])
        forced = model(src, fed).numpy().argmax(axis=-1)
    assert guesses.shape == (4, 2)
    assert (forced == guesses).all()


def test_exact_match_counts_whole_strings_per_length(monkeypatch) -> None:
    """With a 'translation' that copies its input, only the palindromes match."""
    s2s = import_example("seq2seq")
    from nn.datasets import TokenVocab

    monkeypatch.setattr(s2s, "translate", lambda model, vocab, sources: list(sources))
    pairs = [("121", "121"), ("123", "321"), ("44", "44")]
    overall, per_length = s2s.exact_match(None, TokenVocab("0123456789"), pairs)
    assert overall == pytest.approx(2 / 3)
    assert per_length == {2: 1.0, 3: 0.5}


def test_example_translations_show_each_length_and_the_mistakes(monkeypatch) -> None:
    s2s = import_example("seq2seq")
    from nn.datasets import TokenVocab

    monkeypatch.setattr(s2s, "translate", lambda model, vocab, sources: list(sources))
    pairs = [("12", "21"), ("44", "44"), ("123", "321"), ("456", "654"), ("77", "77")]
    rows = s2s.example_translations(None, TokenVocab("0123456789"), pairs, wrong=2)
    assert [(r["source"], r["correct"]) for r in rows] == [
        ("12", False),
        ("123", False),
        ("456", False),
    ]
    assert rows[0] == {"source": "12", "target": "21", "output": "12", "correct": False}
