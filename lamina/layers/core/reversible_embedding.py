"""`ReversibleEmbedding`: an Embedding that can also project hidden states back to vocabulary logits.

Called normally it is an `Embedding` (ids -> vectors). Called with `reverse=True` on
`(..., output_dim)` hidden states it returns `(..., input_dim)` logits: `hidden @ embeddings.T`
when `tie_weights=True` (the default: one table for both directions), or `hidden @
reverse_embeddings` with a separate trainable `(output_dim, input_dim)` weight when
`tie_weights=False`. `reverse_dtype` sets the dtype the reverse matmul runs in, and
`logit_soft_cap=c` bounds the logits as `c * tanh(logits / c)`.

With `mask_zero=True` the forward call produces the padding mask `ids != 0`; reverse calls
produce no mask (as in Keras).

>>> import numpy as np
>>> from lamina import layers
>>> emb = layers.ReversibleEmbedding(100, 8)
>>> hidden = emb(np.array([[1, 2, 3]]))
>>> hidden.shape, emb(hidden, reverse=True).shape
((1, 3, 8), (1, 3, 100))
"""

import jax.numpy as jnp

from lamina import ops
from lamina.backend.dtypes import standardize_dtype
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.core.embedding import Embedding
from lamina.layers.layer import _register


@_register
class ReversibleEmbedding(Embedding):
    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 reverse_dtype=None, logit_soft_cap=None, **kwargs):
        if not isinstance(tie_weights, bool):
            raise ValueError(
                "ReversibleEmbedding: `tie_weights` must be True (reuse `embeddings` for the reverse "
                f"projection) or False (a separate weight). Received: tie_weights={tie_weights!r}"
            )
        if reverse_dtype is not None:
            try:
                standardize_dtype(reverse_dtype)
            except (ValueError, TypeError):
                raise ValueError(
                    "ReversibleEmbedding: `reverse_dtype` must be a dtype name such as 'float32' or "
                    f"None (the layer's compute dtype). Received: reverse_dtype={reverse_dtype!r}"
                ) from None
        if logit_soft_cap is not None and (
            not isinstance(logit_soft_cap, (int, float)) or isinstance(logit_soft_cap, bool) or logit_soft_cap <= 0
        ):
            raise ValueError(
                "ReversibleEmbedding: `logit_soft_cap` must be a positive number or None. "
                f"Received: logit_soft_cap={logit_soft_cap!r}"
            )
        # Set before Embedding.__init__, which builds the layer at once when `weights=` is given.
        self.tie_weights = tie_weights
        self.reverse_dtype = reverse_dtype
        self.logit_soft_cap = logit_soft_cap
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero, **kwargs)

    def build(self, input_shape=None):
        if self.built:
            return
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                name="reverse_embeddings", shape=(self.output_dim, self.input_dim),
                initializer=self.embeddings_initializer, trainable=True,
            )

    def call(self, inputs, reverse=False):
        # Remembered for `compute_mask`, which a model calls right after this call: float ids fed
        # through a float `Input` cannot be told from hidden states by their dtype.
        object.__setattr__(self, "_last_call_reversed", bool(reverse))
        if not reverse:
            return super().call(inputs)
        if self.tie_weights:
            kernel = jnp.transpose(self.embeddings.value)
        else:
            kernel = self.reverse_embeddings.value
        if self.reverse_dtype is not None:
            dtype = standardize_dtype(self.reverse_dtype)
            inputs = inputs.astype(dtype)
            kernel = kernel.astype(dtype)
        logits = jnp.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = jnp.asarray(self.logit_soft_cap, logits.dtype)
            logits = jnp.tanh(logits / cap) * cap
        return logits

    def compute_mask(self, inputs, previous_mask=None):
        # Only the forward call makes a mask; Keras attaches none to reverse outputs.
        if not self.mask_zero or inputs is None or getattr(self, "_last_call_reversed", False):
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return tuple(input_shape) + (self.output_dim,)

    def compute_output_spec(self, inputs, reverse=False):
        if reverse:
            dtype = self.reverse_dtype or jnp.result_type(inputs.dtype, self.variable_dtype)
        else:
            dtype = self.compute_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape, reverse), dtype=standardize_dtype(dtype))

    def get_config(self):
        return {
            **super().get_config(),
            "tie_weights": self.tie_weights,
            "reverse_dtype": self.reverse_dtype,
            "logit_soft_cap": self.logit_soft_cap,
        }
