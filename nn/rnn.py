"""Recurrent cells and layers: RNN (tanh/ReLU), LSTM (optional peepholes) and GRU.

PyTorch's call signatures, parameter names and shapes, gate order and initialisation, so
weights copied from ``torch.nn.LSTM`` give the same outputs and gradients:

- RNN:  h' = act(W_ih x + b_ih + W_hh h + b_hh)
- LSTM: i, f, g, o = σ, σ, tanh, σ of (W_i· x + b_i· + W_h· h + b_h·);
  c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). With ``peephole=True`` i and f also see
  ``w_ci ⊙ c``, ``w_cf ⊙ c`` and o sees ``w_co ⊙ c'`` (the lecture's "complete LSTM unit").
- GRU:  r, z = σ(W_i· x + b_i· + W_h· h + b_h·); n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));
  h' = (1 − z) ⊙ n + z ⊙ h

Two execution forms, one maths, chosen by the ``fused`` constructor argument:

- ``fused=True`` (default, for training): one op per sequence per layer-direction with a
  hand-derived BPTT backward (:mod:`nn.fused`), scoped ``<kind>/l<k>[_reverse]``.
- ``fused=False`` (for pictures and teaching): every gate from primitive ops, each layer,
  direction, step and gate in nested scopes ``<kind>/l<k>[_reverse]/t=<t>/<gate>`` (``t`` is
  the position in the sequence, so a reverse direction counts down). Gate scopes: LSTM
  ``input_gate forget_gate cell_candidate output_gate cell hidden``; GRU ``reset_gate
  update_gate candidate hidden``; RNN ``hidden``. A cell used on its own scopes as
  ``<cell kind>/<gate>``, e.g. ``lstmcell/forget_gate``. In both forms the slicing of the
  op's result into the output sequence and final states is scoped ``<kind>/l<k>/outputs``;
  the composed form's per-gate weight views, taken once per layer-direction and read by every
  step, are scoped ``<kind>/l<k>/weights``.

Shapes follow PyTorch, including its *unbatched* form: a layer takes ``(T, B, in)``
(``(B, T, in)`` with ``batch_first``) or an unbatched ``(T, in)``; a cell takes ``(B, in)``
or unbatched ``(in,)``. Initial states are ``(num_layers·D, B, H)`` for layers (``(num_layers·D,
H)`` unbatched) and ``(B, H)`` for cells. Anything else raises a ``ValueError`` that names the
expected and the actual shape; a dtype that differs from the parameters' raises a
``TypeError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import minigrad
from minigrad import Tensor, backend, scope
from minigrad.dtypes import get_default_dtype
from nn.fused import StepObserver, run_fused
from nn.module import Module, Parameter

State = Tensor | tuple[Tensor, Tensor]


# ---------------------------------------------------------------- per-kind cell maths


class _Gate(NamedTuple):
    """One gate's weights, transposed for ``x @ wx``: (in, H), (H, H) and biases (H,)."""

    wx: Tensor
    wh: Tensor
    bx: Tensor | None
    bh: Tensor | None


