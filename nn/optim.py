"""Optimizers with PyTorch's update equations: SGD, Adagrad, RMSprop, Adam (and AdamW), LBFGS.

Every update runs on the parameters' ``.array`` arrays through their array namespace, so it
works on NumPy, CuPy and any Array API library. Arrays are replaced, never written in place:
gradient arrays may be read-only views, and a replaced array cannot surprise anyone holding
the old one. ``state_dict()`` holds plain NumPy arrays and Python numbers, so
``nn.save({"model": ..., "optim": opt.state_dict()})`` followed by ``load_state_dict``
resumes a run exactly.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np

from minigrad import Tensor, backend, enable_grad

Group = dict[str, Any]


class Optimizer(ABC):
    """Base class: parameter groups, per-parameter state, ``zero_grad``, ``step`` and state.

    ``params`` is an iterable of parameters, or of dicts ``{"params": [...], "lr": ...}``
    (parameter groups, each overriding the defaults). State is keyed by each parameter's
    position across all groups, so it survives a save and a load into fresh objects.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        items = list(params)
        if not items:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        self.defaults = dict(defaults)
        self.param_groups: list[Group] = [self._make_group(g) for g in groups]
        self.state: dict[int, dict[str, Any]] = {}

    def _make_group(self, group: Group) -> Group:
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(
                f"{type(self).__name__}: unknown option(s) {sorted(unknown)} in a "
                f"parameter group; known: {sorted(self.defaults)}"
            )
        made = {**self.defaults, **group, "params": list(group["params"])}
        for p in made["params"]:
            if not isinstance(p, Tensor) or not p.requires_grad:
                raise TypeError(
                    f"{type(self).__name__} can only optimize tensors that require "
                    f"grad, got {type(p).__name__}"
                )
        return made

    def _indexed(self) -> Iterable[tuple[int, Tensor, Group]]:
        index = 0
        for group in self.param_groups:
            for p in group["params"]:
                yield index, p, group
                index += 1

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient: to ``None`` (default) or to a fresh zero array."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.array = backend.namespace(p.grad.array).zeros_like(p.grad.array)

    def step(self) -> None:
        """Update every parameter that has a gradient (others are left alone)."""
        # Arrays in, arrays out: no graph is built, so no no_grad() is needed. Plain loops,
        # not _indexed(): this runs every train step, and a generator costs a resume per
        # parameter.
        index = 0
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    state = self.state.get(index)
                    if state is None:
                        state = self.state[index] = {}
                    p.array = self._update(p.array, p.grad.array, state, group)
                index += 1

    @abstractmethod
    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: Group) -> Any:
        """Return the new parameter array; update ``state`` (a dict of arrays and numbers)."""

    # ------------------------------------------------------------------ state

    def state_dict(self) -> dict[str, Any]:
        """Copies of the state (NumPy arrays, Python numbers) and the group settings.

        Examples
        --------
        >>> import nn
        >>> opt = nn.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1, momentum=0.9)
        >>> sorted(opt.state_dict())
        ['param_groups', 'state']
        """
        state = {str(i): {k: _host_copy(v) for k, v in s.items()} for i, s in self.state.items()}
        groups, start = [], 0
        for group in self.param_groups:
            count = len(group["params"])
            settings = {k: v for k, v in group.items() if k != "params"}
            groups.append({**settings, "params": list(range(start, start + count))})
            start += count
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore state saved by :meth:`state_dict` (onto the parameters' devices).

        Everything is checked before anything changes: the layout, the parameter groups and
        their settings (names and types: ``lr="fast"`` is refused), and every buffer (none
        missing, none extra, the parameter's shape, numbers only). On any problem a
        ``ValueError`` lists them all and the optimizer is left exactly as it was.

        Examples
        --------
        >>> import nn
        >>> opt = nn.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
        >>> bad = opt.state_dict()
        >>> bad["param_groups"][0]["lr"] = "fast"
        >>> opt.load_state_dict(bad)
        Traceback (most recent call last):
        ...
        ValueError: SGD.load_state_dict found 1 problem(s); the optimizer was not changed:
          group 0: setting 'lr' is 'fast' (str); expected a number like 0.1
        """
        problems = _layout_problems(state_dict)
        if not problems:
            problems = self._group_problems(state_dict["param_groups"])
        new_state: dict[int, dict[str, Any]] = {}
        if not problems:
            new_state = self._restore_state(
                state_dict["state"], state_dict["param_groups"], problems
            )
        if problems:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict found {len(problems)} problem(s); "
                "the optimizer was not changed:\n  " + "\n  ".join(problems)
            )
        for group, saved in zip(self.param_groups, state_dict["param_groups"], strict=True):
            group.update({k: _settings_value(v) for k, v in saved.items() if k != "params"})
        self.state = new_state

    def _group_problems(self, saved_groups: list[Group]) -> list[str]:
        if len(saved_groups) != len(self.param_groups):
            return [
                f"{len(saved_groups)} parameter group(s) in the state, "
                f"{len(self.param_groups)} in the optimizer"
            ]
        problems = []
        for n, (group, saved) in enumerate(zip(self.param_groups, saved_groups, strict=True)):
            if not isinstance(saved, dict):
                problems.append(f"group {n}: a {type(saved).__name__}, not a dict of settings")
                continue
            ids = saved.get("params")
            if not isinstance(ids, (list, tuple)) or len(ids) != len(group["params"]):
                count = len(ids) if isinstance(ids, (list, tuple)) else repr(ids)
                problems.append(
                    f"group {n}: {count} parameters in the state, {len(group['params'])} in the "
                    "optimizer"
                )
            missing = set(self.defaults) - set(saved)
            if missing:
                problems.append(f"group {n}: missing setting(s) {sorted(missing)}")
            extra = set(saved) - set(self.defaults) - {"params"}
            if extra:
                problems.append(
                    f"group {n}: unknown setting(s) {sorted(extra)} for {type(self).__name__}"
                )
            for name in sorted(set(self.defaults) & set(saved)):
                problem = _setting_problem(name, saved[name], self.defaults[name])
                if problem:
                    problems.append(f"group {n}: {problem}")
        return problems

    def _restore_state(
        self, saved_state: dict[str, Any], saved_groups: list[Group], problems: list[str]
    ) -> dict[int, dict[str, Any]]:
        params = {i: p for i, p, _ in self._indexed()}
        group_of = [k for k, g in enumerate(self.param_groups) for _ in g["params"]]
        restored: dict[int, dict[str, Any]] = {}
        for key, entry in saved_state.items():
            index = _index(key)
            if index is None or index not in params:
                problems.append(
                    f"state for parameter {key!r}, but the optimizer's parameters are numbered "
                    f"0…{len(params) - 1}"
                )
                continue
            if not isinstance(entry, dict):
                problems.append(f"parameter {index}: a {type(entry).__name__}, not a dict")
                continue
            expected = self._state_names(saved_groups[group_of[index]])
            if set(entry) != expected:
                missing, extra = sorted(expected - set(entry)), sorted(set(entry) - expected)
                problems.append(
                    f"parameter {index}: buffers {sorted(entry)}, expected {sorted(expected)}"
                    + (f" (missing {missing})" if missing else "")
                    + (f" (unknown {extra})" if extra else "")
                )
                continue
            restored[index] = self._restore_entry(index, entry, params[index], problems)
        return restored

    def _state_names(self, group: Group) -> set[str]:
        """The buffers a parameter's non-empty state holds under ``group``'s settings."""
        return set()

    @staticmethod
    def _restore_entry(
        index: int, entry: dict[str, Any], p: Tensor, problems: list[str]
    ) -> dict[str, Any]:
        restored: dict[str, Any] = {}
        for name, value in entry.items():
            if name == "step":
                if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                    problems.append(
                        f"parameter {index} 'step': {value!r}; expected a whole number >= 0"
                    )
                else:
                    restored[name] = int(value)
                continue
            array = np.asarray(value) if not isinstance(value, Tensor) else value.numpy()
            if array.dtype.kind not in "fiu" or tuple(array.shape) != p.shape:
                problems.append(
                    f"parameter {index} {name!r}: {array.dtype} array of shape "
                    f"{tuple(array.shape)} in the state; the parameter is {p.shape}"
                )
                continue
            xp = backend.namespace(p.array)
            restored[name] = backend.asarray_on(
                xp,
                backend.to_device(np.array(array, copy=True), p.device),
                dtype=p.array.dtype,
                like=p.array,
            )
        return restored


def _layout_problems(state_dict: Any) -> list[str]:
    if not isinstance(state_dict, dict):
        return [f"expected the dict that state_dict() returns, got {type(state_dict).__name__}"]
    problems = []
    if set(state_dict) != {"state", "param_groups"}:
        problems.append(f"keys {sorted(state_dict)}; expected ['param_groups', 'state']")
    elif not isinstance(state_dict["state"], dict):
        problems.append(f"'state' is a {type(state_dict['state']).__name__}, not a dict")
    elif not isinstance(state_dict["param_groups"], (list, tuple)):
        kind = type(state_dict["param_groups"]).__name__
        problems.append(f"'param_groups' is a {kind}, not a list")
    return problems


def _index(key: Any) -> int | None:
    """A parameter index from a state key (``3`` or ``"3"``)."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return int(key)
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def _setting_problem(name: str, value: Any, default: Any) -> str | None:
    """Why ``value`` cannot replace the setting ``name`` whose default is ``default``."""

    def number(v: Any) -> bool:
        return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)

    if isinstance(default, bool):
        ok, wanted = isinstance(value, (bool, np.bool_)), f"True or False like {default}"
    elif isinstance(default, tuple):
        ok = isinstance(value, (list, tuple)) and len(value) == len(default)
        ok = ok and all(number(v) and np.isfinite(v) for v in value)
        wanted = f"{len(default)} numbers like {default}"
    elif number(default):
        ok, wanted = number(value) and bool(np.isfinite(value)), f"a number like {default}"
    else:
        return None
    if ok:
        return None
    return f"setting {name!r} is {value!r} ({type(value).__name__}); expected {wanted}"


def _host_copy(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, list):  # LBFGS keeps its history as lists of vectors and numbers
        return [_host_copy(v) for v in value]
    return np.array(backend.to_numpy(value), copy=True)


def _settings_value(value: Any) -> Any:
    """Settings come back from a file as lists where they were tuples (Adam's betas)."""
    return tuple(value) if isinstance(value, list) else value


def _check(condition: bool, who: str, message: str) -> None:
    if not condition:
        raise ValueError(f"{who}: {message}")


def _copy(array: Any) -> Any:
    return backend.namespace(array).asarray(array, copy=True)


# ---------------------------------------------------------------------- SGD


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    PyTorch's equations: ``g ← g + wd·θ``; with momentum ``b ← μ·b + (1−dampening)·g``
    (``b ← g`` on the first step), then ``g ← g + μ·b`` (Nesterov) or ``g ← b``;
    finally ``θ ← θ − lr·g``.

    Examples
    --------
    >>> import minigrad, nn
    >>> w = nn.Parameter([1.0])
    >>> opt = nn.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    0.8
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        _check(lr >= 0, "SGD", f"lr must be >= 0, got {lr}")
        _check(momentum >= 0, "SGD", f"momentum must be >= 0, got {momentum}")
        _check(weight_decay >= 0, "SGD", f"weight_decay must be >= 0, got {weight_decay}")
        _check(
            not nesterov or (momentum > 0 and dampening == 0),
            "SGD",
            "nesterov needs momentum > 0 and dampening = 0",
        )
        super().__init__(
            params,
            {
                "lr": lr,
                "momentum": momentum,
                "dampening": dampening,
                "weight_decay": weight_decay,
                "nesterov": nesterov,
            },
        )

    def _state_names(self, group: Group) -> set[str]:
        return {"momentum_buffer"} if group["momentum"] else set()

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: Group) -> Any:
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        momentum = group["momentum"]
        if momentum:
            if "momentum_buffer" not in state:
                buf = _copy(grad)
            else:
                buf = momentum * state["momentum_buffer"] + (1 - group["dampening"]) * grad
            state["momentum_buffer"] = buf
            grad = grad + momentum * buf if group["nesterov"] else buf
        return param - group["lr"] * grad


