"""Core ops: conversion, casting, shapes, indexing, scatter, control flow, and `rearrange`.

>>> from lamina import ops
>>> ops.cast([1.7, -1.2], "int32").tolist()
[1, -1]
"""

import builtins
import re

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.backend.dtypes import standardize_dtype
from lamina.backend.keras_tensor import KerasTensor
from lamina.backend.variable import Variable
from lamina.ops.dispatch import keras_op
from lamina.ops.numpy import _t  # the shared conversion (Python floats -> floatx)


# -- conversion ----------------------------------------------------------------------------------
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Turns `x` (array, list, scalar, Variable) into a JAX array.

    Python floats and lists of them become `floatx()` (not float64), Python ints int32.

    >>> from lamina import ops
    >>> ops.convert_to_tensor([1.0, 2.0]).dtype
    dtype('float32')
    """
    if sparse:
        raise ValueError("convert_to_tensor() on JAX has no sparse tensors. Received: sparse=True")
    if ragged:
        raise ValueError("convert_to_tensor() on JAX has no ragged tensors. Received: ragged=True")
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
            dtype = config.floatx()
        elif arr.dtype == np.int64 and not isinstance(x, np.ndarray):
            dtype = "int32"
        return jnp.asarray(arr, dtype=dtype)
    return jnp.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    """`x` (array, Variable, list) as a NumPy array.

    >>> from lamina import ops
    >>> ops.convert_to_numpy(ops.ones((2,))).tolist()
    [1.0, 1.0]
    """
    if isinstance(x, KerasTensor):
        raise ValueError(
            "convert_to_numpy() got a symbolic KerasTensor, which holds no data. Call the model "
            "that contains it on arrays and convert the result instead."
        )
    if isinstance(x, Variable):
        return x.numpy()
    return np.asarray(x)


def is_tensor(x):
    """Whether `x` is a backend (JAX) tensor; NumPy arrays and Variables are not.

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.is_tensor(ops.ones((1,))), ops.is_tensor(np.ones((1,)))
    (True, False)
    """
    return isinstance(x, (jax.Array, jax.core.Tracer))


def shape(x):
    """The shape of `x` as a tuple (None for unknown dimensions of symbolic tensors).

    >>> from lamina import ops
    >>> ops.shape(ops.ones((2, 3)))
    (2, 3)
    """
    if isinstance(x, (KerasTensor, Variable)):
        return tuple(x.shape)
    return tuple(jnp.shape(x))


def dtype(x):
    """The dtype name of `x` (`'float32'`), for arrays, Variables and symbolic tensors.

    >>> from lamina import ops
    >>> ops.dtype(ops.ones((2,)))
    'float32'
    """
    if not hasattr(x, "dtype"):
        x = convert_to_tensor(x)
    return standardize_dtype(x.dtype)


@keras_op
def cast(x, dtype):
    """`x` converted to `dtype` (floats to ints truncate towards zero).

    >>> from lamina import ops
    >>> ops.cast([1.5], "int32").tolist()
    [1]
    """
    return _t(x).astype(standardize_dtype(dtype))


def _dtype_bounds(dtype):
    if jnp.issubdtype(dtype, jnp.integer):
        info = jnp.iinfo(dtype)
    elif jnp.issubdtype(dtype, jnp.floating):
        info = jnp.finfo(dtype)
    else:
        return None
    return info.min, info.max


@keras_op
def saturate_cast(x, dtype):
    """Casts `x` to `dtype`, clipping values outside `dtype`'s range to its limits first.

    >>> from lamina import ops
    >>> ops.saturate_cast([-1.0, 300.0], "uint8").tolist()
    [0, 255]
    """
    x = _t(x)
    dtype = jnp.dtype(standardize_dtype(dtype))
    target = _dtype_bounds(dtype)
    source = _dtype_bounds(x.dtype)
    if target is None or source is None:
        return x.astype(dtype)
    low, high = builtins.max(target[0], source[0]), builtins.min(target[1], source[1])
    if jnp.issubdtype(x.dtype, jnp.floating) and jnp.issubdtype(dtype, jnp.integer):
        # The integer limits may not be representable in x's float type (int32 max rounds up
        # to 2**31 in float32, which then overflows): clip to the nearest float inside them.
        fdt = np.dtype("float32") if x.dtype == jnp.bfloat16 else np.dtype(x.dtype)
        flow, fhigh = np.asarray(low, fdt), np.asarray(high, fdt)
        if flow < low:
            flow = np.nextafter(flow, np.asarray(np.inf, fdt))
        if fhigh > high:
            fhigh = np.nextafter(fhigh, np.asarray(-np.inf, fdt))
        return jnp.clip(x, flow.astype(x.dtype), fhigh.astype(x.dtype)).astype(dtype)
    return jnp.clip(x, low, high).astype(dtype)


@keras_op
def stop_gradient(variable):
    """`variable` with its gradient blocked (treated as a constant when differentiating).

    >>> import jax
    >>> from lamina import ops
    >>> float(jax.grad(lambda x: ops.stop_gradient(x) * x)(3.0))
    3.0
    """
    return jax.lax.stop_gradient(variable)


# -- indexing and updates ------------------------------------------------------------------------
@keras_op
def get_item(x, key):
    """`x[key]`.

    >>> from lamina import ops
    >>> ops.get_item(ops.arange(4), 2).tolist()
    2
    """
    return _t(x)[key]


@keras_op
def slice(inputs, start_indices, shape):  # noqa: A001 - Keras name
    """The block of `inputs` of size `shape` starting at `start_indices` (-1 takes the rest).

    >>> from lamina import ops
    >>> ops.slice(ops.arange(6), (2,), (3,)).tolist()
    [2, 3, 4]
    """
    inputs = _t(inputs)
    sizes = tuple(
        inputs.shape[i] - int(start_indices[i]) if s == -1 else s for i, s in enumerate(shape)
    )
    return jax.lax.dynamic_slice(inputs, start_indices, sizes)


@keras_op
def slice_update(inputs, start_indices, updates):
    """`inputs` with the block starting at `start_indices` replaced by `updates`.

    >>> from lamina import ops
    >>> ops.slice_update(ops.zeros((4,)), (1,), ops.ones((2,))).tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    inputs = _t(inputs)
    return jax.lax.dynamic_update_slice(inputs, _t(updates).astype(inputs.dtype), start_indices)


