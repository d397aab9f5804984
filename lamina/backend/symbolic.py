"""Shape inference: run a function on shapes only (`jax.eval_shape`), never on data.

Unknown dimensions (`None`) are given a stand-in size for the trace; a dimension of the result is
reported as `None` when it changes with the stand-in.
"""

import jax
import jax.numpy as jnp

from lamina.backend import state as _state
from lamina.backend.keras_tensor import KerasTensor

_STANDINS = (83, 89)


def _is_kt(x):
    return isinstance(x, KerasTensor)


def _trace(fn, args, kwargs, standin):
    leaves, treedef = jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_kt)
    positions = [i for i, x in enumerate(leaves) if _is_kt(x)]
    specs = [
        jax.ShapeDtypeStruct(tuple(standin if d is None else d for d in leaves[i].shape), leaves[i].dtype)
        for i in positions
    ]

    def run(*tensors):
        filled = list(leaves)
        for i, t in zip(positions, tensors):
            filled[i] = t
        a, k = jax.tree_util.tree_unflatten(treedef, filled)
        with _state.StatelessScope(), _state.SymbolicScope():
            return fn(*a, **k)

    return jax.eval_shape(run, *specs)


def compute_output_spec(fn, *args, **kwargs):
    """Returns KerasTensors (in the structure `fn` returns) for `fn(*args, **kwargs)`."""
    has_unknown = any(
        None in x.shape for x in jax.tree_util.tree_leaves((args, kwargs), is_leaf=_is_kt) if _is_kt(x)
    )
    first = _trace(fn, args, kwargs, _STANDINS[0])
    second = _trace(fn, args, kwargs, _STANDINS[1]) if has_unknown else first

    def to_kt(a, b):
        if a is None:
            return None
        shape = tuple(None if da != db else da for da, db in zip(a.shape, b.shape))
        return KerasTensor(shape, dtype=a.dtype)

    return jax.tree_util.tree_map(to_kt, first, second, is_leaf=lambda x: x is None)


def placeholder_like(shape, dtype="float32"):
    return jnp.zeros(tuple(_STANDINS[0] if d is None else d for d in shape), dtype)
