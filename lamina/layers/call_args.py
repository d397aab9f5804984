"""Helpers for `Layer.__call__`: converting inputs and finding the shapes to build from."""

import inspect

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.keras_tensor import KerasTensor
from lamina.backend.variable import Variable


def _convert_one(x, float_dtype):
    if isinstance(x, KerasTensor) or x is None:
        return x
    if isinstance(x, Variable):
        x = x.value
    if isinstance(x, (jax.Array, jax.core.Tracer)):
        if float_dtype and jnp.issubdtype(x.dtype, jnp.floating) and x.dtype != float_dtype:
            return x.astype(float_dtype)
        return x
    if isinstance(x, (np.ndarray, np.generic, float, int, bool)) or (
        isinstance(x, (list, tuple)) and x and isinstance(x[0], (int, float))
    ):
        arr = np.asarray(x)
        if arr.dtype.kind in "USO":
            raise TypeError(
                f"A layer received data of dtype {arr.dtype} (strings or Python objects). Layers "
                "compute on numbers: encode the data numerically first."
            )
        if arr.dtype.kind == "f" and float_dtype:
            return jnp.asarray(arr, dtype=float_dtype)
        return jnp.asarray(arr)
    return x


def convert_inputs(x, float_dtype=None):
    """NumPy arrays (also inside lists/dicts) become JAX arrays; floats take the compute dtype."""
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float)):
        return type(x)(convert_inputs(e, float_dtype) for e in x)
    if isinstance(x, dict):
        return {k: convert_inputs(v, float_dtype) for k, v in x.items()}
    return _convert_one(x, float_dtype)


def _shape_of(x):
    if isinstance(x, (list, tuple)):
        return type(x)(_shape_of(e) for e in x) if not all(isinstance(e, (int, type(None))) for e in x) else tuple(x)
    if isinstance(x, dict):
        return {k: _shape_of(v) for k, v in x.items()}
    if x is None:
        return None
    return tuple(x.shape)


def shapes_for_build(layer, args, kwargs):
    """The argument for `build`: the first input's shape, or named `<arg>_shape` values.

    A `build(self, query_shape, value_shape)` signature receives the shapes of the call arguments
    `query` and `value`, as Keras does.
    """
    build_params = [
        p for p in inspect.signature(layer.build).parameters.values()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    names = [p.name for p in build_params]
    if len(names) > 1 or (names and names[0].endswith("_shape") and names[0] != "input_shape"):
        call_params = list(layer._call_signature.parameters)
        bound = {}
        for i, a in enumerate(args):
            if i < len(call_params):
                bound[call_params[i]] = a
        bound.update(kwargs)
        shapes = {"__by_name__": True}
        for n in names:
            arg = n[: -len("_shape")] if n.endswith("_shape") else n
            if arg in bound and bound[arg] is not None:
                shapes[n] = _shape_of(bound[arg])
        return shapes
    if not args:
        first = next(iter(kwargs.values()), None)
    else:
        first = args[0]
    return _shape_of(first)