def _affine(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    y = x @ w
    return y if b is None else y + b


def _pre(x: Tensor, h: Tensor, g: _Gate) -> Tensor:
    """W_x x + b_x + W_h h + b_h: the pre-activation of one gate."""
    return _affine(x, g.wx, g.bx) + _affine(h, g.wh, g.bh)


def _rnn_step(
    x: Tensor,
    h: Tensor,
    c: Tensor | None,
    gates: dict[str, _Gate],
    peep: tuple[Tensor, ...] | None,
    nonlinearity: str,
) -> tuple[Tensor, None]:
    with scope("hidden"):
        pre = _pre(x, h, gates["hidden"])
        return (pre.relu() if nonlinearity == "relu" else pre.tanh()), None


def _lstm_step(
    x: Tensor,
    h: Tensor,
    c: Tensor | None,
    gates: dict[str, _Gate],
    peep: tuple[Tensor, ...] | None,
    nonlinearity: str,
) -> tuple[Tensor, Tensor]:
    assert c is not None
    with scope("input_gate"):
        pre = _pre(x, h, gates["input_gate"])
        i = (pre if peep is None else pre + peep[0] * c).sigmoid()
    with scope("forget_gate"):
        pre = _pre(x, h, gates["forget_gate"])
        f = (pre if peep is None else pre + peep[1] * c).sigmoid()
    with scope("cell_candidate"):
        g = _pre(x, h, gates["cell_candidate"]).tanh()
    with scope("cell"):
        c_new = f * c + i * g
    with scope("output_gate"):
        pre = _pre(x, h, gates["output_gate"])
        o = (pre if peep is None else pre + peep[2] * c_new).sigmoid()
    with scope("hidden"):
        h_new = o * c_new.tanh()
    return h_new, c_new


def _gru_step(
    x: Tensor,
    h: Tensor,
    c: Tensor | None,
    gates: dict[str, _Gate],
    peep: tuple[Tensor, ...] | None,
    nonlinearity: str,
) -> tuple[Tensor, None]:
    with scope("reset_gate"):
        r = _pre(x, h, gates["reset_gate"]).sigmoid()
    with scope("update_gate"):
        z = _pre(x, h, gates["update_gate"]).sigmoid()
    with scope("candidate"):
        g = gates["candidate"]
        n = (_affine(x, g.wx, g.bx) + r * _affine(h, g.wh, g.bh)).tanh()
    with scope("hidden"):
        h_new = (1.0 - z) * n + z * h
    return h_new, None


@dataclass(frozen=True)
class _Kind:
    """What differs between RNN, LSTM and GRU: gate blocks, cell state, step maths."""

    name: str
    blocks: tuple[str, ...]  # scope name of each (H, ·) block of the weights, in order
    has_cell: bool
    step: Callable[..., tuple[Tensor, Tensor | None]]


_RNN = _Kind("rnn", ("hidden",), False, _rnn_step)
_LSTM = _Kind(
    "lstm", ("input_gate", "forget_gate", "cell_candidate", "output_gate"), True, _lstm_step
)
_GRU = _Kind("gru", ("reset_gate", "update_gate", "candidate"), False, _gru_step)


# ---------------------------------------------------------------- parameters


class _Weights(NamedTuple):
    """One layer-direction's parameters, in the order the fused op takes them."""

    w_ih: Parameter
    w_hh: Parameter
    b_ih: Parameter | None
    b_hh: Parameter | None
    peep: tuple[Parameter, ...] | None

    def flat(self) -> list[Tensor]:
        out: list[Tensor] = [self.w_ih, self.w_hh]
        if self.b_ih is not None and self.b_hh is not None:
            out += [self.b_ih, self.b_hh]
        return out + list(self.peep or ())


def _make_weights(
    module: Module,
    kind: _Kind,
    input_size: int,
    hidden: int,
    bias: bool,
    peephole: bool,
    suffix: str,
    dtype: Any,
    device: str | None,
) -> _Weights:
    """Create, register and name one layer-direction's parameters (PyTorch's init)."""
    bound = 1.0 / math.sqrt(hidden)
    dtype_name = backend.dtype_name(dtype) if dtype is not None else get_default_dtype()
    rows = len(kind.blocks) * hidden

    def param(name: str, *shape: int) -> Parameter:
        data = backend.random_uniform(shape, -bound, bound, dtype_name)
        p = Parameter(data, name=name + suffix)
        if device is not None and device != "cpu":
            p.data = backend.to_device(p.data, device)
        setattr(module, name + suffix, p)
        return p

    w_ih = param("weight_ih", rows, input_size)
    w_hh = param("weight_hh", rows, hidden)
    b_ih = param("bias_ih", rows) if bias else None
    b_hh = param("bias_hh", rows) if bias else None
    peep = None
    if peephole:
        peep = (param("weight_ci", hidden), param("weight_cf", hidden), param("weight_co", hidden))
    return _Weights(w_ih, w_hh, b_ih, b_hh, peep)


def _gate_views(kind: _Kind, w: _Weights, hidden: int) -> dict[str, _Gate]:
    """Split the stacked weights into per-gate, transposed, named tensors (composed form)."""
    w_ih_t, w_hh_t = w.w_ih.T, w.w_hh.T
    gates = {}
    for k, block in enumerate(kind.blocks):
        cols = slice(k * hidden, (k + 1) * hidden)
        wx, wh = w_ih_t[:, cols], w_hh_t[:, cols]
        wx.name, wh.name = f"{w.w_ih.name}[{block}]", f"{w.w_hh.name}[{block}]"
        bx = bh = None
        if w.b_ih is not None and w.b_hh is not None:
            bx, bh = w.b_ih[cols], w.b_hh[cols]
            bx.name, bh.name = f"{w.b_ih.name}[{block}]", f"{w.b_hh.name}[{block}]"
        gates[block] = _Gate(wx, wh, bx, bh)
    return gates


# ---------------------------------------------------------------- input checks


def _check_dtype(who: str, what: str, t: Tensor, like: Tensor) -> None:
    if t.dtype != like.dtype:
        got, want = backend.dtype_name(t.dtype), backend.dtype_name(like.dtype)
        raise TypeError(
            f"{who}: {what} has dtype {got} but the parameters are {want}; cast it with "
            f".to('{want}') (or the module with .to('{got}'))"
        )


def _check_shape(who: str, what: str, t: Tensor, expected: tuple[int, ...]) -> None:
    if t.shape != expected:
        raise ValueError(f"{who}: expected {what} of shape {expected}, got {t.shape}")


def _state_list(hx: Any, has_cell: bool) -> list[Any]:
    """The given state as a list: ``[h, c]`` for an LSTM (which needs a pair), else ``[h]``."""
    if has_cell:
        return list(hx) if isinstance(hx, (tuple, list)) else [hx]
    return [hx]


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _zeros_like_state(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    return Tensor._make(backend.namespace(x.data).zeros(shape, dtype=x.dtype), False, None)


def _join_states(states: list[Tensor]) -> Tensor:
    """``(L·D, B, H)`` from the layer-directions' ``(1, B, H)`` final states."""
    return states[0] if len(states) == 1 else minigrad.concat(states, axis=0)


# ---------------------------------------------------------------- cells


class _CellBase(Module):
    """One time step; shared by RNNCell, LSTMCell and GRUCell."""

    _kind: _Kind

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        nonlinearity: str = "tanh",
        peephole: bool = False,
        fused: bool = False,
        device: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.nonlinearity, self.peephole, self.fused = nonlinearity, peephole, fused
        self._w = _make_weights(
            self, self._kind, input_size, hidden_size, bias, peephole, "", dtype, device
        )
        self._observer: Callable[[Tensor], None] | None = None

    @property
    def _who(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        extra = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            extra += ", bias=False"
        if self.nonlinearity != "tanh":
            extra += f", nonlinearity={self.nonlinearity!r}"
        if self.peephole:
            extra += ", peephole=True"
        return extra

    def _prepare(self, x: Any, hx: Any) -> tuple[Tensor, list[Tensor], bool]:
        x = _as_tensor(x)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"{self._who}: expected input of shape (batch, {self.input_size}) or unbatched "
                f"({self.input_size},), got {x.shape}"
            )
        unbatched = x.ndim == 1
        if x.shape[-1] != self.input_size:
            raise ValueError(
                f"{self._who}: expected input with {self.input_size} features (last axis), "
                f"got shape {x.shape}"
            )
        _check_dtype(self._who, "input", x, self._w.w_ih)
        if unbatched:
            x = x.reshape(1, self.input_size)
        shape = (x.shape[0], self.hidden_size)
        n_states = 2 if self._kind.has_cell else 1
        if hx is None:
            states = [_zeros_like_state(x, shape) for _ in range(n_states)]
        else:
            given = _state_list(hx, self._kind.has_cell)
            if len(given) != n_states or not all(isinstance(s, Tensor) for s in given):
                raise TypeError(
                    f"{self._who}: hx must be "
                    + ("a tuple (h, c) of Tensors" if n_states == 2 else "a Tensor")
                )
            states = []
            for name, s in zip(("h", "c"), given, strict=False):
                want = shape[1:] if unbatched else shape
                _check_shape(self._who, name, s, want)
                _check_dtype(self._who, name, s, self._w.w_ih)
                states.append(s.reshape(shape) if unbatched else s)
        return x, states, unbatched

    def forward(self, input: Any, hx: Any = None) -> State:
        x, states, unbatched = self._prepare(input, hx)
        h, c = states[0], (states[1] if self._kind.has_cell else None)
        with scope(self._kind.name + "cell"):
            if self.fused:
                _, h, c = run_fused(
                    self._kind.name,
                    x.reshape(1, *x.shape),
                    h,
                    c,
                    self._w.flat(),
                    bias=self.bias,
                    peephole=self.peephole,
                    nonlinearity=self.nonlinearity,
                )
            else:
                gates = _gate_views(self._kind, self._w, self.hidden_size)
                h, c = self._kind.step(x, h, c, gates, self._w.peep, self.nonlinearity)
        if self._observer is not None:
            self._observer(h)
        if unbatched:
            h = h.reshape(self.hidden_size)
            c = None if c is None else c.reshape(self.hidden_size)
        return (h, c) if self._kind.has_cell else h


class RNNCell(_CellBase):
    """An Elman RNN cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or ReLU).

    Parameters ``weight_ih (H, in)``, ``weight_hh (H, H)``, ``bias_ih``, ``bias_hh (H,)``,
    initialised U(−1/√H, 1/√H) as in PyTorch. ``fused=True`` runs the step as one fused op.

    Examples
    --------
    >>> import minigrad
    >>> from nn import rnn
    >>> cell = rnn.RNNCell(3, 4)
    >>> h = cell(minigrad.randn(2, 3))
    >>> h.shape
    (2, 4)
    >>> h.node.scope
    'rnncell/hidden'
    """

    _kind = _RNN

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        device: str | None = None,
        dtype: Any = None,
        *,
        fused: bool = False,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            bias,
            nonlinearity=nonlinearity,
            fused=fused,
            device=device,
            dtype=dtype,
        )


class LSTMCell(_CellBase):
    """An LSTM cell (gates i, f, g, o); returns ``(h', c')``.

    ``weight_ih (4H, in)``, ``weight_hh (4H, H)``, ``bias_ih``, ``bias_hh (4H,)``; with
    ``peephole=True`` also ``weight_ci``, ``weight_cf``, ``weight_co (H,)``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import rnn
    >>> cell = rnn.LSTMCell(3, 4)
    >>> h, c = cell(minigrad.randn(2, 3))
    >>> h.shape, c.shape
    ((2, 4), (2, 4))
    >>> sorted({n.node.scope for n in (h, c)})
    ['lstmcell/cell', 'lstmcell/hidden']
    """

    _kind = _LSTM

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | None = None,
        dtype: Any = None,
        *,
        peephole: bool = False,
        fused: bool = False,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            bias,
            peephole=peephole,
            fused=fused,
            device=device,
            dtype=dtype,
        )


