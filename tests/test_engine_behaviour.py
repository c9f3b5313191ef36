"""The op protocol as rules, and the engine's own behaviour: labels from params, local rules
in stepping, un-broadcast events, per-graph names, per-thread grad mode, clear errors for
custom ops, anomaly reports that name the user's line, eager checks in backward_steps."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import nn
import viz
from minigrad import Elementwise, Op, apply, backward_steps, ops
from minigrad.testing import shapes, tensors
from nn import functional as F  # noqa: N812


def test_an_elementwise_op_is_its_local_gradient() -> None:
    class Cube(Elementwise):
        name, symbol, rule = "cube", "x³", "cube: downstream = upstream × 3x²"

        def forward(self, x):
            self.saved = (x,)
            return x**3

        def local_grads(self):
            (x,) = self.saved
            return (3 * x * x,)

    x = minigrad.tensor([1.0, -2.0, 0.5], dtype="float64", requires_grad=True)
    y = apply(Cube(), x)
    (step,) = list(backward_steps(y, grad=minigrad.tensor([1.0, 2.0, 3.0], dtype="float64")))
    np.testing.assert_allclose(step.local[0], [3.0, 12.0, 0.75])
    np.testing.assert_allclose(step.downstream[0], [3.0, 24.0, 2.25])
    np.testing.assert_allclose(x.grad.numpy(), step.downstream[0])


@settings(max_examples=25, deadline=None)
@given(tensors(shapes(), min_value=0.3, max_value=2.0))
def test_stepping_shows_what_backward_used_for_every_builtin_elementwise_op(t) -> None:
    """For each element-wise op: the step's downstream is upstream × the local it shows."""
    makers = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "pow": lambda a, b: a**b,
        "neg": lambda a, b: -a,
        "exp": lambda a, b: a.exp(),
        "log": lambda a, b: a.log(),
        "sqrt": lambda a, b: a.sqrt(),
        "abs": lambda a, b: a.abs(),
        "tanh": lambda a, b: a.tanh(),
        "sigmoid": lambda a, b: a.sigmoid(),
        "relu": lambda a, b: (a - 1.0).relu(),
        "maximum": lambda a, b: minigrad.maximum(a, b),
        "clip": lambda a, b: a.clip(0.5, 1.5),
        "powscalar": lambda a, b: a**3,
    }
    x_np = t.numpy()
    for name, make in makers.items():
        a = minigrad.tensor(x_np, requires_grad=True)
        b = minigrad.tensor(x_np * 0.7 + 0.1, requires_grad=True)
        y = make(a, b)
        upstream = np.linspace(-1, 1, y.numel()).reshape(y.shape)
        step = next(backward_steps(y, grad=upstream))
        assert isinstance(step.op, Elementwise), name
        for local, down in zip(step.local, step.downstream, strict=True):
            if down is None:
                continue
            np.testing.assert_allclose(down, upstream * np.asarray(local), err_msg=name)


def test_apply_fills_every_slot_that_node_and_tensor_make_fill() -> None:
    """apply builds its Node and Tensor inline (for speed); a slot added to Node.__init__ or
    Tensor._make and forgotten there fails here."""
    from minigrad.graph import Node
    from minigrad.tensor import Tensor

    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    reference_node = Node(y.node.op, y.node.parents)
    reference_tensor = Tensor._make(y.array, True, reference_node)
    for slot in Node.__slots__:
        assert hasattr(y.node, slot) == hasattr(reference_node, slot), f"Node.{slot}"
    for slot in Tensor.__slots__:
        assert hasattr(y, slot) and hasattr(reference_tensor, slot), f"Tensor.{slot}"
        if slot not in ("array", "_node"):
            assert getattr(y, slot) == getattr(reference_tensor, slot), f"Tensor.{slot}"


def test_labels_come_from_params() -> None:
    assert ops.Sum(axis=1).describe() == "sum(axis=1)"
    assert ops.Sum(axis=(0, 1), keepdims=True).describe() == "sum(axis=(0, 1), keepdims=True)"
    assert ops.Sum().describe() == "sum"
    assert ops.LeakyReLU(0.2).describe() == "leaky_relu(negative_slope=0.2)"
    assert ops.Reshape((2, 3)).describe() == "reshape(shape=(2, 3))"
    assert ops.Clip(0.0, None).describe() == "clip(low=0)"


