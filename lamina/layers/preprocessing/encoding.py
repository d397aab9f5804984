"""Shared helpers of the categorical preprocessing layers: index encodings and host-side data.

`encode_categorical` turns integer indices into Keras's `output_mode` encodings:

- `"int"`: the indices themselves;
- `"one_hot"`: one vector per index (a trailing axis of size 1 is replaced by the vector);
- `"multi_hot"` / `"count"`: one vector per sample (axis 1 of a batch, or the whole of a 1-D
  input), marking which indices occur / how often (`count_weights` weights the counts).

Indices outside `[0, depth)` contribute nothing, as in Keras's JAX backend.

>>> import numpy as np
>>> encode_categorical(np.array([[1, 2], [3, 3]]), "count", 4, "float32").tolist()
[[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 2.0]]
"""

import jax
import jax.numpy as jnp
import numpy as np

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def encode_categorical(indices, output_mode, depth, dtype, count_weights=None):
    """Encodes integer `indices` per `output_mode` (see the module docstring)."""
    if output_mode == "int":
        return jnp.asarray(indices).astype(dtype)
    x = jnp.asarray(indices)
    if x.ndim == 0:
        x = x[None]
    if output_mode == "one_hot":
        if x.ndim > 1 and x.shape[-1] == 1:
            x = x[..., 0]
        return jax.nn.one_hot(x, depth, dtype=dtype)
    axis = 1 if x.ndim > 1 else 0
    if output_mode == "multi_hot":
        return jnp.max(jax.nn.one_hot(x, depth, dtype=dtype), axis=axis)
    if output_mode == "count":
        if count_weights is not None:
            weights = jnp.asarray(count_weights)
            hot = jax.nn.one_hot(x, depth, dtype=weights.dtype) * weights[..., None]
        else:
            hot = jax.nn.one_hot(x, depth, dtype=dtype)
        return jnp.sum(hot, axis=axis)
    raise ValueError(f"Unknown `output_mode`. Expected one of {OUTPUT_MODES}. Received: output_mode={output_mode!r}")


def encoded_shape(input_shape, output_mode, depth):
    """The output shape `encode_categorical` gives for inputs of `input_shape`."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if len(input_shape) == 0:
        return (1, depth) if output_mode == "one_hot" else (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)


def is_string_data(x):
    """Whether `x` holds text (str/bytes), which only host-side NumPy code can process."""
    if isinstance(x, (str, bytes)):
        return True
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "USO"
    if isinstance(x, (list, tuple)):
        flat = x
        while isinstance(flat, (list, tuple)) and flat:
            flat = flat[0]
        return isinstance(flat, (str, bytes, np.str_, np.bytes_))
    return False


def to_host_array(x):
    """`x` as a NumPy array on the host; text becomes an object array of `str`."""
    if isinstance(x, jax.core.Tracer):
        raise ValueError(
            "This layer looks values up on the host (NumPy), so it cannot run inside a compiled "
            "function such as model.fit's train step. Apply it to the data before the model "
            "(e.g. when preparing the dataset)."
        )
    arr = np.asarray(x)
    if arr.dtype.kind in "SO" or arr.dtype.kind == "U":
        flat = [v.decode("utf-8") if isinstance(v, bytes) else v for v in arr.reshape(-1).tolist()]
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        arr = out.reshape(arr.shape)
    return arr
