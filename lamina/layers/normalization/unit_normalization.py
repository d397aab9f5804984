"""`UnitNormalization`: scales each sample to unit L2 norm along `axis`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.UnitNormalization()(np.array([[3.0, 4.0]])).tolist()
[[0.6000000238418579, 0.800000011920929]]
"""

import jax
import jax.numpy as jnp

from lamina.layers.layer import Layer, _register
from lamina.layers.normalization import norm_utils

# Inputs with a norm below this are scaled by 1 / _EPSILON instead of 1 / norm (as Keras does).
_EPSILON = 1e-12


@_register
class UnitNormalization(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                f"UnitNormalization: `axis` must be an int or a list/tuple of ints. Received: axis={axis!r}"
            )
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        axes = norm_utils.canonical_axes(self.axis, inputs.ndim, type(self).__name__)
        square_sum = jnp.sum(jnp.square(inputs), axis=axes, keepdims=True)
        return inputs * jnp.minimum(jax.lax.rsqrt(square_sum), 1.0 / _EPSILON)

    def compute_output_shape(self, input_shape):
        norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
