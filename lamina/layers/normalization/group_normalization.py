"""`GroupNormalization`: normalizes each sample over groups of channels.

The channels (along `axis`) are split into `groups` equal groups; each group of each sample is
normalized over its channels and all other non-batch axes. `groups=1` is layer normalization over
all features, `groups=-1` (one group per channel) is instance normalization.

>>> import numpy as np
>>> from lamina import layers
>>> layers.GroupNormalization(groups=2)(np.ones((2, 5, 4))).shape
(2, 5, 4)
"""

import jax
import jax.numpy as jnp

from lamina import constraints, initializers, regularizers
from lamina.layers.layer import Layer, _register
from lamina.layers.normalization import norm_utils


@_register
class GroupNormalization(Layer):
    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(groups, int) or isinstance(groups, bool) or (groups <= 0 and groups != -1):
            raise ValueError(
                f"GroupNormalization: `groups` must be a positive int, or -1 for one group per channel. "
                f"Received: groups={groups!r}"
            )
        self.supports_masking = True
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def build(self, input_shape):
        (axis,) = norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        dim = input_shape[axis]
        if dim is None:
            raise ValueError(
                f"GroupNormalization '{self.name}': axis {self.axis} of the input must have a known size. "
                f"Received: input_shape={tuple(input_shape)}"
            )
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(
                f"GroupNormalization '{self.name}': the number of groups ({self.groups}) cannot be more than "
                f"the number of channels ({dim}). Received: groups={self.groups}, input_shape={tuple(input_shape)}"
            )
        if dim % self.groups:
            raise ValueError(
                f"GroupNormalization '{self.name}': the number of channels ({dim}) must be a multiple of the "
                f"number of groups ({self.groups}). Received: groups={self.groups}, "
                f"input_shape={tuple(input_shape)}"
            )
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(dim,), initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         autocast=False)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(dim,), initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        autocast=False)

    def compute_output_shape(self, input_shape):
        norm_utils.canonical_axes(self.axis, len(input_shape), type(self).__name__)
        return input_shape

    def call(self, inputs):
        x = inputs.astype(norm_utils.compute_dtype_for(inputs))
        (axis,) = norm_utils.canonical_axes(self.axis, x.ndim, type(self).__name__)
        dim = x.shape[axis]
        # Split the channel axis into (groups, channels per group); the group axis sits at `axis`.
        grouped_shape = x.shape[:axis] + (self.groups, dim // self.groups) + x.shape[axis + 1:]
        grouped = jnp.reshape(x, grouped_shape)
        reduce_axes = tuple(a for a in range(1, grouped.ndim) if a != axis)
        mean = jnp.mean(grouped, axis=reduce_axes, keepdims=True)
        variance = jnp.mean(jnp.square(grouped - mean), axis=reduce_axes, keepdims=True)
        param_shape = [1] * grouped.ndim
        param_shape[axis], param_shape[axis + 1] = self.groups, dim // self.groups
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * jnp.reshape(self.gamma.value.astype(x.dtype), param_shape)
        shift = -mean * inv
        if self.beta is not None:
            shift = shift + jnp.reshape(self.beta.value.astype(x.dtype), param_shape)
        outputs = jnp.reshape(grouped * inv + shift, x.shape)
        return outputs.astype(self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
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
