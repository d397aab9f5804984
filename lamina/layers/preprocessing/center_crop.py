"""`CenterCrop`: crops the central `(height, width)` window of images.

An image smaller than the target along either side is instead resized (bilinear) after cropping
the largest centred window with the target's aspect ratio, as Keras does. Output is in the layer's
dtype.

>>> import numpy as np
>>> from lamina import layers
>>> layers.CenterCrop(2, 2)(np.arange(16.).reshape(4, 4, 1))[..., 0].tolist()
[[5.0, 6.0], [9.0, 10.0]]
"""

import jax

from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.ops import image as image_ops


@_register
class CenterCrop(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height, self.width = height, width

    def transform_images(self, images, transformation=None, training=True):
        images = images.astype(self.compute_dtype)
        h_axis, w_axis = self._hw_axes(images.ndim)
        height, width = images.shape[h_axis], images.shape[w_axis]
        dh, dw = height - self.height, width - self.width
        if dh >= 0 and dw >= 0:
            images = jax.lax.slice_in_dim(images, dh // 2, dh // 2 + self.height, axis=h_axis)
            return jax.lax.slice_in_dim(images, dw // 2, dw // 2 + self.width, axis=w_axis)
        return image_ops.resize(images, (self.height, self.width), crop_to_aspect_ratio=True,
                                data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._hw_axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