def test_matmul_step_shows_its_local_rule_with_the_inputs_names() -> None:
    a = minigrad.randn(2, 3, requires_grad=True, name="A")
    b = minigrad.randn(3, 4, requires_grad=True, name="B")
    c = a @ b
    c.name = "C"
    text = str(next(backward_steps(c, grad=np.ones((2, 4), np.float32))))
    assert "local rule  ∂L/∂A = upstream @ Bᵀ   ∂L/∂B = Aᵀ @ upstream" in text


def test_every_builtin_op_states_its_rule() -> None:
    for name in ops.__all__:
        cls = getattr(ops, name)
        assert cls.rule, name
        if not issubclass(cls, Elementwise):
            assert cls.local_rules, f"{name} states no local rule for stepping"


def test_unbroadcast_is_a_visible_event() -> None:
    x = minigrad.randn(3, 4, requires_grad=True, name="x")
    b = minigrad.zeros(4, requires_grad=True, name="b")
    y = x + b
    (step,) = list(backward_steps(y, grad=np.ones((3, 4), np.float32)))
    (event,) = step.unbroadcasts
    assert event.tensor is b and event.axes == (0,)
    assert "b was broadcast from (4,) to (3, 4): its gradient sums over axis 0" in str(step)


def test_backward_step_repr_is_short() -> None:
    x = minigrad.tensor(2.0, requires_grad=True, name="x")
    y = x * x
    y.name = "y"
    step = next(backward_steps(y))
    assert repr(step) == "<BackwardStep 1 · mul: y = x × x>"


def test_unnamed_results_have_the_same_names_in_steps_and_pictures() -> None:
    x = minigrad.tensor([1.0, 2.0], requires_grad=True, name="x")
    for _ in range(50):  # global node numbers move on; per-graph names must not
        minigrad.tensor(1.0, requires_grad=True) * 2
    h = x * 2
    y = (h + 1).sum()
    texts = [str(s) for s in backward_steps(y, retain_graph=True)]
    assert "sum(#1)" in texts[0] and "#0 + 1" in texts[1]
    source = viz.draw_graph(y).source
    assert "#0 " in source and "#1 " in source


def test_grad_mode_is_per_thread() -> None:
    inside, started, release = {}, threading.Event(), threading.Event()

    def worker() -> None:
        with minigrad.no_grad():
            started.set()
            release.wait(5)
            inside["enabled"] = minigrad.is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    started.wait(5)
    x = minigrad.tensor(1.0, requires_grad=True)
    y = x * 3  # the other thread is inside no_grad right now
    release.set()
    thread.join()
    assert y.requires_grad and minigrad.is_grad_enabled()
    assert inside["enabled"] is False


class _Custom(Op):
    name, symbol, rule = "custom", "c", "custom"
    local_rules = ("whatever",)

    def __init__(self, returned):
        self.returned = returned

    def forward(self, x):
        return x * 2

    def backward(self, grad):
        return self.returned(grad)


@pytest.mark.parametrize(
    ("returned", "error", "words"),
    [
        (lambda g: g, TypeError, "custom.backward returned a ndarray; it must return a tuple"),
        (lambda g: (g, g), TypeError, "returned 2 gradients; it must return a tuple of 1"),
        (lambda g: [g], TypeError, "returned a list"),
        (lambda g: (np.ones((5,)),), ValueError, "shape (5,) for input 0, whose shape is (2, 3)"),
    ],
)
def test_custom_op_backward_mistakes_are_named(returned, error, words) -> None:
    x = minigrad.randn(2, 3, requires_grad=True)
    y = apply(_Custom(returned), x)
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        y.sum().backward()


class _CustomElementwise(Elementwise):
    name, symbol, rule = "twice", "2x", "twice: downstream = upstream × 2"

    def __init__(self, returned):
        self.returned = returned

    def forward(self, x):
        return x * 2

    def local_grads(self):
        return self.returned()


@pytest.mark.parametrize(
    ("returned", "words"),
    [
        (lambda: np.float64(2.0), "twice.local_grads returned a float64; it must return a tuple"),
        (lambda: (2.0, 2.0), "returned 2 local gradients; it must return a tuple of 1"),
        (lambda: (), "returned 0 local gradients"),
        (lambda: [2.0], "returned a list"),
    ],
)
def test_custom_elementwise_local_grads_mistakes_are_named(returned, words) -> None:
    x = minigrad.randn(2, 3, requires_grad=True)
    y = apply(_CustomElementwise(returned), x)
    with pytest.raises(TypeError, match=words):
        y.sum().backward()
    assert x.grad is None


