"""`GaussianNoise`: adds zero-mean normal noise (std `stddev`) during training; identity otherwise.

>>> import numpy as np
>>> from lamina import layers
>>> noise = layers.GaussianNoise(0.1, seed=0)
>>> bool((noise(np.ones((2, 3)), training=False) == 1).all())
True
"""

import jax

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import Layer, _register


@_register
class GaussianNoise(Layer):
    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(stddev, (int, float)) or not 0 <= stddev <= 1:
            raise ValueError(
                f"GaussianNoise: `stddev` must be a number between 0 and 1. Received: stddev={stddev!r}"
            )
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = jax.random.normal(draw_seed(self.seed_generator), inputs.shape, inputs.dtype) * self.stddev
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
