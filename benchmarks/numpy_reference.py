"""Hand-derived NumPy reference for the char-level language-model train step.

One train step of embedding → {LSTM | GRU | vanilla RNN} → linear → cross-entropy (mean over
all T×B positions) → hand-written full backprop through time → plain SGD update, written the
way a careful NumPy author would, so that ``bench_charlm.py`` compares minigrad with the best
one can reasonably do in NumPy:

- the input projections of all time steps are one matmul (``X @ W_ihᵀ``), before the loop;
- the weight gradients are one matmul per sequence (``dGatesᵀ @ X`` and ``dGatesᵀ @ H``),
  after the loop; only ``h @ W_hhᵀ`` and ``dGates @ W_hh`` run per step;
- gate non-linearities are applied in place on one gate buffer, and one ``tanh`` call covers
  the sigmoid gates too: σ(x) = ½·tanh(x/2) + ½, so the sigmoid gates' weight rows are scaled
  by ½ (exact in floating point) before the step and need only ``*½ + ½`` after the ``tanh``;
- the LSTM keeps its gates in the order i, f, o, g (weight rows permuted as they are scaled,
  weight gradients permuted back), so its three sigmoid gates are one block: one ``*½ + ½`` and
  one σ′ = s(1 − s) per step serve all three;
- ``W_hhᵀ`` is made contiguous once per step (a transposed view is slower in the per-step
  matmul);
- every buffer is allocated once, in ``__init__``; the loops write with ``out=``.

Parameters use PyTorch's names, shapes, gate orders (LSTM i, f, g, o; GRU r, z, n with r applied
to ``W_hn h + b_hn``) and default initialisation, and the layout is time-major ``(T, B)``.

Run ``python benchmarks/numpy_reference.py --check`` to verify the hand-written gradients
against central finite differences in float64 (and against PyTorch autograd when importable).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

KINDS = ("lstm", "gru", "rnn")
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def _half_tanh_to_sigmoid(a: np.ndarray) -> None:
    """``a`` holds tanh(x/2); make it σ(x) = ½·tanh(x/2) + ½ in place."""
    a *= 0.5
    a += 0.5


class NumpyCharLM:
    """Embedding → one recurrent layer → linear → cross-entropy, with a hand-written backward.

    Parameters
    ----------
    kind : {"lstm", "gru", "rnn"}
        The recurrent cell (``"rnn"`` is PyTorch's ``nn.RNN`` with tanh).
    vocab, embed, hidden : int
        Vocabulary size, embedding width and hidden size.
    steps, batch : int
        Sequence length T and batch size B; the buffers are sized for them.
    dtype : str
        ``"float32"`` for benchmarks, ``"float64"`` for the gradient check.
    seed : int
        Seed of the PyTorch-style initialisation.

    Examples
    --------
    >>> model = NumpyCharLM("lstm", vocab=10, embed=4, hidden=8, steps=5, batch=2)
    >>> ids = np.zeros((6, 2), dtype=np.int64)
    >>> loss = model.train_step(ids[:-1], ids[1:], lr=0.1)
    """

    def __init__(
        self,
        kind: str,
        vocab: int,
        embed: int,
        hidden: int,
        steps: int,
        batch: int,
        dtype: str = "float32",
        seed: int = 0,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        self.kind, self.vocab, self.embed, self.hidden = kind, vocab, embed, hidden
        self.steps, self.batch = steps, batch
        dt = np.dtype(dtype)
        g = GATES[kind] * hidden
        rng = np.random.default_rng(seed)

        def uniform(shape: tuple[int, ...], fan: int) -> np.ndarray:
            bound = 1.0 / np.sqrt(fan)
            return rng.uniform(-bound, bound, shape).astype(dt)

        # PyTorch's default initialisation for Embedding, RNN/LSTM/GRU and Linear.
        self.params: dict[str, np.ndarray] = {
            "embedding.weight": rng.standard_normal((vocab, embed)).astype(dt),
            "rnn.weight_ih_l0": uniform((g, embed), hidden),
            "rnn.weight_hh_l0": uniform((g, hidden), hidden),
            "rnn.bias_ih_l0": uniform((g,), hidden),
            "rnn.bias_hh_l0": uniform((g,), hidden),
            "decoder.weight": uniform((vocab, hidden), hidden),
            "decoder.bias": uniform((vocab,), hidden),
        }
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        # The LSTM's internal row order i, f, o, g (PyTorch's is i, f, g, o; the permutation
        # is its own inverse): the three sigmoid gates side by side. None: PyTorch's order.
        self._order = None
        if kind == "lstm":
            blocks = (0, 1, 3, 2)
            self._order = np.concatenate([np.arange(k * hidden, (k + 1) * hidden) for k in blocks])
            self._w_ih_p = np.empty((g, embed), dt)  # the weights' rows in that order
            self._w_hh_p = np.empty((g, hidden), dt)
            self._dw_ih_p = np.empty((g, embed), dt)  # weight gradients before the permutation
            self._dw_hh_p = np.empty((g, hidden), dt)
            self._db_p = np.empty((g,), dt)
        # Row scale of the gate pre-activations (internal order): ½ for sigmoid gates (see
        # _half_tanh_to_sigmoid).
        sigmoid_gates = {"lstm": (0, 1, 2), "gru": (0, 1), "rnn": ()}[kind]
        self._scale = np.ones((g, 1), dt)
        for k in sigmoid_gates:
            self._scale[k * hidden : (k + 1) * hidden] = 0.5
        self._w_ih_s = np.empty((g, embed), dt)
        # stored transposed and contiguous: h @ W_hhᵀ is ~25% faster in OpenBLAS at B=32
        # than with a transposed view
        self._w_hh_s_t = np.empty((hidden, g), dt)

        t, b, n = steps, batch, steps * batch
        self._x = np.empty((t, b, embed), dt)  # embedded inputs
        self._xproj = np.empty((t, b, g), dt)  # X @ W_ihᵀ + bias, all steps at once
        self._act = np.empty((t, b, g), dt)  # gate activations per step
        self._h = np.zeros((t + 1, b, hidden), dt)  # h[0] is the initial state (zeros)
        self._logits = np.empty((n, vocab), dt)
        self._dh_all = np.empty((t, b, hidden), dt)  # ∂L/∂h_t from the decoder
        self._dpre = np.empty((t, b, g), dt)  # ∂L/∂(gate pre-activations)
        self._dh = np.empty((b, hidden), dt)
        self._dh_next = np.empty((b, hidden), dt)
        self._tmp = np.empty((b, hidden), dt)
        self._tmp2 = np.empty((b, hidden), dt)
        self._dx = np.empty((n, embed), dt)
        self._rows = np.arange(n)
        if kind == "lstm":
            self._c = np.zeros((t + 1, b, hidden), dt)
            self._tanh_c = np.empty((t, b, hidden), dt)
            self._dc = np.empty((b, hidden), dt)
            self._tmp3 = np.empty((b, 3 * hidden), dt)  # σ′ of the three sigmoid gates
        if kind == "gru":
            self._hproj = np.empty((t, b, g), dt)  # h @ W_hhᵀ + b_hh per step
            self._dhproj = np.empty((t, b, g), dt)  # ∂L/∂hproj

    # ------------------------------------------------------------------ forward

    def _forward(self, ids: np.ndarray, targets: np.ndarray) -> float:
        p = self.params
        t_len, b, hdim = self.steps, self.batch, self.hidden
        np.take(p["embedding.weight"], ids, axis=0, out=self._x)
        x2 = self._x.reshape(t_len * b, self.embed)
        xproj2 = self._xproj.reshape(t_len * b, -1)
        scale = self._scale
        w_ih, w_hh = p["rnn.weight_ih_l0"], p["rnn.weight_hh_l0"]
        bias = p["rnn.bias_ih_l0"] + p["rnn.bias_hh_l0"]
        if self._order is not None:
            w_ih = np.take(w_ih, self._order, axis=0, out=self._w_ih_p)
            w_hh = np.take(w_hh, self._order, axis=0, out=self._w_hh_p)
            bias = bias[self._order]
        np.multiply(w_ih, scale, out=self._w_ih_s)
        np.multiply(w_hh.T, scale.T, out=self._w_hh_s_t)
        np.matmul(x2, self._w_ih_s.T, out=xproj2)
        if self.kind == "gru":
            # b_hn sits inside r ⊙ (·), so the two biases stay apart
            xproj2 += p["rnn.bias_ih_l0"] * scale[:, 0]
        else:
            xproj2 += bias * scale[:, 0]
        w_hh_t = self._w_hh_s_t
        h, act, xproj = self._h, self._act, self._xproj
        # Per-step products use np.dot: the same BLAS call as np.matmul with less dispatch.
        if self.kind == "lstm":
            c, tanh_c, tmp = self._c, self._tanh_c, self._tmp
            for t in range(t_len):
                a = act[t]
                np.dot(h[t], w_hh_t, out=a)
                a += xproj[t]
                np.tanh(a, out=a)
                _half_tanh_to_sigmoid(a[:, : 3 * hdim])  # i, f, o
                i, f, o, g = (a[:, k * hdim : (k + 1) * hdim] for k in range(4))
                np.multiply(f, c[t], out=c[t + 1])
                np.multiply(i, g, out=tmp)
                c[t + 1] += tmp
                np.tanh(c[t + 1], out=tanh_c[t])
                np.multiply(o, tanh_c[t], out=h[t + 1])
        elif self.kind == "gru":
            hproj, tmp = self._hproj, self._tmp
            b_hh = p["rnn.bias_hh_l0"] * scale[:, 0]
            for t in range(t_len):
                a, hp = act[t], hproj[t]
                np.dot(h[t], w_hh_t, out=hp)
                hp += b_hh
                np.add(xproj[t, :, : 2 * hdim], hp[:, : 2 * hdim], out=a[:, : 2 * hdim])
                np.tanh(a[:, : 2 * hdim], out=a[:, : 2 * hdim])
                _half_tanh_to_sigmoid(a[:, : 2 * hdim])
                r, z, n = a[:, :hdim], a[:, hdim : 2 * hdim], a[:, 2 * hdim :]
                np.multiply(r, hp[:, 2 * hdim :], out=n)
                n += xproj[t, :, 2 * hdim :]
                np.tanh(n, out=n)
                np.subtract(h[t], n, out=tmp)  # h' = n + z ⊙ (h − n)
                tmp *= z
                np.add(n, tmp, out=h[t + 1])
        else:
            for t in range(t_len):
                np.dot(h[t], w_hh_t, out=h[t + 1])
                h[t + 1] += xproj[t]
                np.tanh(h[t + 1], out=h[t + 1])

        # Decoder and mean cross-entropy; self._logits ends up holding ∂L/∂logits.
        logits = self._logits
        np.matmul(h[1:].reshape(t_len * b, hdim), p["decoder.weight"].T, out=logits)
        logits += p["decoder.bias"]
        logits -= logits.max(axis=1, keepdims=True)
        picked = logits[self._rows, targets.reshape(-1)]
        np.exp(logits, out=logits)
        sums = logits.sum(axis=1)
        loss = float(np.mean(np.log(sums) - picked))
        logits /= sums[:, None]
        logits[self._rows, targets.reshape(-1)] -= 1.0
        logits *= 1.0 / (t_len * b)
        return loss

    # ------------------------------------------------------------------ backward

    def _backward(self, ids: np.ndarray) -> None:
        p, gr = self.params, self.grads
        t_len, b, hdim = self.steps, self.batch, self.hidden
        n_rows = t_len * b
        dlogits = self._logits
        h2 = self._h[1:].reshape(n_rows, hdim)
        np.matmul(dlogits.T, h2, out=gr["decoder.weight"])
        np.sum(dlogits, axis=0, out=gr["decoder.bias"])
        np.matmul(dlogits, p["decoder.weight"], out=self._dh_all.reshape(n_rows, hdim))

        w_hh = p["rnn.weight_hh_l0"]
        h, act, dpre, dh_all = self._h, self._act, self._dpre, self._dh_all
        dh, dh_next, tmp, tmp2 = self._dh, self._dh_next, self._tmp, self._tmp2
        dh_next.fill(0.0)
        if self.kind == "lstm":
            w_hh = self._w_hh_p  # rows in the internal order i, f, o, g
            c, tanh_c, dc = self._c, self._tanh_c, self._dc
            tmp3 = self._tmp3
            dc.fill(0.0)
            for t in reversed(range(t_len)):
                np.add(dh_all[t], dh_next, out=dh)
                a, d = act[t], dpre[t]
                i, f, o, g = (a[:, k * hdim : (k + 1) * hdim] for k in range(4))
                di, df, do, dg = (d[:, k * hdim : (k + 1) * hdim] for k in range(4))
                tc = tanh_c[t]
                # ∂L/∂c_t = carried + dh ⊙ o ⊙ (1 − tanh²c)
                np.multiply(tc, tc, out=tmp)
                np.subtract(1.0, tmp, out=tmp)
                tmp *= o
                tmp *= dh
                dc += tmp
                # gate outputs, then through tanh' = 1 − g² and σ' = s(1 − s) (i, f, o at once)
                np.multiply(dh, tc, out=do)
                np.multiply(dc, g, out=di)
                np.multiply(dc, c[t], out=df)
                np.multiply(dc, i, out=dg)
                np.multiply(g, g, out=tmp)
                np.subtract(1.0, tmp, out=tmp)
                dg *= tmp
                sig, dsig = a[:, : 3 * hdim], d[:, : 3 * hdim]
                np.subtract(1.0, sig, out=tmp3)
                tmp3 *= sig
                dsig *= tmp3
                dc *= f  # carried to step t − 1
                np.dot(d, w_hh, out=dh_next)
            dhproj = dpre
        elif self.kind == "gru":
            hproj, dhproj = self._hproj, self._dhproj
            for t in reversed(range(t_len)):
                np.add(dh_all[t], dh_next, out=dh)
                a, d, dhp = act[t], dpre[t], dhproj[t]
                r, z, n = a[:, :hdim], a[:, hdim : 2 * hdim], a[:, 2 * hdim :]
                dr, dz, dn = d[:, :hdim], d[:, hdim : 2 * hdim], d[:, 2 * hdim :]
                # h' = n + z ⊙ (h − n): ∂n = dh ⊙ (1 − z), ∂z = dh ⊙ (h − n), ∂h += dh ⊙ z
                np.subtract(1.0, z, out=tmp)
                np.multiply(dh, tmp, out=dn)
                np.multiply(n, n, out=tmp)
                np.subtract(1.0, tmp, out=tmp)
                dn *= tmp  # through tanh
                np.subtract(h[t], n, out=dz)
                dz *= dh
                np.subtract(1.0, z, out=tmp)
                tmp *= z
                dz *= tmp  # through σ
                # n = tanh(x_n + r ⊙ hn): ∂r = dn ⊙ hn, ∂hn = dn ⊙ r
                np.multiply(dn, hproj[t, :, 2 * hdim :], out=dr)
                np.subtract(1.0, r, out=tmp)
                tmp *= r
                dr *= tmp
                dhp[:, : 2 * hdim] = d[:, : 2 * hdim]
                np.multiply(dn, r, out=dhp[:, 2 * hdim :])
                np.dot(dhp, w_hh, out=tmp2)
                np.multiply(dh, z, out=dh_next)
                dh_next += tmp2
        else:
            # tanh' = 1 − h² for every step at once; the loop is left with upstream × local
            np.multiply(h[1:], h[1:], out=dpre)
            np.subtract(1.0, dpre, out=dpre)
            for t in reversed(range(t_len)):
                d = dpre[t]
                np.add(dh_all[t], dh_next, out=dh)
                d *= dh
                np.dot(d, w_hh, out=dh_next)
            dhproj = dpre

        # Weight gradients: one matmul per sequence each.
        g_cols = dpre.shape[-1]
        dpre2 = dpre.reshape(n_rows, g_cols)
        dhproj2 = dhproj.reshape(n_rows, g_cols)
        x2, h_prev2 = self._x.reshape(n_rows, self.embed), h[:t_len].reshape(n_rows, hdim)
        if self._order is None:
            np.matmul(dpre2.T, x2, out=gr["rnn.weight_ih_l0"])
            np.sum(dpre2, axis=0, out=gr["rnn.bias_ih_l0"])
            np.matmul(dhproj2.T, h_prev2, out=gr["rnn.weight_hh_l0"])
            np.sum(dhproj2, axis=0, out=gr["rnn.bias_hh_l0"])
            np.matmul(dpre2, p["rnn.weight_ih_l0"], out=self._dx)
        else:  # the LSTM: rows back from i, f, o, g to PyTorch's i, f, g, o
            order = self._order
            np.matmul(dpre2.T, x2, out=self._dw_ih_p)
            np.take(self._dw_ih_p, order, axis=0, out=gr["rnn.weight_ih_l0"])
            np.matmul(dpre2.T, h_prev2, out=self._dw_hh_p)
            np.take(self._dw_hh_p, order, axis=0, out=gr["rnn.weight_hh_l0"])
            np.sum(dpre2, axis=0, out=self._db_p)
            np.take(self._db_p, order, axis=0, out=gr["rnn.bias_ih_l0"])
            gr["rnn.bias_hh_l0"][...] = gr["rnn.bias_ih_l0"]
            np.matmul(dpre2, self._w_ih_p, out=self._dx)
        demb = gr["embedding.weight"]
        demb.fill(0.0)
        # Rows of dx summed per id through the flat positions of their elements: np.add.at
        # has a fast loop for 1-D indexing only (row indexing is 2.5–5× slower, and sorting
        # the ids for a segment sum slower still at these sizes).
        positions = ids.reshape(-1).astype(np.intp)[:, None] * self.embed + np.arange(self.embed)
        np.add.at(demb.reshape(-1), positions.reshape(-1), self._dx.reshape(-1))

    # ------------------------------------------------------------------ public

    def loss_and_grads(self, ids: np.ndarray, targets: np.ndarray) -> float:
        """Forward and full BPTT; fills ``self.grads``; returns the mean cross-entropy."""
        if ids.shape != (self.steps, self.batch) or targets.shape != ids.shape:
            raise ValueError(
                f"ids and targets must have shape (T, B) = {(self.steps, self.batch)}, got "
                f"{ids.shape} and {targets.shape}"
            )
        loss = self._forward(ids, targets)
        self._backward(ids)
        return loss

    def loss(self, ids: np.ndarray, targets: np.ndarray) -> float:
        """Forward only: the mean cross-entropy."""
        return self._forward(ids, targets)

    def train_step(self, ids: np.ndarray, targets: np.ndarray, lr: float) -> float:
        """One SGD train step (forward, BPTT, ``p -= lr · ∂L/∂p``); returns the loss."""
        loss = self.loss_and_grads(ids, targets)
        for name, param in self.params.items():
            param -= lr * self.grads[name]
        return loss


# ---------------------------------------------------------------------- self-check


def _finite_difference_check(kind: str, rng: np.random.Generator) -> float:
    """Largest relative error between hand-written and central-difference gradients."""
    vocab, embed, hidden, steps, batch = 7, 3, 4, 5, 2
    model = NumpyCharLM(kind, vocab, embed, hidden, steps, batch, dtype="float64", seed=1)
    ids = rng.integers(0, vocab, (steps, batch))
    targets = rng.integers(0, vocab, (steps, batch))
    model.loss_and_grads(ids, targets)
    analytic = {k: v.copy() for k, v in model.grads.items()}
    worst, eps = 0.0, 1e-6
    for name, param in model.params.items():
        numeric = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            saved = param[index]
            param[index] = saved + eps
            plus = model.loss(ids, targets)
            param[index] = saved - eps
            minus = model.loss(ids, targets)
            param[index] = saved
            numeric[index] = (plus - minus) / (2 * eps)
        scale = max(1e-8, float(np.abs(numeric).max()))
        error = float(np.abs(analytic[name] - numeric).max()) / scale
        if error > 1e-6:
            raise AssertionError(f"{kind}: gradient of {name} is off by {error:.2e} (relative)")
        worst = max(worst, error)
    return worst


def _torch_check(kind: str, rng: np.random.Generator, torch: Any) -> float:
    """Largest relative difference from PyTorch autograd on the same weights (float64)."""
    vocab, embed, hidden, steps, batch = 11, 5, 6, 7, 3
    model = NumpyCharLM(kind, vocab, embed, hidden, steps, batch, dtype="float64", seed=2)
    ids = rng.integers(0, vocab, (steps, batch))
    targets = rng.integers(0, vocab, (steps, batch))
    loss = model.loss_and_grads(ids, targets)
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
    tmodel = torch.nn.ModuleDict(
        {
            "embedding": torch.nn.Embedding(vocab, embed),
            "rnn": layer(embed, hidden),
            "decoder": torch.nn.Linear(hidden, vocab),
        }
    ).double()
    with torch.no_grad():
        for name, param in tmodel.named_parameters():
            param.copy_(torch.from_numpy(model.params[name]))
    out, _ = tmodel["rnn"](tmodel["embedding"](torch.from_numpy(ids)))
    logits = tmodel["decoder"](out).reshape(-1, vocab)
    tloss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(targets).reshape(-1))
    tloss.backward()
    worst = abs(loss - tloss.item()) / abs(tloss.item())
    for name, param in tmodel.named_parameters():
        ref = param.grad.numpy()
        error = float(np.abs(model.grads[name] - ref).max()) / max(1e-12, float(np.abs(ref).max()))
        worst = max(worst, error)
    if worst > 1e-9:
        raise AssertionError(f"{kind}: differs from PyTorch by {worst:.2e} (relative)")
    return worst


def check() -> None:
    """Verify the hand-written BPTT of every kind; raises AssertionError on a mismatch."""
    try:
        import torch
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    for kind in KINDS:
        fd = _finite_difference_check(kind, rng)
        line = f"{kind}: finite differences agree (max relative error {fd:.1e})"
        if torch is not None:
            diff = _torch_check(kind, rng, torch)
            line += f"; PyTorch agrees (max relative difference {diff:.1e})"
        print(line)
    if torch is None:
        print("note: PyTorch is not importable; checked against finite differences only")
    print("ok")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Hand-derived NumPy char-LM train step.")
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the hand-written gradients (finite differences, PyTorch)",
    )
    args = parser.parse_args(argv)
    if args.check:
        check()
        return
    parser.print_help()
    sys.exit(0)


if __name__ == "__main__":
    main()
