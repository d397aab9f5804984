"""`GroupQueryAttention`: attention where groups of query heads share key/value heads (Ainslie et al., 2023).

`query` (batch, T, dim) attends over `value` (batch, S, dim_v) (keys default to the values) with
`num_query_heads` query heads and `num_key_value_heads` key/value heads; each key/value head serves
`num_query_heads // num_key_value_heads` query heads (1 key/value head: multi-query attention;
as many as query heads: multi-head attention). The output has the query's shape.

Weights are laid out as in Keras 3, so `set_weights(keras_layer.get_weights())` carries a Keras
layer over: EinsumDense sublayers `query` `(dim, num_query_heads, head_dim)`, `key` and `value`
`(dim, num_key_value_heads, head_dim)`, optionally `gate` (`use_gate=True`, sigmoid-gated
output), and `attention_output` `(num_query_heads, head_dim, dim)`.

Masks: `attention_mask` (batch, T, S) says which query position may attend to which key,
`query_mask`/`value_mask`/`key_mask` come from masking layers upstream in a model,
`use_causal_mask=True` hides future keys and `sliding_window=w` keeps keys less than `w` positions
away. As in Keras, a query row whose keys are all masked gets uniform weights in the fast path
(no dropout, no scores returned) and zero weights when scores are returned or dropout is on.

>>> import numpy as np
>>> from lamina import layers
>>> gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
>>> x = np.ones((2, 5, 8), "float32")
>>> out, scores = gqa(x, x, return_attention_scores=True, use_causal_mask=True)
>>> out.shape, scores.shape
((2, 5, 8), (2, 4, 5, 5))
"""

import math

import jax.numpy as jnp

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.activations.activation_layers import Softmax
from lamina.layers.attention.einsum_dense import EinsumDense
from lamina.layers.attention.multi_head_attention import projection_kwargs
from lamina.layers.layer import Layer, _register
from lamina.layers.regularization.dropout import Dropout


def _positive_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"GroupQueryAttention: `{name}` must be a positive int. Received: {name}={value!r}"
        )


