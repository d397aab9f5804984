"""`Resizing`: resizes images to `(height, width)` with `ops.image.resize`.

Integer images keep their dtype (rounded, clipped); float images take the layer's dtype.
`interpolation` is one of "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5", "area".

>>> import numpy as np
>>> from lamina import layers
>>> layers.Resizing(2, 3)(np.ones((4, 8, 8, 3))).shape
(4, 2, 3, 3)
"""

from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import _register
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer
from lamina.ops import image as image_ops


@_register
class Resizing(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if interpolation not in image_ops.RESIZE_INTERPOLATIONS:
            raise ValueError(
                f"Resizing: `interpolation` must be one of {image_ops.RESIZE_INTERPOLATIONS}. "
                f"Received: interpolation={interpolation!r}"
            )
        self.height, self.width = height, width
        self.interpolation = interpolation
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)

    def transform_images(self, images, transformation=None, training=True):
        return image_ops.resize(
            images, (self.height, self.width), interpolation=self.interpolation, antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio, pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_mode=self.fill_mode, fill_value=self.fill_value, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._hw_axes(len(shape))
        shape[h], shape[w] = self.height, self.width
        return tuple(shape)

    def compute_output_spec(self, inputs, **kwargs):
        dtype = inputs.dtype if "int" in str(inputs.dtype) else self.compute_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias}
