"""`Attention` (Luong-style dot-product attention) and its base for `AdditiveAttention`.

Called on `[query, value]` or `[query, value, key]` (keys default to the values):
`softmax(scores(query, key)) @ value`, scores being `query @ key^T` (`score_mode="dot"`, times a
learned `scale` if `use_scale`) or `sum(tanh(query + key))` (`score_mode="concat"`).
`mask=[query_mask, value_mask]` hides padded keys and zeroes padded query rows;
`use_causal_mask=True` hides future keys.

>>> import numpy as np
>>> from lamina import layers
>>> q, v = np.ones((2, 3, 4), "float32"), np.ones((2, 5, 4), "float32")
>>> layers.Attention()([q, v]).shape
(2, 3, 4)
"""

import jax
import jax.numpy as jnp

from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.layer import Layer, _register


@_register
class Attention(Layer):
    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                f"{type(self).__name__}: `score_mode` must be 'dot' or 'concat'. Received: score_mode={score_mode!r}"
            )
        self.use_scale = use_scale
        self.score_mode = score_mode
        self.dropout = dropout
        self.seed = seed
        if dropout > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True

    def _validate(self, inputs, mask=None):
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} must be called on a list [query, value] or [query, value, key]. "
                f"Received: {type(inputs).__name__} of length {len(inputs) if isinstance(inputs, (list, tuple)) else '-'}"
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(
                f"{name}: `mask` must be a list [query_mask, value_mask]. Received: mask={mask!r}"
            )

    def build(self, input_shape):
        self._validate(input_shape)
        self.scale = None
        self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(name="concat_score_weight", shape=(), initializer="ones")

    def _calculate_scores(self, query, key):
        if self.score_mode == "dot":
            scores = jnp.matmul(query, jnp.swapaxes(key, -2, -1))
            if self.scale is not None:
                scores = scores * self.scale.value
            return scores
        pairs = query[..., :, None, :] + key[..., None, :, :]
        if self.scale is not None:
            pairs = self.scale.value * pairs
        return self.concat_score_weight.value * jnp.sum(jnp.tanh(pairs), axis=-1)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._validate(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        scores = self._calculate_scores(query, key)
        keep = None
        if v_mask is not None:
            keep = jnp.asarray(v_mask).astype(bool)[..., None, :]
        if use_causal_mask:
            tq, tv = scores.shape[-2], scores.shape[-1]
            causal = jnp.arange(tq)[:, None] >= jnp.arange(tv)[None, :]
            keep = causal if keep is None else keep & causal
        if keep is not None:
            # A large finite penalty (not -inf) keeps fully masked rows finite, as in Keras.
            big = 65504.0 if scores.dtype == jnp.float16 else 1.0e9
            scores = jnp.where(keep, scores, scores - jnp.asarray(big, scores.dtype))
        weights = jax.nn.softmax(scores, axis=-1)
        probs = weights
        if training and self.dropout > 0:
            kept = jax.random.bernoulli(draw_seed(self.seed_generator), 1.0 - self.dropout, weights.shape)
            probs = jnp.where(kept, weights / (1.0 - self.dropout), jnp.zeros((), weights.dtype))
        output = jnp.matmul(probs, value)
        if q_mask is not None:
            output = jnp.where(jnp.asarray(q_mask).astype(bool)[..., None], output, jnp.zeros((), output.dtype))
        if return_attention_scores:
            return output, probs
        return output

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)) or mask[0] is None:
            return None
        return jnp.asarray(mask[0])

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}