@_register
class GroupedQueryAttention(Layer):
    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 sliding_window=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, use_gate=False,
                 seed=None, **kwargs):
        for arg, value in (("head_dim", head_dim), ("num_query_heads", num_query_heads),
                           ("num_key_value_heads", num_key_value_heads)):
            _positive_int(arg, value)
        if num_query_heads % num_key_value_heads:
            raise ValueError(
                "GroupQueryAttention: `num_query_heads` must be a multiple of `num_key_value_heads` "
                f"(each key/value head serves a whole group of query heads). Received: "
                f"num_query_heads={num_query_heads}, num_key_value_heads={num_key_value_heads}"
            )
        if not isinstance(dropout, (int, float)) or isinstance(dropout, bool) or not 0 <= dropout < 1:
            raise ValueError(
                f"GroupQueryAttention: `dropout` must be a float in [0, 1). Received: dropout={dropout!r}"
            )
        if sliding_window is not None and (
            not isinstance(sliding_window, int) or isinstance(sliding_window, bool) or sliding_window <= 0
        ):
            raise ValueError(
                "GroupQueryAttention: `sliding_window` must be None or a positive int. "
                f"Received: sliding_window={sliding_window!r}"
            )
        if flash_attention and dropout > 0:
            raise ValueError(
                "GroupQueryAttention: dropout cannot be used with flash attention. Received: "
                f"flash_attention={flash_attention}, dropout={dropout}. Set dropout=0.0 or "
                "flash_attention=None."
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self.head_dim = head_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_repeats = num_query_heads // num_key_value_heads
        self.dropout = dropout
        self.use_bias = use_bias
        self.use_gate = use_gate
        self.sliding_window = sliding_window
        # lamina has no fused flash kernel: flash_attention=True computes the same attention the
        # standard way, keeping Keras's restrictions (no dropout, no returned scores).
        self._flash_attention = bool(flash_attention)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(head_dim))

    def _sublayer_kwargs(self):
        return projection_kwargs(self)

    def _projection(self, equation, heads, bias_axes, name, **extra):
        return EinsumDense(equation, output_shape=(None, heads, self.head_dim),
                           bias_axes=bias_axes if self.use_bias else None, name=name,
                           **self._sublayer_kwargs(), **extra)

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        for arg, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                raise ValueError(
                    f"GroupQueryAttention '{self.name}': `{arg}` must have shape (batch, length, "
                    f"features). Received: {arg}_shape={shape}"
                )
        self.feature_dim = query_shape[-1]
        # Sublayers are created in Keras's order, which fixes the order of `weights`.
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "query")
        self._query_dense._build_with_shapes(query_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "key")
        self._key_dense._build_with_shapes(key_shape)
        if self.use_gate:
            self._gate_dense = self._projection("bqm,muh->bquh", self.num_query_heads, "uh", "gate",
                                                activation="sigmoid")
            self._gate_dense._build_with_shapes(query_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, "vh", "value")
        self._value_dense._build_with_shapes(value_shape)
        self._softmax = Softmax(axis=-1, dtype=self.dtype_policy)
        self._dropout_layer = Dropout(rate=self.dropout, dtype=self.dtype_policy, seed=self.seed)
        self._output_dense = EinsumDense(
            "bquh,uhm->bqm", output_shape=(None, self.feature_dim),
            bias_axes="m" if self.use_bias else None, name="attention_output", **self._sublayer_kwargs())
        self._output_dense._build_with_shapes((None, None, self.num_query_heads, self.head_dim))

    # ------------------------------------------------------------------ masks
    @staticmethod
    def _positions(query, value):
        return jnp.arange(query.shape[1])[None, :, None], jnp.arange(value.shape[1])[None, None, :]

    def _causal_mask(self, query, value):
        rows, cols = self._positions(query, value)
        return rows >= cols

    def _sliding_window_mask(self, query, value):
        rows, cols = self._positions(query, value)
        return jnp.abs(rows - cols) < self.sliding_window

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                                attention_mask=None, use_causal_mask=False):
        auto = None

        def both(a, b):
            return b if a is None else a & b

        if query_mask is not None:
            auto = jnp.asarray(query_mask).astype(bool)[:, :, None]
        if value_mask is not None:
            auto = both(auto, jnp.asarray(value_mask).astype(bool)[:, None, :])
        if key_mask is not None:
            auto = both(auto, jnp.asarray(key_mask).astype(bool)[:, None, :])
        if use_causal_mask:
            auto = both(auto, self._causal_mask(query, value))
        if self.sliding_window is not None:
            auto = both(auto, self._sliding_window_mask(query, value))
        if auto is not None:
            attention_mask = auto if attention_mask is None else jnp.asarray(attention_mask).astype(bool) & auto
        return attention_mask

    def compute_mask(self, inputs, previous_mask=None):
        # The output has the query's positions, so it carries the query's mask.
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0] if previous_mask else None
        return previous_mask

    # ------------------------------------------------------------------ attention
    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           use_causal_mask=False, return_attention_scores=False):
        if self._flash_attention and return_attention_scores:
            raise ValueError(
                f"GroupQueryAttention '{self.name}': attention scores cannot be returned with "
                "flash_attention=True. Construct the layer with flash_attention=None to get them."
            )
        if attention_mask is not None:
            attention_mask = jnp.asarray(attention_mask).astype(bool)
            while attention_mask.ndim < 4:  # add the heads axis (and a batch axis if missing)
                attention_mask = jnp.expand_dims(attention_mask, -3)
        if not (self.dropout > 0.0 or return_attention_scores):
            # Fused path (Keras's `dot_product_attention`): fully masked rows come out uniform.
            # Key/value heads are shared by their query group without being repeated.
            output = ops.dot_product_attention(query, key, value, mask=attention_mask,
                                               scale=self._inverse_sqrt_head_dim, is_causal=use_causal_mask)
            return output, None
        key = jnp.repeat(key, self.num_repeats, axis=2)
        value = jnp.repeat(value, self.num_repeats, axis=2)
        if use_causal_mask:
            causal = self._causal_mask(query, value)[:, None]
            attention_mask = causal if attention_mask is None else attention_mask & causal
        query = query * jnp.asarray(self._inverse_sqrt_head_dim, query.dtype)
        scores = jnp.einsum("bquh,bkuh->buqk", query, key)
        scores = self._softmax(scores, mask=attention_mask)
        weights = self._dropout_layer(scores, training=training) if self.dropout > 0.0 else scores
        output = jnp.einsum("buqk,bkuh->bquh", weights, value)
        return output, scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        if key is None:
            key = value
        causal_only = (use_causal_mask and query_mask is None and value_mask is None and key_mask is None
                       and attention_mask is None and self.sliding_window is None)
        if causal_only:
            attention_mask = None
        else:
            attention_mask = self._compute_attention_mask(
                query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
                attention_mask=attention_mask, use_causal_mask=use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        output, scores = self._compute_attention(
            query, key, value, attention_mask=attention_mask, training=training,
            use_causal_mask=causal_only, return_attention_scores=return_attention_scores)
        if gate is not None:
            output = output * gate
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def _check_shapes(self, query_shape, value_shape, key_shape):
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                f"GroupQueryAttention '{self.name}': `value` and `key` must have the same shape except "
                f"for the last axis. Received: value_shape={tuple(value_shape)}, key_shape={tuple(key_shape)}"
            )

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        # Keras 3.15 also demands query_shape[-1] == value_shape[-1] here although `call` works
        # without it (the value projection maps any width); lamina accepts both.
        key_shape = value_shape if key_shape is None else key_shape
        self._check_shapes(query_shape, value_shape, key_shape)
        return tuple(query_shape)

    def compute_output_spec(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
                            attention_mask=None, return_attention_scores=False, training=None,
                            use_causal_mask=False):
        out = KerasTensor(self.compute_output_shape(query.shape, value.shape,
                                                    None if key is None else key.shape),
                          dtype=self.compute_dtype)
        if not return_attention_scores:
            return out
        kv_len = (value if key is None else key).shape[1]
        scores = KerasTensor((query.shape[0], self.num_query_heads, query.shape[1], kv_len),
                             dtype=self.compute_dtype)
        return out, scores

    def get_config(self):
        return {
            **super().get_config(),
            "head_dim": self.head_dim,
            "num_query_heads": self.num_query_heads,
            "num_key_value_heads": self.num_key_value_heads,
            "use_bias": self.use_bias,
            "use_gate": self.use_gate,
            "sliding_window": self.sliding_window,
            "dropout": self.dropout,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("kernel_initializer", "bias_initializer"):
            if config.get(k) is not None:
                config[k] = initializers.get(config[k])
        for k in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            config[k] = regularizers.get(config.get(k))
        for k in ("kernel_constraint", "bias_constraint"):
            config[k] = constraints.get(config.get(k))
        return super().from_config(config)


# As in Keras, the class is `GroupedQueryAttention` (which gives the automatic name
# `grouped_query_attention` and the weight paths in `.keras` files) and the public name is
# `GroupQueryAttention`, which is also the `class_name` Keras writes in configs (files from Keras
# find the class as `lamina.layers.GroupQueryAttention`). `_keras_class_name` is the name to write.
GroupQueryAttention = GroupedQueryAttention
GroupedQueryAttention._keras_class_name = "GroupQueryAttention"
