"""minigrad against PyTorch's own per-op samples (the OpInfo database inside the torch wheel).

For every op in ``opinfo_map.OPS``: each sample of ``op.sample_inputs`` is converted to
minigrad and its forward values and dtypes are compared with PyTorch's in float64 and float32,
its gradients in float64; each of ``op.error_inputs`` must raise an exception of the class
PyTorch raises. Samples that differ on purpose are listed with their reason in
``opinfo_map.EXPECTED``; they must still differ (so the table cannot go stale).

``python tests/test_opinfo.py`` prints the counts: ops passing every sample, of the ops README
claims and of the ops the conformance issue lists.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

import minigrad

try:
    import torch
    from torch.testing._internal.common_methods_invocations import op_db
except ImportError as error:  # torch, or expecttest (which torch's test helpers import)
    torch = None
    _REASON = f"PyTorch's OpInfo database is not importable ({error}); pip install torch expecttest"
else:
    _REASON = ""

from opinfo_map import CLAIMED, EXPECTED, LISTED, NOT_YET, OPS

_TOL = {"float64": (1e-7, 1e-7), "float32": (1.3e-5, 1e-5), "int64": (0, 0)}


def _opinfos() -> dict[str, Any]:
    if torch is None:
        return {}
    return {o.name + (f".{o.variant_test_name}" if o.variant_test_name else ""): o for o in op_db}


# ------------------------------------------------------------------------ conversion


def to_minigrad(value: Any, leaves: list | None = None) -> Any:
    """A torch value (tensor, dtype, size, nested list/tuple/dict) as the minigrad value; the
    tensors that require grad are appended to ``leaves`` as ``(torch, minigrad)`` pairs."""
    if isinstance(value, torch.Tensor):
        array = value.detach().cpu().resolve_conj().numpy().copy()
        needs = bool(value.requires_grad) and value.is_floating_point()
        t = minigrad.tensor(array, dtype=array.dtype, requires_grad=needs)
        if needs and leaves is not None:
            leaves.append((value, t))
        return t
    if isinstance(value, torch.dtype):
        return str(value).removeprefix("torch.")
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, tuple):
        return tuple(to_minigrad(v, leaves) for v in value)
    if isinstance(value, list):
        return [to_minigrad(v, leaves) for v in value]
    if isinstance(value, dict):
        return {k: to_minigrad(v, leaves) for k, v in value.items()}
    return value


def _convert(sample: Any, leaves: list | None = None) -> tuple[Any, tuple, dict]:
    return (
        to_minigrad(sample.input, leaves),
        to_minigrad(sample.args, leaves),
        to_minigrad(sample.kwargs, leaves),
    )


def _flat(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)):
        return [leaf for item in out for leaf in _flat(item)]
    return [out]


def _np(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, minigrad.Tensor):
        return np.asarray(value.numpy())
    return np.asarray(value)


def compare(ours: Any, theirs: Any, dtype: str) -> str | None:
    """Why ``ours`` differs from ``theirs`` (None when it does not)."""
    a, b = _flat(ours), _flat(theirs)
    if len(a) != len(b):
        return f"{len(a)} outputs, PyTorch gives {len(b)}"
    rtol, atol = _TOL[dtype]
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if isinstance(y, torch.Tensor) and not isinstance(x, minigrad.Tensor):
            return f"output {i} is {type(x).__name__}, PyTorch gives a tensor"
        xa, ya = _np(x), _np(y)
        if xa.shape != ya.shape:
            return f"output {i} shape {xa.shape}, PyTorch {ya.shape}"
        if isinstance(y, torch.Tensor) and xa.dtype != ya.dtype:
            return f"output {i} dtype {xa.dtype}, PyTorch {ya.dtype}"
        if xa.dtype.kind in "fc":
            ok = np.allclose(xa, ya.astype(xa.dtype), rtol=rtol, atol=atol, equal_nan=True)
        else:
            ok = np.array_equal(xa, ya)
        if not ok:
            return f"output {i} values differ (max |Δ| {_maxdiff(xa, ya)})"
    return None


def _maxdiff(a: np.ndarray, b: np.ndarray) -> str:
    try:
        return f"{np.nanmax(np.abs(a.astype(float) - b.astype(float))):.3g}"
    except (ValueError, TypeError):
        return "?"


# ------------------------------------------------------------------------ one op


@dataclass
class Report:
    name: str
    samples: int = 0
    failures: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)  # listed differences that still differ
    stale: list[str] = field(default_factory=list)  # listed differences that now match

    @property
    def passed(self) -> bool:
        return not self.failures and not self.stale


def _expected_reason(name: str, x: Any, args: tuple, kwargs: dict) -> str | None:
    for predicate, reason in EXPECTED.get(name, []):
        try:
            if predicate(x, args, kwargs):
                return reason
        except Exception:
            continue
    return None


def _describe(sample: Any) -> str:
    def short(v: Any) -> str:
        if isinstance(v, torch.Tensor):
            return f"T{tuple(v.shape)}:{str(v.dtype).removeprefix('torch.')}"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(short(i) for i in v) + "]"
        return repr(v)

    parts = [short(sample.input)] + [short(a) for a in sample.args]
    parts += [f"{k}={short(v)}" for k, v in sample.kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def _record(report: Report, name: str, sample: Any, problem: str | None, conv: tuple) -> None:
    reason = _expected_reason(name, *conv)
    where = _describe(sample)
    if problem is None and reason is not None:
        report.stale.append(f"{where}: listed as differing ({reason}) but matches")
    elif problem is not None and reason is None:
        report.failures.append(f"{where}: {problem}")
    elif problem is not None:
        report.expected.append(f"{where}: {reason}")


def _forward(report: Report, name: str, info: Any, ours: Any, dtype: str) -> None:
    tdtype = getattr(torch, dtype)
    if tdtype not in info.supported_dtypes("cpu"):
        return
    torch.manual_seed(0)
    for sample in info.sample_inputs("cpu", tdtype, requires_grad=False):
        try:
            theirs = info.op(sample.input, *sample.args, **sample.kwargs)
        except Exception:
            continue
        report.samples += 1
        conv: tuple = (None, (), {})
        try:
            conv = _convert(sample)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = ours(conv[0], *conv[1], **conv[2])
            problem = compare(got, theirs, dtype)
        except Exception as error:
            problem = f"{dtype}: {type(error).__name__}: {str(error)[:160]}"
        else:
            problem = problem and f"{dtype}: {problem}"
        _record(report, name, sample, problem, conv)


def _gradients(report: Report, name: str, info: Any, ours: Any) -> None:
    if not info.supports_autograd or torch.float64 not in info.supported_dtypes("cpu"):
        return
    torch.manual_seed(0)
    for sample in info.sample_inputs("cpu", torch.float64, requires_grad=True):
        try:
            theirs = info.op(sample.input, *sample.args, **sample.kwargs)
        except Exception:
            continue
        outs = [o for o in _flat(theirs) if isinstance(o, torch.Tensor) and o.requires_grad]
        leaves: list = []
        try:
            conv = _convert(sample, leaves)
        except TypeError as error:
            report.samples += 1
            _record(report, name, sample, f"gradient: {error}", (None, (), {}))
            continue
        if not outs or not leaves:
            continue
        rng = np.random.default_rng(0)
        ups = [rng.uniform(-1, 1, tuple(o.shape)) for o in outs]
        tgrads = torch.autograd.grad(
            outs,
            [t for t, _ in leaves],
            [torch.from_numpy(u) for u in ups],
            allow_unused=True,
        )
        report.samples += 1
        try:
            got = [o for o in _flat(ours(conv[0], *conv[1], **conv[2])) if _differentiable(o)]
            if len(got) != len(outs):
                raise AssertionError(f"{len(got)} differentiable outputs, PyTorch {len(outs)}")
            loss = None
            for o, u in zip(got, ups, strict=True):
                term = (o * minigrad.tensor(u, dtype="float64")).sum()
                loss = term if loss is None else loss + term
            grads = minigrad.grad(loss, [m for _, m in leaves], allow_unused=True)
            problem = None
            for k, (g, tg) in enumerate(zip(grads, tgrads, strict=True)):
                mine = np.zeros(leaves[k][1].shape) if g is None else _np(g)
                ref = np.zeros(mine.shape) if tg is None else _np(tg)
                if mine.shape != ref.shape or not np.allclose(
                    mine, ref, rtol=1e-6, atol=1e-6, equal_nan=True
                ):
                    problem = f"gradient of input {k} differs (max |Δ| {_maxdiff(mine, ref)})"
                    break
        except Exception as error:
            problem = f"gradient: {type(error).__name__}: {str(error)[:160]}"
        _record(report, name, sample, problem, conv)


def _differentiable(o: Any) -> bool:
    return isinstance(o, minigrad.Tensor) and o.requires_grad


def _errors(report: Report, name: str, info: Any, ours: Any) -> None:
    if info.error_inputs_func is None:
        return
    torch.manual_seed(0)
    try:
        errors = list(info.error_inputs("cpu"))
    except Exception:
        return
    for error_input in errors:
        sample = error_input.sample_input
        report.samples += 1
        conv = (None, (), {})
        try:
            conv = _convert(sample)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ours(conv[0], *conv[1], **conv[2])
        except Exception as error:
            problem = (
                None
                if isinstance(error, error_input.error_type)
                else f"error: {type(error).__name__} raised, PyTorch raises "
                f"{error_input.error_type.__name__} ({str(error)[:100]})"
            )
        else:
            problem = f"error: nothing raised, PyTorch raises {error_input.error_type.__name__}"
        _record(report, name, sample, problem, conv)


def run_op(name: str, info: Any) -> Report:
    report = Report(name)
    ours = OPS[name]
    floats = torch.float64 in info.supported_dtypes("cpu")
    for dtype in ("float64", "float32") if floats else ("int64",):  # one_hot: integers only
        _forward(report, name, info, ours, dtype)
    _gradients(report, name, info, ours)
    _errors(report, name, info, ours)
    return report


# ------------------------------------------------------------------------ the tests

_INFOS = _opinfos()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(reason=NOT_YET[n], strict=True))
        if n in NOT_YET
        else n
        for n in CLAIMED
    ],
)
def test_claimed_op_passes_pytorch_samples(name: str) -> None:
    if torch is None:
        pytest.skip(_REASON)
    assert name in _INFOS, f"{name} is not an OpInfo of this PyTorch"
    report = run_op(name, _INFOS[name])
    assert report.samples, f"{name}: no sample ran"
    problems = report.failures + report.stale
    assert not problems, f"{name}: {len(problems)} of {report.samples} samples\n" + "\n".join(
        problems[:8]
    )


def counts() -> dict[str, Any]:
    reports = {name: run_op(name, _INFOS[name]) for name in LISTED if name in _INFOS}
    claimed = [n for n in CLAIMED if n in reports]
    passed = {n for n, r in reports.items() if r.passed}
    return {
        "claimed": (len(passed & set(claimed)), len(claimed)),
        "listed": (len(passed), len(reports)),
        "reports": reports,
    }


def main() -> None:
    if torch is None:
        print(f"skipped: {_REASON}")
        return
    result = counts()
    verbose = "-v" in sys.argv
    for name, report in result["reports"].items():
        if not report.passed:
            print(f"FAIL {name}: {len(report.failures)}/{report.samples}")
            for line in (report.failures + report.stale)[: 8 if verbose else 2]:
                print("    ", line)
    c, l_ = result["claimed"], result["listed"]
    print(f"claimed ops passing every sample: {c[0]} / {c[1]}")
    percent = math.floor(100 * l_[0] / l_[1])
    print(f"listed ops passing every sample: {l_[0]} / {l_[1]} ({percent} %)")


if __name__ == "__main__":
    main()
