"""`StringLookup`: maps strings to integer indices (or back, with `invert=True`).

See `IndexLookup` for the index layout and `adapt`. Strings are Python/NumPy strings (`str`;
`bytes` are decoded as UTF-8), so this layer runs on the host, outside compiled functions: apply
it to the data before it enters a model (as Keras users do in a `tf.data` pipeline). Lookups
return JAX arrays (int32 indices; Keras: int64); `invert=True` returns a NumPy object array of
`str` (Keras: bytes). Unknown tokens spread over several OOV slots with the same FarmHash as
Keras, so indices match Keras's.

>>> from lamina import layers
>>> lookup = layers.StringLookup(vocabulary=["a", "b", "c", "d"])
>>> lookup([["a", "c", "d"], ["d", "z", "b"]]).tolist()
[[1, 3, 4], [4, 0, 2]]
>>> lookup.get_vocabulary()
['[UNK]', 'a', 'b', 'c', 'd']
"""

from lamina.backend.keras_tensor import any_symbolic_tensors
from lamina.layers.layer import _register
from lamina.layers.preprocessing.index_lookup import IndexLookup


@_register
class StringLookup(IndexLookup):
    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    def __call__(self, inputs, **kwargs):
        if any_symbolic_tensors((inputs,)):
            return super().__call__(inputs, **kwargs)
        # Text never reaches Layer.__call__'s numeric conversion; lookups run on the host.
        return self.call(inputs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
