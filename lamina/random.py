"""`lamina.random`: seeded random ops usable eagerly and inside compiled steps.

Pass `seed=` an int (a fixed draw), a `SeedGenerator` (a fresh draw each call, also inside `fit`),
or None (eager code only).

>>> from lamina import random
>>> g = random.SeedGenerator(1)
>>> random.normal((2, 3), seed=g).shape
(2, 3)
"""

import jax
import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype
from lamina.backend.random import SeedGenerator, draw_seed


def _dt(dtype):
    return standardize_dtype(dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return (mean + stddev * jax.random.normal(draw_seed(seed), tuple(shape))).astype(_dt(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    dt = _dt(dtype)
    if not jnp.issubdtype(dt, jnp.floating):
        raise ValueError(
            f"random.uniform() makes floats; for integers use random.randint. Received: dtype={dtype!r}"
        )
    return jax.random.uniform(draw_seed(seed), tuple(shape), minval=minval, maxval=maxval).astype(dt)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(draw_seed(seed), tuple(shape), minval, maxval).astype(_dt(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    x = jax.random.truncated_normal(draw_seed(seed), -2.0, 2.0, tuple(shape))
    return (mean + stddev * x).astype(_dt(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = jnp.asarray(logits)
    key = draw_seed(seed)
    out = jax.random.categorical(key, logits[:, None, :], axis=-1, shape=(logits.shape[0], num_samples))
    return out.astype(_dt(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    inputs = jnp.asarray(inputs)
    shape = inputs.shape if noise_shape is None else tuple(noise_shape)
    keep = jax.random.bernoulli(draw_seed(seed), 1.0 - rate, shape)
    return jnp.where(keep, inputs / (1.0 - rate), 0).astype(inputs.dtype)


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(draw_seed(seed), jnp.asarray(x), axis=axis, independent=False)


def gamma(shape, alpha, dtype=None, seed=None):
    return jax.random.gamma(draw_seed(seed), alpha, tuple(shape)).astype(_dt(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    return jax.random.binomial(draw_seed(seed), counts, probabilities, tuple(shape)).astype(_dt(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    return jax.random.beta(draw_seed(seed), alpha, beta, tuple(shape)).astype(_dt(dtype))


__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint",
           "shuffle", "truncated_normal", "uniform"]
