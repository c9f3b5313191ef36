"""draw_graph: structure, escaping, determinism, options."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigrad
import viz
from minigrad import Tensor
from nn import GRU, LSTM, RNN


def unrolled(kind: str, steps: int, hidden: int = 3, seed: int = 0) -> tuple[Tensor, Tensor]:
    """(loss = Σ h_T, h_0) of nn's composed-form ``kind`` layer, h_0 a leaf needing grad."""
    minigrad.manual_seed(seed)
    layer = {"rnn": RNN, "lstm": LSTM, "gru": GRU}[kind](2, hidden, fused=False)
    h0 = Tensor(np.zeros((1, 1, hidden), np.float32), requires_grad=True, name="h0")
    state = (h0, Tensor(np.zeros((1, 1, hidden), np.float32))) if kind == "lstm" else h0
    out, _ = layer(minigrad.randn(steps, 1, 2), state)
    loss = out[-1].sum()
    loss.name = "loss"
    return loss, h0


def lecture() -> tuple[Tensor, dict[str, Tensor]]:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    return f, {"x": x, "y": y, "z": z, "q": q, "f": f}


def node_ids(source: str) -> list[str]:
    return [n for n in re.findall(r"^\s*(\w+) \[", source, re.M) if n not in ("node", "edge")]


def edges(source: str) -> list[str]:
    return re.findall(r"^\s*(\w+ -> \w+)", source, re.M)


def test_lecture_graph_structure() -> None:
    f, _ = lecture()
    src = viz.draw_graph(f).source
    assert len(node_ids(src)) == 7  # 5 tensors + 2 ops
    assert sorted(edges(src)) == sorted(
        ["t0 -> op2", "t1 -> op2", "op2 -> t2", "t2 -> op4", "t3 -> op4", "op4 -> t4"]
    )
    assert "subgraph cluster" not in src


def test_values_grads_and_rules_are_written() -> None:
    f, t = lecture()
    src = viz.draw_graph(f).source
    for text in ("-12", ">3<", ">-4<", "mul swaps", "add passes", "×"):
        assert text in src
    assert t["x"].grad is None  # drawing never touches .grad


def test_hiding_values_and_grads() -> None:
    f, _ = lecture()
    shown = viz.draw_graph(f).source
    src = viz.draw_graph(f, show_values=False, show_grads=False).source
    rows = re.compile(r">(data|grad)(&#160;|\s)*<")  # a row's label cell, padded with nbsp
    assert len(rows.findall(shown)) == 10  # data and grad of each of the 5 tensors
    assert not rows.search(src)
    assert "-12" in shown and "-12" not in src  # f's value


def test_grads_after_backward_without_retain_fall_back_to_attr() -> None:
    f, t = lecture()
    f.backward()
    src = viz.draw_graph(f).source  # graph is freed: shows .grad of the leaves
    assert ">3<" in src and t["z"].grad.item() == 3.0


def test_node_kinds_have_distinct_fills() -> None:
    f, _ = lecture()
    x = f.node.parents[0].node.parents[0]
    g = f * 2.0  # 2.0 is a constant input
    src = viz.draw_graph(g).source
    fills = set(re.findall(r'fillcolor="(#\w+)"', src))
    theme = viz.get_theme("light")
    assert {
        theme.param_fill,
        theme.input_fill,
        theme.tensor_fill,
        theme.output_fill,
        theme.op_fill,
    } <= fills
    assert x.name == "x"


@pytest.mark.parametrize("name", ['a<b>&"c"', "back\\slash", "quote'\"", "é ∂ ⋯"])
def test_names_are_escaped_and_render(name: str, tmp_path) -> None:
    x = Tensor(1.0, requires_grad=True, name=name)
    y = x * 2.0
    dot = viz.draw_graph(y)
    if "<" in name:
        assert "a&lt;b&gt;&amp;&quot;c&quot;" in dot.source
    svg = viz.render(dot, tmp_path / "g.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml")


