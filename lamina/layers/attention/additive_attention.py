"""`AdditiveAttention` (Bahdanau-style): scores are `sum(scale * tanh(query + key))`.

`scale` is a learned vector over the feature axis when `use_scale=True` (the default). Masks,
causal masking and dropout work as in `Attention`.

>>> import numpy as np
>>> from lamina import layers
>>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
>>> layers.AdditiveAttention()([q, v]).shape
(2, 3, 4)
"""

import jax.numpy as jnp

from lamina.layers.attention.attention import Attention
from lamina.layers.layer import _register


@_register
class AdditiveAttention(Attention):
    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],), initializer="glorot_uniform")

    def _calculate_scores(self, query, key):
        pairs = jnp.tanh(query[..., :, None, :] + key[..., None, :, :])
        if self.scale is not None:
            pairs = self.scale.value * pairs
        return jnp.sum(pairs, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
