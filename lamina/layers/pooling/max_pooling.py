"""`MaxPooling1D`, `MaxPooling2D`, `MaxPooling3D` (also `MaxPool1D`/`2D`/`3D`): max over windows.

`strides` defaults to `pool_size` (non-overlapping windows).

>>> import numpy as np
>>> from lamina import layers
>>> x = np.arange(16.0).reshape(1, 4, 4, 1)
>>> layers.MaxPooling2D()(x)[0, :, :, 0].tolist()
[[5.0, 7.0], [13.0, 15.0]]
"""

from lamina.layers.layer import _register
from lamina.layers.pooling.base_pooling import BasePooling


@_register
class MaxPooling1D(BasePooling):
    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, 1, pool_mode="max", padding=padding, data_format=data_format,
                         name=name, **kwargs)


@_register
class MaxPooling2D(BasePooling):
    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, 2, pool_mode="max", padding=padding, data_format=data_format,
                         name=name, **kwargs)


@_register
class MaxPooling3D(BasePooling):
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, 3, pool_mode="max", padding=padding, data_format=data_format,
                         name=name, **kwargs)
