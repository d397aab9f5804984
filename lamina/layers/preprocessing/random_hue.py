"""`RandomHue`: rotates each RGB image's hue by a random amount (training only).

The shift is `±u / 2` of a full turn with `u` drawn in `factor` (in [0, 1]; a single `f` means
`(0, f)`) and a random sign, so `factor=1` allows up to half a turn either way. Pixels are
mapped from `value_range` to [0, 1] for the HSV round trip and back.

>>> import numpy as np
>>> from lamina import layers
>>> x = np.random.rand(2, 3, 3, 3) * 255
>>> bool(np.allclose(layers.RandomHue(0.3)(x, training=False), x))
True
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import (
    channel_axis,
    check_rgb,
    check_value_range,
    hsv_to_rgb,
    rescale,
    rgb_to_hsv,
)
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class RandomHue(BaseImagePreprocessingLayer):
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        check_value_range("RandomHue", value_range)
        self.value_range = value_range
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        key = draw_seed(seed if seed is not None else self.generator)
        k_sign, k_amount = jax.random.split(key)
        batch = data.shape[0] if data.ndim == 4 else 1
        sign = jnp.where(jax.random.uniform(k_sign, (batch,)) > 0.5, -1.0, 1.0)
        amount = jax.random.uniform(k_amount, (batch,), minval=self.factor[0], maxval=self.factor[1])
        return {"factor": sign * amount * 0.5}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        check_rgb("RandomHue", images, self.data_format)
        if not training or transformation is None:
            return images
        value_range = sorted(self.value_range)
        axis = channel_axis(self.data_format)
        shift = jnp.asarray(transformation["factor"], self.compute_dtype)
        shift = shift.reshape((-1, 1, 1) if images.ndim == 4 else (1, 1))
        hsv = rgb_to_hsv(rescale(images, value_range, (0, 1)), self.data_format)
        h, s, v = (jnp.take(hsv, i, axis=axis) for i in range(3))
        h = h + shift
        h = jnp.where(h > 1.0, h - 1.0, jnp.where(h < 0.0, h + 1.0, h))
        rgb = jnp.clip(hsv_to_rgb(jnp.stack([h, s, v], axis=axis), self.data_format), 0.0, 1.0)
        return rescale(rgb, (0, 1), value_range).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
