"""`RandomInvert`: flips pixel values within `value_range` (`low + high - x`) for some images.

Each image is inverted with a probability drawn in `factor` = `(lower, upper)` (a single `f`
means `(0, f)`); `factor=(1, 1)` always inverts. Training only. Keras 3.15 computes `high - x`,
which leaves the value range unless `low == 0`; lamina maps the range onto itself.

>>> import numpy as np
>>> from lamina import layers
>>> layers.RandomInvert(factor=(1, 1))(np.array([[[[0.0], [255.0]]]]), training=True).ravel().tolist()
[255.0, 0.0]
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import batch_shape, check_value_range
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class RandomInvert(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        check_value_range("RandomInvert", value_range)
        self.value_range = value_range
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        key = draw_seed(seed if seed is not None else self.generator)
        k_prob, k_draw = jax.random.split(key)
        shape = batch_shape(data)
        probability = jax.random.uniform(k_prob, shape, minval=self.factor[0], maxval=self.factor[1])
        return {"apply_inversion": jax.random.uniform(k_draw, shape) < probability}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        low, high = sorted(self.value_range)
        apply = jnp.reshape(transformation["apply_inversion"], batch_shape(images))
        return jnp.where(apply, (low + high) - images, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