class GRUCell(_CellBase):
    """A GRU cell (gates r, z, n with r applied to ``W_hn h + b_hn``, as in PyTorch).

    Examples
    --------
    >>> import minigrad
    >>> from nn import rnn
    >>> cell = rnn.GRUCell(3, 4)
    >>> cell(minigrad.randn(3), minigrad.zeros(4)).shape
    (4,)
    """

    _kind = _GRU

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | None = None,
        dtype: Any = None,
        *,
        fused: bool = False,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, fused=fused, device=device, dtype=dtype)


# ---------------------------------------------------------------- layers


class _LayerBase(Module):
    """The one sequence driver behind RNN, LSTM and GRU: layers, directions, dropout."""

    _kind: _Kind

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        nonlinearity: str = "tanh",
        peephole: bool = False,
        fused: bool = True,
        device: str | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must be a probability in [0, 1], got {dropout}")
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.nonlinearity = bidirectional, nonlinearity
        self.peephole, self.fused = peephole, fused
        self._dirs = 2 if bidirectional else 1
        self._w: list[list[_Weights]] = []
        for k in range(num_layers):
            size = input_size if k == 0 else hidden_size * self._dirs
            self._w.append(
                [
                    _make_weights(
                        self,
                        self._kind,
                        size,
                        hidden_size,
                        bias,
                        peephole,
                        f"_l{k}" + ("_reverse" if d else ""),
                        dtype,
                        device,
                    )
                    for d in range(self._dirs)
                ]
            )
        self._observer: Callable[[int, int, int, Any], None] | None = None

    @property
    def _who(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        extra = f"{self.input_size}, {self.hidden_size}"
        for name, default in (
            ("num_layers", 1),
            ("nonlinearity", "tanh"),
            ("bias", True),
            ("batch_first", False),
            ("dropout", 0.0),
            ("bidirectional", False),
            ("peephole", False),
            ("fused", True),
        ):
            value = getattr(self, name)
            if value != default:
                extra += f", {name}={value!r}"
        return extra

    def flatten_parameters(self) -> None:
        """Does nothing; here so PyTorch code that calls it runs unchanged."""

    # -------------------------------------------------- input handling

    def _prepare(self, x: Any, hx: Any) -> tuple[Tensor, list[list[Tensor]], bool]:
        """Validate; return input as (T, B, in), initial states, unbatched flag.

        The states come as ``states[kind][layer · D + direction]``, each ``(B, H)``: ``h`` and,
        for the LSTM, ``c``.
        """
        x = _as_tensor(x)
        order = "(batch, seq, features)" if self.batch_first else "(seq, batch, features)"
        if x.ndim not in (2, 3):
            raise ValueError(
                f"{self._who}: expected a 3-D input {order} or an unbatched 2-D input "
                f"(seq, features), got shape {x.shape}"
            )
        if x.shape[-1] != self.input_size:
            raise ValueError(
                f"{self._who}: expected input with {self.input_size} features (last axis), "
                f"got shape {x.shape}"
            )
        _check_dtype(self._who, "input", x, self._w[0][0].w_ih)
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        if x.shape[0] == 0:
            raise ValueError(f"{self._who}: the input sequence is empty (length 0)")
        batch = x.shape[1]
        full = (self.num_layers * self._dirs, batch, self.hidden_size)
        want = (full[0], full[2]) if unbatched else full
        n_states = 2 if self._kind.has_cell else 1
        if hx is None:
            # One shared (B, H) zero array: nothing writes into an initial state, and picking
            # each layer's slice of an (L·D, B, H) zero tensor would cost an op per layer.
            zero = _zeros_like_state(x, (batch, self.hidden_size))
            return x, [[zero] * full[0] for _ in range(n_states)], unbatched
        given = _state_list(hx, self._kind.has_cell)
        if len(given) != n_states or not all(isinstance(s, Tensor) for s in given):
            raise TypeError(
                f"{self._who}: hx must be "
                + ("a tuple (h_0, c_0) of Tensors" if n_states == 2 else "a Tensor")
            )
        states = []
        for name, s in zip(("h_0", "c_0"), given, strict=False):
            _check_shape(self._who, name, s, want)
            _check_dtype(self._who, name, s, self._w[0][0].w_ih)
            s = s.unsqueeze(1) if unbatched else s
            states.append([s[i] for i in range(full[0])])
        return x, states, unbatched

    # -------------------------------------------------- running

    def _run_direction(
        self, x: Tensor, h: Tensor, c: Tensor | None, w: _Weights, layer: int, reverse: bool
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        observer = None
        if self._observer is not None:
            notify = self._observer

            def observer(t: int, grad: Any, _k: int = layer, _d: int = int(reverse)) -> None:
                notify(_k, _d, t, grad)

        if self.fused:
            return run_fused(
                self._kind.name,
                x,
                h,
                c,
                w.flat(),
                reverse=reverse,
                bias=self.bias,
                peephole=self.peephole,
                nonlinearity=self.nonlinearity,
                observer=observer,
                state_axis=True,
            )
        return self._run_composed(x, h, c, w, reverse, observer)

    def _run_composed(
        self,
        x: Tensor,
        h: Tensor,
        c: Tensor | None,
        w: _Weights,
        reverse: bool,
        observer: StepObserver | None,
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        """The direction from primitive ops; states returned as ``(1, B, H)`` like the fused.

        The per-gate weight views are taken once, in scope ``weights``, so every time step
        reads the same tensors: their gradients from the steps sum there (BPTT's copy rule),
        and a picture shows the sharing rather than one slice per step.
        """
        with scope("weights"):
            gates = _gate_views(self._kind, w, self.hidden_size)
        steps = x.shape[0]
        outputs: list[Tensor] = [None] * steps  # type: ignore[list-item]
        for t in range(steps - 1, -1, -1) if reverse else range(steps):
            with scope(f"t={t}"):
                h, c = self._kind.step(x[t], h, c, gates, w.peep, self.nonlinearity)
            if observer is not None and h.requires_grad:
                h.register_hook(lambda g, _t=t: observer(_t, g.data))
            outputs[t] = h
        with scope("outputs"):
            return (
                minigrad.stack(outputs),
                h.unsqueeze(0),
                None if c is None else c.unsqueeze(0),
            )

    def _dropout(self, x: Tensor) -> Tensor:
        if not self.training or self.dropout == 0.0:
            return x
        if self.dropout == 1.0:
            return x * 0.0
        keep = (
            backend.random_uniform(x.shape, 0.0, 1.0, backend.dtype_name(x.dtype), like=x.data)
            >= self.dropout
        )
        xp = backend.namespace(x.data)
        mask = xp.astype(keep, x.dtype) / (1.0 - self.dropout)
        return x * Tensor(mask)

    def forward(self, input: Any, hx: Any = None) -> tuple[Tensor, State]:
        x, states, unbatched = self._prepare(input, hx)
        h_n: list[Tensor] = []
        c_n: list[Tensor] = []
        with scope(self._kind.name):
            for k in range(self.num_layers):
                outs = []
                for d in range(self._dirs):
                    idx = k * self._dirs + d
                    h0 = states[0][idx]
                    c0 = states[1][idx] if self._kind.has_cell else None
                    with scope(f"l{k}" + ("_reverse" if d else "")):
                        y, h, c = self._run_direction(x, h0, c0, self._w[k][d], k, bool(d))
                    outs.append(y)
                    h_n.append(h)
                    if c is not None:
                        c_n.append(c)
                x = outs[0] if self._dirs == 1 else minigrad.concat(outs, axis=2)
                if k < self.num_layers - 1:
                    x = self._dropout(x)
            # Each direction's states are (1, B, H) already: one layer-direction needs no op.
            h_out = _join_states(h_n)
            c_out = _join_states(c_n) if c_n else None
        if unbatched:
            x, h_out = x.squeeze(1), h_out.squeeze(1)
            c_out = None if c_out is None else c_out.squeeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        if self._kind.has_cell:
            assert c_out is not None
            return x, (h_out, c_out)
        return x, h_out


_LAYER_DOC = """\

    Parameters
    ----------
    input_size, hidden_size : int
        Features of the input and of the hidden state H.
    num_layers : int
        Stacked layers; layer k > 0 reads layer k − 1's output (both directions).
    bias : bool
        Whether to use ``bias_ih_l<k>`` and ``bias_hh_l<k>``.
    batch_first : bool
        Input and output are ``(B, T, features)`` instead of ``(T, B, features)``.
    dropout : float
        Dropout probability on every layer's output except the last (training mode only).
    bidirectional : bool
        Add a reverse direction (parameters ``…_reverse``); outputs concatenate to 2H.
    fused : bool, keyword-only
        ``True`` (default): one fused op per sequence and layer-direction (fast, for training).
        ``False``: composed from primitive ops with per-step, per-gate scopes (for graphs).
    device, dtype : optional
        Where and in which float dtype the parameters live (default: CPU, float32).
"""


class RNN(_LayerBase):
    """Elman RNN over sequences: ``output, h_n = rnn(input, h_0=None)``.

    ``nonlinearity`` is ``"tanh"`` (default) or ``"relu"``. Parameters ``weight_ih_l<k>
    (H, in)``, ``weight_hh_l<k> (H, H)``, ``bias_ih_l<k>``, ``bias_hh_l<k> (H,)``.

    {parameters}

    Examples
    --------
    >>> import minigrad
    >>> from nn import rnn
    >>> layer = rnn.RNN(3, 4, num_layers=2)
    >>> out, h_n = layer(minigrad.randn(5, 2, 3))
    >>> out.shape, h_n.shape
    ((5, 2, 4), (2, 2, 4))
    """

    _kind = _RNN

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: str | None = None,
        dtype: Any = None,
        *,
        fused: bool = True,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            nonlinearity=nonlinearity,
            fused=fused,
            device=device,
            dtype=dtype,
        )


class LSTM(_LayerBase):
    """LSTM over sequences: ``output, (h_n, c_n) = lstm(input, (h_0, c_0))``.

    Gate order i, f, g, o in ``weight_ih_l<k> (4H, in)`` and ``weight_hh_l<k> (4H, H)``, as in
    PyTorch. ``peephole=True`` (keyword) adds ``weight_ci_l<k>``, ``weight_cf_l<k>``,
    ``weight_co_l<k> (H,)``: i and f see c_{t−1}, o sees c_t.

    {parameters}

    Examples
    --------
    >>> import minigrad
    >>> from nn import rnn
    >>> lstm = rnn.LSTM(3, 4, bidirectional=True, batch_first=True)
    >>> out, (h_n, c_n) = lstm(minigrad.randn(2, 5, 3))
    >>> out.shape, h_n.shape, c_n.shape
    ((2, 5, 8), (2, 2, 4), (2, 2, 4))

    The composed form scopes every gate of every step, for pictures:

    >>> slow = rnn.LSTM(3, 4, fused=False)
    >>> out, _ = slow(minigrad.randn(2, 1, 3))
    >>> h_0 = out.node.parents[0]  # out stacks the steps' hidden states
    >>> h_0.node.scope, h_0.node.parents[0].node.scope
    ('lstm/l0/t=0/hidden', 'lstm/l0/t=0/output_gate')
    """

    _kind = _LSTM

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: str | None = None,
        dtype: Any = None,
        *,
        peephole: bool = False,
        fused: bool = True,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            peephole=peephole,
            fused=fused,
            device=device,
            dtype=dtype,
        )


class GRU(_LayerBase):
    """GRU over sequences: ``output, h_n = gru(input, h_0=None)``.

    Gate order r, z, n in ``weight_ih_l<k> (3H, in)``; n = tanh(W_in x + b_in + r ⊙ (W_hn h +
    b_hn)), as in PyTorch.

    {parameters}

    Examples
    --------
    >>> import minigrad
    >>> from nn import rnn
    >>> gru = rnn.GRU(3, 4)
    >>> out, h_n = gru(minigrad.randn(6, 3))  # unbatched (seq, features)
    >>> out.shape, h_n.shape
    ((6, 4), (1, 4))
    """

    _kind = _GRU

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        device: str | None = None,
        dtype: Any = None,
        *,
        fused: bool = True,
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            num_layers,
            bias,
            batch_first,
            dropout,
            bidirectional,
            fused=fused,
            device=device,
            dtype=dtype,
        )


# The three layers share their constructor's parameters; write them once.
for _layer in (RNN, LSTM, GRU):
    _layer.__doc__ = (_layer.__doc__ or "").replace("    {parameters}", _LAYER_DOC.rstrip("\n"))

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]
