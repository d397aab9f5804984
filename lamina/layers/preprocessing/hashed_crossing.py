"""`HashedCrossing`: hashes the combination of several categorical features into `num_bins` bins.

The hash is Keras's (TensorFlow's `tf.sparse.cross_hashed`): starting from the key
`0xDECAFCAFFE`, each feature's hash is folded in with FarmHash `FingerprintCat64`, where a
string's hash is its FarmHash `Fingerprint64` and an integer's hash is the integer itself (as an
unsigned 64-bit value); the bin is the result modulo `num_bins`. Bins are therefore identical to
Keras's. Crossing runs on the host (NumPy and Python), so apply it to data before it enters a
compiled model. Keras needs TensorFlow for this layer; lamina does not.

Outputs: int32 bins in "int" mode (Keras: int64, which JAX does not enable by default), float32
one-hot rows in "one_hot" mode.

>>> import numpy as np
>>> from lamina.layers.preprocessing.hashed_crossing import HashedCrossing
>>> layer = HashedCrossing(num_bins=5)
>>> layer((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102]))).tolist()
[1, 4, 1, 1, 3]
"""

import jax.numpy as jnp
import numpy as np

from lamina.backend.keras_tensor import KerasTensor, any_symbolic_tensors
from lamina.layers.layer import Layer, _register
from lamina.layers.preprocessing import encoding
from lamina.layers.preprocessing.string_hash import fingerprint64

_M = (1 << 64) - 1
_CROSS_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's default hash key
_CAT_MUL = 0xC6A4A7935BD1E995


def fingerprint_cat64(fp1, fp2):
    """FarmHash `FingerprintCat64`: combines two 64-bit fingerprints (order matters)."""
    t = (fp2 * _CAT_MUL) & _M
    t ^= t >> 47
    r = (fp1 ^ _CAT_MUL) ^ ((t * _CAT_MUL) & _M)
    r = (r * _CAT_MUL) & _M
    r ^= r >> 47
    r = (r * _CAT_MUL) & _M
    return r ^ (r >> 47)


def _feature_hash(value):
    if isinstance(value, str):
        return fingerprint64(value.encode("utf-8"))
    if isinstance(value, bytes):
        return fingerprint64(value)
    return int(value) & _M


def cross_hash(columns, num_bins):
    """Bin in [0, num_bins) of each row of `columns` (a list of equal-length 1-D host arrays)."""
    out = np.empty(len(columns[0]), dtype=np.int64)
    for i, row in enumerate(zip(*[c.tolist() for c in columns])):
        h = _CROSS_KEY
        for v in row:
            h = fingerprint_cat64(h, _feature_hash(v))
        out[i] = h % num_bins
    return out


@_register
class HashedCrossing(Layer):
    """Crosses two or more features of shape `()`, `(batch,)` or `(batch, 1)` into hashed bins.

    Args:
        num_bins: the number of hash bins.
        output_mode: "int" (bin indices) or "one_hot" (one row of `num_bins` per input row).
        sparse: must be False (sparse outputs need Keras's TensorFlow backend).
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(
                f"HashedCrossing: `num_bins` must be a positive int. Received: num_bins={num_bins!r}"
            )
        if output_mode not in ("int", "one_hot"):
            raise ValueError(
                "HashedCrossing: `output_mode` must be one of ('int', 'one_hot'). "
                f"Received: output_mode={output_mode!r}"
            )
        if sparse:
            raise ValueError(
                "HashedCrossing: `sparse=True` is not supported by lamina (Keras supports it only on "
                "the TensorFlow backend). Received: sparse=True. Use sparse=False."
            )
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = sparse
        self.built = True

    def __call__(self, inputs, **kwargs):
        self._check_inputs(inputs)
        if any_symbolic_tensors((tuple(inputs),)):
            return super().__call__(tuple(inputs), **kwargs)
        # Text never reaches Layer.__call__'s numeric conversion; crossing runs on the host.
        return self.call(inputs)

    def _check_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(
                "HashedCrossing must be called on a list or tuple of at least two features. "
                f"Received: {type(inputs).__name__}"
                + (f" of length {len(inputs)}" if isinstance(inputs, (list, tuple)) else "")
                + ". Call it as `layer((feature_a, feature_b))`."
            )
        shapes = [tuple(x.shape) if hasattr(x, "shape") else np.shape(x) for x in inputs]
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ValueError(
                "HashedCrossing: every feature must have shape (), (batch,) or (batch, 1). "
                f"Received shapes {shapes}. Reshape each feature to one value per row."
            )
        if any(s != first for s in shapes[1:]):
            raise ValueError(
                f"HashedCrossing: all features must have the same shape. Received shapes {shapes}."
            )

    def call(self, inputs):
        arrays = [encoding.to_host_array(x) for x in inputs]
        for a in arrays:
            if a.dtype.kind not in "iuO" or (a.dtype.kind == "O" and a.size and not isinstance(
                    a.reshape(-1)[0], (str, bytes))):
                raise ValueError(
                    "HashedCrossing: features must be integers or strings. Received a feature of "
                    f"dtype {a.dtype}. Cast float features to int (or bucket them) first."
                )
        shape = arrays[0].shape
        bins = cross_hash([a.reshape(-1) for a in arrays], self.num_bins).reshape(shape)
        if self.output_mode == "int":
            return jnp.asarray(bins.astype(np.int32))
        hot = jnp.asarray(bins.astype(np.int32))
        if hot.ndim >= 1 and hot.shape[-1] == 1 and hot.ndim == 2:
            hot = hot[..., 0]
        return jnp.asarray(np.eye(self.num_bins, dtype=self.compute_dtype)[np.asarray(hot)])

    def compute_output_shape(self, input_shape):
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if len(first) == 2 and first[-1] == 1:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def compute_output_spec(self, inputs, **kwargs):
        dtype = "int32" if self.output_mode == "int" else self.compute_dtype
        return KerasTensor(self.compute_output_shape([x.shape for x in inputs]), dtype=dtype)

    def get_config(self):
        # Keras's config: exactly these keys, with the dtype as a plain name.
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.dtype}
