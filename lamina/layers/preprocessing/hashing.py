"""`Hashing`: maps strings or integers to `num_bins` buckets with a stable hash.

The hash is Keras's: FarmHash `Fingerprint64` of each value's text (integers in decimal, floats
truncated to integers first), or SipHash-2-4 keyed with `salt` (an int or a pair of ints). Bucket
numbers are therefore identical to Keras's (TensorFlow's) for the same values. `mask_value`
maps to bucket 0 and the others hash into buckets 1..num_bins-1. `output_mode` encodes the
buckets ("int", "one_hot", "multi_hot", "count").

Hashing runs on the host (NumPy and Python, one value at a time with a cache for repeats), so
apply it to data before it enters a compiled model (it cannot run inside `model.fit`'s step).
Outputs are JAX arrays: int32 buckets in "int" mode (Keras: int64), float32 otherwise.

>>> from lamina import layers
>>> layers.Hashing(num_bins=3)([["A"], ["B"], ["C"], ["D"], ["E"]]).tolist()
[[1], [0], [1], [1], [2]]
"""

import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.backend.keras_tensor import KerasTensor, any_symbolic_tensors
from lamina.layers.layer import Layer, _register
from lamina.layers.preprocessing import encoding
from lamina.layers.preprocessing.string_hash import hash_bucket


def standardize_salt(salt, owner):
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        return [int(salt[0]), int(salt[1])]
    if isinstance(salt, int) and not isinstance(salt, bool):
        return [salt, salt]
    raise ValueError(f"{owner}: `salt` must be an int or a pair of ints. Received: salt={salt!r}")


@_register
class Hashing(Layer):
    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else config.floatx()
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"Hashing: `num_bins` must be a positive int. Received: num_bins={num_bins!r}")
        if output_mode not in encoding.OUTPUT_MODES:
            raise ValueError(f"Hashing: `output_mode` must be one of {encoding.OUTPUT_MODES}. "
                             f"Received: output_mode={output_mode!r}")
        if sparse:
            raise ValueError("Hashing: `sparse=True` is not supported by lamina. Received: sparse=True")
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.salt = standardize_salt(salt, "Hashing")
        self.strong_hash = self.salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def __call__(self, inputs, **kwargs):
        if any_symbolic_tensors((inputs,)):
            return super().__call__(inputs, **kwargs)
        # Text never reaches Layer.__call__'s numeric conversion; hashing runs on the host.
        return self.call(inputs)

    def _bins(self, values):
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask = values == self.mask_value
        hashed = hash_bucket(values, bins, salt=self.salt)
        if mask is not None:
            hashed = np.where(mask, 0, hashed + 1)
        return hashed

    def call(self, inputs):
        values = encoding.to_host_array(inputs)
        if self.output_mode == "one_hot" and values.ndim > 0 and values.shape[-1] == 1:
            values = values[..., 0]
        indices = self._bins(values)
        if self.output_mode == "int":
            return jnp.asarray(indices.astype(np.int32))
        return encoding.encode_categorical(jnp.asarray(indices.astype(np.int32)), self.output_mode,
                                           self.num_bins, config.floatx())

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def compute_output_spec(self, inputs, **kwargs):
        dtype = "int32" if self.output_mode == "int" else config.floatx()
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode, "sparse": self.sparse}
