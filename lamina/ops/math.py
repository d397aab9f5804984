"""Math ops (`keras.ops` names): segments, top-k, logsumexp, FFT helpers, ..."""

import jax
import jax.numpy as jnp

from lamina.ops.dispatch import keras_op


@keras_op
def segment_sum(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return jax.ops.segment_sum(data, segment_ids, num_segments, indices_are_sorted=sorted)


@keras_op
def segment_max(data, segment_ids, num_segments=None, sorted=False):  # noqa: A002
    return jax.ops.segment_max(data, segment_ids, num_segments, indices_are_sorted=sorted)


@keras_op
def top_k(x, k, sorted=True):  # noqa: A002
    values, indices = jax.lax.top_k(x, k)
    return values, indices.astype("int32")


@keras_op
def in_top_k(targets, predictions, k):
    target_scores = jnp.take_along_axis(predictions, targets[:, None].astype("int32"), axis=-1)
    return jnp.sum(predictions > target_scores, axis=-1) < k


@keras_op
def logsumexp(x, axis=None, keepdims=False):
    return jax.nn.logsumexp(x, axis=axis, keepdims=keepdims)


@keras_op
def erf(x):
    return jax.scipy.special.erf(x)


@keras_op
def erfinv(x):
    return jax.scipy.special.erfinv(x)


@keras_op
def rsqrt(x):
    return jax.lax.rsqrt(x)


@keras_op
def logdet(x):
    return jnp.linalg.slogdet(x)[1]

__all__ = [
    "erf",
    "erfinv",
    "in_top_k",
    "logdet",
    "logsumexp",
    "rsqrt",
    "segment_max",
    "segment_sum",
    "top_k",
]
