"""`CategoryEncoding`: integer category ids to one-hot, multi-hot or count vectors of `num_tokens`.

`output_mode="one_hot"` encodes each id; `"multi_hot"` (default) and `"count"` encode each
sample (a row of ids) as one vector; `count_weights=` weights the counts. Ids outside
`[0, num_tokens)` are ignored.

>>> import numpy as np
>>> from lamina import layers
>>> np.asarray(layers.CategoryEncoding(4)(np.array([[0, 1], [3, 3]]))).tolist()
[[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
"""

import jax.numpy as jnp

from lamina.layers.layer import Layer, _register
from lamina.layers.preprocessing.encoding import encode_categorical, encoded_shape


@_register
class CategoryEncoding(Layer):
    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError("CategoryEncoding: `output_mode` must be 'one_hot', 'multi_hot' or 'count'. "
                             f"Received: output_mode={output_mode!r}")
        if num_tokens is None or num_tokens < 1:
            raise ValueError(
                "CategoryEncoding: `num_tokens` (the number of categories) must be an int >= 1. "
                f"Received: num_tokens={num_tokens!r}. If it is not known, use IntegerLookup."
            )
        if sparse:
            raise ValueError("CategoryEncoding: `sparse=True` is not supported by lamina. Received: sparse=True")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "CategoryEncoding: `count_weights` only applies to output_mode='count'. "
                    f"Received it with output_mode={self.output_mode!r}"
                )
            count_weights = jnp.asarray(count_weights, self.compute_dtype)
        return encode_categorical(jnp.asarray(inputs).astype("int32"), self.output_mode, self.num_tokens,
                                  self.compute_dtype, count_weights=count_weights)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
