"""`RandomContrast`: scales each image's deviation from its mean by a random factor (training only).

Output is `(x - mean) * c + mean`, clipped to `value_range`, with `mean` over height and width
per channel and `c` drawn in `[1 - lower, 1 + upper]`. `factor` is in [0, 1]; as in Keras 3, a
single number `f` gives `(lower, upper) = (0, f)`, so `c` is in `[1, 1 + f]`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.RandomContrast(0.5, seed=1)(np.ones((2, 4, 4, 3)) * 9, training=True).shape
(2, 4, 4, 3)
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class RandomContrast(BaseImagePreprocessingLayer):
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (data.shape[0], 1, 1, 1) if data.ndim == 4 else (1, 1, 1)
        if not training:
            return {"contrast_factor": jnp.zeros(shape)}
        key = draw_seed(seed if seed is not None else self.generator)
        factor = jax.random.uniform(key, shape, minval=1.0 - self.factor[0], maxval=1.0 + self.factor[1],
                                    dtype=self.compute_dtype)
        return {"contrast_factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training:
            return images
        h_axis, w_axis = self._hw_axes(images.ndim)
        mean = jnp.mean(images, axis=(h_axis, w_axis), keepdims=True)
        out = (images - mean) * transformation["contrast_factor"] + mean
        return jnp.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
