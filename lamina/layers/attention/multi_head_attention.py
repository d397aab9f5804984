"""`MultiHeadAttention`: scaled dot-product attention over `num_heads` learned projections.

`query` (batch, ..., dim_q) attends over `value` (batch, ..., dim_v) (keys default to the
values). Weights are laid out as in Keras 3: sublayers `query`, `key`, `value` (EinsumDense with
kernels `(dim, num_heads, key_dim)`) and `attention_output` (`(num_heads, value_dim, dim_q)`), so
`set_weights(keras_layer.get_weights())` carries a Keras layer's weights over.

Masks: `attention_mask` (batch, T, S) says which query position may attend to which key;
`value_mask`/`key_mask` (batch, S) drop keys, `query_mask` (batch, T) drops queries, and
`use_causal_mask=True` hides future keys. Inside a functional model the masks of the query,
value and key tensors (from `Embedding(mask_zero=True)`, `Masking`) are used automatically, as in
Keras. One deliberate difference: an explicit `query_mask=` argument is honoured (Keras 3.15
replaces it with the query tensor's own mask, so an explicit one is ignored there).

>>> import numpy as np
>>> from lamina import layers
>>> mha = layers.MultiHeadAttention(num_heads=2, key_dim=4)
>>> x = np.ones((3, 5, 8), "float32")
>>> out, scores = mha(x, x, return_attention_scores=True)
>>> out.shape, scores.shape
((3, 5, 8), (3, 2, 5, 5))
"""

import math
import string

import jax
import jax.numpy as jnp

from lamina import constraints, initializers, regularizers
from lamina.backend import state as _state
from lamina.backend.random import SeedGenerator, draw_seed
from lamina.layers.attention.einsum_dense import EinsumDense
from lamina.layers.layer import Layer, _register

_LETTERS = string.ascii_lowercase


def projection_kwargs(layer, prefix=""):
    """The weight options an attention layer passes to each of its projection sublayers.

    `prefix` is where the layer keeps them (`_kernel_initializer` or `kernel_initializer`). Each
    projection gets its own copy of the initializers, as in Keras, so seeded ones differ per
    projection.
    """
    def get(name):
        return getattr(layer, prefix + name)

    def copy(init):
        return type(init).from_config(init.get_config())

    return dict(kernel_initializer=copy(get("kernel_initializer")),
                bias_initializer=copy(get("bias_initializer")),
                kernel_regularizer=get("kernel_regularizer"), bias_regularizer=get("bias_regularizer"),
                activity_regularizer=get("activity_regularizer"),
                kernel_constraint=get("kernel_constraint"), bias_constraint=get("bias_constraint"),
                dtype=layer.dtype_policy)


def projection_equation(free_dims, bound_dims, output_dims):
    """Einsum for a projection keeping `free_dims` axes, contracting `bound_dims`, adding `output_dims`.

    Returns `(equation, bias_axes, output_rank)`; e.g. (2, 1, 2) -> ('abc,cde->abde', 'de', 4).
    """
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    new = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{new}->{free}{new}", new, len(free) + len(new)


def attention_equations(rank, attn_axes):
    """Einsums for scores (key, query -> scores) and for combining (scores, value -> output).

    `rank` is the rank of the projected tensors `(batch, *axes, heads, dim)`; `attn_axes` are the
    axes attended over. Scores are laid out `(batch dims, heads, query attn axes, key attn axes)`.
    """
    target = _LETTERS[:rank]
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source = list(target)
    next_letter = rank
    for i in attn_axes:
        source[i] = _LETTERS[next_letter]
        next_letter += 1
    source = "".join(source)
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes]
                      + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