def _index_key(indices):
    indices = jnp.asarray(indices)
    return tuple(jnp.moveaxis(indices, -1, 0))


@keras_op
def scatter(indices, values, shape):
    """A zero tensor of `shape` with `values` added at `indices` `(N, k)` (duplicates add up).

    >>> from lamina import ops
    >>> ops.scatter([[0], [2], [0]], [1.0, 2.0, 3.0], (3,)).tolist()
    [4.0, 0.0, 2.0]
    """
    values = _t(values)
    return jnp.zeros(shape, values.dtype).at[_index_key(indices)].add(values)


_SCATTER_REDUCTIONS = (None, "add", "max", "min", "mul")


@keras_op
def scatter_update(inputs, indices, updates, reduction=None):
    """`inputs` with `updates` written at `indices` `(N, k)`; `reduction` ('add', 'max', 'min',
    'mul') combines them with the existing values instead of replacing them.

    >>> from lamina import ops
    >>> ops.scatter_update(ops.zeros((3,)), [[1]], [5.0]).tolist()
    [0.0, 5.0, 0.0]
    """
    if reduction not in _SCATTER_REDUCTIONS:
        raise ValueError(
            f"`reduction` must be one of {_SCATTER_REDUCTIONS}. Received: reduction={reduction!r}"
        )
    inputs = _t(inputs)
    at = inputs.at[_index_key(indices)]
    updates = _t(updates).astype(inputs.dtype)
    if reduction is None:
        return at.set(updates)
    return {"add": at.add, "max": at.max, "min": at.min, "mul": at.multiply}[reduction](updates)


def unstack(x, num=None, axis=0):
    """The slices of `x` along `axis`, as a list.

    >>> from lamina import ops
    >>> [t.tolist() for t in ops.unstack(ops.eye(2))]
    [[1.0, 0.0], [0.0, 1.0]]
    """
    length = x.shape[axis]
    if num is not None and length is not None and num != length:
        raise ValueError(
            f"unstack() got `num` different from the axis length. Received: num={num}, "
            f"x.shape[{axis}]={length}"
        )
    if length is None:
        if num is None:
            raise ValueError(
                f"unstack() cannot split an axis of unknown length (x.shape={x.shape}, axis={axis}). "
                "Pass `num`."
            )
        length = num
    return [_take(x, i, axis) for i in range(length)]


@keras_op
def _take(x, i, axis):
    return jnp.take(_t(x), i, axis=axis)


