"""`RandomTranslation`: shifts each image by a random offset (training only).

`height_factor` 0.2 shifts vertically by up to 20% of the height either way (`(a, b)`: between
`a` and `b` times the height; positive moves content down); `width_factor` likewise
horizontally (positive moves content right). Pixels from outside follow `fill_mode`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.RandomTranslation(0.2, 0.2, seed=1)(np.ones((2, 5, 5, 1)), training=True).shape
(2, 5, 5, 1)
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.layers.preprocessing.random_rotation import check_fill_and_interpolation
from lamina.layers.preprocessing.random_zoom import parse_range
from lamina.ops import image as image_ops


@_register
class RandomTranslation(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = parse_range("RandomTranslation", height_factor, "height_factor", False)
        self.width_factor = width_factor
        self.width_lower, self.width_upper = parse_range("RandomTranslation", width_factor, "width_factor", False)
        check_fill_and_interpolation("RandomTranslation", fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch = data.shape[0] if data.ndim == 4 else 1
        height, width = self._height_width(data.shape)
        seed = seed if seed is not None else self.generator
        dy = jax.random.uniform(draw_seed(seed), (batch, 1), minval=self.height_lower, maxval=self.height_upper)
        dx = jax.random.uniform(draw_seed(seed), (batch, 1), minval=self.width_lower, maxval=self.width_upper)
        return {"translations": jnp.concatenate([dx * width, dy * height], axis=1).astype("float32")}

    @staticmethod
    def translation_matrix(translations):
        """(batch, 8) transform rows moving content by `[[dx, dy], ...]` pixels."""
        n = translations.shape[0]
        ones, zeros = jnp.ones((n, 1)), jnp.zeros((n, 1))
        return jnp.concatenate([ones, zeros, -translations[:, 0:1], zeros, ones, -translations[:, 1:2],
                                zeros, zeros], axis=1)

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        matrix = self.translation_matrix(transformation["translations"])
        if images.ndim == 3:
            matrix = matrix[0]
        return image_ops.affine_transform(images, matrix, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value}
