"""`ZeroPadding1D`/`2D`/`3D`: add zeros at the start and end of spatial axes.

>>> import numpy as np
>>> from lamina import layers
>>> layers.ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 5, 6, 3))).shape
(1, 6, 10, 3)
"""

import jax.numpy as jnp

from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import layout
from lamina.layers.layer import Layer, _register
from lamina.layers.reshaping.spatial_args import standardize_pairs


class BaseZeroPadding(Layer):
    rank = None

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = cu.standardize_data_format(data_format)
        self.padding = padding
        self.built = True

    def _pairs(self):
        return self.padding if self.rank > 1 else (self.padding,)

    def compute_output_shape(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))
        spatial = [
            None if n is None else n + a + b
            for n, (a, b) in zip(cu.spatial_shape(input_shape, self.data_format), self._pairs())
        ]
        channels = input_shape[cu.channel_axis(self.data_format)]
        return cu.with_spatial(tuple(input_shape), spatial, channels, self.data_format)

    def call(self, inputs):
        cu.check_ndim(self, inputs.shape, self.rank + 2, layout(self.rank, self.data_format))
        if self.data_format == "channels_last":
            pads = ((0, 0),) + self._pairs() + ((0, 0),)
        else:
            pads = ((0, 0), (0, 0)) + self._pairs()
        return jnp.pad(inputs, pads)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


@_register
class ZeroPadding1D(BaseZeroPadding):
    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(cu.standardize_tuple(padding, 2, "padding", allow_zero=True), data_format, **kwargs)


@_register
class ZeroPadding2D(BaseZeroPadding):
    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(standardize_pairs(padding, 2, "padding"), data_format, **kwargs)


@_register
class ZeroPadding3D(BaseZeroPadding):
    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(standardize_pairs(padding, 3, "padding"), data_format, **kwargs)
