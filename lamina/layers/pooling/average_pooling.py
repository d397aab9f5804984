"""`AveragePooling1D`/`2D`/`3D` (also `AvgPool1D`/`2D`/`3D`): mean over windows.

With `padding="same"` the windows that hang over the border average only the real values (the
padding is not counted), as Keras does.

>>> import numpy as np
>>> from lamina import layers
>>> x = np.arange(3.0).reshape(1, 3, 1)
>>> layers.AveragePooling1D(2, padding="same")(x)[0, :, 0].tolist()
[0.5, 2.0]
"""

from lamina.layers.layer import _register
from lamina.layers.pooling.base_pooling import BasePooling


@_register
class AveragePooling1D(BasePooling):
    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, 1, pool_mode="average", padding=padding, data_format=data_format,
                         name=name, **kwargs)


@_register
class AveragePooling2D(BasePooling):
    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, 2, pool_mode="average", padding=padding, data_format=data_format,
                         name=name, **kwargs)


@_register
class AveragePooling3D(BasePooling):
    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, 3, pool_mode="average", padding=padding, data_format=data_format,
                         name=name, **kwargs)
