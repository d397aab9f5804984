"""`lamina.backend`: the only place that knows JAX details, plus the Keras 2 backend functions.

>>> from lamina import backend as K
>>> float(K.mean(K.constant([1.0, 3.0])))
2.0
"""

from lamina.backend.compat import *  # noqa: F403
from lamina.backend.compat import __all__ as _compat_all
from lamina.backend.dtypes import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from lamina.backend.keras_tensor import KerasTensor, any_symbolic_tensors, is_keras_tensor
from lamina.backend.random import SeedGenerator
from lamina.backend.state import StatelessScope, name_scope
from lamina.backend.variable import Variable, is_variable

__all__ = [
    "KerasTensor",
    "SeedGenerator",
    "StatelessScope",
    "Variable",
    "any_symbolic_tensors",
    "is_float_dtype",
    "is_int_dtype",
    "is_keras_tensor",
    "is_variable",
    "name_scope",
    "result_type",
    "standardize_dtype",
] + list(_compat_all)

# Last, so it wins: `K.variable(value)` is the Keras 2 function; importing the submodule
# `lamina.backend.variable` above set the same attribute to the module.
from lamina.backend import compat as _compat  # noqa: E402

variable = _compat.variable