# ---------------------------------------------------------------------- Adagrad


class Adagrad(Optimizer):
    """Adagrad: per-element steps shrink with the sum of squared gradients.

    PyTorch's equations: ``g ← g + wd·θ``; ``lr_t = lr / (1 + (t−1)·lr_decay)``;
    ``s ← s + g²``; ``θ ← θ − lr_t · g / (√s + eps)``.

    Examples
    --------
    >>> import nn
    >>> w = nn.Parameter([1.0])
    >>> opt = nn.optim.Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    0.5
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        _check(lr >= 0, "Adagrad", f"lr must be >= 0, got {lr}")
        _check(eps >= 0, "Adagrad", f"eps must be >= 0, got {eps}")
        super().__init__(
            params,
            {
                "lr": lr,
                "lr_decay": lr_decay,
                "weight_decay": weight_decay,
                "initial_accumulator_value": initial_accumulator_value,
                "eps": eps,
            },
        )

    def _state_names(self, group: Group) -> set[str]:
        return {"step", "sum"}

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: Group) -> Any:
        xp = backend.namespace(param)
        if not state:
            state["step"] = 0
            state["sum"] = xp.full_like(param, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        lr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] = state["sum"] + grad * grad
        return param - lr * (grad / (xp.sqrt(state["sum"]) + group["eps"]))


# ---------------------------------------------------------------------- RMSprop


class RMSprop(Optimizer):
    """RMSprop: divide by a running RMS of the gradient (optionally centred, with momentum).

    PyTorch's equations: ``g ← g + wd·θ``; ``v ← α·v + (1−α)·g²``; centred:
    ``m ← m + (1−α)(g − m)``, ``d = √(v − m²) + eps``, else ``d = √v + eps``; with momentum
    ``b ← μ·b + g/d``, ``θ ← θ − lr·b``, else ``θ ← θ − lr·g/d``.

    Examples
    --------
    >>> import nn
    >>> w = nn.Parameter([1.0])
    >>> opt = nn.optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        _check(lr >= 0, "RMSprop", f"lr must be >= 0, got {lr}")
        _check(0 <= alpha <= 1, "RMSprop", f"alpha must be in [0, 1], got {alpha}")
        _check(momentum >= 0, "RMSprop", f"momentum must be >= 0, got {momentum}")
        super().__init__(
            params,
            {
                "lr": lr,
                "alpha": alpha,
                "eps": eps,
                "momentum": momentum,
                "weight_decay": weight_decay,
                "centered": centered,
            },
        )

    def _state_names(self, group: Group) -> set[str]:
        names = {"step", "square_avg"}
        names |= {"grad_avg"} if group["centered"] else set()
        return names | ({"momentum_buffer"} if group["momentum"] else set())

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: Group) -> Any:
        xp = backend.namespace(param)
        alpha = group["alpha"]
        if not state:
            state["step"] = 0
            state["square_avg"] = xp.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = xp.zeros_like(param)
            if group["momentum"]:
                state["momentum_buffer"] = xp.zeros_like(param)
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        state["square_avg"] = alpha * state["square_avg"] + (1 - alpha) * (grad * grad)
        if group["centered"]:
            state["grad_avg"] = state["grad_avg"] + (1 - alpha) * (grad - state["grad_avg"])
            variance = state["square_avg"] - state["grad_avg"] * state["grad_avg"]
            denom = xp.sqrt(variance) + group["eps"]
        else:
            denom = xp.sqrt(state["square_avg"]) + group["eps"]
        if group["momentum"]:
            state["momentum_buffer"] = group["momentum"] * state["momentum_buffer"] + grad / denom
            return param - group["lr"] * state["momentum_buffer"]
        return param - group["lr"] * (grad / denom)


