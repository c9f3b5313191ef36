"""draw_graph: structure, escaping, determinism, options."""

from __future__ import annotations

import re

import pytest

import viz
from minigrad import Tensor
from viz.demo import unroll


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
    src = viz.draw_graph(f, show_values=False, show_grads=False).source
    assert ">data<" not in src and ">grad<" not in src


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
    first = viz.draw_graph(unroll("lstm", 3).loss, color_by="grad").source
    second = viz.draw_graph(unroll("lstm", 3).loss, color_by="grad").source
    assert first == second


def test_one_cluster_per_time_step_in_time_order() -> None:
    src = viz.draw_graph(unroll("rnn", 4).loss).source
    labels = re.findall(r"label=<(t=\d+)>", src)
    assert labels == ["t=0", "t=1", "t=2", "t=3"]


def test_collapse_time_steps_into_boxes() -> None:
    src = viz.draw_graph(unroll("lstm", 5).loss, collapse="t=*").source
    assert len(re.findall(r"^\s*box\d+ \[", src, re.M)) == 5
    assert "forget_gate" not in src
    assert "‖grad‖" in src
    by_depth = viz.draw_graph(unroll("lstm", 5).loss, collapse=3).source
    assert len(re.findall(r"^\s*box\d+ \[", by_depth, re.M)) == 5


def test_expanded_lstm_shows_gates() -> None:
    src = viz.draw_graph(unroll("lstm", 2).loss).source
    for gate in ("input_gate", "forget_gate", "cell_candidate", "output_gate", "cell", "hidden"):
        assert f"label=<{gate}>" in src


def test_shared_parameters_show_copies_and_sum() -> None:
    src = viz.draw_graph(unroll("rnn", 3).loss).source
    assert "used 3× → grads sum" in src
    assert "parameters (shared across time)" in src
    assert src.count("<I>weight_hh_l0</I>") == 3
    assert "constraint=false" in src


def test_window_elides_middle_steps() -> None:
    src = viz.draw_graph(unroll("rnn", 20).loss, window=2).source
    assert re.findall(r"label=<(t=\d+)>", src) == ["t=0", "t=1", "t=18", "t=19"]
    assert "16 steps" in src


def test_color_by_grad_has_legend_and_shared_range() -> None:
    src = viz.draw_graph(unroll("rnn", 6).loss, color_by="grad", grad_range=(-6, 0)).source
    assert "legend" in src and "1e-6" in src and "1e0" in src
    with pytest.raises(ValueError, match="color_by"):
        viz.draw_graph(unroll("rnn", 2).loss, color_by="value")


def test_highlight_path_from_loss_to_h0() -> None:
    net = unroll("rnn", 3)
    path = viz.path_between(net.loss, net.hidden[0])
    assert path[0] is net.hidden[0] and path[-1] is net.loss
    theme = viz.get_theme("light")
    src = viz.draw_graph(net.loss, highlight=path).source
    assert src.count(f'color="{theme.highlight}"') >= 2 * len(path) - 2


@pytest.mark.parametrize("theme", ["light", "dark", "slides"])
def test_themes(theme: str) -> None:
    f, _ = lecture()
    src = viz.draw_graph(f, theme=theme, rankdir="TB").source
    assert viz.get_theme(theme).background in src and "rankdir=TB" in src


def test_unknown_theme_names_the_choices() -> None:
    with pytest.raises(ValueError, match="'light'"):
        viz.get_theme("neon")
