"""`Identity`: returns its input unchanged (a placeholder in architectures).

>>> import numpy as np
>>> from lamina import layers
>>> layers.Identity()(np.ones((1, 2))).shape
(1, 2)
"""

from lamina.layers.layer import Layer, _register


@_register
class Identity(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
