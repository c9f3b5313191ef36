"""The Tensor's methods, one mixin class per op family (arithmetic, elementwise,
activations, compare, reduce, scan, shape, index, linalg), one for conversions (casts, device
moves, ``new_*``) that are no op, and the in-place methods (``add_`` …, ``x += y``,
``x[i] = v``) over them.

Each method is a short call of :func:`minigrad.op.apply` on an op class of the same family
in :mod:`minigrad.ops`; :class:`minigrad.Tensor` is its core plus these mixins. The
functions that take several tensors (``stack``, ``concat``, ``where``, ``einsum``,
``embedding``, …) live beside the methods of their family. Nothing here imports
``minigrad.tensor``: a method makes tensors through ``apply`` (or the class that
``minigrad.tensor`` bound in :mod:`minigrad.op`).
"""

from minigrad.methods.activations import ActivationMethods
from minigrad.methods.arithmetic import ArithmeticMethods
from minigrad.methods.compare import CompareMethods
from minigrad.methods.conversion import ConversionMethods
from minigrad.methods.elementwise import ElementwiseMethods
from minigrad.methods.index import IndexMethods
from minigrad.methods.inplace import InplaceMethods
from minigrad.methods.linalg import LinalgMethods
from minigrad.methods.reduce import ReduceMethods
from minigrad.methods.scan import ScanMethods
from minigrad.methods.shape import ShapeMethods

__all__ = [
    "ActivationMethods",
    "ArithmeticMethods",
    "CompareMethods",
    "ConversionMethods",
    "ElementwiseMethods",
    "IndexMethods",
    "InplaceMethods",
    "LinalgMethods",
    "ReduceMethods",
    "ScanMethods",
    "ShapeMethods",
]
