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
from minigrad.backend import manual_seed
from minigrad.dtypes import get_default_dtype, set_default_dtype
from minigrad.functions import (
    arange,
    cat,
    concat,
    embedding,
    maximum,
    minimum,
    ones,
    ones_like,
    randn,
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
    argmin,
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
from minigrad.tensor import Tensor, apply

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "BackwardStep",
    "Elementwise",
    "GradcheckError",
    "Node",
    "Op",
    "SortResult",
    "Tensor",
    "apply",
    "arange",
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
    "flip",
    "functional",
    "gather",
    "get_default_dtype",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "index_select",
    "is_grad_enabled",
    "lerp",
    "manual_seed",
    "masked_fill",
    "maximum",
    "minimum",
    "no_grad",
    "norm",
    "ones",
    "ones_like",
    "parse_time_step",
    "prod",
    "randn",
    "repeat_interleave",
    "roll",
    "scatter",
    "scatter_add",
    "scope",
    "set_default_dtype",
    "sort",
    "split",
    "stack",
    "std",
    "tensor",
    "tile",
    "time_step_of",
    "time_step_scope",
    "topk",
    "tril",
    "triu",
    "var",
    "where",
    "zeros",
    "zeros_like",
]
