"""`RandomCrop`: crops a random `(height, width)` window (the same for the whole batch) in training.

At inference, and in training when the image is not larger than the target on both sides, it
crops the largest centred window with the target's aspect ratio and resizes it to the target
(bilinear), so the output always has the target size. This is Keras's documented behaviour;
Keras 3.15 itself returns inference inputs uncropped.

>>> import numpy as np
>>> from lamina import layers
>>> crop = layers.RandomCrop(2, 2, seed=1)
>>> crop(np.ones((3, 5, 6, 1)), training=True).shape, crop(np.ones((3, 5, 6, 1)), training=False).shape
((3, 2, 2, 1), (3, 2, 2, 1))
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.ops import image as image_ops
from lamina.ops.image import _aspect_window


@_register
class RandomCrop(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height, self.width = height, width
        self.seed = seed
        self.generator = SeedGenerator(seed)
        self.supports_masking = False

    def get_random_transformation(self, data, training=True, seed=None):
        in_h, in_w = self._height_width(data.shape)
        if training and in_h > self.height and in_w > self.width:
            seed = seed if seed is not None else self.generator
            h0 = jax.random.uniform(draw_seed(seed), (), maxval=float(in_h - self.height + 1)).astype("int32")
            w0 = jax.random.uniform(draw_seed(seed), (), maxval=float(in_w - self.width + 1)).astype("int32")
            return {"start": (h0, w0), "size": (self.height, self.width)}
        h0, w0, ch, cw = _aspect_window(in_h, in_w, self.height, self.width)
        return {"start": (h0, w0), "size": (ch, cw)}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        (h0, w0), (ch, cw) = transformation["start"], transformation["size"]
        h_axis, w_axis = self._hw_axes(images.ndim)
        images = jax.lax.dynamic_slice_in_dim(images, h0, ch, axis=h_axis)
        images = jax.lax.dynamic_slice_in_dim(images, w0, cw, axis=w_axis)
        if (ch, cw) != (self.height, self.width):
            images = image_ops.resize(images, (self.height, self.width), data_format=self.data_format)
        return images

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._hw_axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed}
