"""A cached, jitted forward pass for `model(x)` on concrete arrays.

Calling a model op by op dispatches hundreds of small kernels; one compiled function per input
signature is as fast as a hand-written `jax.jit`. Variable values are passed in (never baked in as
constants), so weight updates never trigger a recompile. Assignments made during the call (moving
statistics, seed-generator states) are written back afterwards.
"""

import jax
import numpy as np

from lamina.backend import state as _state
from lamina.backend.variable import CREATION_COUNT as _CREATED
from lamina.backend.variable import Variable


def _leaf_ok(x):
    return isinstance(x, (np.ndarray, jax.Array, np.generic)) and not isinstance(x, jax.core.Tracer)


def eligible(args, kwargs):
    leaves = jax.tree_util.tree_leaves(args[0])
    if not leaves or not all(_leaf_ok(x) or isinstance(x, Variable) for x in leaves):
        return False
    for k, v in kwargs.items():
        if k == "training":
            if v not in (None, True, False):
                return False
        elif k == "mask":
            if v is not None and not all(_leaf_ok(x) for x in jax.tree_util.tree_leaves(v)):
                return False
        else:
            return False
    return len(args) == 1


class _Cache:
    def __init__(self, model):
        self.variables = model.variables
        self.ids = [id(v) for v in self.variables]
        self.version = _CREATED[0]
        self.fns = {}


def _get_cache(model):
    cache = model.__dict__.get("_forward_cache")
    if cache is not None and cache.version != _CREATED[0]:
        # Variables were created since: keep the compiled functions only if this model's
        # variables are still the same objects (e.g. a stateful RNN rebuilt its states).
        current = model.variables
        if [id(v) for v in current] == cache.ids:
            cache.version = _CREATED[0]
        else:
            cache = None
    if cache is None:
        cache = _Cache(model)
        object.__setattr__(model, "_forward_cache", cache)
    return cache


def invalidate(model):
    object.__setattr__(model, "_forward_cache", None)


def _convert(x, dtype):
    # NumPy arrays go straight into the jitted call (cheaper than jnp.asarray first).
    if isinstance(x, Variable):
        return x.value
    if isinstance(x, np.ndarray):
        if x.dtype.kind == "f" and x.dtype != dtype:
            return x.astype(dtype)
        if x.dtype == np.float64 or x.dtype == np.int64:
            return x.astype(np.float32 if x.dtype.kind == "f" else np.int32)
        return x
    return x


def current_values(variables):
    """The variables' values, as a jitted function takes them.

    Outside any stateless or autocast scope (the usual case for `model(x)` and `predict`) the
    stored arrays are read directly: this runs on every call, and the `value` property's scope
    lookups cost more than the rest of the call's Python work on small models.
    """
    if _state.in_stateless_scope() or _state.autocast_dtype() is not None:
        return [v.value for v in variables]
    return [v._value for v in variables]


def call(model, args, kwargs):
    cache = _get_cache(model)
    training = kwargs.get("training")
    mask = kwargs.get("mask")
    x = args[0]
    if mask is None and isinstance(x, (np.ndarray, jax.Array)):
        # One array, the common case: a short key, no pytree walks.
        x = _convert(x, model.compute_dtype)
        key = (training, x.shape, x.dtype)
    else:
        x = jax.tree_util.tree_map(lambda a: _convert(a, model.compute_dtype), x)
        key = (training, jax.tree_util.tree_structure((x, mask)),
               tuple((a.shape, str(a.dtype)) for a in jax.tree_util.tree_leaves((x, mask))))
    entry = cache.fns.get(key)
    variables = cache.variables
    if entry is None:
        assigned_box = []

        def fwd(values, x, mask):
            with _state.StatelessScope(list(zip(variables, values))) as scope:
                kw = {}
                if training is not None:
                    kw["training"] = training
                if mask is not None:
                    kw["mask"] = mask
                y = model._eager_call(x, **kw)
            idx = [i for i, v in enumerate(variables) if any(v is a for a in scope.assigned_variables())]
            assigned_box[:] = [idx]
            return y, [scope.get_current_value(variables[i]) for i in idx]

        entry = [jax.jit(fwd), assigned_box]
        cache.fns[key] = entry
    fn, assigned_box = entry
    y, updates = fn(current_values(variables), x, mask)
    if updates:
        for i, val in zip(assigned_box[0], updates):
            variables[i]._direct_assign(val)
    return y
