"""`AlphaDropout`: dropout for self-normalizing (SELU) networks.

Dropped values are set to SELU's negative saturation value instead of 0, and the result is
affinely rescaled so that the mean and variance of the inputs are kept. Active only in training.

>>> import numpy as np
>>> from lamina import layers
>>> layers.AlphaDropout(0.2, seed=0)(np.zeros((2, 3)), training=True).shape
(2, 3)
"""

import jax

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import Layer, _register

# SELU's constants: the negative saturation value is -_ALPHA * _SCALE.
_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946

@_register
class AlphaDropout(Layer):
    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError(f"AlphaDropout: `rate` must be a number between 0 and 1. Received: rate={rate!r}")
        self.rate = rate
        self.seed = seed
        self.noise_shape = noise_shape
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n for s, n in zip(inputs.shape, self.noise_shape))
        keep = jax.random.uniform(draw_seed(self.seed_generator), shape) >= self.rate
        keep = keep.astype(inputs.dtype)
        saturation = -_ALPHA * _SCALE
        a = ((1 - self.rate) * (1 + self.rate * saturation**2)) ** -0.5
        b = -a * saturation * self.rate
        x = inputs * keep + saturation * (1 - keep)
        return (a * x + b).astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
