"""How many BLAS threads a matrix product gets: one for small products, the free cores for
large ones.

The small products of a char-RNN step (a batch of 32 against a 256 × 1024 matrix) gain
nothing from a second thread, and on a busy machine (a lab server, Colab, a laptop running
other work) a BLAS thread that waits for a busy core stalls every product: the README's demo
ran 2–16× slower with other work on the machine. So minigrad decides per product:

* a product of fewer than :data:`LARGE` multiply-adds runs on one thread;
* a larger one gets the cores that are free now (the machine's cores less the other
  runnable tasks, read from ``/proc/loadavg`` at most every half second), capped by
  :func:`set_num_threads` (``MINIGRAD_NUM_THREADS`` in the environment sets the cap at import;
  by default all cores; ``MINIGRAD_NUM_THREADS=blas`` leaves the BLAS's threads alone, for
  programs that manage them themselves).

The BLAS library (OpenBLAS, MKL or BLIS behind NumPy) is driven through ``threadpoolctl``; the
count is only changed when a product needs another one than the last, so the call costs a
comparison per product. Without ``threadpoolctl`` (or on a BLAS it cannot drive) products run
as NumPy set them up.
"""

from __future__ import annotations

import os
import time
from typing import Any

LARGE = 1 << 22
"""Multiply-adds (m·k·n) from which a product may use more than one thread: ~4 million, a
160 × 160 × 160 product. A char-RNN step's h @ W_hhᵀ at batch 32 and 256 units (32 × 256 × 1024,
8 million) gets the free cores; at min-char-rnn's size (1 × 100 × 400) it stays on one thread."""

_ENV = "MINIGRAD_NUM_THREADS"


class _Policy:
    """The process's thread cap, the BLAS setter and the count the BLAS was last given."""

    def __init__(self) -> None:
        self.cores = os.cpu_count() or 1
        self.cap: int | None = _cap_from_env(self.cores)
        self.current = 0  # unknown until the first product
        self.free, self.free_at = self.cores, 0.0
        self._setter: Any = None
        self._looked = False

    def setter(self) -> Any:
        """The BLAS libraries' set-threads calls (looked up once; None without a BLAS)."""
        if not self._looked:
            self._looked = True
            self._setter = _blas_setter()
        return self._setter

    def free_cores(self) -> int:
        """Cores not busy with other runnable tasks (at least one), read every 0.5 s."""
        now = time.monotonic()
        if now - self.free_at > 0.5:
            self.free, self.free_at = _free_cores(self.cores), now
        return self.free

    def use(self, count: int) -> None:
        if count != self.current:
            setter = self.setter()
            if setter is not None:
                setter(count)
            self.current = count


def _cap_from_env(cores: int) -> int | None:
    value = os.environ.get(_ENV, "").strip()
    if not value:
        return cores
    if value == "blas":  # leave the BLAS's threads as NumPy set them up
        return None
    count = int(value) if value.isdigit() else 0
    if count < 1:
        raise ValueError(
            f"{_ENV}={value!r}: expected a whole number of threads (1, 2, …); unset it to let "
            "minigrad use the free cores"
        )
    return count


def _blas_setter() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    controllers = [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]
    if not controllers:
        return None

    def set_all(count: int) -> None:
        for controller in controllers:
            controller.set_num_threads(count)

    return set_all


def _free_cores(cores: int) -> int:
    """The machine's cores less the runnable tasks of other processes (``/proc/loadavg``'s
    running count, less this process's own running threads, so its BLAS workers do not count
    as someone else's work); all cores where that cannot be read."""
    try:
        with open("/proc/loadavg", encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return cores
    return max(1, min(cores, cores - (running - _own_running())))


def _own_running() -> int:
    """How many of this process's threads are running now (at least this one)."""
    count = 0
    try:
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/stat", encoding="ascii") as f:
                    count += f.read().rsplit(")", 1)[1].split()[0] == "R"
            except (OSError, IndexError):
                continue
    except OSError:
        return 1
    return max(count, 1)


POLICY = _Policy()


def for_product(multiply_adds: int) -> None:
    """Give the BLAS the threads a product of ``multiply_adds`` should run on (call it just
    before the product; it costs a comparison when the count does not change)."""
    policy = POLICY
    if policy.cap is None:
        return
    if multiply_adds < LARGE or policy.cap == 1:
        count = 1
    else:
        count = min(policy.cap, policy.free_cores())
    if count != policy.current:
        policy.use(count)


def set_num_threads(count: int) -> None:
    """The most BLAS threads any product may use, as ``torch.set_num_threads``.

    Small products always run on one thread; large ones on the free cores up to ``count``.
    ``MINIGRAD_NUM_THREADS`` sets it at import; by default it is the number of cores.

    Examples
    --------
    >>> import minigrad
    >>> before = minigrad.get_num_threads()
    >>> minigrad.set_num_threads(1)
    >>> minigrad.get_num_threads()
    1
    >>> minigrad.set_num_threads(before)
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"set_num_threads needs a whole number ≥ 1, got {count!r}")
    POLICY.cap = count
    POLICY.current = 0  # the next product sets the BLAS again


def get_num_threads() -> int:
    """The cap :func:`set_num_threads` set (by default the number of cores; with
    ``MINIGRAD_NUM_THREADS=blas``, what the BLAS library uses)."""
    if POLICY.cap is None:
        from threadpoolctl import threadpool_info

        counts = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
        return max(counts, default=1)
    return POLICY.cap
