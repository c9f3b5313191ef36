"""CharVocab, batchify / tbptt_chunks for stateful char training, sliding windows, corpus."""

from __future__ import annotations

import numpy as np
import pytest

import minigrad
import nn
from nn import CharVocab, batchify, sliding_windows, tbptt_chunks


def test_vocab_round_trips_the_default_corpus():
    text = nn.default_corpus()
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    assert ids.dtype == np.int64 and ids.max() == len(vocab) - 1
    assert vocab.decode(ids) == text
    assert vocab.decode(minigrad.tensor(ids[:5])) == text[:5]


def test_unknown_character_policies():
    with pytest.raises(KeyError, match=r"not in the vocabulary: \['x', 'z'\]"):
        CharVocab.from_text("abc").encode("azbx")
    assert CharVocab.from_text("abc", unknown="skip").encode("azbx").tolist() == [0, 1]
    replacing = CharVocab.from_text("abc", unknown="_")
    assert replacing.decode(replacing.encode("azbx")) == "a_b_"
    with pytest.raises(ValueError, match="replacement character '#' is not in the vocabulary"):
        CharVocab("abc", unknown="#")
    with pytest.raises(ValueError, match="unknown must be 'error', 'skip' or a single"):
        CharVocab("abc", unknown="ignore")


def test_decode_rejects_out_of_range_ids():
    with pytest.raises(IndexError, match=r"ids must be in \[0, 3\), got \[3\]"):
        CharVocab("abc").decode([0, 3])


def test_vocab_survives_save_and_load(tmp_path):
    vocab = CharVocab.from_text("hello world", unknown="?")
    nn.save({"vocab": vocab.to_dict()}, tmp_path / "v.npz")
    assert CharVocab.from_dict(nn.load(tmp_path / "v.npz")["vocab"]) == vocab


def test_batchify_makes_contiguous_time_major_streams():
    streams = batchify(np.arange(23), 4)
    assert streams.shape == (5, 4)
    np.testing.assert_array_equal(streams[:, 1], np.arange(5, 10))


def test_batchify_refuses_too_little_data():
    with pytest.raises(ValueError, match="fewer than 2 steps per stream"):
        batchify(np.arange(5), 4)


def test_tbptt_chunks_tile_the_streams_with_targets_one_step_ahead():
    streams = batchify(np.arange(41), 2)  # 20 steps per stream
    chunks = list(tbptt_chunks(streams, 6))
    assert [x.shape[0] for x, _ in chunks] == [6, 6, 6, 1]
    inputs = np.concatenate([x for x, _ in chunks])
    targets = np.concatenate([y for _, y in chunks])
    np.testing.assert_array_equal(inputs, streams[:-1])
    np.testing.assert_array_equal(targets, streams[1:])


def test_tbptt_chunks_work_on_tensors():
    streams = minigrad.tensor(batchify(np.arange(20), 2))
    x, y = next(tbptt_chunks(streams, 4))
    assert isinstance(x, minigrad.Tensor) and x.shape == (4, 2)
    np.testing.assert_array_equal(y.numpy(), x.numpy() + 1)


def test_sliding_windows_with_features_and_horizon():
    series = np.arange(20.0).reshape(10, 2)
    inputs, targets = sliding_windows(series, window=4, horizon=2)
    assert inputs.shape == (5, 4, 2) and targets.shape == (5, 2, 2)
    np.testing.assert_array_equal(inputs[1], series[1:5])
    np.testing.assert_array_equal(targets[1], series[5:7])
    with pytest.raises(ValueError, match="too short for window=8 plus horizon=3"):
        sliding_windows(series, 8, 3)
