"""`Activation`: applies an activation function by name or callable.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Activation("relu")(np.array([[-1.0, 2.0]])).tolist()
[[0.0, 2.0]]
"""

from lamina import activations
from lamina.layers.layer import Layer, _register


@_register
class Activation(Layer):
    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["activation"] = activations.deserialize(config["activation"])
        return super().from_config(config)
