"""`GlobalMaxPooling1D`/`2D`/`3D` (also `GlobalMaxPool1D`/`2D`/`3D`): max over all spatial axes.

>>> import numpy as np
>>> from lamina import layers
>>> layers.GlobalMaxPooling1D()(np.arange(6.0).reshape(1, 3, 2)).tolist()
[[4.0, 5.0]]
"""

import jax.numpy as jnp

from lamina.layers.layer import _register
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


class _GlobalMax(BaseGlobalPooling):
    def call(self, inputs):
        return jnp.max(inputs, axis=self._spatial_axes(inputs.shape), keepdims=self.keepdims)


@_register
class GlobalMaxPooling1D(_GlobalMax):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


@_register
class GlobalMaxPooling2D(_GlobalMax):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


@_register
class GlobalMaxPooling3D(_GlobalMax):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)
