"""`AdaptiveAveragePooling1D/2D/3D` and `AdaptiveMaxPooling1D/2D/3D`: pool to a fixed output size.

Each spatial axis of length `n` is split into `output_size` bins (bin `i` covers
`[floor(i*n/m), ceil((i+1)*n/m))`, as in PyTorch), so any input size gives the same output size.

>>> import numpy as np
>>> from lamina import layers
>>> layers.AdaptiveAveragePooling2D(3)(np.ones((2, 10, 7, 4))).shape
(2, 3, 3, 4)
>>> layers.AdaptiveMaxPooling1D(2)(np.arange(5.0).reshape(1, 5, 1))[0, :, 0].tolist()
[2.0, 4.0]
"""

import numpy as np

from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import layout
from lamina.layers.layer import Layer, _register
from lamina.ops.conv import adaptive_average_pool as _adaptive_average_pool
from lamina.ops.conv import adaptive_max_pool as _adaptive_max_pool

_AXES = {1: "an int", 2: "an int or a (height, width) tuple", 3: "an int or a (depth, height, width) tuple"}


def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


class BaseAdaptivePooling(Layer):
    """Shared by the six adaptive pooling layers; `rank` is the number of spatial axes."""

    rank = None
    mode = None

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = self._standardize_output_size(output_size)
        self.data_format = cu.standardize_data_format(data_format)
        self.built = True

    def _standardize_output_size(self, value):
        where = f"{type(self).__name__}: `output_size` must be {_AXES[self.rank]} of {self.rank} positive ints"
        if _is_int(value):
            sizes = (int(value),) * self.rank
        elif isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
            if len(value) != self.rank:
                # Keras raises ValueError for 1D and TypeError for 2D/3D here; keep its types.
                error = ValueError if self.rank == 1 else TypeError
                raise error(
                    f"{where}, one per spatial axis. Received: output_size={value!r} "
                    f"({len(value)} values). Pass {self.rank} sizes, or one int for all axes."
                )
            sizes = tuple(int(v) for v in value)
        else:
            raise TypeError(f"{where}. Received: output_size={value!r} of type {type(value).__name__}")
        if any(v < 1 for v in sizes):
            raise ValueError(f"{where}; every size must be >= 1. Received: output_size={value!r}")
        return sizes

    def _check_input(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))

    def compute_output_shape(self, input_shape):
        self._check_input(input_shape)
        channels = input_shape[cu.channel_axis(self.data_format)]
        return cu.with_spatial(tuple(input_shape), self.output_size, channels, self.data_format)

    def call(self, inputs):
        self._check_input(inputs.shape)
        pool = _adaptive_max_pool if self.mode == "max" else _adaptive_average_pool
        return pool.raw(inputs, self.output_size, self.data_format)

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}


@_register
class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    rank, mode = 1, "average"


@_register
class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    rank, mode = 2, "average"


@_register
class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    rank, mode = 3, "average"


@_register
class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    rank, mode = 1, "max"


@_register
class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    rank, mode = 2, "max"


@_register
class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    rank, mode = 3, "max"
