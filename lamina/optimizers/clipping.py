"""Gradient clipping as Keras 3 applies it: per tensor by norm, by global norm, or by value.

>>> import jax.numpy as jnp
>>> from lamina.optimizers.clipping import clip_by_norm
>>> [round(float(x), 4) for x in clip_by_norm(jnp.array([3.0, 4.0]), 1.0)]
[0.6, 0.8]
"""

import jax.numpy as jnp


def clip_by_norm(gradient, clipnorm):
    """Scales `gradient` down so its L2 norm is at most `clipnorm` (unchanged if already below)."""
    l2sum = jnp.sum(jnp.square(gradient), keepdims=True)
    nonzero = l2sum > 0
    # A zero gradient must not reach sqrt: its derivative at 0 would be NaN under grad-of-grad.
    l2norm = jnp.where(nonzero, jnp.sqrt(jnp.where(nonzero, l2sum, 1.0)), l2sum)
    return gradient * clipnorm / jnp.maximum(l2norm, clipnorm)


def global_norm(gradients):
    """The L2 norm of all `gradients` taken together (None entries are ignored)."""
    squares = [jnp.sum(jnp.square(g)) for g in gradients if g is not None]
    return jnp.sqrt(jnp.sum(jnp.stack(squares)))


def clip_by_global_norm(gradients, clipnorm):
    """Scales all `gradients` by one factor so that their global norm is at most `clipnorm`.

    >>> import jax.numpy as jnp
    >>> g = clip_by_global_norm([jnp.array([3.0]), jnp.array([4.0])], 1.0)
    >>> [round(float(x[0]), 4) for x in g]
    [0.6, 0.8]
    """
    norm = global_norm(gradients)
    scale = clipnorm * jnp.minimum(1.0 / norm, 1.0 / clipnorm)
    # `norm - norm` is 0 for finite norms and NaN otherwise, so an inf/NaN gradient is not hidden.
    scale = scale + (norm - norm)
    return [g if g is None else g * scale.astype(g.dtype) for g in gradients]


def clip_by_value(gradient, clipvalue):
    """Clips every element of `gradient` into `[-clipvalue, clipvalue]`."""
    return jnp.clip(gradient, -clipvalue, clipvalue)