def test_same_graph_gives_identical_source() -> None:
    first = viz.draw_graph(unrolled("lstm", 3)[0], color_by="grad").source
    second = viz.draw_graph(unrolled("lstm", 3)[0], color_by="grad").source
    assert first == second


def test_one_cluster_per_time_step_in_time_order() -> None:
    src = viz.draw_graph(unrolled("rnn", 4)[0]).source
    labels = re.findall(r"label=<(t=\d+)>", src)
    assert labels == ["t=0", "t=1", "t=2", "t=3"]


def test_collapse_time_steps_into_boxes() -> None:
    src = viz.draw_graph(unrolled("lstm", 5)[0], collapse="t=*").source
    assert len(re.findall(r"^\s*box\d+ \[", src, re.M)) == 5
    assert "label=<forget_gate>" not in src  # no gate clusters inside the step boxes
    assert "‖grad‖" in src
    by_depth = viz.draw_graph(unrolled("lstm", 5)[0], collapse=3).source
    assert len(re.findall(r"^\s*box\d+ \[", by_depth, re.M)) == 7  # + weights, outputs


def test_expanded_lstm_shows_gates() -> None:
    src = viz.draw_graph(unrolled("lstm", 2)[0]).source
    for gate in ("input_gate", "forget_gate", "cell_candidate", "output_gate", "cell", "hidden"):
        assert f"label=<{gate}>" in src


def test_shared_weights_show_copies_and_sum() -> None:
    src = viz.draw_graph(unrolled("rnn", 3)[0]).source
    assert "used 3× → grads sum" in src  # each weight view, read by the 3 steps
    assert "label=<weights>" in src  # nn takes the views once, in scope rnn/l0/weights
    assert src.count("<I>weight_hh_l0</I>") == 3  # one copy node per step
    assert "constraint=false" in src
    collapsed = viz.draw_graph(unrolled("lstm", 4)[0], collapse=["t=*", "weights"]).source
    assert len(re.findall(r"^\s*box\d+ \[", collapsed, re.M)) == 5  # 4 steps + weights
    assert collapsed.count("style=dashed") == 4  # weights → each step's copy


def test_shared_leaf_parameters_get_their_own_cluster() -> None:
    w = Tensor(0.5, requires_grad=True, name="w")
    h = Tensor(1.0, requires_grad=True, name="h0")
    for t in range(3):
        with minigrad.scope("rnn"), minigrad.scope(f"t={t}"), minigrad.scope("hidden"):
            h = (w * h).tanh()
    src = viz.draw_graph(h).source
    assert "parameters (shared across time)" in src and "used 3× → grads sum" in src
    assert src.count("<I>w</I>") == 3


def test_window_elides_middle_steps() -> None:
    src = viz.draw_graph(unrolled("rnn", 20)[0], window=2).source
    assert re.findall(r"label=<(t=\d+)>", src) == ["t=0", "t=1", "t=18", "t=19"]
    assert "16 steps" in src


def test_color_by_grad_has_legend_and_shared_range() -> None:
    src = viz.draw_graph(unrolled("rnn", 6)[0], color_by="grad", grad_range=(-6, 0)).source
    assert "legend" in src and "1e-6" in src and "1e0" in src
    with pytest.raises(ValueError, match="color_by"):
        viz.draw_graph(unrolled("rnn", 2)[0], color_by="value")


def test_highlight_path_from_loss_to_h0() -> None:
    loss, h0 = unrolled("rnn", 3)
    path = viz.path_between(loss, h0)
    assert path[0] is h0 and path[-1] is loss
    theme = viz.get_theme("light")
    src = viz.draw_graph(loss, highlight=path).source
    assert src.count(f'color="{theme.highlight}"') >= 2 * len(path) - 2


