"""`SpatialDropout1D`/`2D`/`3D`: dropout that drops whole feature maps (channels) at once.

Neighbouring steps/pixels of a feature map are strongly correlated, so dropping single values
regularizes little; these layers zero a channel for the whole sample instead. Active only in
training.

>>> import numpy as np
>>> from lamina import layers
>>> y = layers.SpatialDropout1D(0.5, seed=0)(np.ones((1, 4, 8)), training=True)
>>> bool(((y == 0).all(axis=1) | (y == 2).all(axis=1)).all())
True
"""

import jax
import jax.numpy as jnp

from lamina import config
from lamina.backend.random import draw_seed
from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.layer import _register
from lamina.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    rank = None

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = config.standardize_data_format(data_format)

    def _noise_shape(self, shape):
        # One draw per (sample, channel); broadcast over the spatial axes.
        if self.data_format == "channels_last":
            return (shape[0],) + (1,) * self.rank + (shape[-1],)
        return (shape[0], shape[1]) + (1,) * self.rank

    def call(self, inputs, training=False):
        cu.check_ndim(self, inputs.shape, self.rank + 2)
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return jnp.zeros_like(inputs)
        keep = jax.random.bernoulli(draw_seed(self.seed_generator), 1.0 - self.rate, self._noise_shape(inputs.shape))
        return jnp.where(keep, inputs / (1.0 - self.rate), jnp.zeros((), inputs.dtype)).astype(inputs.dtype)

    def compute_output_shape(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2)
        return input_shape

    def get_config(self):
        # Keras 3 writes exactly these keys for the spatial dropouts (dtype as a plain name).
        config = {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


@_register
class SpatialDropout1D(BaseSpatialDropout):
    rank = 1

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, name=name, dtype=dtype, **kwargs)


@_register
class SpatialDropout2D(BaseSpatialDropout):
    rank = 2

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype, **kwargs)


@_register
class SpatialDropout3D(BaseSpatialDropout):
    rank = 3

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, name=name, dtype=dtype, **kwargs)
