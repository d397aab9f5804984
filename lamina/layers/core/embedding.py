"""`Embedding`: maps integer ids in `[0, input_dim)` to learned vectors of size `output_dim`.

The table is the weight `embeddings`, shape `(input_dim, output_dim)`. With `mask_zero=True`, id 0
is padding: the layer emits the mask `inputs != 0` for the layers after it (RNNs, pooling, losses).
The Keras 2 argument `input_length` is accepted; on a first layer of a `Sequential` it gives the
model its input shape `(input_length,)`.

>>> import numpy as np
>>> from lamina import layers
>>> emb = layers.Embedding(10, 4, mask_zero=True)
>>> emb(np.array([[1, 2, 0]])).shape
(1, 3, 4)
>>> emb.compute_mask(np.array([[1, 2, 0]])).tolist()
[[True, True, False]]
"""

import jax.numpy as jnp

from lamina import constraints, initializers, ops, regularizers
from lamina.layers.layer import Layer, _register

# Keras resolves these short names to the classes below; the initializer registry here may not.
_ALIASES = {"uniform": "random_uniform", "normal": "random_normal"}


def _positive_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"Embedding: `{name}` must be a positive int. Received: {name}={value!r} "
            f"(of type {type(value).__name__})."
        )


@_register
class Embedding(Layer):
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, lora_alpha=None,
                 quantization_config=None, **kwargs):
        _positive_int("input_dim", input_dim)
        _positive_int("output_dim", output_dim)
        input_length = kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        if lora_rank is not None or quantization_config is not None:
            raise ValueError(
                "Embedding: LoRA (`lora_rank`) and quantization are not supported by lamina. "
                f"Received: lora_rank={lora_rank}, quantization_config={quantization_config}"
            )
        if input_length is not None and self._input_shape_arg is None:
            self._input_shape_arg = (None, input_length)
        self.input_dim = input_dim
        self.output_dim = output_dim
        if isinstance(embeddings_initializer, str):
            embeddings_initializer = _ALIASES.get(embeddings_initializer, embeddings_initializer)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = mask_zero
        self.supports_masking = mask_zero
        # Ids must not be cast to floats on the way in.
        self.autocast = False
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            name="embeddings", shape=(self.input_dim, self.output_dim), initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs):
        if inputs.dtype not in (jnp.int32, jnp.int64):
            inputs = inputs.astype("int32")
        return jnp.take(self.embeddings.value, inputs, axis=0).astype(self.compute_dtype)

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("embeddings_initializer") is not None:
            config["embeddings_initializer"] = initializers.get(config["embeddings_initializer"])
        for k in ("embeddings_regularizer", "activity_regularizer"):
            config[k] = regularizers.get(config.get(k))
        config["embeddings_constraint"] = constraints.get(config.get("embeddings_constraint"))
        return super().from_config(config)