def test_a_checked_broadcast_is_remembered_but_never_excuses_a_wrong_shape() -> None:
    """The driver caches the axes of a valid (input, gradient) shape pair; a custom op's
    gradient of a shape its input could not broadcast to is refused every time."""
    x = minigrad.randn(2, 3, requires_grad=True)
    wide = lambda g: (np.ones((4, 2, 3), dtype=g.dtype),)  # noqa: E731 (broadcast: valid)
    for _ in range(2):  # the second pass takes the cached axes
        x.grad = None
        apply(_Custom(wide), x).sum().backward()
        np.testing.assert_array_equal(x.grad.array, np.full((2, 3), 4.0))
    wrong = lambda g: (np.ones((4, 3, 2), dtype=g.dtype),)  # noqa: E731
    for _ in range(2):
        with pytest.raises(ValueError, match=r"shape \(4, 3, 2\) for input 0"):
            apply(_Custom(wrong), x).sum().backward()


def test_anomaly_names_the_users_line_inside_nn_layers() -> None:
    lin, rnn = nn.Linear(3, 2), nn.RNN(3, 4)
    bad = minigrad.tensor([[float("nan"), 1.0, 2.0]])
    with minigrad.detect_anomaly():
        with pytest.raises(minigrad.AnomalyError, match=r"test_engine_behaviour.py.*lin\(bad\)"):
            lin(bad)
        with pytest.raises(minigrad.AnomalyError, match=r"test_engine_behaviour.py.*rnn\(bad"):
            rnn(bad[None])
        logits = minigrad.tensor([[float("inf"), 0.0]], requires_grad=True)
        with (
            np.errstate(invalid="ignore"),
            pytest.raises(minigrad.AnomalyError, match=r"test_engine_behaviour.py.*F\.cross"),
        ):
            F.cross_entropy(logits, minigrad.tensor([1]))


def test_backward_steps_checks_its_arguments_when_called() -> None:
    x = minigrad.randn(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="non-scalar"):
        backward_steps(x * 2)  # no next() needed
    with pytest.raises(ValueError, match="shape"):
        backward_steps(x * 2, grad=np.ones(4))
    with pytest.raises(TypeError, match="needs the Tensor"):
        backward_steps(np.ones(3))
    y = (x * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="already freed"):
        backward_steps(y)


@pytest.mark.parametrize("at", [0.0, 2.0, -3.0])
def test_x_to_the_zero_has_zero_gradient_everywhere(at: float) -> None:
    x = minigrad.tensor([at], dtype="float64", requires_grad=True)
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0]
    e = minigrad.tensor([0.0], dtype="float64", requires_grad=True)
    (x**e).sum().backward()
    assert x.grad.tolist() == [0.0]


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4))
def test_step_downstreams_add_up_to_the_leaf_gradients(rows: int, cols: int) -> None:
    rng = np.random.default_rng(rows * 10 + cols)
    w = minigrad.tensor(rng.normal(size=(cols,)), requires_grad=True, name="w")
    x = minigrad.tensor(rng.normal(size=(rows, cols)), requires_grad=True, name="x")
    y = ((x * w).tanh() + w * w).sum()
    received: dict[int, np.ndarray] = {}
    for step in backward_steps(y):
        for parent, g in zip(step.inputs, step.downstream, strict=True):
            if g is not None and parent.node is None:
                received[id(parent)] = received.get(id(parent), 0) + g
    np.testing.assert_allclose(received[id(w)], w.grad.numpy())
    np.testing.assert_allclose(received[id(x)], x.grad.numpy())


def _loss_and_activation_ref(retain_graph: bool):
    x = minigrad.tensor(np.ones(1000), requires_grad=True)
    hidden = (x * 2.0).tanh()
    activation = weakref.ref(hidden.array)
    loss = (hidden * 3.0).sum()
    loss.backward(retain_graph=retain_graph)
    return loss, activation


def test_a_kept_loss_does_not_keep_the_activations_alive() -> None:
    losses, refs = [], []
    for _ in range(3):
        loss, activation = _loss_and_activation_ref(retain_graph=False)
        losses.append(loss)
        refs.append(activation)
    gc.collect()
    assert all(ref() is None for ref in refs)
    freed = losses[0].node.parents[0]
    assert freed.array is None and freed.shape == (1000,) and "freed" in repr(freed)
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        losses[0].backward()


def test_retain_graph_keeps_the_activations_and_allows_a_second_backward() -> None:
    loss, activation = _loss_and_activation_ref(retain_graph=True)
    gc.collect()
    assert activation() is not None
    loss.backward()  # a second pass still works


