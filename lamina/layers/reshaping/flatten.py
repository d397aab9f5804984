"""`Flatten`: collapses all axes but the batch axis.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Flatten()(np.ones((2, 3, 4))).shape
(2, 12)
"""

import math

import jax.numpy as jnp

from lamina import config
from lamina.layers.layer import Layer, _register


@_register
class Flatten(Layer):
    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = config.standardize_data_format(data_format)
        self.built = True

    def call(self, inputs):
        x = inputs
        if self.data_format == "channels_first" and x.ndim > 2:
            x = jnp.moveaxis(x, 1, -1)
        return jnp.reshape(x, (x.shape[0], -1))

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}
