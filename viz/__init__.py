"""viz: pictures of backprop — computational graphs, unrolled BPTT, backward frames, plots.

Examples
--------
>>> import viz
>>> from minigrad import Tensor
>>> x = Tensor(2.0, requires_grad=True, name="x")
>>> dot = viz.draw_graph(x * x, theme="slides")
>>> dot.source.startswith("digraph")
True
"""

import os as _os

import minigrad as _minigrad
from viz.frames import backward_frames
from viz.grads import gradients
from viz.graph import draw_graph
from viz.plots import (
    eigenvalue_plot,
    grad_norm_plot,
    grad_norms_by_step,
    heat_colour,
    text_heatmap,
    text_heatmap_html,
    training_curves,
)
from viz.render import ImageTooLargeError, RendererNotFoundError, SafeDigraph, render
from viz.slide_fit import IllegibleTextWarning
from viz.stepper import Stepper, stepper
from viz.themes import Theme, get_theme
from viz.walk import path_between

__all__ = [
    "IllegibleTextWarning",
    "ImageTooLargeError",
    "RendererNotFoundError",
    "SafeDigraph",
    "Stepper",
    "Theme",
    "backward_frames",
    "draw_graph",
    "eigenvalue_plot",
    "get_theme",
    "grad_norm_plot",
    "grad_norms_by_step",
    "gradients",
    "heat_colour",
    "path_between",
    "render",
    "stepper",
    "text_heatmap",
    "text_heatmap_html",
    "training_curves",
]

# detect_anomaly() names the user's line: the first frame outside minigrad and this package
_minigrad.register_library(_os.path.dirname(__file__))
