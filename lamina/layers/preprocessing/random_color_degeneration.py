"""`RandomColorDegeneration`: blends each RGB image towards its grayscale version (training only).

Output is `clip(x + f * (gray(x) - x), *value_range)` with `f` drawn per image in `factor`
(Keras's base convention: a single `f` means `(-f, f)`; negative values push colours away from
gray). `f = 1` gives the grayscale image.

>>> import numpy as np
>>> from lamina import layers
>>> out = layers.RandomColorDegeneration(factor=(1, 1))(np.random.rand(1, 3, 3, 3) * 255, training=True)
>>> bool(np.allclose(out[..., 0], out[..., 1]))
True
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import batch_shape, check_rgb, check_value_range
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.ops.image import rgb_to_grayscale


@_register
class RandomColorDegeneration(BaseImagePreprocessingLayer):
    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = check_value_range("RandomColorDegeneration", value_range)
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        key = draw_seed(seed if seed is not None else self.generator)
        factor = jax.random.uniform(key, batch_shape(data), minval=self.factor[0], maxval=self.factor[1])
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        check_rgb("RandomColorDegeneration", images, self.data_format)
        if not training or transformation is None:
            return images
        factor = jnp.reshape(jnp.asarray(transformation["factor"], self.compute_dtype), batch_shape(images))
        gray = rgb_to_grayscale(images, data_format=self.data_format)
        out = images + factor * (gray - images)
        return jnp.clip(out, self.value_range[0], self.value_range[1])

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "RandomColorDegeneration expects an image (rank 3) or a batch (rank 4). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        axis = -1 if self.data_format == "channels_last" else -3
        if input_shape[axis] is not None and input_shape[axis] != 3:
            raise ValueError(
                f"RandomColorDegeneration expects 3 (RGB) channels. Received: input_shape={tuple(input_shape)} "
                f"with data_format={self.data_format!r}"
            )
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}
