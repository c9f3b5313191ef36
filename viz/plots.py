"""Matplotlib plots for RNN lectures: gradient flow through time, W_hh spectra, training
curves, and text heatmaps of a hidden unit. Each returns the Figure and can save it.

Importing this never touches matplotlib's backend. A plot's figure is handed back and not
kept by pyplot: in Jupyter it shows inline exactly once when it is a cell's result (or with
``display(fig)``), ``save=`` writes it, and plotting in a loop piles up no open figures.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from minigrad import Tensor, backend
from minigrad import parse_time_step as time_step
from viz.grads import gradients, magnitude
from viz.walk import walk


def _finish(fig: Figure, save: str | Path | None, ours: bool = True) -> Figure:
    fig.tight_layout()
    if save is not None:
        fig.savefig(save, dpi=120)
    if ours:  # pyplot lets go: shown once as a cell's result, never again at the cell's end
        plt.close(fig)
    return fig


def _array(x: Any) -> np.ndarray:
    if isinstance(x, Tensor):
        return x.numpy()
    return np.asarray(backend.to_numpy(x) if not isinstance(x, (list, tuple)) else x, float)


def grad_norm_plot(
    norms: Mapping[str, ArrayLike],
    save: str | Path | None = None,
    title: str = "gradient flow through time",
    styles: Mapping[str, Mapping[str, Any]] | None = None,
) -> Figure:
    """‖∂L/∂h_t‖ against t, one line per model, on a log scale.

    Parameters
    ----------
    norms : mapping of label → array
        Per-step norms: a 1-D array of length T, e.g. ``nn.HiddenGradRecorder(...).norms()``
        or :func:`grad_norms_by_step`; or a 2-D array ``(runs, T)`` (several seeds), drawn
        as the geometric mean with a shaded min–max band.
    save : path, optional
        Also write the figure there (PNG, SVG, PDF by extension).
    title : str
        Say what was measured: the loss, the sequence length, the initialisation.
    styles : mapping of label → matplotlib line keywords, optional
        E.g. ``{"LSTM, forget bias 1": {"linestyle": "--"}}``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import LSTM, HiddenGradRecorder
    >>> lstm = LSTM(2, 8)
    >>> with HiddenGradRecorder(lstm) as rec:
    ...     out, _ = lstm(minigrad.randn(10, 1, 2))
    >>> out[-1].sum().backward()
    >>> fig = grad_norm_plot({"LSTM": rec.norms(), "toy": [1e-6, 1e-3, 1.0]})
    >>> fig.axes[0].get_yscale(), len(fig.axes[0].lines)
    ('log', 2)
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, values in norms.items():
        ys = np.asarray(_array(values), float)
        if ys.ndim not in (1, 2):
            raise ValueError(
                f"grad_norm_plot: {label!r} has shape {ys.shape}; give a 1-D array (T,) "
                "of per-step norms or a 2-D array (runs, T)"
            )
        ys = np.where(ys > 0, ys, np.nan)
        ts = np.arange(ys.shape[-1])
        if ys.ndim == 2:
            line = ax.plot(ts, np.exp(np.nanmean(np.log(ys), axis=0)), **_style(styles, label))
            ax.fill_between(
                ts, np.nanmin(ys, 0), np.nanmax(ys, 0), color=line[0].get_color(), alpha=0.15
            )
        else:
            ax.plot(ts, ys, **_style(styles, label))
    ax.set_yscale("log")
    ax.set_xlabel("time step t")
    ax.set_ylabel(r"$\Vert \partial L / \partial h_t \Vert$")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return _finish(fig, save)


def _style(styles: Mapping[str, Mapping[str, Any]] | None, label: str) -> dict[str, Any]:
    return {"marker": "o", "ms": 3, "label": label, **(styles or {}).get(label, {})}


