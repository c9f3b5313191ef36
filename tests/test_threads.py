"""The BLAS thread policy: small products on one thread, large ones on the free cores up to
``set_num_threads``; ``MINIGRAD_NUM_THREADS`` at import."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad
from minigrad import threads

threadpoolctl = pytest.importorskip("threadpoolctl", reason="threadpoolctl is not installed")


def _blas_threads() -> int:
    infos = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    if not infos:
        pytest.skip("threadpoolctl finds no BLAS library behind NumPy here")
    return infos[0]["num_threads"]


@pytest.fixture
def two_free_cores(monkeypatch: pytest.MonkeyPatch):
    """A policy that sees two free cores and a cap of two, restored afterwards."""
    policy = threads.POLICY
    saved = (policy.cap, policy.current)
    monkeypatch.setattr(policy, "free_cores", lambda: 2)
    policy.cap, policy.current = 2, 0
    yield policy
    policy.cap, policy.current = saved
    with threadpoolctl.threadpool_limits(limits=None):
        pass


def test_small_products_run_on_one_thread_and_large_ones_on_the_free_cores(two_free_cores) -> None:
    before = _blas_threads()
    threads.for_product(1 * 100 * 400)  # a min-char-rnn step: batch 1, 100 units
    assert _blas_threads() == 1
    threads.for_product(threads.LARGE)
    assert _blas_threads() == 2
    threadpoolctl.threadpool_limits(before)


def test_a_busy_machine_gives_large_products_fewer_threads(two_free_cores, monkeypatch) -> None:
    monkeypatch.setattr(two_free_cores, "free_cores", lambda: 1)
    threads.for_product(threads.LARGE * 4)
    assert _blas_threads() == 1


def test_matmul_sets_the_threads_for_its_size(two_free_cores) -> None:
    small = minigrad.ones(4, 4) @ minigrad.ones(4, 4)
    assert _blas_threads() == 1 and small.shape == (4, 4)
    a = minigrad.ones(256, 256)
    (a @ minigrad.ones(256, 256)).sum()  # 16.8M multiply-adds: large
    assert _blas_threads() == 2


def test_set_num_threads_caps_every_product(two_free_cores) -> None:
    minigrad.set_num_threads(1)
    assert minigrad.get_num_threads() == 1
    threads.for_product(threads.LARGE * 8)
    assert _blas_threads() == 1


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_set_num_threads_refuses_what_is_not_a_count(bad) -> None:
    with pytest.raises(ValueError, match="whole number"):
        minigrad.set_num_threads(bad)


def _import_with(value: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MINIGRAD_NUM_THREADS": value}
    code = "import minigrad; print(minigrad.get_num_threads())"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_the_environment_variable_sets_the_cap() -> None:
    assert _import_with("1").stdout.strip() == "1"
    assert _import_with("3").stdout.strip() == "3"


def test_a_bad_environment_variable_says_what_to_do() -> None:
    result = _import_with("two")
    assert result.returncode != 0
    assert "MINIGRAD_NUM_THREADS='two'" in result.stderr and "unset it" in result.stderr


def test_blas_leaves_the_threads_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = threads.POLICY
    monkeypatch.setattr(policy, "cap", None)
    monkeypatch.setattr(policy, "current", 0)
    with threadpoolctl.threadpool_limits(limits=2):
        threads.for_product(10)
        assert _blas_threads() == 2


def test_free_cores_are_between_one_and_all() -> None:
    cores = os.cpu_count() or 1
    assert 1 <= threads._free_cores(cores) <= cores


def test_this_process_threads_do_not_count_as_other_work(monkeypatch) -> None:
    """Busy BLAS workers of our own must not make the machine look taken."""
    running = {"value": "0.50 0.40 0.30 3/200 12345\n"}

    class FakeFile:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self):
            return running["value"]

    real_open = open
    monkeypatch.setattr(
        "builtins.open",
        lambda path, *a, **k: FakeFile() if path == "/proc/loadavg" else real_open(path, *a, **k),
    )
    monkeypatch.setattr(threads, "_own_running", lambda: 3)
    assert threads._free_cores(2) == 2  # all three running tasks are ours
    monkeypatch.setattr(threads, "_own_running", lambda: 1)
    assert threads._free_cores(2) == 1  # two others: at least one core is taken


def test_products_are_unchanged_by_the_policy(two_free_cores) -> None:
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((300, 200)), rng.standard_normal((200, 300))
    got = (minigrad.tensor(a) @ minigrad.tensor(b)).numpy()
    np.testing.assert_allclose(got, a @ b, rtol=1e-12)
