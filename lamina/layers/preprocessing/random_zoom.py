"""`RandomZoom`: zooms each image in or out by a random factor (training only).

`height_factor` 0.2 draws vertical zooms in [-20%, +20%]: a positive value zooms out (the
content shrinks), a negative one zooms in. `width_factor` (default: same zoom as height, keeping
the aspect ratio) works likewise. Pixels from outside the image follow `fill_mode`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.RandomZoom(0.2, seed=1)(np.ones((2, 5, 5, 1)), training=True).shape
(2, 5, 5, 1)
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.layers.preprocessing.random_rotation import check_fill_and_interpolation
from lamina.ops import image as image_ops


def parse_range(owner, factor, name, lower_open):
    """`factor` (number or pair) as a sorted (lower, upper) pair inside [-1, 1]."""
    msg = (f"{owner}: `{name}` must be a number or a pair of numbers in "
           f"{'(-1, 1]' if lower_open else '[-1, 1]'}. Received: {name}={factor!r}")

    def check(v):
        if not isinstance(v, (int, float)) or isinstance(v, bool) or v > 1.0 or v < -1.0 or (lower_open and v == -1.0):
            raise ValueError(msg)

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(msg)
        check(factor[0])
        check(factor[1])
        return tuple(sorted(factor))
    check(factor)
    return -abs(factor), abs(factor)


@_register
class RandomZoom(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = parse_range("RandomZoom", height_factor, "height_factor", True)
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = parse_range("RandomZoom", width_factor, "width_factor", True)
        check_fill_and_interpolation("RandomZoom", fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        self.generator = SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        shape = (data.shape[0], 1) if data.ndim == 4 else (1, 1)
        seed = seed if seed is not None else self.generator
        height_zoom = jax.random.uniform(draw_seed(seed), shape, minval=1.0 + self.height_lower,
                                         maxval=1.0 + self.height_upper)
        if self.width_factor is not None:
            width_zoom = jax.random.uniform(draw_seed(seed), shape, minval=1.0 + self.width_lower,
                                            maxval=1.0 + self.width_upper)
        else:
            width_zoom = height_zoom
        return {"height_zoom": height_zoom, "width_zoom": width_zoom}

    def zoom_matrix(self, zooms, height, width):
        """(batch, 8) transform rows for zooms `[[width_zoom, height_zoom], ...]` about the centre."""
        zx, zy = zooms[:, 0:1], zooms[:, 1:2]
        zeros = jnp.zeros_like(zx)
        x_offset = (float(width) - 1.0) / 2.0 * (1.0 - zx)
        y_offset = (float(height) - 1.0) / 2.0 * (1.0 - zy)
        return jnp.concatenate([zx, zeros, x_offset, zeros, zy, y_offset, zeros, zeros], axis=1)

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        zooms = jnp.concatenate([transformation["width_zoom"], transformation["height_zoom"]], axis=1)
        height, width = self._height_width(images.shape)
        matrix = self.zoom_matrix(zooms.astype("float32"), height, width)
        if images.ndim == 3:
            matrix = matrix[0]
        return image_ops.affine_transform(images, matrix, interpolation=self.interpolation,
                                          fill_mode=self.fill_mode, fill_value=self.fill_value,
                                          data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor, "width_factor": self.width_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed,
                "fill_value": self.fill_value}
