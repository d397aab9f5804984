"""`lamina.ops`: the Keras 3 ops API on JAX (works on arrays, Variables and symbolic tensors).

>>> from lamina import ops
>>> ops.ones((3, 3)).shape
(3, 3)
"""

from lamina.ops import image, linalg
from lamina.ops.conv import *  # noqa: F403
from lamina.ops.conv import __all__ as _conv_all
from lamina.ops.core import *  # noqa: F403
from lamina.ops.core import __all__ as _core_all
from lamina.ops.linalg import *  # noqa: F403
from lamina.ops.linalg import __all__ as _linalg_all
from lamina.ops.math import *  # noqa: F403
from lamina.ops.math import __all__ as _math_all
from lamina.ops.nn import *  # noqa: F403
from lamina.ops.nn import __all__ as _nn_all
from lamina.ops.numpy import *  # noqa: F403
from lamina.ops.numpy import __all__ as _numpy_all

__all__ = sorted(set(_core_all) | set(_math_all) | set(_nn_all) | set(_numpy_all) | set(_conv_all) | set(_linalg_all)) + [
    "image",
    "linalg",
]
