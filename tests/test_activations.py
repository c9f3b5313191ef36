"""The atlas of interpretable cells: text features on hand-made text, the correlation picking
a planted unit, and examples/activations.py's --smoke outputs and errors."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nn
from nn import text_features as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
import activations

ROOT = Path(__file__).resolve().parents[1]


def ints(values: np.ndarray) -> list[int]:
    return values.astype(int).tolist()


def test_line_position_counts_columns_and_restarts_after_newline() -> None:
    assert ints(tf.line_position("ab\ncde\n\nf")) == [0, 1, 2, 0, 1, 2, 3, 0, 0]


def test_nested_brackets_depth_and_inside() -> None:
    feats = tf.text_features("a{[(b)]}c)")
    assert ints(feats["bracket_depth"]) == [0, 1, 2, 3, 3, 2, 1, 0, 0, 0]
    assert ints(feats["inside_brackets"]) == [0, 1, 1, 1, 1, 1, 1, 0, 0, 0]


def test_quotes_open_on_the_quote_and_close_after_it() -> None:
    feats = tf.text_features('say "hi (x)" ok')
    assert ints(feats["inside_quotes"]) == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert ints(feats["bracket_depth"]) == [0] * 8 + [1, 1] + [0] * 5


def test_comment_runs_to_the_newline_and_ignores_quotes_inside() -> None:
    feats = tf.text_features('a # b "c"\nd')
    assert ints(feats["inside_comment"]) == [0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0]
    assert ints(feats["inside_quotes"]) == [0] * 11


def test_hash_inside_a_string_is_not_a_comment() -> None:
    feats = tf.text_features('"a#b" c')
    assert ints(feats["inside_quotes"]) == [1, 1, 1, 1, 0, 0, 0]
    assert ints(feats["inside_comment"]) == [0] * 7


def test_triple_quotes_and_apostrophes_with_both_quote_kinds() -> None:
    text = '"""it\'s"""\nx'
    inside = tf.text_features(text, quotes="\"'")["inside_quotes"]
    assert ints(inside) == [1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0]


def test_word_start_and_vowel() -> None:
    feats = tf.text_features("Up, it's 2 ok")
    assert ints(feats["word_start"]) == [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0]
    assert ints(feats["vowel"]) == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0]


def test_indentation_and_if_blocks_follow_python_blocks() -> None:
    code = (
        "def f(x):\n"
        "    if x:  # a comment\n"
        "        y = 1\n"
        "\n"
        "        z = 2\n"
        "    else:\n"
        "        y = 3\n"
        "    for i in x:\n"
        "        w = i\n"
        "\tif q: r\n"
        "done\n"
    )
    feats = tf.text_features(code)
    lines = code.split("\n")
    starts = np.cumsum([0] + [len(line) + 1 for line in lines])[: len(lines) - 1]
    inside = [int(feats["inside_if_block"][s]) for s in starts]
    indent = [int(feats["indentation"][s]) for s in starts]
    assert inside == [0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0]
    assert indent == [0, 4, 8, 0, 8, 4, 8, 4, 8, 4, 0]
    assert "inside_if_block" in tf.BINARY and "indentation" not in tf.BINARY
    # a whole line (its newline too) carries its line's values
    third = slice(starts[2], starts[3])
    assert set(feats["inside_if_block"][third]) == {1.0}


def test_empty_text_gives_empty_features() -> None:
    assert all(len(v) == 0 for v in tf.text_features("").values())


def test_pearson_matches_numpy_and_is_zero_for_constant_units() -> None:
    rng = np.random.default_rng(1)
    acts = rng.standard_normal((50, 4))
    acts[:, 2] = 3.0
    feature = rng.standard_normal(50)
    r = tf.pearson(acts, feature)
    for u in (0, 1, 3):
        assert r[u] == pytest.approx(np.corrcoef(acts[:, u], feature)[0, 1])
    assert r[2] == 0.0


def test_correlation_and_accuracy_pick_the_planted_unit() -> None:
    rng = np.random.default_rng(0)
    feature = (rng.random(600) < 0.3).astype(float)
    acts = np.tanh(rng.standard_normal((600, 40)))
    acts[:, 17] = -0.8 * feature + 0.3 * rng.standard_normal(600)  # negatively tuned
    (unit, r), *_ = tf.top_units(acts, feature, 3)
    assert unit == 17 and r < -0.6
    assert tf.threshold_accuracy(acts[:, 17], feature) > 0.85
    assert tf.threshold_accuracy(acts[:, 0], feature) < 0.7  # majority rate is ~0.7


