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

from minigrad import functional
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
from minigrad.higher_order import grad
from minigrad.op import Elementwise, Op
from minigrad.ops_functions import (
    SortResult,
    argsort,
    chunk,
    cumprod,
    cumsum,
    diagonal,
    einsum,
    flip,
    gather,
    index_select,
    lerp,
    masked_fill,
    norm,
    prod,
    repeat_interleave,
    roll,
    scatter,
    scatter_add,
    sort,
    std,
    tile,
    topk,
    tril,
    triu,
    var,
)
from minigrad.stepping import BackwardStep
from minigrad.tensor import Tensor, ValuesIndices, apply

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "AxisError",
    "BackwardStep",
    "Elementwise",
    "GradcheckError",
    "Node",
    "Op",
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
    "backward_steps",
    "cat",
    "chunk",
    "concat",
    "cumprod",
    "cumsum",
    "current_scope",
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
    "grad",
    "gradcheck",
    "gradgradcheck",
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
    "repeat_interleave",
    "result_type",
    "roll",
    "scatter",
    "scatter_add",
    "scope",
    "set_default_dtype",
    "softmax",
    "sort",
    "split",
    "squeeze",
    "stack",
    "std",
    "sum",
    "tensor",
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