def grad_norms_by_step(loss: Tensor, layer: str | None = None) -> list[float]:
    """‖∂loss/∂h_t‖ for each step t, found by the scopes of ``loss``'s graph.

    ``h_t`` is the last tensor made in scope ``<layer>/t=<t>/hidden`` (nn's composed form,
    ``fused=False``, or any graph scoped the same way); ``layer`` picks one such as
    ``"lstm/l0"`` when there are several. It needs no module, only the graph, and uses a
    private backward pass (``.grad`` untouched, graph retained). To record a module while
    it trains, in either form, use ``nn.HiddenGradRecorder``.

    Examples
    --------
    >>> import minigrad
    >>> from nn import RNN
    >>> out, _ = RNN(2, 3, fused=False)(minigrad.randn(5, 1, 2))
    >>> norms = grad_norms_by_step(out[-1].sum(), layer="rnn/l0")
    >>> len(norms), norms[-1] > norms[0]
    (5, True)
    """
    graph = walk(loss)
    last: dict[int, Tensor] = {}
    for t in graph.tensors:
        found = _hidden_step(t.node.scope) if t.node is not None else None
        if found is not None and (layer is None or found[0] == layer):
            last[found[1]] = t
    if not last:
        raise ValueError(
            "no scope '<layer>/t=<k>/hidden' in this graph: build the model "
            "in composed form (fused=False) so its time steps are scoped"
        )
    grads = gradients(loss, graph.tensors)
    return [magnitude(grads[last[t]]) if last[t] in grads else 0.0 for t in sorted(last)]


def _hidden_step(path: str) -> tuple[str, int] | None:
    """``("rnn/l0", 3)`` for a scope ``rnn/l0/t=3/hidden``; ``None`` for any other scope."""
    layer, _, rest = path.rpartition("/")
    prefix, _, step = layer.rpartition("/")
    t = time_step(step)
    return (prefix, t) if rest == "hidden" and t is not None else None


