"""`IntegerLookup`: maps integer tokens to contiguous indices (or back, with `invert=True`).

See `IndexLookup` for the index layout and `adapt`. Lookups run in JAX, so this layer also works
inside compiled models (`model.fit`), except with `oov_method="farmhash"` and several OOV slots,
which hashes on the host. Indices are int32 (Keras: int64). With `num_oov_indices=0`, unknown
tokens raise when called eagerly; inside a compiled function they give -1.

>>> from lamina import layers
>>> lookup = layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
>>> lookup([[12, 1138, 42], [42, 1000, 36]]).tolist()
[[1, 3, 4], [4, 0, 2]]
"""

from lamina.layers.layer import _register
from lamina.layers.preprocessing.index_lookup import IndexLookup


@_register
class IntegerLookup(IndexLookup):
    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"IntegerLookup: only vocabulary_dtype='int64' is supported. Received: vocabulary_dtype={vocabulary_dtype!r}"
            )
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name,
                         **kwargs)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
