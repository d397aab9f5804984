"""`RandomBrightness`: adds a random offset to each image (training only), clipped to `value_range`.

`factor` in [-1, 1] is a fraction of the value range: 0.2 draws offsets in
`[-0.2, 0.2] * (max - min)`; `(a, b)` in `[a, b] * (max - min)`. Unlike Keras 3.15, which adds
the offset in the input dtype (wrapping around for negative offsets on uint8 images), lamina
computes in the layer's float dtype.

>>> import numpy as np
>>> from lamina import layers
>>> out = layers.RandomBrightness(0.5, seed=1)(np.full((1, 2, 2, 3), 100.0), training=True)
>>> bool(((out >= 0) & (out <= 255)).all())
True
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class RandomBrightness(BaseImagePreprocessingLayer):
    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                f"RandomBrightness: `value_range` must be a list of two numbers. Received: value_range={value_range!r}"
            )
        self.value_range = sorted(value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        shape = (data.shape[0], 1, 1, 1) if data.ndim == 4 else (1, 1, 1)
        if not training:
            return {"rgb_delta": jnp.zeros(shape)}
        key = draw_seed(seed if seed is not None else self.generator)
        delta = jax.random.uniform(key, shape, minval=self.factor[0], maxval=self.factor[1])
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training:
            return images
        out = images + transformation["rgb_delta"].astype(images.dtype)
        return jnp.clip(out, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