def test_tensors_the_user_holds_or_retains_keep_their_values() -> None:
    x = minigrad.tensor(np.linspace(-2.0, 2.0, 20), requires_grad=True)  # > 16: released
    held = x * 2.0
    kept = held.tanh()
    kept.retain_grad()
    loss = (kept * 3.0).sum()
    loss.backward()
    np.testing.assert_allclose(held.numpy(), np.linspace(-4.0, 4.0, 20), rtol=1e-6)
    assert loss.node.parents[0].node.parents[0] is kept and kept.grad is not None
    assert kept.node.parents[0].array is None  # `held` is ours, but the graph lets go of it


def test_steps_keep_showing_the_inputs_they_used_after_the_graph_is_freed() -> None:
    x = minigrad.tensor(3.0, requires_grad=True, name="x")
    w = (x * x).tanh()
    steps = list(backward_steps(w.sum()))
    assert all(p.array is not None for step in steps for p in step.inputs)
    assert "tanh" in str(steps[1])


def test_a_freed_graph_still_draws_with_its_large_values_marked_freed() -> None:
    x = minigrad.tensor(np.full(20, -2.0), requires_grad=True, name="x")
    f = ((x + 5.0) * 4.0).sum()
    f.backward()
    source = viz.draw_graph(f).source
    assert "freed by backward()" in source and "-2" in source


def test_the_lecture_order_forward_backward_draw_shows_values_and_gradients() -> None:
    """Small tensors keep value and gradient through the release: drawing after backward()
    shows the intermediate q = x + y = 3 with its gradient ∂L/∂q = z = -4."""
    x = minigrad.tensor(-2.0, requires_grad=True, name="x")
    y = minigrad.tensor(5.0, requires_grad=True, name="y")
    z = minigrad.tensor(-4.0, requires_grad=True, name="z")
    f = (x + y) * z
    f.backward()
    q = f.node.parents[0]
    assert q.array.item() == 3.0 and q.grad.item() == -4.0 and q.node.freed
    source = viz.draw_graph(f).source
    assert "freed by backward()" not in source
    label = next(line for line in source.splitlines() if line.lstrip().startswith("t2 "))
    assert ">3<" in label and ">-4<" in label  # q's value and gradient
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        f.backward()  # the graph itself is still released


def test_a_kept_scalar_graph_holds_only_its_small_values() -> None:
    """What a freed small graph keeps is its records' few numbers: dropping the loss frees
    them, and nothing above KEEP_VALUES_UP_TO elements is kept."""
    from minigrad.autograd import KEEP_VALUES_UP_TO

    x = minigrad.tensor(np.ones(KEEP_VALUES_UP_TO + 1), requires_grad=True)
    small = minigrad.tensor(np.ones(KEEP_VALUES_UP_TO), requires_grad=True)
    loss = ((x * 2.0).tanh().sum() + (small * 2.0).tanh().sum()) * 1.0
    loss.backward()
    sums = loss.node.parents[0].node.parents
    big_record, small_record = (s.node.parents[0] for s in sums)
    assert big_record.array is None and big_record.grad is None
    assert small_record.array.shape == (KEEP_VALUES_UP_TO,) and small_record.grad is not None
    activation = weakref.ref(small_record.array)
    del loss, sums, big_record, small_record
    gc.collect()
    assert activation() is None


def test_a_freed_graph_is_released_by_reference_counting_alone() -> None:
    # no reference cycle between nodes and their freed records: without the cyclic garbage
    # collector, dropping the loss drops every op of the graph at once
    gc.disable()
    try:
        x = minigrad.tensor(np.ones(10), requires_grad=True)
        loss = ((x * 2.0).tanh() * 3.0).sum()
        ops, node = [], loss.node
        while node is not None:
            ops.append(weakref.ref(node.op))
            node = node.parents[0].node
        loss.backward()
        del loss, node
        assert len(ops) == 4 and all(op() is None for op in ops)
    finally:
        gc.enable()


def test_an_elementwise_op_cannot_override_release() -> None:
    """Backward drops an element-wise op's ``saved`` itself, so a release() would be skipped:
    defining one is refused at once, naming the way out."""
    from minigrad.op import Elementwise

    with pytest.raises(TypeError, match=r"cannot override release\(\); derive from Op"):

        class Pooled(Elementwise):
            name, symbol, rule = "pooled", "p", "pooled"

            def forward(self, x):
                return x

            def local_grads(self):
                return (1.0,)

            def release(self):
                pass