def eigenvalue_plot(
    weight_hh: Any, save: str | Path | None = None, gates: Sequence[str] | None = None
) -> Figure:
    """Eigenvalues of W_hh against the unit circle, with spectral radius and largest σ.

    A stacked LSTM/GRU weight of shape ``(g·H, H)`` is split into its ``g`` square gate
    blocks, each plotted in its own colour.

    Examples
    --------
    >>> fig = eigenvalue_plot(np.eye(3) * 0.5)
    >>> "ρ = 0.5" in fig.axes[0].get_title()
    True
    """
    w = _array(weight_hh)
    n = w.shape[1]
    blocks = [w[k * n : (k + 1) * n] for k in range(w.shape[0] // n)]
    names = (
        list(gates)
        if gates
        else (["W_hh"] if len(blocks) == 1 else [f"block {k}" for k in range(len(blocks))])
    )
    fig, ax = plt.subplots(figsize=(5, 5))
    circle = np.linspace(0, 2 * np.pi, 256)
    ax.plot(np.cos(circle), np.sin(circle), color="0.5", lw=1, ls="--", label="|λ| = 1")
    radius = sigma = 0.0
    for name, block in zip(names, blocks, strict=False):
        eig = np.linalg.eigvals(block)
        radius = max(radius, float(np.abs(eig).max()))
        sigma = max(sigma, float(np.linalg.svd(block, compute_uv=False)[0]))
        ax.scatter(eig.real, eig.imag, s=25, label=name)
    ax.set_aspect("equal")
    lim = max(1.1, radius * 1.1)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    ax.set_xlabel("Re λ")
    ax.set_ylabel("Im λ")
    ax.set_title(f"eigenvalues of $W_{{hh}}$ · ρ = {radius:.3g} · $\\sigma_\\max$ = {sigma:.3g}")
    ax.legend(loc="upper right", fontsize=8)
    return _finish(fig, save)


def training_curves(
    curves: Mapping[str, Sequence[float]],
    save: str | Path | None = None,
    xlabel: str = "step",
    ylabel: str = "loss",
    log: bool = False,
) -> Figure:
    """Loss (or any metric) curves, one line per name.

    Examples
    --------
    >>> fig = training_curves({"train": [3.0, 2.0, 1.5], "val": [3.1, 2.4, 2.0]})
    >>> len(fig.axes[0].lines)
    2
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, ys in curves.items():
        ax.plot(np.arange(len(ys)), np.asarray(ys, dtype=float), label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _finish(fig, save)


def heat_colour(value: float, scale: float = 1.0) -> tuple[float, float, float]:
    """The heatmaps' colour of an activation: blue below 0, white at 0, red above, as RGB in
    0…1, saturating at ±``scale``. For drawing your own views in the same colours.

    Examples
    --------
    >>> heat_colour(1.0), heat_colour(0.0), heat_colour(-2.0, scale=4.0)
    ((1.0, 0.0, 0.0), (1.0, 1.0, 1.0), (0.5, 0.5, 1.0))
    """
    v = float(np.clip(value / scale, -1.0, 1.0))
    fade = 1 - abs(v)
    return (1.0, fade, fade) if v > 0 else (fade, fade, 1.0)


def text_heatmap_html(
    text: str,
    activations: Sequence[float],
    save: str | Path | None = None,
    scale: float = 1.0,
) -> str:
    """Karpathy-style HTML: each character's background is a hidden unit's activation.

    Colours saturate at ±``scale`` (for units not bounded by ±1, e.g. an LSTM's cell state
    or a ReLU RNN); hovering a character shows its unscaled value.

    Examples
    --------
    >>> page = text_heatmap_html("a<b", [1.0, 0.0, -1.0])
    >>> "&lt;" in page and "rgb(255,0,0)" in page
    True
    """
    values = _check_lengths(text, activations)
    spans = []
    for ch, v in zip(text, values, strict=True):
        r, g, b = (round(255 * c) for c in heat_colour(v, scale))
        shown = "<br>" if ch == "\n" else html.escape(ch).replace(" ", "&nbsp;")
        spans.append(f'<span title="{v:.3f}" style="background:rgb({r},{g},{b})">{shown}</span>')
    page = (
        '<div style="font-family:monospace;font-size:16px;line-height:1.6">'
        + "".join(spans)
        + "</div>"
    )
    if save is not None:
        Path(save).write_text(page, encoding="utf-8")
    return page


def text_heatmap(
    text: str,
    activations: Sequence[float],
    save: str | Path | None = None,
    width: int = 60,
    title: str | None = None,
    scale: float = 1.0,
    ax: Axes | None = None,
) -> Figure:
    """The same heatmap as a picture: characters on a grid, ``width`` per line.

    Colours saturate at ±``scale``; with ``ax`` it draws into that axes (e.g. one panel of
    a page of units) instead of a new figure.

    Examples
    --------
    >>> fig = text_heatmap("hello world", np.linspace(-1, 1, 11))
    >>> len(fig.axes)
    1
    """
    values = _check_lengths(text, activations)
    lines, row, col = [], 0, 0
    for ch, v in zip(text, values, strict=True):
        if ch == "\n" or col == width:
            row, col = row + 1, 0
            if ch == "\n":
                continue
        lines.append((row, col, ch, v))
        col += 1
    rows = row + 1
    ours = ax is None
    if ax is None:
        _, ax = plt.subplots(figsize=(0.16 * width + 0.4, 0.3 * rows + 0.6))
    for r, c, ch, v in lines:
        ax.add_patch(plt.Rectangle((c, -r - 1), 1, 1, color=heat_colour(v, scale), lw=0))
        ax.text(c + 0.5, -r - 0.5, ch, ha="center", va="center", family="monospace", fontsize=9)
    ax.set_xlim(0, width)
    ax.set_ylim(-rows, 0)
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10)
    return _finish(ax.figure, save, ours)


def _check_lengths(text: str, activations: Sequence[float]) -> np.ndarray:
    values = _array(activations).ravel()
    if len(values) != len(text):
        raise ValueError(
            f"{len(text)} characters but {len(values)} activations; give one "
            "activation per character"
        )
    return values
