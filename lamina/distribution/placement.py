"""Putting arrays on a mesh: `distribute_tensor`, `distribute_variable` and the helpers behind them.

Eagerly, an array is moved (`jax.device_put`); inside a compiled function, its layout is requested
with `jax.lax.with_sharding_constraint`, and XLA partitions the computation around it. In a
multi-process run every process holds the same whole value, and each supplies its own devices'
pieces.

>>> import numpy as np
>>> from lamina.distribution import DeviceMesh, TensorLayout, distribute_tensor, list_devices
>>> mesh = DeviceMesh((1,), ["batch"], devices=list_devices("cpu")[:1])
>>> x = distribute_tensor(np.ones((4, 2), "float32"), TensorLayout(["batch", None], mesh))
>>> x.sharding.spec
P('batch', None)
"""

import math

import jax
import numpy as np


def to_sharding(layout):
    """A `jax.sharding.Sharding` from a `TensorLayout` (or a Sharding, returned as is)."""
    if isinstance(layout, jax.sharding.Sharding):
        return layout
    backend_layout = getattr(layout, "backend_layout", None)
    if backend_layout is None:
        raise ValueError(
            "Expected a lamina.distribution.TensorLayout or a jax.sharding.Sharding. "
            f"Received: layout={layout!r} (of type {type(layout).__name__})"
        )
    return backend_layout


def check_fits(shape, sharding, what):
    """Raises a clear error when `sharding` cannot split an array of `shape` evenly."""
    spec = getattr(sharding, "spec", None)
    if spec is None:
        return
    shape = tuple(shape)
    if len(spec) > len(shape):
        raise ValueError(
            f"{what} has shape {shape} ({len(shape)} dimensions), but its layout "
            f"{tuple(spec)} names {len(spec)} dimensions. Give at most one entry per dimension."
        )
    mesh_shape = dict(sharding.mesh.shape)
    for dim, entry in enumerate(spec):
        if entry is None:
            continue
        names = entry if isinstance(entry, tuple) else (entry,)
        parts = math.prod(mesh_shape[n] for n in names)
        if shape[dim] % parts:
            raise ValueError(
                f"{what} has shape {shape}; its layout {tuple(spec)} splits dimension {dim} "
                f"(size {shape[dim]}) into {parts} parts over mesh axis {entry!r}, which does not "
                f"divide it. Use a size divisible by {parts}, or a layout that does not split "
                "that dimension."
            )


def put(value, sharding):
    """Eagerly places `value` with `sharding`; no copy when it is already placed that way."""
    if isinstance(value, jax.Array):
        # Equivalent single-device placements are re-labelled (no copy), so that `.sharding`
        # shows the layout asked for.
        if type(value.sharding) is type(sharding) and value.sharding.is_equivalent_to(sharding, value.ndim):
            return value
        if not value.is_fully_addressable:
            return jax.device_put(value, sharding)
    if sharding.is_fully_addressable:
        return jax.device_put(value, sharding)
    # Several processes: each holds the whole value and supplies the pieces its devices hold.
    host = np.asarray(value)
    return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])


def _is_traced(x):
    return isinstance(x, jax.core.Tracer)


def distribute_tensor(tensor, layout):
    """`tensor` laid out as `layout` says (a `TensorLayout` or a `jax.sharding.Sharding`).

    Works eagerly (moves the data) and inside compiled functions (constrains the layout XLA
    gives the intermediate value). Symbolic `KerasTensor`s are returned unchanged.

    >>> import numpy as np
    >>> from lamina.distribution import DeviceMesh, TensorLayout, distribute_tensor, list_devices
    >>> mesh = DeviceMesh((1,), ["model"], devices=list_devices("cpu")[:1])
    >>> distribute_tensor(np.zeros((2, 6)), TensorLayout([None, "model"], mesh)).shape
    (2, 6)
    """
    from lamina.backend.keras_tensor import KerasTensor
    from lamina.backend.variable import Variable

    if isinstance(tensor, KerasTensor):
        return tensor
    sharding = to_sharding(layout)
    if isinstance(tensor, Variable):
        tensor = tensor.value
    check_fits(np.shape(tensor), sharding, "The tensor")
    if _is_traced(tensor):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    return put(tensor, sharding)


def distribute_variable(variable, layout=None):
    """Moves `variable`'s value onto devices in place, as `layout` (or the distribution) says.

    With `layout=None` the layout comes from the current distribution (`get_variable_layout`):
    the layout map for `ModelParallel`, replicated otherwise. Training places variables by
    itself; this is for placing a large model before the first `fit`, or re-laying out one
    variable. Returns the variable.

    >>> import numpy as np
    >>> from lamina import Variable
    >>> from lamina.distribution import (DeviceMesh, TensorLayout, distribute_variable,
    ...                                  list_devices)
    >>> mesh = DeviceMesh((1,), ["model"], devices=list_devices("cpu")[:1])
    >>> v = distribute_variable(Variable(np.zeros((3, 4))), TensorLayout([None, "model"], mesh))
    >>> v.value.sharding.spec
    P(None, 'model')
    """
    if layout is None:
        from lamina.distribution.global_state import distribution

        current = distribution()
        if current is None:
            raise ValueError(
                "distribute_variable() needs a layout, or a current distribution to take it "
                "from. Pass layout=TensorLayout(...), or call set_distribution(...) first."
            )
        sharding = current._variable_sharding(variable)
    else:
        sharding = to_sharding(layout)
        check_fits(variable.shape, sharding, f"Variable '{variable.path}'")
    variable._direct_assign(put(variable.value, sharding))
    return variable
