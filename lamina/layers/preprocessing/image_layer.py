"""`BaseImagePreprocessingLayer`: what image resizing and augmentation layers share.

A subclass draws one random `transformation` per call (`get_random_transformation`) and applies it
with `transform_images`; both are public so the same transformation can be replayed (Keras's API).
Inputs are one image (rank 3), a batch (rank 4), or a dict with an `"images"` entry (other
entries such as `"labels"` pass through unchanged; bounding boxes and segmentation masks are not
supported by lamina).

Augmentation layers take `training` (default True, as in Keras 3: a bare `layer(x)` augments;
`model.predict`/`evaluate` pass False). Randomness comes from a `SeedGenerator` attribute, so a
layer created with `seed=` gives the same sequence of draws each time, eagerly or inside `fit`.

>>> import numpy as np
>>> from lamina import layers
>>> flip = layers.RandomFlip("horizontal", seed=1)
>>> x = np.arange(8.).reshape(1, 2, 4, 1)
>>> bool((flip(x, training=False) == x).all())
True
"""

import math

import jax.numpy as jnp

from lamina.layers.layer import Layer
from lamina.ops.image import standardize_data_format


class BaseImagePreprocessingLayer(Layer):
    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if bounding_box_format is not None:
            raise ValueError(
                f"{type(self).__name__}: bounding boxes are not supported by lamina. "
                f"Received: bounding_box_format={bounding_box_format!r}"
            )
        self.data_format = standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(f"{type(self).__name__} takes no `factor` argument. Received: factor={factor!r}")
        self.built = True

    def _set_factor(self, factor):
        low, high = self._FACTOR_BOUNDS
        msg = (f"{type(self).__name__}: `factor` must be a number or a pair of numbers in "
               f"[{low}, {high}]. Received: factor={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(msg)
            lower, upper = sorted(factor)
        elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
            if not low <= factor <= high:
                raise ValueError(msg)
            factor = abs(factor)
            lower, upper = max(-factor, low), factor
        else:
            raise ValueError(msg)
        self.factor = (lower, upper)

    # ------------------------------------------------------------------ layout helpers
    def _hw_axes(self, ndim):
        return (ndim - 3, ndim - 2) if self.data_format == "channels_last" else (ndim - 2, ndim - 1)

    def _height_width(self, shape):
        h, w = self._hw_axes(len(shape))
        return shape[h], shape[w]

    @staticmethod
    def _check_rank(images):
        if len(images.shape) not in (3, 4):
            raise ValueError(
                "Expected an image (rank 3) or a batch of images (rank 4). "
                f"Received: images.shape={tuple(images.shape)}"
            )

    # ------------------------------------------------------------------ the Keras API
    def get_random_transformation(self, data, training=True, seed=None):
        return None

    def transform_images(self, images, transformation, training=True):
        raise NotImplementedError

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def call(self, data, training=True):
        images = data["images"] if isinstance(data, dict) else data
        images = jnp.asarray(images)
        self._check_rank(images)
        transformation = self.get_random_transformation(images, training=training)
        out = self.transform_images(images, transformation, training=training)
        if isinstance(data, dict):
            result = dict(data)
            result["images"] = out
            if "labels" in data:
                result["labels"] = self.transform_labels(data["labels"], transformation, training=training)
            return result
        return out

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}

    # ------------------------------------------------------------------ shared maths
    @staticmethod
    def compute_affine_matrix(center_x, center_y, angle, translate_x, translate_y, scale, shear_x, shear_y,
                              height, width):
        """Keras's 8-number transform rows for rotating/scaling/shearing about a relative centre.

        Angles are in degrees; `center_*` are fractions of the image size; every argument except
        the centre and the size is a (batch,) array. Returns a (batch, 8) array.
        """
        to_rad = math.pi / 180.0
        angle = angle * to_rad
        shear_x = jnp.tan(shear_x * to_rad)
        shear_y = jnp.tan(shear_y * to_rad)
        cx = center_x * (float(width) - 1)
        cy = center_y * (float(height) - 1)
        cos, sin = jnp.cos(angle), jnp.sin(angle)
        a0 = scale * (cos + shear_x * sin)
        a1 = scale * (-sin + shear_x * cos)
        a2 = translate_x + cx - cx * a0 - cy * a1
        b0 = scale * (shear_y * cos + sin)
        b1 = scale * (shear_y * -sin + cos)
        b2 = translate_y + cy - cx * b0 - cy * b1
        zeros = jnp.zeros_like(a0)
        return jnp.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
