"""`AutoContrast`: stretches each channel of each image to span the full `value_range`.

Per image and channel, the lowest pixel maps to the range's low end and the highest to its high
end; constant channels are left as they are. Deterministic, so it applies in training and
inference alike (as in Keras 3).

>>> import numpy as np
>>> from lamina import layers
>>> layers.AutoContrast()(np.array([[[[50.0], [100.0], [150.0]]]])).ravel().tolist()
[0.0, 127.5, 255.0]
"""

import jax.numpy as jnp

from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import check_value_range, rescale
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


@_register
class AutoContrast(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range("AutoContrast", value_range)

    def transform_images(self, images, transformation=None, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        x = rescale(images, self.value_range, (0, 255))
        axes = self._hw_axes(images.ndim)
        low = jnp.min(x, axis=axes, keepdims=True)
        high = jnp.max(x, axis=axes, keepdims=True)
        spread = high - low
        # Constant channels have no contrast to stretch; a guarded divide keeps them (and grads) finite.
        stretched = (x - low) * (255.0 / jnp.where(spread > 0, spread, 1.0))
        out = rescale(jnp.clip(stretched, 0.0, 255.0), (0, 255), self.value_range)
        return jnp.where(spread > 0, out, images).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}
