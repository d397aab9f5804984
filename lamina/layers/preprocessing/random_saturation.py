"""`RandomSaturation`: scales each RGB image's HSV saturation by a random amount (training only).

A draw `f` in `factor` (in [0, 1]; a single number `f` means `(0, f)`) multiplies saturation by
`f / (1 - f)`: 0 gives gray, 0.5 leaves the image as is, 1 gives full saturation. Saturation is
clipped to [0, 1]. Keras 3.15 treats a single `f` as `(-f, f)` and clips saturation to
`value_range` (e.g. [0, 255]), which sends oversaturated pixels outside the input range; lamina
follows the documented behaviour instead.

>>> import numpy as np
>>> from lamina import layers
>>> x = np.random.rand(1, 3, 3, 3) * 255
>>> bool(np.allclose(layers.RandomSaturation((0.5, 0.5))(x, training=True), x, atol=1e-3))
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
    rgb_to_hsv,
)
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class RandomSaturation(BaseImagePreprocessingLayer):
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if isinstance(factor, (int, float)) and not isinstance(factor, bool) and 0 <= factor <= 1:
            factor = (0, factor)
        self._set_factor(factor)
        if not 0 <= self.factor[0] <= self.factor[1] <= 1:
            raise ValueError(f"RandomSaturation: `factor` values must lie in [0, 1]. Received: factor={factor!r}")
        self.value_range = check_value_range("RandomSaturation", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        key = draw_seed(seed if seed is not None else self.generator)
        batch = data.shape[0] if data.ndim == 4 else 1
        f = jax.random.uniform(key, (batch,), minval=self.factor[0], maxval=self.factor[1])
        return {"factor": f / (1 - f + 1e-7)}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        check_rgb("RandomSaturation", images, self.data_format)
        if not training or transformation is None:
            return images
        axis = channel_axis(self.data_format)
        scale = jnp.asarray(transformation["factor"], self.compute_dtype)
        scale = scale.reshape((-1, 1, 1) if images.ndim == 4 else (1, 1))
        hsv = rgb_to_hsv(images, self.data_format)
        h, s, v = (jnp.take(hsv, i, axis=axis) for i in range(3))
        hsv = jnp.stack([h, jnp.clip(s * scale, 0.0, 1.0), v], axis=axis)
        return hsv_to_rgb(hsv, self.data_format).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
