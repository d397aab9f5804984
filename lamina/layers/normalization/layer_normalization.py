"""`LayerNormalization`: normalizes each sample over `axis` (the features), not over the batch.

`y = (x - mean) / sqrt(var + epsilon) * gamma + beta`, with the statistics taken over `axis` of
each sample. `rms_scaling=True` (deprecated in Keras, kept for compatibility) drops the centering
and `beta`: `y = x / sqrt(var + epsilon) * gamma`.

>>> import numpy as np
>>> from lamina import layers
>>> y = layers.LayerNormalization()(np.array([[1.0, 2.0, 3.0]]))
>>> [round(float(v), 3) for v in y[0]]
[-1.224, 0.0, 1.224]
"""

import warnings

import jax
import jax.numpy as jnp

from lamina import constraints, initializers, regularizers
from lamina.layers.layer import Layer, _register
from lamina.layers.normalization import norm_utils


@_register
class LayerNormalization(Layer):
    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) is deprecated in Keras 3: it scales by the "
                "variance, not the root mean square. It is kept here for compatibility.",
                stacklevel=2,
            )
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                f"LayerNormalization: `axis` must be an int or a list/tuple of ints. Received: axis={axis!r}"
            )
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False
        self.gamma = self.beta = None

    def build(self, input_shape):
        norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        # Keras reports the axis as a sorted list once built, and sizes gamma/beta in that order
        # (so axis=[-1, 1] gives (last, second) weights, reshaped to the input's order in call).
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in self.axis)
        if any(d is None for d in shape):
            raise ValueError(
                f"LayerNormalization '{self.name}': the normalized axes {self.axis} must have known sizes. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)

    def compute_output_shape(self, input_shape):
        norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        return input_shape

    def call(self, inputs):
        x = inputs.astype(norm_utils.compute_dtype_for(inputs))
        axes = norm_utils.canonical_axes(self.axis, x.ndim, type(self).__name__)
        param_shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]

        def param(w):
            return None if w is None else jnp.reshape(w.value.astype(x.dtype), param_shape)

        gamma, beta = param(self.gamma), param(self.beta)
        mean = jnp.mean(x, axis=axes, keepdims=True)
        variance = jnp.mean(jnp.square(x - mean), axis=axes, keepdims=True)
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.rms_scaling:
            outputs = x * inv
            if gamma is not None:
                outputs = outputs * gamma
        else:
            if gamma is not None:
                inv = inv * gamma
            shift = -mean * inv
            if beta is not None:
                shift = shift + beta
            outputs = x * inv + shift
        return outputs.astype(self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }

    @classmethod
    def from_config(cls, config):
        return super().from_config(norm_utils.deserialize_gamma_beta(config))