def run_script(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    command = [sys.executable, str(ROOT / "examples" / "activations.py"), "--no-progress", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)


def check_png(path: Path) -> None:
    with Image.open(path) as image:
        assert image.size[0] > 200 and image.size[1] > 50


def test_smoke_writes_valid_heatmaps_two_pane_and_summary(tmp_path: Path) -> None:
    gallery = tmp_path / "gallery" / "atlas.png"
    gallery.parent.mkdir()
    done = run_script("--smoke", "--out", str(tmp_path), "--gallery", str(gallery))
    assert done.returncode == 0, done.stderr[-2000:]
    with Image.open(gallery) as image:  # the README's picture is a slide too
        assert image.size == (1920, 1080)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["experiment"] == "activations" and summary["finding"]
    assert {"line_position", "word_start", "vowel"} <= set(summary["features"])
    for entry in summary["features"].values():
        assert len(entry["units"]) == 3 and all(-1 <= r <= 1 for r in entry["r"])
        assert abs(entry["r"][0]) >= abs(entry["r"][-1])
    for name in summary["figures"]:
        if name.endswith(".png"):
            check_png(tmp_path / name)
            with Image.open(tmp_path / name) as image:  # every atlas figure is a 16:9 slide
                assert image.size == (1920, 1080), name
    corpus = nn.default_corpus()
    expected = corpus[activations.tail_start(corpus, 300) :]
    for page in ("feature_vowel.html", "two_pane.html"):
        assert (tmp_path / page).is_file()
    shown = re.findall(r">([^<]*)</span>", (tmp_path / "feature_vowel.html").read_text("utf-8"))
    assert html.unescape("".join(shown)).replace("\xa0", " ") == expected.replace("\n", "")
    assert 'title="' in (tmp_path / "feature_vowel.html").read_text("utf-8")


def test_a_unit_is_coloured_by_its_deviation_from_its_median_not_by_its_offset() -> None:
    rng = np.random.default_rng(0)
    cell = 13.0 + 0.5 * rng.standard_normal(500)  # an LSTM cell state that sits near +13
    cell[::50] = 9.0  # and dips where it fires
    shown, centre, spread = activations.as_read(cell)
    assert abs(centre - 13.0) < 0.1 and 0.5 < spread < 2
    assert np.mean(np.abs(shown) == 1.0) < 0.1  # not saturated everywhere, as ±max|c| was
    assert (shown[::50] == -1.0).all()  # the dips show, in blue


def test_missing_checkpoint_is_a_clear_error(tmp_path: Path) -> None:
    done = run_script("--checkpoint", str(tmp_path / "nope.npz"), "--out", str(tmp_path))
    assert done.returncode != 0
    assert "no checkpoint at" in done.stderr and "Traceback" not in done.stderr


def test_unknown_corpus_is_a_clear_error(tmp_path: Path) -> None:
    done = run_script("--smoke", "--corpus", "latin", "--out", str(tmp_path))
    assert done.returncode != 0 and "unknown corpus" in done.stderr


def char_rnn_checkpoint(folder: Path, model: str, hidden: int) -> str:
    """A checkpoint written by examples/char_rnn.py itself (a seconds-long --smoke run)."""
    import char_rnn

    char_rnn.main(
        ["--smoke", "--model", model, "--hidden", str(hidden), "--embed", "8", "--out", str(folder)]
    )
    return str(folder / "best.npz")


def test_reads_a_saved_checkpoint(tmp_path: Path) -> None:
    checkpoint = char_rnn_checkpoint(tmp_path / "gru", "gru", hidden=12)
    done = run_script("--checkpoint", checkpoint, "--chars", "200", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["units"] == 12 and summary["model_args"]["model"] == "gru"


def test_compare_smoke_plots_ranges_and_tanh_states_stay_in_unit_interval(tmp_path: Path) -> None:
    done = run_script("--compare", "--smoke", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    check_png(tmp_path / "value_ranges.png")
    ranges = summary["ranges"]
    assert set(ranges) == {"RNN tanh h", "RNN relu h", "LSTM h", "LSTM c"}
    check_png(tmp_path / "two_pane_models.png")  # deck 001's view, one block per model
    assert "two_pane_models.png" in summary["figures"]
    assert set(summary["two_pane_units"]) == {"RNN tanh", "RNN relu", "LSTM"}
    for unit in summary["two_pane_units"].values():
        assert unit["unit"].startswith("h") and -1 <= unit["r"] <= 1 and unit["feature"]
    for name in ("RNN tanh h", "LSTM h"):
        assert -1 <= ranges[name][0] <= ranges[name][1] <= 1
    assert ranges["RNN relu h"][0] >= 0


def test_compare_reads_two_checkpoints(tmp_path: Path) -> None:
    paths = [char_rnn_checkpoint(tmp_path / kind, kind, hidden=10) for kind in ("rnn", "lstm")]
    done = run_script("--compare", "--compare-checkpoints", *paths, "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    ranges = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["ranges"]
    assert set(ranges) == {"RNN tanh h", "LSTM h", "LSTM c"}
    swapped = run_script("--compare", "--compare-checkpoints", *paths[::-1], "--out", str(tmp_path))
    assert swapped.returncode != 0 and "an RNN's, then an LSTM's" in swapped.stderr
