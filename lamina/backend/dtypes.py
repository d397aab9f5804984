"""Dtype names: every public dtype is a Keras-style string (`'float32'`)."""

import jax.numpy as jnp
import numpy as np

from lamina import config

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "int": "int64",
    "half": "float16",
    "bool_": "bool",
}


def standardize_dtype(dtype):
    """Returns the canonical string name of `dtype` (None means `floatx()`)."""
    if dtype is None:
        return config.floatx()
    if hasattr(dtype, "name") and isinstance(dtype.name, str) and not isinstance(dtype, str):
        # DTypePolicy objects and numpy/jax dtypes both carry a name.
        if hasattr(dtype, "variable_dtype"):
            return dtype.variable_dtype
        dtype = dtype.name
    if isinstance(dtype, str):
        dtype = _ALIASES.get(dtype, dtype)
        try:
            return np.dtype(dtype).name if dtype != "bfloat16" else "bfloat16"
        except TypeError:
            pass
    try:
        name = jnp.dtype(dtype).name
    except TypeError as e:
        raise ValueError(f"Unknown dtype. Expected a name such as 'float32'. Received: dtype={dtype!r}") from e
    return _ALIASES.get(name, name)


def is_float_dtype(dtype):
    return standardize_dtype(dtype) in ("float16", "bfloat16", "float32", "float64")


def is_int_dtype(dtype):
    d = standardize_dtype(dtype)
    return d.startswith("int") or d.startswith("uint")


def result_type(*dtypes):
    return standardize_dtype(jnp.result_type(*[standardize_dtype(d) for d in dtypes]))
