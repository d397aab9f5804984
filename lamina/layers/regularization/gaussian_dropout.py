"""`GaussianDropout`: multiplies inputs by normal noise of mean 1 during training.

The noise has standard deviation `sqrt(rate / (1 - rate))`, which matches the variance of
dropout with the same `rate` while keeping the expected value unchanged.

>>> import numpy as np
>>> from lamina import layers
>>> layers.GaussianDropout(0.3, seed=0)(np.ones((2, 2)), training=True).shape
(2, 2)
"""

import math

import jax

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import Layer, _register


@_register
class GaussianDropout(Layer):
    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"GaussianDropout: `rate` must be a number between 0 and 1. Received: rate={rate!r}")
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = 1.0 + stddev * jax.random.normal(draw_seed(self.seed_generator), inputs.shape, inputs.dtype)
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
