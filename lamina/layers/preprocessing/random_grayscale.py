"""`RandomGrayscale`: replaces each image by its luma, with probability `factor` (training only).

Channels are kept: a converted RGB image has three equal channels (0.2989 R + 0.5870 G + 0.1140 B).

>>> import numpy as np
>>> from lamina import layers
>>> out = layers.RandomGrayscale(factor=1.0, seed=1)(np.random.rand(2, 4, 4, 3), training=True)
>>> bool(np.allclose(out[..., 0], out[..., 2]))
True
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import batch_shape
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.ops.image import rgb_to_grayscale


@_register
class RandomGrayscale(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 <= factor <= 1:
            raise ValueError(
                "RandomGrayscale: `factor` is the probability of converting an image and must be a number in "
                f"[0, 1]. Received: factor={factor!r}"
            )
        self.factor = factor
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        key = draw_seed(seed if seed is not None else self.generator)
        return jax.random.uniform(key, batch_shape(data)) < self.factor

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        gray = rgb_to_grayscale(images, data_format=self.data_format)
        return jnp.where(transformation, gray, images)

    def get_config(self):
        # Keras 3 leaves `seed` out of this layer's config; kept identical for interchangeable files.
        return {**super().get_config(), "factor": self.factor}
