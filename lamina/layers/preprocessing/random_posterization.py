"""`RandomPosterization`: keeps only the top `bits` bits of each 8-bit pixel value (training only).

`factor` bounds the number of bits kept, in [1, 8]: a single `f` draws from `[1, f)` and a pair
`(a, b)` from `[a, b)` (the upper bound excluded, as in Keras 3), while `(a, a)` always keeps `a`.
Pixels are mapped from `value_range` to [0, 255] and back around the bit operation.

>>> import numpy as np
>>> from lamina import layers
>>> layers.RandomPosterization(factor=(2, 2))(np.array([[[[100.0], [255.0]]]]), training=True).ravel().tolist()
[64.0, 192.0]
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import check_value_range, rescale
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class RandomPosterization(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomPosterization", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch = data.shape[0] if data.ndim == 4 else 1
        low, high = int(self.factor[0]), int(self.factor[1])
        if low == high:
            bits = jnp.full((batch,), low, "uint8")
        else:
            key = draw_seed(seed if seed is not None else self.generator)
            bits = jax.random.randint(key, (batch,), low, high).astype("uint8")
        return {"shift_factor": jnp.uint8(8) - bits}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        shift = jnp.asarray(transformation["shift_factor"]).astype("uint8")
        shift = shift.reshape((-1, 1, 1, 1) if images.ndim == 4 else (1, 1, 1))
        # Clipped before the uint8 cast: out-of-range floats would otherwise wrap around.
        pixels = jnp.clip(rescale(images, self.value_range, (0, 255)), 0, 255).astype("uint8")
        pixels = jnp.left_shift(jnp.right_shift(pixels, shift), shift).astype(self.compute_dtype)
        return rescale(pixels, (0, 255), self.value_range).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
