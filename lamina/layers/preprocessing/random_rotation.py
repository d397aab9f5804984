"""`RandomRotation`: rotates each image by a random angle (training only).

`factor` is a fraction of a full turn: 0.1 draws angles in [-36, 36] degrees, `(a, b)` in
`[a*360, b*360]`; positive is counter-clockwise. Pixels from outside the image follow
`fill_mode` ("reflect", "wrap", "constant" with `fill_value`, "nearest").

>>> import numpy as np
>>> from lamina import layers
>>> layers.RandomRotation(0.1, seed=1)(np.ones((2, 5, 5, 1)), training=True).shape
(2, 5, 5, 1)
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.ops import image as image_ops

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def check_fill_and_interpolation(owner, fill_mode, interpolation):
    if fill_mode not in FILL_MODES:
        raise NotImplementedError(f"{owner}: unknown `fill_mode` {fill_mode!r}. Expected one of {FILL_MODES}.")
    if interpolation not in INTERPOLATIONS:
        raise NotImplementedError(
            f"{owner}: unknown `interpolation` {interpolation!r}. Expected one of {INTERPOLATIONS}.")


@_register
class RandomRotation(BaseImagePreprocessingLayer):
    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        check_fill_and_interpolation("RandomRotation", fill_mode, interpolation)
        self.seed = seed
        self.generator = SeedGenerator(seed)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        batch = data.shape[0] if data.ndim == 4 else 1
        height, width = self._height_width(data.shape)
        key = draw_seed(seed if seed is not None else self.generator)
        angle = jax.random.uniform(key, (batch,), minval=self.factor[0] * 360.0, maxval=self.factor[1] * 360.0)
        zeros, ones = jnp.zeros((batch,)), jnp.ones((batch,))
        matrix = self.compute_affine_matrix(0.5, 0.5, angle, zeros, zeros, ones, zeros, zeros, height, width)
        if data.ndim == 3:
            matrix = matrix[0]
        return {"angle": angle, "rotation_matrix": matrix}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        return image_ops.affine_transform(images, transformation["rotation_matrix"],
                                          interpolation=self.interpolation, fill_mode=self.fill_mode,
                                          fill_value=self.fill_value, data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "interpolation": self.interpolation, "seed": self.seed}
