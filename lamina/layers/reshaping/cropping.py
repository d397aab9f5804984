"""`Cropping1D`/`2D`/`3D`: remove rows/columns/slices from the start and end of spatial axes.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Cropping2D(((1, 0), (2, 2)))(np.ones((1, 5, 6, 3))).shape
(1, 4, 2, 3)
"""

from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import layout
from lamina.layers.layer import Layer, _register
from lamina.layers.reshaping.spatial_args import standardize_pairs


class BaseCropping(Layer):
    rank = None

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = cu.standardize_data_format(data_format)
        self.cropping = cropping
        self.built = True

    def _pairs(self):
        return self.cropping if self.rank > 1 else (self.cropping,)

    def compute_output_shape(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))
        spatial = []
        for n, (a, b) in zip(cu.spatial_shape(input_shape, self.data_format), self._pairs()):
            if n is not None and a + b >= n:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': the cropping must leave at least one element on every "
                    f"spatial axis. Received: input_shape={tuple(input_shape)}, cropping={self.cropping}"
                )
            spatial.append(None if n is None else n - a - b)
        channels = input_shape[cu.channel_axis(self.data_format)]
        return cu.with_spatial(tuple(input_shape), spatial, channels, self.data_format)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        first = 1 if self.data_format == "channels_last" else 2
        index = [slice(None)] * inputs.ndim
        for i, (a, b) in enumerate(self._pairs()):
            index[first + i] = slice(a, inputs.shape[first + i] - b)
        return inputs[tuple(index)]

    def get_config(self):
        config = {**super().get_config(), "cropping": self.cropping}
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config


@_register
class Cropping1D(BaseCropping):
    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cu.standardize_tuple(cropping, 2, "cropping", allow_zero=True), "channels_last", **kwargs)


@_register
class Cropping2D(BaseCropping):
    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(standardize_pairs(cropping, 2, "cropping"), data_format, **kwargs)


@_register
class Cropping3D(BaseCropping):
    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(standardize_pairs(cropping, 3, "cropping"), data_format, **kwargs)
