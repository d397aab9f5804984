"""`GlobalAveragePooling1D`/`2D`/`3D` (also `GlobalAvgPool1D`/`2D`/`3D`): mean over spatial axes.

`GlobalAveragePooling1D` honours a mask over the steps (e.g. from `Embedding(mask_zero=True)`):
masked steps are left out of the mean, and no mask is passed on.

>>> import numpy as np
>>> from lamina import layers
>>> x = np.array([[[1.0], [3.0], [100.0]]])
>>> layers.GlobalAveragePooling1D()(x, mask=np.array([[True, True, False]])).tolist()
[[2.0]]
"""

import jax.numpy as jnp

from lamina.layers.layer import _register
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling


@_register
class GlobalAveragePooling1D(BaseGlobalPooling):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axes = self._spatial_axes(inputs.shape)
        if mask is None:
            return jnp.mean(inputs, axis=axes, keepdims=self.keepdims)
        weights = jnp.expand_dims(jnp.asarray(mask, bool), 2 if self.data_format == "channels_last" else 1)
        total = jnp.sum(jnp.where(weights, inputs, 0), axis=axes, keepdims=self.keepdims)
        count = jnp.sum(weights.astype(inputs.dtype), axis=axes, keepdims=self.keepdims)
        return total / count

    def compute_mask(self, inputs, previous_mask=None):
        return None


class _GlobalMean(BaseGlobalPooling):
    def call(self, inputs):
        return jnp.mean(inputs, axis=self._spatial_axes(inputs.shape), keepdims=self.keepdims)


@_register
class GlobalAveragePooling2D(_GlobalMean):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


@_register
class GlobalAveragePooling3D(_GlobalMean):
    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)
