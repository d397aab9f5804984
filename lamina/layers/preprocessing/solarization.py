"""`Solarization`: adds a random brightness, then inverts pixels at or above a random threshold.

Pixels are mapped from `value_range` to [0, 255]; each image gets an `addition` in
`addition_factor * 255` and a `threshold` in `threshold_factor * 255` (a single number `f` means
`(0, f)`); then `x = clip(x + addition, 0, 255)` and pixels `>= threshold` become `255 - x`.
Training only. Keras 3.15 draws from `[lower, upper * 255]` (the lower bound left unscaled), so
`(0.5, 0.5)` is not a fixed threshold there; lamina scales both bounds.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.Solarization(threshold_factor=(0.5, 0.5))
>>> layer(np.array([[[[10.0], [200.0]]]]), training=True).ravel().tolist()
[10.0, 55.0]
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import _register
from lamina.layers.preprocessing._color import batch_shape, check_value_range, rescale
from lamina.layers.preprocessing.image_layer import BaseImagePreprocessingLayer


def _factor_pair(name, factor):
    msg = (f"Solarization: `{name}` must be a number or a pair of numbers in [0, 1] (a fraction of the "
           f"value range). Received: {name}={factor!r}")
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(msg)
        pair = factor
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        pair = (0, factor)
    else:
        raise ValueError(msg)
    if not all(isinstance(f, (int, float)) and not isinstance(f, bool) and 0 <= f <= 1 for f in pair):
        raise ValueError(msg)
    return tuple(sorted(pair))


@_register
class Solarization(BaseImagePreprocessingLayer):
    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.generator = SeedGenerator(seed)
        self.addition_factor = _factor_pair("addition_factor", addition_factor)
        self.threshold_factor = _factor_pair("threshold_factor", threshold_factor)
        self.value_range = check_value_range("Solarization", value_range)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        key = draw_seed(seed if seed is not None else self.generator)
        k_add, k_thr = jax.random.split(key)
        shape, dtype = batch_shape(data), self.compute_dtype
        add = jax.random.uniform(k_add, shape, dtype, self.addition_factor[0] * 255, self.addition_factor[1] * 255)
        thr = jax.random.uniform(k_thr, shape, dtype, self.threshold_factor[0] * 255,
                                 self.threshold_factor[1] * 255)
        return {"additions": add, "thresholds": thr}

    def transform_images(self, images, transformation, training=True):
        images = jnp.asarray(images).astype(self.compute_dtype)
        if not training or transformation is None:
            return images
        x = rescale(images, self.value_range, (0, 255))
        x = jnp.clip(x + transformation["additions"], 0, 255)
        x = jnp.where(x < transformation["thresholds"], x, 255 - x)
        return rescale(x, (0, 255), self.value_range).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range, "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor, "seed": self.seed}
