"""`BaseGlobalPooling`: reduces all spatial axes (max or mean), keeping batch and channels.

>>> import numpy as np
>>> from lamina import layers
>>> layers.GlobalAveragePooling2D()(np.ones((2, 5, 5, 3))).shape
(2, 3)
>>> layers.GlobalMaxPooling2D(keepdims=True)(np.ones((2, 5, 5, 3))).shape
(2, 1, 1, 3)
"""

from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import layout
from lamina.layers.layer import Layer


class BaseGlobalPooling(Layer):
    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.rank = pool_dimensions
        self.data_format = cu.standardize_data_format(data_format)
        self.keepdims = keepdims
        self.built = True

    def _spatial_axes(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def compute_output_shape(self, input_shape):
        axes = self._spatial_axes(input_shape)
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(input_shape))
        return tuple(d for i, d in enumerate(input_shape) if i not in axes)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
