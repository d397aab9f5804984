"""`Dense`: `activation(inputs @ kernel + bias)`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Dense(4, activation="relu")(np.ones((2, 3))).shape
(2, 4)
"""

import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.layer import Layer, _register


@_register
class Dense(Layer):
    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Dense: `units` must be a positive int (the number of output features). "
                f"Received: units={units!r}"
            )
        if lora_rank is not None or quantization_config is not None:
            raise ValueError(
                "Dense: LoRA (`lora_rank`) and quantization are not supported by lamina. "
                f"Received: lora_rank={lora_rank}, quantization_config={quantization_config}"
            )
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(
                f"Dense '{self.name}': the last axis of the input must be known to create the "
                f"kernel. Received: input_shape={tuple(input_shape)}"
            )
        self.kernel = self.add_weight(name="kernel", shape=(in_dim, self.units),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec_last_dim = in_dim

    def call(self, inputs):
        if inputs.shape[-1] != self.input_spec_last_dim:
            raise ValueError(
                f"Dense '{self.name}' expects inputs with last axis {self.input_spec_last_dim} "
                f"(its kernel is {tuple(self.kernel.shape)}). Received: inputs.shape={tuple(inputs.shape)}"
            )
        y = jnp.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            y = y + self.bias.value
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("kernel_initializer", "bias_initializer"):
            config[k] = initializers.get(config.get(k)) if config.get(k) is not None else None
        for k in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            config[k] = regularizers.get(config.get(k))
        for k in ("kernel_constraint", "bias_constraint"):
            config[k] = constraints.get(config.get(k))
        config["activation"] = activations.deserialize(config.get("activation"))
        return super().from_config(config)