# -- control flow --------------------------------------------------------------------------------
@keras_op
def cond(pred, true_fn, false_fn):
    """`true_fn()` if `pred` else `false_fn()` (both branches must return the same structure).

    >>> from lamina import ops
    >>> float(ops.cond(True, lambda: ops.ones(()), lambda: ops.zeros(())))
    1.0
    """
    return jax.lax.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (at most
    `maximum_iterations` times); returns the final `loop_vars` in the structure given.

    >>> from lamina import ops
    >>> ops.while_loop(lambda i: i < 5, lambda i: i + 2, 0)
    Array(6, dtype=int32, weak_type=True)
    """
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)

    def as_tuple(out):
        return tuple(out) if isinstance(out, (list, tuple)) else (out,)

    if maximum_iterations is None:
        result = jax.lax.while_loop(lambda s: cond(*s), lambda s: as_tuple(body(*s)), loop_vars)
    else:
        def bounded_cond(state):
            values, count = state
            return jnp.logical_and(cond(*values), count < maximum_iterations)

        def counted_body(state):
            values, count = state
            return as_tuple(body(*values)), count + 1

        result = jax.lax.while_loop(bounded_cond, counted_body, (loop_vars, 0))[0]
    if not is_tuple:
        return result[0]
    return list(result) if isinstance(result, list) else result


def fori_loop(lower, upper, body_fun, init_val):
    """`init_val` updated by `body_fun(i, value)` for `i` in `range(lower, upper)`.

    >>> from lamina import ops
    >>> int(ops.fori_loop(0, 4, lambda i, v: v + i, 0))
    6
    """
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """`(final_carry, stacked_ys)` from `carry, y = f(carry, x)` over the leading axis of `xs`.

    >>> from lamina import ops
    >>> carry, ys = ops.scan(lambda c, x: (c + x, c), 0.0, ops.arange(3.0))
    >>> float(carry), ys.tolist()
    (3.0, [0.0, 0.0, 1.0])
    """
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def associative_scan(f, elems, reverse=False, axis=0):
    """Prefix scan of `elems` along `axis` with the associative binary function `f`.

    >>> from lamina import ops
    >>> ops.associative_scan(lambda a, b: a + b, ops.arange(4)).tolist()
    [0, 1, 3, 6]
    """
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def map(f, xs):  # noqa: A001 - Keras name
    """`f` applied to each slice of `xs` along its leading axis, results stacked.

    >>> from lamina import ops
    >>> ops.map(lambda x: x * 2, ops.arange(3)).tolist()
    [0, 2, 4]
    """
    return jax.lax.map(f, xs)


def switch(index, branches, *operands):
    """`branches[index](*operands)` (index clamped to the valid range).

    >>> from lamina import ops
    >>> float(ops.switch(1, [lambda x: x + 1, lambda x: x * 10], 2.0))
    20.0
    """
    return jax.lax.switch(index, branches, *operands)


def vectorized_map(function, elements):
    """`function` mapped over the leading axis of `elements` (vectorized with `jax.vmap`).

    >>> from lamina import ops
    >>> ops.vectorized_map(lambda x: x.sum(), ops.ones((3, 2))).tolist()
    [2.0, 2.0, 2.0]
    """
    return jax.vmap(function)(elements)


def custom_gradient(f):
    """Decorates `f(*args) -> (output, grad_fn)` so differentiation uses `grad_fn(upstream)`.

    >>> import jax
    >>> from lamina import ops
    >>> @ops.custom_gradient
    ... def double_grad(x):
    ...     return x, lambda upstream: 2.0 * upstream
    >>> float(jax.grad(double_grad)(1.0))
    2.0
    """
    return jax.custom_gradient(f)


# -- rearrange (einops notation) ----------------------------------------------------------------
_TOKEN = re.compile(r"\.\.\.|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\d+")


def _parse_side(text, pattern):
    """Groups of axis names for one side: `'b (h w) c'` -> [['b'], ('h', 'w'), ['c']]."""
    groups, current = [], None
    stripped = _TOKEN.sub(" ", text).strip()
    if stripped:
        raise ValueError(f"rearrange() cannot parse {stripped!r} in the pattern. Received: pattern={pattern!r}")
    for token in _TOKEN.findall(text):
        if token == "(":
            if current is not None:
                raise ValueError(f"rearrange() does not allow nested parentheses. Received: pattern={pattern!r}")
            current = []
        elif token == ")":
            if current is None:
                raise ValueError(f"rearrange() found an unmatched ')'. Received: pattern={pattern!r}")
            groups.append(tuple(current))  # a tuple marks a parenthesized group
            current = None
        else:
            if token.isdigit() and token != "1":
                raise ValueError(
                    f"rearrange() only accepts the anonymous axis 1. Received: {token} in pattern={pattern!r}"
                )
            (groups.append([token]) if current is None else current.append(token))
    if current is not None:
        raise ValueError(f"rearrange() found an unclosed '('. Received: pattern={pattern!r}")
    return groups


@keras_op
def rearrange(tensor, pattern, **axes_lengths):
    """Reorders, merges and splits axes with einops notation, e.g. `'b (h w) c -> b h w c'`.

    Sizes of split axes come from `axes_lengths` (one per group may be inferred); `1` is an
    anonymous unit axis and `...` stands for any remaining axes.

    >>> from lamina import ops
    >>> ops.rearrange(ops.ones((2, 3, 4)), "b h w -> b (w h)").shape
    (2, 12)
    >>> ops.rearrange(ops.ones((2, 12)), "b (h w) -> b h w", h=3).shape
    (2, 3, 4)
    """
    tensor = _t(tensor)
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange() expects a pattern 'left -> right'. Received: pattern={pattern!r}")
    left_text, right_text = pattern.split("->")
    left, right = _parse_side(left_text, pattern), _parse_side(right_text, pattern)
    flat_left = [a for g in left for a in g]
    flat_right = [a for g in right for a in g]
    named_left = [a for a in flat_left if a != "1"]
    named_right = [a for a in flat_right if a != "1"]
    for side, names in (("left", named_left), ("right", named_right)):
        if len(set(names)) != len(names):
            raise ValueError(f"rearrange() got an axis twice on the {side} side. Received: pattern={pattern!r}")
    if set(named_left) != set(named_right):
        raise ValueError(
            "rearrange() needs the same axes on both sides. "
            f"Received: only left={sorted(set(named_left) - set(named_right))}, "
            f"only right={sorted(set(named_right) - set(named_left))} in pattern={pattern!r}"
        )
    ellipsis_rank = tensor.ndim - (len(left) - (1 if ["..."] in left else 0))
    if "..." in flat_left:
        if ["..."] not in left:
            raise ValueError(f"rearrange() does not allow '...' inside parentheses on the left. Received: {pattern!r}")
        if ellipsis_rank < 0:
            raise ValueError(f"rearrange() pattern {pattern!r} has more axes than the input (shape {tensor.shape}).")
    elif len(left) != tensor.ndim:
        raise ValueError(
            f"rearrange() pattern {pattern!r} names {len(left)} axes but the input has shape {tensor.shape}."
        )
    sizes = {k: int(v) for k, v in axes_lengths.items()}
    ellipsis_names = [f"...{i}" for i in range(builtins.max(ellipsis_rank, 0))]

    def expand(groups):
        # A bare `...` stands for one group per covered axis; `(...)` merges them into one.
        out = []
        for g in groups:
            if isinstance(g, list) and g == ["..."]:
                out.extend([name] for name in ellipsis_names)
            else:
                out.append([n for a in g for n in (ellipsis_names if a == "..." else [a])])
        return out

    left, right = expand(left), expand(right)
    # Sizes of the elementary (split) left axes.
    for group, dim in zip(left, tensor.shape):
        known = [sizes.get(a, 1 if a == "1" else None) for a in group]
        unknown = [a for a, s in zip(group, known) if s is None]
        if len(group) == 1:
            if group[0] == "1" and dim != 1:
                raise ValueError(f"rearrange() expects a unit axis where the input has {dim}. Received: {pattern!r}")
            sizes.setdefault(group[0], dim)
            if sizes[group[0]] != dim and group[0] != "1":
                raise ValueError(
                    f"rearrange() got {group[0]}={sizes[group[0]]} but the axis has size {dim}."
                )
            continue
        if len(unknown) > 1:
            raise ValueError(
                f"rearrange() cannot infer the sizes of {unknown} in one group; pass all but one of "
                f"them as keyword arguments. Received: pattern={pattern!r}"
            )
        product = int(np.prod([s for s in known if s is not None]))
        if unknown:
            if dim % product:
                raise ValueError(f"rearrange() cannot split an axis of size {dim} by {product}.")
            sizes[unknown[0]] = dim // product
        elif product != dim:
            raise ValueError(f"rearrange() group {group} has size {product} but the axis has {dim}.")
    elementary = [a for g in left for a in g]
    x = jnp.reshape(tensor, [sizes[a] if a != "1" else 1 for a in elementary])
    kept = [i for i, a in enumerate(elementary) if a != "1"]
    x = jnp.reshape(x, [x.shape[i] for i in kept]) if len(kept) != len(elementary) else x
    order = [a for a in elementary if a != "1"]
    targets = [a for g in right for a in g if a != "1"]
    x = jnp.transpose(x, [order.index(a) for a in targets])
    final = [int(np.prod([1 if a == "1" else sizes[a] for a in g])) for g in right]
    return jnp.reshape(x, final)

__all__ = [
    "associative_scan",
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
    "rearrange",
    "saturate_cast",
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
