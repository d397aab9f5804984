"""Core ops: conversion, casting, shapes, control flow, and graph helpers."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.backend.keras_tensor import KerasTensor
from lamina.backend.variable import Variable
from lamina.ops.dispatch import keras_op


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Turns `x` (array, list, scalar, Variable) into a JAX array.

    >>> from lamina import ops
    >>> ops.convert_to_tensor([1.0, 2.0]).shape
    (2,)
    """
    if isinstance(x, KerasTensor):
        return x if dtype is None else cast(x, dtype)
    if isinstance(x, Variable):
        x = x.value
    if dtype is not None:
        dtype = standardize_dtype(dtype)
    if isinstance(x, (jax.Array, jax.core.Tracer)):
        return x if dtype is None or x.dtype == dtype else x.astype(dtype)
    if dtype is None:
        arr = np.asarray(x)
        if arr.dtype.kind in "USO":
            raise TypeError(
                f"convert_to_tensor() got data of dtype {arr.dtype} (strings or Python objects), "
                "which cannot become a tensor. Encode strings as numbers first (for example with "
                "a StringLookup layer)."
            )
        if arr.dtype == np.float64 and not isinstance(x, np.ndarray):
            dtype = "float32"
        elif arr.dtype == np.int64 and not isinstance(x, np.ndarray):
            dtype = "int32"
        return jnp.asarray(arr, dtype=dtype)
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    if isinstance(x, Variable):
        return x.numpy()
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, (jax.Array, jax.core.Tracer))


@keras_op
def cast(x, dtype):
    return jnp.asarray(x).astype(standardize_dtype(dtype))


def shape(x):
    if isinstance(x, (KerasTensor, Variable)):
        return x.shape
    return tuple(jnp.shape(x))


def dtype(x):
    return standardize_dtype(x.dtype)


@keras_op
def stop_gradient(x):
    return jax.lax.stop_gradient(x)


def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, true_fn, false_fn)


def while_loop(cond_fn, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    if maximum_iterations is not None:
        def c(state):
            return jnp.logical_and(cond_fn(*state[0]), state[1] < maximum_iterations)

        def b(state):
            out = body(*state[0])
            out = tuple(out) if isinstance(out, (list, tuple)) else (out,)
            return out, state[1] + 1

        result = jax.lax.while_loop(c, b, (loop_vars, 0))[0]
    else:
        def b(state):
            out = body(*state)
            return tuple(out) if isinstance(out, (list, tuple)) else (out,)

        result = jax.lax.while_loop(lambda s: cond_fn(*s), b, loop_vars)
    return result if is_tuple else result[0]


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def map(f, xs):  # noqa: A001 - Keras name
    return jax.lax.map(f, xs)


def switch(index, branches, *operands):
    return jax.lax.switch(index, branches, *operands)


@keras_op
def slice(inputs, start_indices, shape):  # noqa: A001 - Keras name
    return jax.lax.dynamic_slice(inputs, start_indices, shape)


@keras_op
def slice_update(inputs, start_indices, updates):
    return jax.lax.dynamic_update_slice(inputs, updates, start_indices)


@keras_op
def scatter(indices, values, shape):
    z = jnp.zeros(shape, values.dtype)
    key = tuple(jnp.moveaxis(jnp.asarray(indices), -1, 0))
    return z.at[key].add(values)


@keras_op
def scatter_update(inputs, indices, updates):
    key = tuple(jnp.moveaxis(jnp.asarray(indices), -1, 0))
    return inputs.at[key].set(updates)


@keras_op
def get_item(x, key):
    return x[key]


def unstack(x, num=None, axis=0):
    return [jnp.take(x, i, axis=axis) for i in range(x.shape[axis])]


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def custom_gradient(f):
    return jax.custom_gradient(f)

__all__ = [
    "cast",
    "cond",
    "convert_to_numpy",
    "convert_to_tensor",
    "custom_gradient",
    "dtype",
    "fori_loop",
    "get_item",
    "is_tensor",
    "map",
    "scan",
    "scatter",
    "scatter_update",
    "shape",
    "slice",
    "slice_update",
    "stop_gradient",
    "switch",
    "unstack",
    "vectorized_map",
    "while_loop",
]
