"""`Masking`: marks time steps whose features all equal `mask_value` as missing.

Its output is the input with those steps zeroed; the mask it computes (`(batch, timesteps)`, True
where a step is present) is passed by the model to the following layers, so a recurrent layer
skips the missing steps.

>>> import numpy as np
>>> from lamina import layers
>>> x = np.array([[[1.0], [0.0], [2.0]]])
>>> layers.Masking(mask_value=0.0).compute_mask(x).tolist()
[[True, False, True]]
"""

import jax.numpy as jnp

from lamina.layers.layer import Layer, _register


@_register
class Masking(Layer):
    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def _present(self, inputs):
        return jnp.any(jnp.not_equal(inputs, self.mask_value), axis=-1)

    def compute_mask(self, inputs, previous_mask=None):
        return self._present(jnp.asarray(inputs))

    def call(self, inputs):
        present = self._present(inputs)[..., None]
        return jnp.where(present, inputs, jnp.zeros((), inputs.dtype))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