@pytest.mark.parametrize("theme", ["light", "dark", "slides"])
def test_themes(theme: str) -> None:
    f, _ = lecture()
    src = viz.draw_graph(f, theme=theme, rankdir="TB").source
    assert viz.get_theme(theme).background in src and "rankdir=TB" in src


def test_unknown_theme_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'light'"):
        viz.get_theme("neon")


# Non-ASCII characters seen drawn correctly by both dot and graphviz-pure (rendered and looked
# at); graphviz-pure's built-in font draws others (⋯ ⊙ ⟨ ⟩ ∇ …) as empty boxes.
DRAWN_BY_BOTH = set("±²µ·½×é÷ˣ̂Σαβθλμρσᵀᵇᵖᵗᵢ–—‖…′₁₂←→↓∂−√≤≥")


def _all_op_classes() -> list[type]:
    import nn  # noqa: F401  (registers nn's fused ops)
    from minigrad import Op

    found, todo = [], [Op]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_op_symbol_and_rule_draws_with_both_renderers() -> None:
    from viz.labels import escape

    for cls in _all_op_classes():
        for text in (cls.symbol, cls.rule, cls.name):
            odd = {c for c in escape(text) if ord(c) > 127} - DRAWN_BY_BOTH
            assert not odd, f"{cls.__name__}: {sorted(odd)} draw as boxes with graphviz-pure"


def test_elision_marker_draws_with_both_renderers() -> None:
    from viz.layout import ELIDED

    assert set(ELIDED) <= DRAWN_BY_BOTH


def _lstm_loss(steps: int) -> Tensor:
    import minigrad
    from nn import LSTM

    minigrad.manual_seed(0)
    _, (h, _) = LSTM(2, 3, fused=False)(minigrad.randn(steps, 1, 2))
    return h.sum()


def test_fit_makes_a_slide_and_size_a_box(tmp_path) -> None:
    from PIL import Image

    dot = viz.draw_graph(_lstm_loss(2), fit="16:9")
    with Image.open(viz.render(dot, tmp_path / "slide.png", dpi=60)) as image:
        assert abs(image.width / image.height - 16 / 9) < 0.02
        assert abs(image.width - 13.333 * 60) < 10  # Graphviz adds a few pixels of pad
    boxed = viz.draw_graph(_lstm_loss(2), size=(4, 3))
    with Image.open(viz.render(boxed, tmp_path / "box.png", dpi=50)) as image:
        assert image.width <= 4 * 50 + 2 and image.height <= 3 * 50 + 2
    with pytest.raises(ValueError, match="fit='3:2'"):
        viz.draw_graph(_lstm_loss(1), fit="3:2")
    with pytest.raises(ValueError, match="size="):
        viz.draw_graph(_lstm_loss(1), size=(0, 3))


def test_large_graphs_hide_values_and_fold_weights_and_say_so() -> None:
    from viz.graph import LARGE_GRAPH

    small = viz.draw_graph(_lstm_loss(1)).source
    assert ">data&#160;<" in small and "large graph" not in small
    walked = viz.graph.walk(_lstm_loss(4))
    assert len(walked.tensors) + len(walked.nodes) > LARGE_GRAPH
    source = viz.draw_graph(_lstm_loss(4)).source
    assert "weight views folded" in source and "values hidden" in source
    assert ">data&#160;<" not in source
    boxed = viz.draw_graph(_lstm_loss(4), collapse="t=*").source  # few boxes: values shown
    assert "large graph" not in boxed and ">data&#160;<" in boxed
    explicit = viz.draw_graph(_lstm_loss(4), show_values=True, collapse=None).source
    assert "large graph" not in explicit and ">data&#160;<" in explicit


def test_unrolled_steps_are_ranked_one_after_another() -> None:
    """Invisible edges put step t+1 after step t: no diagonal staircase of clusters."""
    source = viz.draw_graph(_lstm_loss(3)).source
    assert "newrank=true" in source
    assert source.count("style=invis") >= 2 * 4  # each later step's 4 gates wait for the last
