"""The modules: cells (one step) and layers (sequences), which own parameters and state.

All six share two constructors — :class:`RecurrentBase` for layers (PyTorch's
``RNNBase(mode, …)``) and :class:`CellBase` for cells — and one state check; the public
classes only state their typed signatures, so ``help()`` and IDEs show every option. The maths
lives in :mod:`nn.recurrent.steps` (composed) and :mod:`nn.recurrent.fused` (fused).
"""

from __future__ import annotations

from typing import Any

import minigrad
from minigrad import Tensor, backend, scope, time_step_scope
from nn.module import Module
from nn.recurrent.fused import run_fused
from nn.recurrent.fused.rnn import NONLINEARITIES
from nn.recurrent.params import LayerWeights, gate_views, make_weights
from nn.recurrent.recording import Sink, StepHooks
from nn.recurrent.steps import KINDS, CellKind, StepOptions

State = Tensor | tuple[Tensor, Tensor]


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


def check_states(
    who: str, hx: Any, has_cell: bool, names: tuple[str, str], shape: tuple[int, ...], like: Tensor
) -> list[Tensor]:
    """The given initial state(s) as a list, after checking type, shape and dtype.

    ``hx`` is a Tensor, or for an LSTM a pair ``(h, c)``; each must have ``shape`` and
    ``like``'s dtype. The error names the module, the state and what was expected.
    """
    given = list(hx) if has_cell and isinstance(hx, (tuple, list)) else [hx]
    count = 2 if has_cell else 1
    if len(given) != count or not all(isinstance(s, Tensor) for s in given):
        wanted = f"a tuple ({names[0]}, {names[1]}) of Tensors" if has_cell else "a Tensor"
        raise TypeError(f"{who}: hx must be {wanted}")
    for name, s in zip(names, given, strict=False):
        _check_shape(who, name, s, shape)
        _check_dtype(who, name, s, like)
    return given


def _zero_state(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    return Tensor.from_array(backend.namespace(x.array).zeros(shape, dtype=x.dtype))


def _join_states(states: list[Tensor]) -> Tensor:
    """``(L·D, B, H)`` from the layer-directions' ``(1, B, H)`` final states."""
    return states[0] if len(states) == 1 else minigrad.concat(states, axis=0)


def _check_options(kind: CellKind, nonlinearity: str, peephole: bool, reset_after: bool) -> None:
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}, got {nonlinearity!r}")
    if nonlinearity != "tanh" and kind.name != "rnn":
        raise ValueError(f"nonlinearity applies to RNN only, not {kind.name.upper()}")
    if peephole and kind.name != "lstm":
        raise ValueError(f"peephole applies to LSTM only, not {kind.name.upper()}")
    if not reset_after and kind.name != "gru":
        raise ValueError(f"reset_after applies to GRU only, not {kind.name.upper()}")


# ---------------------------------------------------------------- cells