# ---------------------------------------------------------------------- Adam


class Adam(Optimizer):
    """Adam with bias correction, L2 weight decay and optional AMSGrad.

    PyTorch's equations: ``g ← g + wd·θ``; ``m ← m + (1−β₁)(g − m)``;
    ``v ← β₂·v + (1−β₂)·g²``; ``v̂ = max(v̂, v)`` with AMSGrad;
    ``θ ← θ − (lr / (1−β₁ᵗ)) · m / (√v / √(1−β₂ᵗ) + eps)``.

    Examples
    --------
    >>> import nn
    >>> w = nn.Parameter([1.0])
    >>> opt = nn.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    0.9
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        who = type(self).__name__
        _check(lr >= 0, who, f"lr must be >= 0, got {lr}")
        _check(all(0 <= b < 1 for b in betas), who, f"betas must be in [0, 1), got {betas}")
        _check(eps >= 0, who, f"eps must be >= 0, got {eps}")
        super().__init__(
            params,
            {
                "lr": lr,
                "betas": tuple(betas),
                "eps": eps,
                "weight_decay": weight_decay,
                "amsgrad": amsgrad,
            },
        )

    def _decay(self, param: Any, grad: Any, group: Group) -> tuple[Any, Any]:
        """Adam adds weight decay to the gradient (L2); AdamW decays the weights instead."""
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * param
        return param, grad

    def _state_names(self, group: Group) -> set[str]:
        return {"step", "exp_avg", "exp_avg_sq"} | (
            {"max_exp_avg_sq"} if group["amsgrad"] else set()
        )

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: Group) -> Any:
        xp = backend.namespace(param)
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = xp.zeros_like(param)
            state["exp_avg_sq"] = xp.zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = xp.zeros_like(param)
        state["step"] += 1
        step = state["step"]
        param, grad = self._decay(param, grad, group)
        state["exp_avg"] = state["exp_avg"] + (1 - beta1) * (grad - state["exp_avg"])
        state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1 - beta2) * (grad * grad)
        second = state["exp_avg_sq"]
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = xp.maximum(state["max_exp_avg_sq"], second)
            second = state["max_exp_avg_sq"]
        step_size = group["lr"] / (1 - beta1**step)
        denom = xp.sqrt(second) / math.sqrt(1 - beta2**step) + group["eps"]
        return param - step_size * (state["exp_avg"] / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: ``θ ← θ·(1 − lr·wd)`` before the Adam step.

    Examples
    --------
    >>> import nn
    >>> opt = nn.optim.AdamW(nn.Linear(2, 1).parameters(), lr=1e-3)
    >>> opt.param_groups[0]["weight_decay"]
    0.01
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    def _decay(self, param: Any, grad: Any, group: Group) -> tuple[Any, Any]:
        if group["weight_decay"]:
            param = param * (1 - group["lr"] * group["weight_decay"])
        return param, grad


# ---------------------------------------------------------------------- LBFGS

_COUNTERS = frozenset({"func_evals", "n_iter"})
_HISTORY = frozenset(
    {"d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss"}
)


class LBFGS(Optimizer):
    """L-BFGS: quasi-Newton steps from the last ``history_size`` steps and gradient changes.

    PyTorch's algorithm and signature. Each ``step(closure)`` runs up to ``max_iter``
    iterations: the direction comes from the two-loop recursion over the stored pairs
    ``s = t·d`` (``old_stps``) and ``y = g − g_prev`` (``old_dirs``), a pair being kept only when
    ``y·s > 1e-10`` (the curvature condition); the first iteration of a run is steepest
    descent with step ``min(1, 1/‖g‖₁)·lr``, later ones try ``lr``. Without a line search the
    step is taken as it is; ``line_search_fn="strong_wolfe"`` brackets and zooms (cubic
    interpolation) until ``f(x + t·d) ≤ f + 1e-4·t·g·d`` and ``|g_new·d| ≤ 0.9·|g·d|``.
    A step stops early when ``max|g| ≤ tolerance_grad``, when the step or the change of loss
    is below ``tolerance_change``, or after ``max_eval`` closure calls (default
    ``max_iter·5//4``). ``state_dict()`` holds the counters ``func_evals`` and ``n_iter`` and
    the history (PyTorch's names, under parameter 0; not its scratch list ``al``), so a saved
    run resumes exactly.

    Like PyTorch's, it takes one parameter group only and treats all parameters as one flat
    vector. The closure must clear the gradients, compute the loss, call ``backward()`` and
    return the loss; ``step`` calls it with gradient recording on and returns the loss of its
    first call. An unknown ``line_search_fn`` is refused when the optimizer is made
    (PyTorch refuses it at the first step).

    Examples
    --------
    >>> import nn
    >>> x = nn.Parameter([-1.5, 2.0], dtype="float64")
    >>> opt = nn.optim.LBFGS([x], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2  # Rosenbrock
    ...     loss.backward()
    ...     return loss
    >>> for _ in range(3):
    ...     loss = opt.step(closure)
    >>> [round(v, 4) for v in x.tolist()], opt.state[0]["n_iter"] < 60
    ([1.0, 1.0], True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        _check(lr >= 0, "LBFGS", f"lr must be >= 0, got {lr}")
        _check(
            _whole(max_iter, 1), "LBFGS", f"max_iter must be a whole number >= 1, got {max_iter}"
        )
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        _check(
            _whole(max_eval, 1), "LBFGS", f"max_eval must be a whole number >= 1, got {max_eval}"
        )
        _check(
            _whole(history_size, 1),
            "LBFGS",
            f"history_size must be a whole number >= 1, got {history_size}",
        )
        _check(
            line_search_fn in (None, "strong_wolfe"),
            "LBFGS",
            f"line_search_fn must be None or 'strong_wolfe', got {line_search_fn!r}",
        )
        super().__init__(
            params,
            {
                "lr": lr,
                "max_iter": max_iter,
                "max_eval": max_eval,
                "tolerance_grad": tolerance_grad,
                "tolerance_change": tolerance_change,
                "history_size": history_size,
                "line_search_fn": line_search_fn,
            },
        )
        if len(self.param_groups) != 1:
            raise ValueError(
                f"LBFGS takes one parameter group, got {len(self.param_groups)}: it treats all "
                "parameters as one vector, so per-group options have no meaning (as in PyTorch)"
            )

    def _update(self, param: Any, grad: Any, state: dict[str, Any], group: Group) -> Any:
        raise TypeError("LBFGS updates the parameters in step(closure), all of them at once")

    # ------------------------------------------------------------ flat vectors

    @property
    def _params(self) -> list[Tensor]:
        return self.param_groups[0]["params"]

    def _flat_grad(self) -> Any:
        """Every gradient as one new vector (zeros for a parameter without one)."""
        parts = []
        for p in self._params:
            if p.grad is None:
                flat = backend.reshape(p.array, (-1,))
                parts.append(backend.namespace(flat).zeros_like(flat))
            else:
                parts.append(backend.reshape(p.grad.array, (-1,)))
        # concat always copies, so a later in-place change to a gradient cannot reach it
        return backend.namespace(parts[0]).concat(parts)

    def _move(self, start: list[Any], t: float, d: Any) -> None:
        """Set the parameters to ``start + t·d`` (``start``: one array per parameter)."""
        offset = 0
        for p, x in zip(self._params, start, strict=True):
            n = math.prod(x.shape)
            moved = x + t * backend.reshape(d[offset : offset + n], x.shape)
            if moved.dtype != x.dtype:
                moved = backend.namespace(moved).astype(moved, x.dtype)
            p.array = moved
            offset += n

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float, Any]:
        """Call the closure with gradient recording on: (its loss, as a float, flat gradient)."""
        with enable_grad():
            loss = closure()
        if loss is None:
            raise TypeError(
                "LBFGS.step: the closure returned None; it must return the loss "
                "(zero the gradients, compute the loss, call loss.backward(), return loss)"
            )
        return loss, float(loss), self._flat_grad()

    # ------------------------------------------------------------ the step

    def step(self, closure: Callable[[], Any] | None = None) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` L-BFGS iterations; return the closure's first loss.

        Parameters
        ----------
        closure : callable
            Clears the gradients, computes the loss, calls ``backward()`` and returns the loss.
        """
        if closure is None or not callable(closure):
            got = "no closure" if closure is None else f"a {type(closure).__name__}"
            raise TypeError(
                f"LBFGS.step needs a closure, got {got}: a function that clears the gradients, "
                "computes the loss, calls loss.backward() and returns the loss"
            )
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state.setdefault(0, {})  # one state for all parameters, as PyTorch keeps
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        first_loss, loss, grad = self._evaluate(closure)
        evals = 1
        state["func_evals"] += 1
        xp = backend.namespace(grad)
        if float(xp.max(xp.abs(grad))) <= tolerance_grad:
            return first_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag, prev_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), None
        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, old_dirs, old_stps, ro, h_diag = -grad, [], [], [], 1.0
            else:
                y, s = grad - prev_grad, d * t
                ys = float(y @ s)
                if ys > 1e-10:  # keep only pairs that curve upwards: H stays positive definite
                    if len(old_dirs) == group["history_size"]:
                        del old_dirs[0], old_stps[0], ro[0]
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / float(y @ y)
                d = _two_loop(grad, old_dirs, old_stps, ro, h_diag)
            prev_grad, prev_loss = grad, loss

            if state["n_iter"] == 1:
                l1 = float(xp.sum(xp.abs(grad)))
                t = min(1.0, 1.0 / l1 if l1 > 0 else 1.0) * lr
            else:
                t = lr
            gtd = float(grad @ d)  # the slope along d
            if gtd > -tolerance_change:
                break

            added, optimal = 0, False
            if group["line_search_fn"] == "strong_wolfe":
                start = [p.array for p in self._params]

                def along(step: float, start: list[Any] = start, d: Any = d) -> tuple[float, Any]:
                    self._move(start, step, d)
                    _, f, g = self._evaluate(closure)
                    for p, x in zip(self._params, start, strict=True):
                        p.array = x
                    return f, g

                loss, grad, t, added = _strong_wolfe(
                    along, t, d, loss, grad, gtd, max_ls=max_eval - evals
                )
                self._move(start, t, d)
                optimal = float(xp.max(xp.abs(grad))) <= tolerance_grad
            else:
                self._move([p.array for p in self._params], t, d)
                if n_iter != max_iter:  # the last iteration's loss is the next step's first
                    _, loss, grad = self._evaluate(closure)
                    optimal = float(xp.max(xp.abs(grad))) <= tolerance_grad
                    added = 1
            evals += added
            state["func_evals"] += added

            if n_iter == max_iter or evals >= max_eval or optimal:
                break
            if float(xp.max(xp.abs(d * t))) <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state.update(
            d=d,
            t=float(t),
            old_dirs=old_dirs,
            old_stps=old_stps,
            ro=ro,
            H_diag=float(h_diag),
            prev_flat_grad=prev_grad,
            prev_loss=prev_loss,
        )
        return first_loss

    # ------------------------------------------------------------ state

    def _group_problems(self, saved_groups: list[Group]) -> list[str]:
        problems = super()._group_problems(saved_groups)
        for n, saved in enumerate(saved_groups):
            if isinstance(saved, dict) and saved.get("line_search_fn") not in (
                None,
                "strong_wolfe",
            ):
                problems.append(
                    f"group {n}: setting 'line_search_fn' is {saved['line_search_fn']!r}; "
                    "expected None or 'strong_wolfe'"
                )
        return problems

    def _restore_state(
        self, saved_state: dict[str, Any], saved_groups: list[Group], problems: list[str]
    ) -> dict[int, dict[str, Any]]:
        if not saved_state:
            return {}
        keys = list(saved_state)
        if len(keys) != 1 or _index(keys[0]) != 0:
            problems.append(
                "LBFGS keeps its state under parameter 0; the state has keys "
                f"{sorted(map(str, keys))}"
            )
            return {}
        entry = saved_state[keys[0]]
        if not isinstance(entry, dict):
            problems.append(f"parameter 0: a {type(entry).__name__}, not a dict")
            return {}
        if set(entry) not in (_COUNTERS, _COUNTERS | _HISTORY):
            problems.append(
                f"parameter 0: buffers {sorted(entry)}; expected {sorted(_COUNTERS)} before the "
                f"first iteration, {sorted(_COUNTERS | _HISTORY)} after it"
            )
            return {}
        before = len(problems)
        restored: dict[str, Any] = {}
        for name in sorted(_COUNTERS):
            if _whole(entry[name], 0):
                restored[name] = int(entry[name])
            else:
                problems.append(f"'{name}': {entry[name]!r}; expected a whole number >= 0")
        if set(entry) == _COUNTERS:
            return {0: restored} if len(problems) == before else {}
        for name in ("t", "H_diag", "prev_loss"):
            if _real(entry[name]):
                restored[name] = float(entry[name])
            else:
                problems.append(f"'{name}': {entry[name]!r}; expected a number")
        for name in ("d", "prev_flat_grad"):
            restored[name] = self._vector(name, entry[name], problems)
        pairs = [entry["old_dirs"], entry["old_stps"], entry["ro"]]
        if not all(isinstance(v, (list, tuple)) for v in pairs) or len(set(map(len, pairs))) != 1:
            kinds = ", ".join(
                f"{len(v)} items" if isinstance(v, (list, tuple)) else type(v).__name__
                for v in pairs
            )
            problems.append(
                f"'old_dirs', 'old_stps', 'ro' must be lists of one length; got {kinds}"
            )
        elif len(pairs[0]) > saved_groups[0]["history_size"]:
            problems.append(
                f"{len(pairs[0])} history pairs, more than history_size "
                f"{saved_groups[0]['history_size']}"
            )
        else:
            for name in ("old_dirs", "old_stps"):
                restored[name] = [
                    self._vector(f"{name}[{i}]", v, problems) for i, v in enumerate(entry[name])
                ]
            if all(_real(v) for v in entry["ro"]):
                restored["ro"] = [float(v) for v in entry["ro"]]
            else:
                problems.append(f"'ro': {entry['ro']!r}; expected numbers")
        return {0: restored} if len(problems) == before else {}

    def _vector(self, name: str, value: Any, problems: list[str]) -> Any:
        """``value`` as a flat vector on the parameters' device, or None with a problem noted."""
        first = self._params[0].array
        xp = backend.namespace(first)
        size = sum(math.prod(p.shape) for p in self._params)
        dtype = xp.result_type(*(p.array.dtype for p in self._params))
        array = value.numpy() if isinstance(value, Tensor) else np.asarray(value)
        if array.dtype.kind not in "fiu" or tuple(array.shape) != (size,):
            problems.append(
                f"{name!r}: {array.dtype} array of shape {tuple(array.shape)} in the state; "
                f"expected a vector of the {size} parameter values"
            )
            return None
        moved = backend.to_device(np.array(array, copy=True), self._params[0].device)
        return backend.asarray_on(xp, moved, dtype=dtype, like=first)


def _whole(value: Any, least: int) -> bool:
    """Whether ``value`` is a whole number (not a bool) of at least ``least``."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= least


def _real(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _two_loop(
    grad: Any, old_dirs: list[Any], old_stps: list[Any], ro: list[float], h: float
) -> Any:
    """The L-BFGS direction ``−H·g`` from the stored pairs (Nocedal & Wright, Algorithm 7.4).

    ``old_stps`` are the steps ``s``, ``old_dirs`` the gradient changes ``y``, ``ro`` their
    ``1/(y·s)``; ``h`` scales the initial inverse Hessian ``H₀ = h·I``.
    """
    q = -grad
    alphas = [0.0] * len(old_dirs)
    for i in reversed(range(len(old_dirs))):
        alphas[i] = float(old_stps[i] @ q) * ro[i]
        q = q - alphas[i] * old_dirs[i]
    r = q * h
    for i in range(len(old_dirs)):
        beta = float(old_dirs[i] @ r) * ro[i]
        r = r + (alphas[i] - beta) * old_stps[i]
    return r


def _cubic_minimum(
    x1: float,
    f1: float,
    g1: float,
    x2: float,
    f2: float,
    g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """The minimiser of the cubic through two points with values and slopes, kept in bounds.

    Without ``bounds`` the interval between the points; the middle of the bounds when the
    cubic has no minimum (or the points coincide).
    """
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    if x1 > x2:  # the formula wants x2 to be the right-hand point
        x1, f1, g1, x2, f2, g2 = x2, f2, g2, x1, f1, g1
    if x1 == x2:
        return (low + high) / 2
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    square = d1 * d1 - g1 * g2
    if square < 0:
        return (low + high) / 2
    d2 = math.sqrt(square)
    at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    return min(max(at, low), high)


class _Point(NamedTuple):
    """A trial step of the line search: step length, loss, gradient and slope along d."""

    t: float
    f: float
    g: Any
    gtd: float


def _strong_wolfe(
    along: Callable[[float], tuple[float, Any]],
    t: float,
    d: Any,
    f: float,
    g: Any,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, Any, float, int]:
    """A step length meeting the strong Wolfe conditions (Nocedal & Wright, Algorithm 3.5).

    ``along(t)`` returns the loss and flat gradient at ``x + t·d``; ``f``, ``g``, ``gtd`` are
    those at ``t = 0``. First a bracket is grown by cubic extrapolation until it holds an
    acceptable step, then zoomed by cubic interpolation (kept a tenth of the bracket away
    from its ends when progress stalls). At most ``max_ls`` calls after the first. Returns
    (loss, gradient, t, calls). PyTorch passes this its default ``tolerance_change``, not the
    optimizer's; so does LBFGS here, to take the same steps.
    """
    xp = backend.namespace(d)
    d_norm = float(xp.max(xp.abs(d)))

    def trial(step: float) -> _Point:
        f_new, g_new = along(step)
        return _Point(step, f_new, g_new, float(g_new @ d))

    def too_high(p: _Point) -> bool:  # the sufficient-decrease (Armijo) condition fails
        return p.f > f + c1 * p.t * gtd

    def flat_enough(p: _Point) -> bool:
        return abs(p.gtd) <= -c2 * gtd

    new, calls, tries = trial(t), 1, 0
    prev = _Point(0.0, f, g, gtd)
    bracket: list[_Point] | None = None
    while tries < max_ls:
        if too_high(new) or (tries > 1 and new.f >= prev.f):
            bracket = [prev, new]
            break
        if flat_enough(new):
            return new.f, new.g, new.t, calls
        if new.gtd >= 0:
            bracket = [prev, new]
            break
        # extrapolate: at least 1% beyond t, at most 10 t
        step = _cubic_minimum(
            prev.t,
            prev.f,
            prev.gtd,
            new.t,
            new.f,
            new.gtd,
            bounds=(new.t + 0.01 * (new.t - prev.t), new.t * 10),
        )
        prev, new = new, trial(step)
        calls, tries = calls + 1, tries + 1
    if bracket is None:  # out of evaluations: the better of the start and the last trial
        bracket = [_Point(0.0, f, g, gtd), new]

    done, stalled = False, False
    low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
    while not done and tries < max_ls:
        left, right = min(bracket[0].t, bracket[1].t), max(bracket[0].t, bracket[1].t)
        if (right - left) * d_norm < tolerance_change:
            break
        a, b = bracket
        step = _cubic_minimum(a.t, a.f, a.gtd, b.t, b.f, b.gtd)
        margin = 0.1 * (right - left)
        if min(right - step, step - left) < margin:  # too near an end of the bracket
            if stalled or step >= right or step <= left:
                step = right - margin if abs(step - right) < abs(step - left) else left + margin
                stalled = False
            else:
                stalled = True
        else:
            stalled = False
        new = trial(step)
        calls, tries = calls + 1, tries + 1
        if too_high(new) or new.f >= bracket[low].f:
            bracket[high] = new
            low, high = (0, 1) if bracket[0].f <= bracket[1].f else (1, 0)
        else:
            if flat_enough(new):
                done = True
            elif new.gtd * (bracket[high].t - bracket[low].t) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = new
    best = bracket[low]
    return best.f, best.g, best.t, calls


__all__ = ["LBFGS", "SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]
