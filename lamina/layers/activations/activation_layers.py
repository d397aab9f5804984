"""Activation layers: `ReLU`, `LeakyReLU`, `PReLU`, `ELU`, `Softmax`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]])).tolist()
[[0.0, 0.5, 1.0]]
"""

import jax
import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.layer import Layer, _register


class _Elementwise(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape


@_register
class ReLU(_Elementwise):
    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("max_value", max_value), ("negative_slope", negative_slope), ("threshold", threshold)):
            if value is not None and value < 0:
                raise ValueError(f"ReLU: `{name}` must be >= 0. Received: {name}={value}")
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}


@_register
class LeakyReLU(_Elementwise):
    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2 spelling
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError(f"LeakyReLU: `negative_slope` must be >= 0. Received: negative_slope={negative_slope}")
        self.negative_slope = negative_slope
        self.built = True

    def call(self, inputs):
        return jax.nn.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


@_register
class PReLU(_Elementwise):
    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = list(shared_axes)
        else:
            self.shared_axes = [shared_axes]

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or []:
            shape[axis - 1] = 1
        self.alpha = self.add_weight(name="alpha", shape=tuple(shape), initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)

    def call(self, inputs):
        pos = jax.nn.relu(inputs)
        neg = -self.alpha.value * jax.nn.relu(-inputs)
        return pos + neg

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint), "shared_axes": self.shared_axes}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["alpha_initializer"] = initializers.get(config.get("alpha_initializer"))
        config["alpha_regularizer"] = regularizers.get(config.get("alpha_regularizer"))
        config["alpha_constraint"] = constraints.get(config.get("alpha_constraint"))
        return super().from_config(config)


@_register
class ELU(_Elementwise):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.built = True

    def call(self, inputs):
        return jax.nn.elu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


@_register
class Softmax(_Elementwise):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            mask = self._check_mask(inputs, mask)
            # Masked positions get a large negative logit so they receive ~zero probability
            # (-3e4 in float16, where -1e9 would be -inf and an all-masked row NaN).
            big = -3e4 if inputs.dtype == jnp.float16 else -1e9
            inputs = jnp.where(mask, inputs, jnp.asarray(big, inputs.dtype))
        if isinstance(self.axis, (list, tuple)):
            outputs = jnp.exp(inputs - jax.nn.logsumexp(inputs, axis=tuple(self.axis), keepdims=True))
        else:
            outputs = jax.nn.softmax(inputs, axis=self.axis)
        if mask is not None:
            # A fully masked row would otherwise come out uniform.
            outputs = jnp.where(mask, outputs, jnp.zeros((), outputs.dtype))
        return outputs

    def _check_mask(self, inputs, mask):
        mask = jnp.asarray(mask)
        ok = mask.ndim <= inputs.ndim and all(
            m in (1, i) for m, i in zip(mask.shape[::-1], inputs.shape[::-1]))
        if not ok:
            raise ValueError(
                f"Softmax '{self.name}': the mask must broadcast to the inputs (each mask dimension 1 "
                f"or equal to the input's, counted from the last). Received: inputs.shape="
                f"{tuple(inputs.shape)}, mask.shape={tuple(mask.shape)}. Pass a mask of shape "
                f"{tuple(inputs.shape)} or one that broadcasts to it."
            )
        # Keras keeps positions where the mask is True or above 0.5.
        return mask if mask.dtype == jnp.bool_ else mask > 0.5

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
