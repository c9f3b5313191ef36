"""Optimizers with PyTorch's update equations: SGD, Adagrad, RMSprop, Adam (and AdamW).

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
from collections.abc import Iterable
from typing import Any

import numpy as np

from minigrad import Tensor, backend

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


__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]
