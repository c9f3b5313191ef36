"""examples/char_rnn.py: its smoke run's outputs, exact resumption, its CLI errors, sampling,
and the standard-library source corpus."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))
import char_rnn  # noqa: E402

FAST = ["--smoke", "--no-progress"]


def run_script(*argv: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    script = str(ROOT / "examples" / "char_rnn.py")
    return subprocess.run(
        [sys.executable, script, *argv], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("smoke")
    return out, char_rnn.main([*FAST, "--out", str(out)])


def test_smoke_run_writes_valid_outputs(smoke: tuple[Path, dict]) -> None:
    out, summary = smoke
    on_disk = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert on_disk["steps"] == summary["steps"] == char_rnn.SMOKE["steps"]
    assert math.isfinite(on_disk["final_val_loss"]) and on_disk["best_val_loss"] > 0
    assert on_disk["best_val_loss"] <= on_disk["final_val_loss"]
    for name in on_disk["figures"]:
        if name.endswith(".png"):
            with Image.open(out / name) as image:
                image.verify()
    assert "loss.png" in on_disk["figures"]
    samples = (out / "samples.md").read_text(encoding="utf-8")
    steps = 1 + char_rnn.SMOKE["steps"] // char_rnn.SMOKE["sample_every"]  # step 0 too
    assert samples.count("## step ") == steps and samples.count("```text\n") == steps
    assert [step for step, _, _ in char_rnn.read_samples(out / "samples.md")] == [0, 15, 30]
    assert "samples.png" in on_disk["figures"]


def test_samples_are_drawn_by_default_before_and_during_training() -> None:
    args, _ = char_rnn.parse_args([])
    assert args.sample_every > 0 and args.sample_every < args.steps
    assert "shakespeare" in char_rnn.CORPORA


def test_shakespeare_ships_compressed_in_the_package() -> None:
    text = nn.shakespeare_corpus()
    assert text.startswith("First Citizen:\n") and 250_000 < len(text) < 400_000
    assert text.count("\n\n") > 1000  # speeches separated by blank lines: structure to learn
    packed = Path(nn.__file__).parent / "_text" / "shakespeare.txt.xz"
    assert packed.stat().st_size < 150_000
    assert nn.shakespeare_corpus(max_chars=5) == "First"
    with pytest.raises(ValueError):
        nn.shakespeare_corpus(max_chars=0)


def test_checkpoints_load_as_the_contract_says(smoke: tuple[Path, dict]) -> None:
    out, summary = smoke
    model, vocab, args, checkpoint = char_rnn.load_checkpoint(out / "best.npz")
    assert isinstance(model, char_rnn.CharLM) and isinstance(model.embed, nn.Embedding)
    assert int(checkpoint["step"]) == summary["best_step"] and args["hidden"] == 32
    text = char_rnn.sample(model, vocab, "The ", 20, temperature=0)
    assert text.startswith("The ") and len(text) == 24


def test_loss_falls(smoke: tuple[Path, dict]) -> None:
    out, summary = smoke
    checkpoint = nn.load(out / "last.npz")
    losses, val = checkpoint["train_loss"], checkpoint["val"]
    assert losses[-5:].mean() < losses[:5].mean() - 0.3
    assert val[-1, 1] < val[0, 1]
    assert summary["final_val_loss"] < math.log(len(nn.CharVocab.from_text(nn.default_corpus())))


def test_resume_continues_exactly(tmp_path: Path) -> None:
    """20 steps at once == 10 steps, then 10 more from last.npz: every loss bit for bit,
    with dropout (minigrad's generator) and two layers (a tuple of states) in play."""
    common = [*FAST, "--layers", "2", "--dropout", "0.2", "--eval-every", "7"]
    char_rnn.main([*common, "--steps", "20", "--out", str(tmp_path / "once")])
    char_rnn.main([*common, "--steps", "10", "--out", str(tmp_path / "twice")])
    resumed = char_rnn.main([*FAST, "--steps", "20", "--resume", str(tmp_path / "twice/last.npz")])
    once, twice = (nn.load(tmp_path / f"{name}/last.npz") for name in ("once", "twice"))
    assert resumed["steps_this_run"] == 10
    np.testing.assert_array_equal(once["train_loss"], twice["train_loss"])
    for key, value in once["model"].items():
        np.testing.assert_array_equal(value, twice["model"][key])


def test_a_new_run_into_an_old_folder_starts_its_own_samples(tmp_path: Path) -> None:
    char_rnn.main([*FAST, "--steps", "10", "--out", str(tmp_path / "fresh")])
    reused = tmp_path / "reused"
    reused.mkdir()
    (reused / "samples.md").write_text("## step 7, from an earlier run\n\nold\n", "utf-8")
    char_rnn.main([*FAST, "--steps", "10", "--out", str(reused)])
    fresh = (tmp_path / "fresh" / "samples.md").read_text("utf-8")
    assert (reused / "samples.md").read_text("utf-8") == fresh


def test_missing_resume_file_is_an_error(tmp_path: Path) -> None:
    done = run_script("--resume", "nope/last.npz", cwd=tmp_path)
    assert done.returncode != 0 and "nope/last.npz does not exist" in done.stderr
    assert not (tmp_path / "runs").exists()


def test_incompatible_resume_files_are_errors(tmp_path: Path, smoke: tuple[Path, dict]) -> None:
    (tmp_path / "junk.npz").write_bytes(b"not a checkpoint")
    with pytest.raises(SystemExit, match="cannot read checkpoint"):
        char_rnn.main(["--resume", str(tmp_path / "junk.npz")])
    nn.save({"weights": np.zeros(3)}, tmp_path / "other.npz")
    with pytest.raises(SystemExit, match=r"not a char_rnn\.py checkpoint"):
        char_rnn.main(["--resume", str(tmp_path / "other.npz")])
    with pytest.raises(SystemExit) as clash:
        char_rnn.main(["--resume", str(smoke[0] / "last.npz"), "--hidden", "64"])
    assert clash.value.code == 2


def test_unknown_corpus_is_an_argparse_error(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exc:
        char_rnn.parse_args(["--corpus", "klingon"])
    assert exc.value.code == 2 and "invalid choice: 'klingon'" in capsys.readouterr().err


def test_bad_prime_characters_warn_not_crash(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="dropped characters"):
        summary = char_rnn.main(
            [*FAST, "--steps", "4", "--prime", "Ωψ", "--sample-every", "0", "--out", str(tmp_path)]
        )
    assert summary["steps"] == 4 and "## step 4" in (tmp_path / "samples.md").read_text("utf-8")


@pytest.mark.parametrize("model", ["rnn", "gru"])
def test_one_hot_models_and_other_optimizers(model: str, tmp_path: Path) -> None:
    argv = [*FAST, "--model", model, "--one-hot", "--optimizer", "rmsprop", "--steps", "3"]
    char_rnn.main([*argv, "--clip-value", "0.5", "--sample-every", "0", "--out", str(tmp_path)])
    loaded, _, args, _ = char_rnn.load_checkpoint(tmp_path / "last.npz")
    assert loaded.embed is None and args["model"] == model and args["embed"] == 0
    assert isinstance(loaded.rnn, nn.GRU if model == "gru" else nn.RNN)


def test_epochs_set_the_number_of_steps(tmp_path: Path) -> None:
    summary = char_rnn.main(
        [*FAST, "--epochs", "0.2", "--sample-every", "0", "--out", str(tmp_path)]
    )
    text = nn.default_corpus()
    train, _ = char_rnn.split_ids(np.arange(len(text)), 0.1)
    chunks = math.ceil((len(train) // 8 - 1) / 16)  # smoke: batch 8, seq-len 16
    assert summary["steps"] == round(0.2 * chunks)


def test_next_id_greedy_and_top_k() -> None:
    logits, rng = np.array([0.5, 2.0, 1.9, -1.0]), np.random.default_rng(0)
    assert char_rnn.next_id(logits, 0.0, 0, rng) == 1
    assert {char_rnn.next_id(logits, 5.0, 2, rng) for _ in range(200)} == {1, 2}
    assert len({char_rnn.next_id(logits, 5.0, 0, rng) for _ in range(200)}) == 4


def test_clean_prime_drops_unknown_characters() -> None:
    vocab = nn.CharVocab.from_text("ab\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert char_rnn.clean_prime("aXb", vocab) == "ab"
        assert char_rnn.clean_prime("XYZ", vocab) == "\n"
    assert len(caught) == 2


def test_split_holds_out_the_contiguous_tail() -> None:
    ids = np.arange(1000)
    train, val = char_rnn.split_ids(ids, 0.1)
    assert len(val) == 100 and np.array_equal(np.concatenate([train, val]), ids)


def test_python_corpus_is_deterministic_and_capped() -> None:
    text = nn.python_corpus(max_chars=30_000)
    assert len(text) == 30_000 and text == nn.python_corpus(max_chars=30_000)
    assert text.startswith("# file: ") and "def " in text


def test_python_corpus_order_skips_and_cap(tmp_path: Path) -> None:
    for name, body in [("b.py", "b = 2\n"), ("a/z.py", "z = 1\n"), ("c.txt", "no")]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "site-packages").mkdir()
    (tmp_path / "site-packages" / "pkg.py").write_text("installed = 1\n", encoding="utf-8")
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    full = nn.python_corpus(root=str(tmp_path))
    assert full == "# file: a/z.py\nz = 1\n\n# file: b.py\nb = 2\n\n"
    assert nn.python_corpus(max_chars=10, root=str(tmp_path)) == full[:10]
    with pytest.raises(ValueError):
        nn.python_corpus(max_chars=0)


@pytest.mark.slow
def test_the_ci_command_prints_logs_and_a_sample(tmp_path: Path) -> None:
    done = run_script("--steps", "60", "--log-every", "20", "--sample-length", "80", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert all(f"step {s:5d}  loss" in done.stdout for s in (20, 40, 60))
    sample = done.stdout.split("\nsample:\n", 1)[1].splitlines()
    assert sample[0].startswith("The ")
    (folder,) = (tmp_path / "runs").iterdir()
    assert folder.name.startswith("lstm-verse-") and (folder / "summary.json").is_file()


@pytest.mark.slow
def test_quality_benchmark_matches_pytorch_on_a_small_text(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_charlm_quality

    text = tmp_path / "verse.txt"
    text.write_text(nn.default_corpus() * 8, encoding="utf-8")
    results = bench_charlm_quality.main(["--quick", "--text", str(text), "--threads", "1"])
    assert results["difference"] < 1e-3 and results["time_ratio"] > 0
    assert results["minigrad_val"] < math.log(len(nn.CharVocab.from_text(nn.default_corpus())))
