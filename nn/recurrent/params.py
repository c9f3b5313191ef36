"""Parameters of a recurrent layer-direction: creation, PyTorch's names and initialisation.

Names and shapes are PyTorch's (``weight_ih_l0 (G·H, in)``, ``weight_hh_l0 (G·H, H)``,
``bias_ih_l0``, ``bias_hh_l0 (G·H,)``, ``…_reverse``), and so is the initialisation,
U(−1/√H, 1/√H) for every parameter, so weights move between the two libraries.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from minigrad import Tensor, backend, get_default_dtype
from nn.module import Module, Parameter
from nn.recurrent.steps import CellKind, Gate


class LayerWeights(NamedTuple):
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


def make_weights(
    module: Module,
    kind: CellKind,
    input_size: int,
    hidden: int,
    bias: bool,
    peephole: bool,
    suffix: str,
    dtype: Any,
    device: str | None,
) -> LayerWeights:
    """Create, register on ``module`` and name one layer-direction's parameters."""
    bound = 1.0 / math.sqrt(hidden) if hidden else 0.0
    dtype_name = backend.dtype_name(dtype) if dtype is not None else get_default_dtype()
    rows = len(kind.blocks) * hidden

    def param(name: str, *shape: int) -> Parameter:
        data = backend.random_uniform(shape, -bound, bound, dtype_name)
        p = Parameter(data, name=name + suffix)
        if device is not None and device != "cpu":
            p.array = backend.to_device(p.array, device)
        setattr(module, name + suffix, p)
        return p

    w_ih = param("weight_ih", rows, input_size)
    w_hh = param("weight_hh", rows, hidden)
    b_ih = param("bias_ih", rows) if bias else None
    b_hh = param("bias_hh", rows) if bias else None
    peep = None
    if peephole:
        peep = (param("weight_ci", hidden), param("weight_cf", hidden), param("weight_co", hidden))
    return LayerWeights(w_ih, w_hh, b_ih, b_hh, peep)


def gate_views(kind: CellKind, w: LayerWeights, hidden: int) -> dict[str, Gate]:
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
        gates[block] = Gate(wx, wh, bx, bh)
    return gates