@_register
class MultiHeadAttention(Layer):
    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, seed=None,
                 sliding_window=None, use_gate=False, **kwargs):
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"MultiHeadAttention: `{arg}` must be a positive int. Received: {arg}={value!r}")
        if value_dim is not None and (not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError(
                f"MultiHeadAttention: `value_dim` must be a positive int or None. Received: value_dim={value_dim!r}"
            )
        if sliding_window is not None or use_gate:
            raise ValueError(
                "MultiHeadAttention: `sliding_window` and `use_gate` are not supported by lamina. "
                f"Received: sliding_window={sliding_window}, use_gate={use_gate}"
            )
        super().__init__(**kwargs)
        self.supports_masking = True
        self._num_heads = num_heads
        self._key_dim = key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = dropout
        self._use_bias = use_bias
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(output_shape)
            except TypeError:
                raise ValueError(
                    "MultiHeadAttention: `output_shape` must be an int, a tuple or a list. "
                    f"Received: output_shape={output_shape!r}"
                ) from None
        self._output_shape = output_shape or None
        self._flash_attention = flash_attention
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                "MultiHeadAttention: `attention_axes` must be an int, a list or a tuple. "
                f"Received: attention_axes={attention_axes!r}"
            )
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.seed = seed
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        if dropout > 0:
            self.seed_generator = SeedGenerator(seed)

    # Read-only views with Keras's names.
    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)
    query_dense = property(lambda self: self._query_dense)
    key_dense = property(lambda self: self._key_dense)
    value_dense = property(lambda self: self._value_dense)
    output_dense = property(lambda self: self._output_dense)

    def _sublayer_kwargs(self):
        return projection_kwargs(self, prefix="_")

    def _projection(self, input_rank, dims, name):
        equation, bias_axes, out_rank = projection_equation(input_rank - 1, 1, 2)
        return EinsumDense(equation, output_shape=[None] * (out_rank - 3) + list(dims),
                           bias_axes=bias_axes if self._use_bias else None, name=name,
                           **self._sublayer_kwargs())

    def build(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "MultiHeadAttention: `value` and `key` must have the same shape except for the last "
                f"axis. Received: value_shape={value_shape}, key_shape={key_shape}"
            )
        with _state.name_scope(self.name, owner=self):
            self._query_dense = self._projection(len(query_shape), (self._num_heads, self._key_dim), "query")
            self._query_dense._build_with_shapes(query_shape)
            self._key_dense = self._projection(len(key_shape), (self._num_heads, self._key_dim), "key")
            self._key_dense._build_with_shapes(key_shape)
            self._value_dense = self._projection(len(value_shape), (self._num_heads, self._value_dim), "value")
            self._value_dense._build_with_shapes(value_shape)
            rank = len(value_shape) + 1  # projected: (batch, *axes, heads, dim)
            self._build_attention(rank)
            out_dims = list(self._output_shape) if self._output_shape else [query_shape[-1]]
            equation, bias_axes, out_rank = projection_equation(len(query_shape) - 1, 2, len(out_dims))
            self._output_dense = EinsumDense(
                equation, output_shape=[None] * (out_rank - 1 - len(out_dims)) + out_dims,
                bias_axes=bias_axes if self._use_bias else None, name="attention_output",
                **self._sublayer_kwargs())
            out_in_shape = list(self._query_dense.compute_output_shape(query_shape))
            out_in_shape[-1] = self._value_dim
            self._output_dense._build_with_shapes(tuple(out_in_shape))
        self.built = True

    def _build_attention(self, rank):
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else (rank - 1) + a for a in self._attention_axes)
        self._dot_product_equation, self._combine_equation, scores_rank = attention_equations(
            rank, self._attention_axes)
        n = len(self._attention_axes)
        self._norm_axes = tuple(range(scores_rank - n, scores_rank))

    # ------------------------------------------------------------------ masks
    def _causal_mask(self, query, value):
        t, s = query.shape[1], value.shape[1]
        return (jnp.arange(t)[:, None] >= jnp.arange(s)[None, :])[None]

    def _compute_attention_mask(self, query, value, query_mask=None, value_mask=None, key_mask=None,
                                attention_mask=None, use_causal_mask=False):
        auto = None

        def both(a, b):
            return b if a is None else a & b

        if query_mask is not None:
            auto = jnp.asarray(query_mask).astype(bool)[..., :, None]
        if value_mask is not None:
            auto = both(auto, jnp.asarray(value_mask).astype(bool)[..., None, :])
        if key_mask is not None:
            auto = both(auto, jnp.asarray(key_mask).astype(bool)[..., None, :])
        if use_causal_mask:
            auto = both(auto, self._causal_mask(query, value))
        if attention_mask is not None:
            attention_mask = jnp.asarray(attention_mask).astype(bool)
        if auto is not None:
            attention_mask = auto if attention_mask is None else attention_mask & auto
        return attention_mask

    def compute_mask(self, inputs, previous_mask=None):
        # The output has the query's positions, so it carries the query's mask.
        if isinstance(previous_mask, (list, tuple)):
            return previous_mask[0] if previous_mask else None
        return previous_mask

    # ------------------------------------------------------------------ attention
    def _masked_softmax(self, scores, mask, zero_fully_masked):
        if mask is not None:
            expand_at = -len(self._attention_axes) * 2 - 1
            while mask.ndim < scores.ndim:
                mask = jnp.expand_dims(mask, expand_at)
            scores = jnp.where(mask, scores, jnp.asarray(-1e9, scores.dtype))
        if len(self._norm_axes) == 1:
            probs = jax.nn.softmax(scores, axis=self._norm_axes[0])
        else:
            probs = jnp.exp(scores - jax.nn.logsumexp(scores, axis=self._norm_axes, keepdims=True))
        if mask is not None and zero_fully_masked:
            probs = jnp.where(mask, probs, jnp.zeros((), probs.dtype))
        return probs

    def _compute_attention(self, query, key, value, attention_mask=None, training=None,
                           return_attention_scores=False):
        # Keras routes the common case (rank-4 projections, no dropout, no scores returned) through
        # a fused kernel that leaves fully masked rows uniform; its general path zeroes them.
        fused = not (self._dropout > 0.0 or return_attention_scores or query.ndim != 4)
        query = query * jnp.asarray(self._inverse_sqrt_key_dim, query.dtype)
        scores = jnp.einsum(self._dot_product_equation, key, query)
        scores = self._masked_softmax(scores, attention_mask, zero_fully_masked=not fused)
        weights = scores
        if training and self._dropout > 0:
            keep = jax.random.bernoulli(draw_seed(self.seed_generator), 1.0 - self._dropout, scores.shape)
            weights = jnp.where(keep, scores / (1.0 - self._dropout), jnp.zeros((), scores.dtype))
        output = jnp.einsum(self._combine_equation, weights, value)
        return output, scores

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False):
        # Inside a functional model, `query_mask`/`value_mask`/`key_mask` are filled from the
        # tensors' own masks by the runner (Layer `<arg>_mask` parameters).
        if key is None:
            key = value
        attention_mask = self._compute_attention_mask(
            query, value, query_mask=query_mask, value_mask=value_mask, key_mask=key_mask,
            attention_mask=attention_mask, use_causal_mask=use_causal_mask)
        query = self._query_dense(query)
        key = self._key_dense(key)
        value = self._value_dense(value)
        output, scores = self._compute_attention(query, key, value, attention_mask, training,
                                                 return_attention_scores)
        output = self._output_dense(output)
        if return_attention_scores:
            return output, scores
        return output

    def compute_output_shape(self, query_shape, value_shape, key_shape=None):
        query_shape, value_shape = tuple(query_shape), tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                "MultiHeadAttention: `value` and `key` must have the same shape except for the last "
                f"axis. Received: value_shape={value_shape}, key_shape={key_shape}"
            )
        if self._output_shape:
            return query_shape[:-1] + tuple(self._output_shape)
        return query_shape

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": False,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": None,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": regularizers.serialize(self._kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self._bias_regularizer),
            "activity_regularizer": regularizers.serialize(self._activity_regularizer),
            "kernel_constraint": constraints.serialize(self._kernel_constraint),
            "bias_constraint": constraints.serialize(self._bias_constraint),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for k in ("kernel_initializer", "bias_initializer"):
            config[k] = initializers.get(config.get(k)) if config.get(k) is not None else None
        for k in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
            config[k] = regularizers.get(config.get(k))
        for k in ("kernel_constraint", "bias_constraint"):
            config[k] = constraints.get(config.get(k))
        if config.get("use_gate") is False:
            config.pop("use_gate")
        if config.get("sliding_window") is None:
            config.pop("sliding_window", None)
        return super().from_config(config)
