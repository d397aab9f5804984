"""`RMSNormalization`: divides each sample by its root mean square over `axis`, times `scale`.

`y = x / sqrt(mean(x**2) + epsilon) * scale`, with a learned `scale` (initialized to ones).

>>> import numpy as np
>>> from lamina import layers
>>> y = layers.RMSNormalization()(np.array([[3.0, 4.0]]))
>>> [round(float(v), 4) for v in y[0]]
[0.8485, 1.1314]
"""

import jax
import jax.numpy as jnp

from lamina.layers.layer import Layer, _register
from lamina.layers.normalization import norm_utils


@_register
class RMSNormalization(Layer):
    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        # Sized in Keras's order: the sorted (possibly negative) axes.
        self.axis = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        self.scale = self.add_weight(name="scale", shape=tuple(input_shape[a] for a in self.axis), initializer="ones")

    def compute_output_shape(self, input_shape):
        norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        return input_shape

    def call(self, inputs):
        x = inputs.astype(norm_utils.compute_dtype_for(inputs))
        axes = norm_utils.canonical_axes(self.axis, x.ndim, type(self).__name__)
        inv_rms = jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=axes, keepdims=True) + self.epsilon)
        scale_shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
        outputs = x * inv_rms * jnp.reshape(self.scale.value.astype(x.dtype), scale_shape)
        return outputs.astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
