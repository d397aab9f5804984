"""`RandomFlip`: flips each image horizontally and/or vertically with probability 1/2 (training only).

`mode` is "horizontal", "vertical" or "horizontal_and_vertical" (one coin per image decides both
flips, as in Keras).

>>> import numpy as np
>>> from lamina import layers
>>> x = np.random.default_rng(0).random((8, 4, 4, 3)).astype("float32")
>>> layers.RandomFlip(seed=3)(x, training=True).shape
(8, 4, 4, 3)
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


@_register
class RandomFlip(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in _MODES:
            raise ValueError(f"RandomFlip: `mode` must be one of {_MODES}. Received: mode={mode!r}")
        self.mode = mode
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = (data.shape[0], 1, 1, 1) if data.ndim == 4 else (1, 1, 1)
        key = draw_seed(seed if seed is not None else self.generator)
        return {"flips": jax.random.uniform(key, shape) <= 0.5}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        flips = transformation["flips"]
        h_axis, w_axis = self._hw_axes(images.ndim)
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            images = jnp.where(flips, jnp.flip(images, axis=w_axis), images)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            images = jnp.where(flips, jnp.flip(images, axis=h_axis), images)
        return images

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}
