"""Helpers shared by the normalization layers.

>>> from lamina.layers.normalization.norm_utils import canonical_axes
>>> canonical_axes([-1, 1], 3, "LayerNormalization")
(1, 2)
"""

import jax.numpy as jnp

from lamina import constraints, initializers, regularizers


def canonical_axes(axis, ndim, cls_name):
    """`axis` (an int or ints, possibly negative) as sorted non-negative axes of an ndim input."""
    axes = [axis] if isinstance(axis, int) else list(axis)
    out = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{cls_name}: axis {a} is out of bounds for an input of rank {ndim}. Received: axis={axis}"
            )
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{cls_name}: `axis` contains duplicate axes. Received: axis={axis}")
    return tuple(sorted(out))


def compute_dtype_for(inputs):
    """Statistics are computed in at least float32: half precision overflows in sums of squares."""
    return jnp.result_type(inputs.dtype, jnp.float32)


def deserialize_gamma_beta(config, extra_initializers=()):
    config = dict(config)
    for k in ("beta_initializer", "gamma_initializer") + tuple(extra_initializers):
        if config.get(k) is not None:
            config[k] = initializers.get(config[k])
    for k in ("beta_regularizer", "gamma_regularizer"):
        config[k] = regularizers.get(config.get(k))
    for k in ("beta_constraint", "gamma_constraint"):
        config[k] = constraints.get(config.get(k))
    return config
