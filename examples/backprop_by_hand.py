"""The lecture's first backprop example, stepped through node by node.

    f(x, y, z) = (x + y) · z   at  x = -2, y = 5, z = -4

Each step prints the op, the rule in the lecture's words, the upstream gradient, the local
gradient(s) and the downstream gradients: downstream = upstream × local. Then a second example
shows the *copy sums* rule: a value used twice receives the sum of both gradients.

Run:  python examples/backprop_by_hand.py
"""

import argparse

from minigrad import Tensor, backward_steps


def lecture_example() -> None:
    x = Tensor(-2.0, requires_grad=True, name="x")
    y = Tensor(5.0, requires_grad=True, name="y")
    z = Tensor(-4.0, requires_grad=True, name="z")
    q = x + y
    q.name = "q"
    f = q * z
    f.name = "f"
    print(f"forward:  q = x + y = {q.item():g},  f = q · z = {f.item():g}\n")
    for step in backward_steps(f):
        print(step, end="\n\n")
    print(
        f"gradients: ∂f/∂x = {x.grad.item():g}, ∂f/∂y = {y.grad.item():g}, "
        f"∂f/∂z = {z.grad.item():g}   (add passes, mul swaps)\n"
    )


def copy_sums_example() -> None:
    w = Tensor(3.0, requires_grad=True, name="w")
    square = w * w
    square.name = "w²"
    g = square + w
    g.name = "g"
    print("g = w·w + w at w = 3: w is used three times, so its gradients are summed\n")
    for step in backward_steps(g):
        print(step, end="\n\n")
    print(f"∂g/∂w = 2w + 1 = {w.grad.item():g}   (copy sums)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    lecture_example()
    copy_sums_example()


if __name__ == "__main__":
    main()