class CellBase(StepHooks, Module):
    """One time step; the shared constructor of RNNCell, LSTMCell and GRUCell."""

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | None = None,
        dtype: Any = None,
        *,
        nonlinearity: str = "tanh",
        peephole: bool = False,
        reset_after: bool = True,
        fused: bool = False,
    ) -> None:
        super().__init__()
        self._kind = KINDS[mode]
        _check_options(self._kind, nonlinearity, peephole, reset_after)
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.nonlinearity, self.peephole, self.fused = nonlinearity, peephole, fused
        self.reset_after = reset_after
        self._w = make_weights(
            self, self._kind, input_size, hidden_size, bias, peephole, "", dtype, device
        )
        self._init_step_hooks()

    @property
    def _who(self) -> str:
        return type(self).__name__

    def extra_repr(self) -> str:
        extra = f"{self.input_size}, {self.hidden_size}"
        for name, default in (
            ("bias", True),
            ("nonlinearity", "tanh"),
            ("peephole", False),
            ("reset_after", True),
        ):
            value = getattr(self, name)
            if value != default:
                extra += f", {name}={value!r}"
        return extra

    def _prepare(self, x: Any, hx: Any) -> tuple[Tensor, list[Tensor], bool]:
        x = minigrad.as_tensor(x)
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
        if hx is None:
            zeros = [_zero_state(x, shape) for _ in range(2 if self._kind.has_cell else 1)]
            return x, zeros, unbatched
        want = shape[1:] if unbatched else shape
        given = check_states(self._who, hx, self._kind.has_cell, ("h", "c"), want, self._w.w_ih)
        return x, [s.reshape(shape) for s in given] if unbatched else given, unbatched

    def forward(self, input: Any, hx: Any = None) -> State:
        x, states, unbatched = self._prepare(input, hx)
        h, c = states[0], (states[1] if self._kind.has_cell else None)
        sink = self._sink(0, 0, self.steps_seen)
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
                    reset_after=self.reset_after,
                    sink=sink,
                )
            else:
                gates = gate_views(self._kind, self._w, self.hidden_size)
                options = StepOptions(self.nonlinearity, self.reset_after)
                h, c, acts = self._kind.step(x, h, c, gates, self._w.peep, options)
                if sink is not None:
                    sink.watch(0, h, c, acts)
        if self._step_hooks:
            self.steps_seen += 1
        if unbatched:
            h = h.reshape(self.hidden_size)
            c = None if c is None else c.reshape(self.hidden_size)
        return (h, c) if self._kind.has_cell else h


class RNNCell(CellBase):
    """An Elman RNN cell: h' = act(W_ih x + b_ih + W_hh h + b_hh).

    ``nonlinearity`` is ``"tanh"`` (default) or ``"relu"`` as in PyTorch, or the lectures'
    ``"identity"`` (the linear recursion) and ``"sigmoid"``. Parameters ``weight_ih (H, in)``,
    ``weight_hh (H, H)``, ``bias_ih``, ``bias_hh (H,)``, initialised U(−1/√H, 1/√H) as in
    PyTorch. ``fused=True`` runs the step as one fused op.

    Examples
    --------
    >>> import minigrad
    >>> from nn import RNNCell
    >>> cell = RNNCell(3, 4)
    >>> h = cell(minigrad.randn(2, 3))
    >>> h.shape
    (2, 4)
    >>> h.node.scope
    'rnncell/hidden'
    """

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
            "rnn", input_size, hidden_size, bias, device, dtype,
            nonlinearity=nonlinearity, fused=fused,
        )  # fmt: skip


class LSTMCell(CellBase):
    """An LSTM cell (gates i, f, g, o); returns ``(h', c')``.

    ``weight_ih (4H, in)``, ``weight_hh (4H, H)``, ``bias_ih``, ``bias_hh (4H,)``; with
    ``peephole=True`` also ``weight_ci``, ``weight_cf``, ``weight_co (H,)``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import LSTMCell
    >>> cell = LSTMCell(3, 4)
    >>> h, c = cell(minigrad.randn(2, 3))
    >>> h.shape, c.shape
    ((2, 4), (2, 4))
    >>> sorted({n.node.scope for n in (h, c)})
    ['lstmcell/cell', 'lstmcell/hidden']
    """

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
            "lstm", input_size, hidden_size, bias, device, dtype, peephole=peephole, fused=fused
        )


