"""`ActivityRegularization`: passes inputs through and adds an L1/L2 penalty on them to the loss.

The penalty `l1 * sum(|x|) + l2 * sum(x**2)` (divided by the batch size) is collected in
`layer.losses` / `model.losses` and added to the training loss.

>>> import numpy as np
>>> from lamina import layers
>>> reg = layers.ActivityRegularization(l1=0.1)
>>> _ = reg(np.ones((2, 3)))
>>> [round(float(v), 3) for v in reg.losses]
[0.3]
"""

from lamina import regularizers
from lamina.layers.layer import Layer, _register


@_register
class ActivityRegularization(Layer):
    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
