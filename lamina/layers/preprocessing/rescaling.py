"""`Rescaling`: `inputs * scale + offset`, in the layer's dtype.

`scale` may be a number or one number per channel (broadcast over the channel axis, including
for `channels_first` images, as in Keras).

>>> import numpy as np
>>> from lamina import layers
>>> layers.Rescaling(1 / 127.5, offset=-1)(np.array([0, 255], "uint8")).tolist()
[-1.0, 1.0]
"""

import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.layers.layer import Layer, _register


def _plain(value):
    # Arrays are stored in the config as nested lists (JSON-friendly), as Keras does.
    return np.asarray(value).tolist() if isinstance(value, (np.ndarray, jnp.ndarray)) else value


@_register
class Rescaling(Layer):
    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = jnp.asarray(self.scale, dtype)
        offset = jnp.asarray(self.offset, dtype)
        if scale.ndim > 0 and config.image_data_format() == "channels_first":
            scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
        return jnp.asarray(inputs).astype(dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": _plain(self.scale), "offset": _plain(self.offset)}