class GRUCell(CellBase):
    """A GRU cell (gates r, z, n).

    ``reset_after=True`` (default, PyTorch's form) applies r to ``W_hn h + b_hn``;
    ``reset_after=False`` is Cho et al.'s original, ``W_hn (r ⊙ h) + b_hn``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import GRUCell
    >>> cell = GRUCell(3, 4)
    >>> cell(minigrad.randn(3), minigrad.zeros(4)).shape
    (4,)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        device: str | None = None,
        dtype: Any = None,
        *,
        reset_after: bool = True,
        fused: bool = False,
    ) -> None:
        super().__init__(
            "gru", input_size, hidden_size, bias, device, dtype,
            reset_after=reset_after, fused=fused,
        )  # fmt: skip


# ---------------------------------------------------------------- layers


class RecurrentBase(StepHooks, Module):
    """The one sequence driver behind RNN, LSTM and GRU (PyTorch's ``RNNBase(mode, …)``):
    layers, directions, dropout, initial states, both forms."""

    def __init__(
        self,
        mode: str,
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
        nonlinearity: str = "tanh",
        peephole: bool = False,
        reset_after: bool = True,
        fused: bool = True,
    ) -> None:
        super().__init__()
        self._kind = KINDS[mode]
        if num_layers < 1:
            raise ValueError(f"num_layers must be at least 1, got {num_layers}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must be a probability in [0, 1], got {dropout}")
        _check_options(self._kind, nonlinearity, peephole, reset_after)
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.nonlinearity = bidirectional, nonlinearity
        self.peephole, self.fused, self.reset_after = peephole, fused, reset_after
        self._dirs = 2 if bidirectional else 1
        self._w: list[list[LayerWeights]] = [
            [
                make_weights(
                    self,
                    self._kind,
                    input_size if k == 0 else hidden_size * self._dirs,
                    hidden_size,
                    bias,
                    peephole,
                    f"_l{k}" + ("_reverse" if d else ""),
                    dtype,
                    device,
                )
                for d in range(self._dirs)
            ]
            for k in range(num_layers)
        ]
        self._init_step_hooks()

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
            ("reset_after", True),
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
        x = minigrad.as_tensor(x)
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
        n_states = 2 if self._kind.has_cell else 1
        if hx is None:
            # One shared (B, H) zero array: nothing writes into an initial state, and picking
            # each layer's slice of an (L·D, B, H) zero tensor would cost an op per layer.
            zero = _zero_state(x, (batch, self.hidden_size))
            return x, [[zero] * full[0] for _ in range(n_states)], unbatched
        want = (full[0], full[2]) if unbatched else full
        given = check_states(
            self._who, hx, self._kind.has_cell, ("h_0", "c_0"), want, self._w[0][0].w_ih
        )
        states = [s.unsqueeze(1) if unbatched else s for s in given]
        return x, [[s[i] for i in range(full[0])] for s in states], unbatched

    # -------------------------------------------------- running

    def _run_direction(
        self, x: Tensor, h: Tensor, c: Tensor | None, w: LayerWeights, layer: int, reverse: bool
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        sink = self._sink(layer, int(reverse))
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
                reset_after=self.reset_after,
                sink=sink,
                state_axis=True,
            )
        return self._run_composed(x, h, c, w, reverse, sink)

    def _run_composed(
        self,
        x: Tensor,
        h: Tensor,
        c: Tensor | None,
        w: LayerWeights,
        reverse: bool,
        sink: Sink | None,
    ) -> tuple[Tensor, Tensor, Tensor | None]:
        """The direction from primitive ops; states returned as ``(1, B, H)`` like the fused.

        The per-gate weight views are taken once, in scope ``weights``, so every time step
        reads the same tensors: their gradients from the steps sum there (BPTT's copy rule),
        and a picture shows the sharing rather than one slice per step.
        """
        with scope("weights"):
            gates = gate_views(self._kind, w, self.hidden_size)
        options = StepOptions(self.nonlinearity, self.reset_after)
        steps = x.shape[0]
        outputs: list[Tensor] = [None] * steps  # type: ignore[list-item]
        for t in range(steps - 1, -1, -1) if reverse else range(steps):
            with time_step_scope(t):
                h, c, acts = self._kind.step(x[t], h, c, gates, w.peep, options)
            if sink is not None:
                sink.watch(t, h, c, acts)
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
            backend.random_uniform(x.shape, 0.0, 1.0, backend.dtype_name(x.dtype), like=x.array)
            >= self.dropout
        )
        xp = backend.namespace(x.array)
        return x * Tensor.from_array(xp.astype(keep, x.dtype) / (1.0 - self.dropout))

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
    device, dtype : optional
        Where and in which float dtype the parameters live (default: CPU, float32).
    fused : bool, keyword-only
        ``True`` (default): one fused op per sequence and layer-direction (fast, for training).
        ``False``: composed from primitive ops with per-step, per-gate scopes (for graphs).
"""


class RNN(RecurrentBase):
    """Elman RNN over sequences: ``output, h_n = rnn(input, h_0=None)``.

    ``nonlinearity`` is ``"tanh"`` (default) or ``"relu"`` as in PyTorch, or the lectures'
    ``"identity"`` (the linear recursion h_t = W_hh h_{t−1} + W_ih x_t + b) and
    ``"sigmoid"``. Parameters ``weight_ih_l<k> (H, in)``, ``weight_hh_l<k> (H, H)``,
    ``bias_ih_l<k>``, ``bias_hh_l<k> (H,)``.

    {parameters}

    Examples
    --------
    >>> import minigrad
    >>> from nn import RNN
    >>> layer = RNN(3, 4, num_layers=2)
    >>> out, h_n = layer(minigrad.randn(5, 2, 3))
    >>> out.shape, h_n.shape
    ((5, 2, 4), (2, 2, 4))
    """

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
            "rnn", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device, dtype, nonlinearity=nonlinearity, fused=fused,
        )  # fmt: skip


class LSTM(RecurrentBase):
    """LSTM over sequences: ``output, (h_n, c_n) = lstm(input, (h_0, c_0))``.

    Gate order i, f, g, o in ``weight_ih_l<k> (4H, in)`` and ``weight_hh_l<k> (4H, H)``, as in
    PyTorch. ``peephole=True`` (keyword) adds ``weight_ci_l<k>``, ``weight_cf_l<k>``,
    ``weight_co_l<k> (H,)``: i and f see c_{t−1}, o sees c_t (the lecture's "complete LSTM
    unit"). ``nn.init.lstm_forget_bias_(lstm, 1.0)`` sets the forget gate's bias.

    {parameters}

    Examples
    --------
    >>> import minigrad
    >>> from nn import LSTM
    >>> lstm = LSTM(3, 4, bidirectional=True, batch_first=True)
    >>> out, (h_n, c_n) = lstm(minigrad.randn(2, 5, 3))
    >>> out.shape, h_n.shape, c_n.shape
    ((2, 5, 8), (2, 2, 4), (2, 2, 4))

    The composed form scopes every gate of every step, for pictures:

    >>> slow = LSTM(3, 4, fused=False)
    >>> out, _ = slow(minigrad.randn(2, 1, 3))
    >>> h_0 = out.node.parents[0]  # out stacks the steps' hidden states
    >>> h_0.node.scope, h_0.node.parents[0].node.scope
    ('lstm/l0/t=0/hidden', 'lstm/l0/t=0/output_gate')
    """

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
            "lstm", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device, dtype, peephole=peephole, fused=fused,
        )  # fmt: skip


class GRU(RecurrentBase):
    """GRU over sequences: ``output, h_n = gru(input, h_0=None)``.

    Gate order r, z, n in ``weight_ih_l<k> (3H, in)``. ``reset_after=True`` (default) is
    PyTorch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)); ``reset_after=False`` is Cho et
    al.'s original n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn), as the lectures write it
    (Keras uses the same flag name). Both take the same parameters.

    {parameters}

    Examples
    --------
    >>> import minigrad
    >>> from nn import GRU
    >>> gru = GRU(3, 4)
    >>> out, h_n = gru(minigrad.randn(6, 3))  # unbatched (seq, features)
    >>> out.shape, h_n.shape
    ((6, 4), (1, 4))
    """

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
        reset_after: bool = True,
        fused: bool = True,
    ) -> None:
        super().__init__(
            "gru", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, device, dtype, reset_after=reset_after, fused=fused,
        )  # fmt: skip


# The three layers share their constructor's parameters; write them once.
for _layer in (RNN, LSTM, GRU):
    _layer.__doc__ = (_layer.__doc__ or "").replace("    {parameters}", _LAYER_DOC.rstrip("\n"))
