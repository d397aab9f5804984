"""`BasePooling`: sliding-window max/average pooling shared by the 1D/2D/3D pooling layers.

>>> import numpy as np
>>> from lamina import layers
>>> layers.MaxPooling2D(3)(np.ones((1, 121, 121, 32))).shape
(1, 40, 40, 32)
"""

from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import layout
from lamina.layers.layer import Layer
from lamina.ops.conv import average_pool as _average_pool
from lamina.ops.conv import max_pool as _max_pool


class BasePooling(Layer):
    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid",
                 data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rank = pool_dimensions
        self.pool_size = cu.standardize_tuple(pool_size, pool_dimensions, "pool_size")
        self.strides = cu.standardize_tuple(pool_size if strides is None else strides, pool_dimensions, "strides")
        self.pool_mode = pool_mode
        self.padding = cu.standardize_padding(padding)
        self.data_format = cu.standardize_data_format(data_format)
        self.built = True

    def _output_shape(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))
        out = []
        for i, n in enumerate(cu.spatial_shape(input_shape, self.data_format)):
            m = cu.conv_output_length(n, self.pool_size[i], self.strides[i], self.padding)
            if m is not None and m <= 0:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': with padding='valid' the pooling window "
                    f"(pool_size={self.pool_size}) is larger than the input along spatial axis {i} (size {n}), "
                    f"so the output would be empty. Received: input_shape={tuple(input_shape)}. "
                    "Use padding='same' or a smaller pool_size."
                )
            out.append(m)
        channels = input_shape[cu.channel_axis(self.data_format)]
        return cu.with_spatial(tuple(input_shape), out, channels, self.data_format)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape)

    def call(self, inputs):
        self._output_shape(inputs.shape)
        pool = _max_pool if self.pool_mode == "max" else _average_pool
        return pool.raw(inputs, self.pool_size, self.strides, self.padding, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
