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

import sys as _sys

from minigrad import (
    higher_order,  # noqa: F401 (registers create_graph's backward with the driver)
    transforms,
)
from minigrad.anomaly import AnomalyError, detect_anomaly, register_library
from minigrad.autograd import backward_steps, broadcast_axes, grad, grads_set_aside
from minigrad.backend import default_generator, get_rng_state, manual_seed, set_rng_state
from minigrad.creation import (
    arange,
    as_tensor,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randn_like,
    tensor,
    zeros,
    zeros_like,
)
from minigrad.dims import AxisError, DTypeError, IndexOutOfRangeError, ShapeError
from minigrad.dtypes import get_default_dtype, promote_types, result_type, set_default_dtype
from minigrad.functions import (
    SortResult,
    ValuesIndices,
    all,
    any,
    argmax,
    argmin,
    argsort,
    cat,
    chunk,
    concat,
    cumprod,
    cumsum,
    diagonal,
    einsum,
    embedding,
    flatten,
    flip,
    gather,
    index_select,
    lerp,
    log_softmax,
    logsumexp,
    masked_fill,
    max,
    maximum,
    mean,
    min,
    minimum,
    norm,
    prod,
    repeat_interleave,
    roll,
    scatter,
    scatter_add,
    softmax,
    sort,
    split,
    squeeze,
    stack,
    std,
    sum,
    tile,
    topk,
    tril,
    triu,
    unsqueeze,
    var,
    where,
)
from minigrad.gradcheck import GradcheckError, gradcheck, gradgradcheck
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
from minigrad.op import Elementwise, Op, apply
from minigrad.stepping import BackwardStep, tensor_label
from minigrad.tensor import Tensor
from minigrad.threads import get_num_threads, set_num_threads

functional = transforms
"""``minigrad.functional`` is the public name of :mod:`minigrad.transforms` (vjp, jvp,
jacobian, hessian, hvp), as ``torch.autograd.functional``."""
_sys.modules["minigrad.functional"] = transforms

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "AxisError",
    "BackwardStep",
    "DTypeError",
    "Elementwise",
    "GradcheckError",
    "IndexOutOfRangeError",
    "Node",
    "Op",
    "ShapeError",
    "SortResult",
    "Tensor",
    "ValuesIndices",
    "all",
    "any",
    "apply",
    "arange",
    "argmax",
    "argmin",
    "argsort",
    "as_tensor",
    "backward_steps",
    "broadcast_axes",
    "cat",
    "chunk",
    "concat",
    "cumprod",
    "cumsum",
    "current_scope",
    "default_generator",
    "detect_anomaly",
    "diagonal",
    "einsum",
    "embedding",
    "enable_grad",
    "eye",
    "flatten",
    "flip",
    "full",
    "full_like",
    "functional",
    "gather",
    "get_default_dtype",
    "get_num_threads",
    "get_rng_state",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "grads_set_aside",
    "index_select",
    "is_grad_enabled",
    "lerp",
    "linspace",
    "log_softmax",
    "logsumexp",
    "manual_seed",
    "masked_fill",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "no_grad",
    "norm",
    "ones",
    "ones_like",
    "parse_time_step",
    "prod",
    "promote_types",
    "rand",
    "randint",
    "randn",
    "randn_like",
    "register_library",
    "repeat_interleave",
    "result_type",
    "roll",
    "scatter",
    "scatter_add",
    "scope",
    "set_default_dtype",
    "set_num_threads",
    "set_rng_state",
    "softmax",
    "sort",
    "split",
    "squeeze",
    "stack",
    "std",
    "sum",
    "tensor",
    "tensor_label",
    "tile",
    "time_step_of",
    "time_step_scope",
    "topk",
    "tril",
    "triu",
    "unsqueeze",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
