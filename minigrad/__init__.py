"""minigrad: an autograd engine that does backprop the way the lectures teach it.

downstream = upstream × local gradient; *add passes*, *mul swaps*, *copy sums*.

Examples
--------
>>> from minigrad import Tensor
>>> x = Tensor(-2.0, requires_grad=True)
>>> y = Tensor(5.0, requires_grad=True)
>>> z = Tensor(-4.0, requires_grad=True)
>>> ((x + y) * z).backward()
>>> x.grad.item(), y.grad.item(), z.grad.item()
(-4.0, -4.0, 3.0)
"""

from minigrad.anomaly import AnomalyError, detect_anomaly
from minigrad.autograd import backward_steps
from minigrad.axis_functions import (
    all,
    any,
    argmax,
    argmin,
    flatten,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    squeeze,
    sum,
    unsqueeze,
)
from minigrad.backend import manual_seed
from minigrad.dims import AxisError
from minigrad.dtypes import get_default_dtype, promote_types, result_type, set_default_dtype
from minigrad.functions import (
    arange,
    cat,
    concat,
    embedding,
    eye,
    full,
    full_like,
    linspace,
    maximum,
    minimum,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randn_like,
    split,
    stack,
    tensor,
    where,
    zeros,
    zeros_like,
)
from minigrad.gradcheck import GradcheckError, gradcheck
from minigrad.graph import (
    Node,
    current_scope,
    enable_grad,
    is_grad_enabled,
    no_grad,
    parse_time_step,
    scope,
    time_step_of,
    time_step_scope,
)
from minigrad.op import Op, apply
from minigrad.stepping import BackwardStep
from minigrad.tensor import Tensor, ValuesIndices

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "AxisError",
    "BackwardStep",
    "GradcheckError",
    "Node",
    "Op",
    "Tensor",
    "ValuesIndices",
    "all",
    "any",
    "apply",
    "arange",
    "argmax",
    "argmin",
    "backward_steps",
    "cat",
    "concat",
    "current_scope",
    "detect_anomaly",
    "embedding",
    "enable_grad",
    "eye",
    "flatten",
    "full",
    "full_like",
    "get_default_dtype",
    "gradcheck",
    "is_grad_enabled",
    "linspace",
    "log_softmax",
    "logsumexp",
    "manual_seed",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "no_grad",
    "ones",
    "ones_like",
    "parse_time_step",
    "promote_types",
    "rand",
    "randint",
    "randn",
    "randn_like",
    "result_type",
    "scope",
    "set_default_dtype",
    "softmax",
    "split",
    "squeeze",
    "stack",
    "sum",
    "tensor",
    "time_step_of",
    "time_step_scope",
    "unsqueeze",
    "where",
    "zeros",
    "zeros_like",
]
