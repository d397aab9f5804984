"""Neural-network ops: activations, one-hot, crossentropies, normalisation helpers.

>>> from lamina import ops
>>> ops.relu(ops.convert_to_tensor([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

import jax
import jax.numpy as jnp

from lamina import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops.dispatch import keras_op


@keras_op
def relu(x):
    return jax.nn.relu(x)


@keras_op
def relu6(x):
    return jax.nn.relu6(x)


@keras_op
def sigmoid(x):
    return jax.nn.sigmoid(x)


@keras_op
def hard_sigmoid(x):
    return jax.nn.hard_sigmoid(x)


@keras_op
def hard_silu(x):
    return jax.nn.hard_silu(x)


hard_swish = hard_silu


@keras_op
def softplus(x):
    return jax.nn.softplus(x)


@keras_op
def softsign(x):
    return jax.nn.soft_sign(x)


@keras_op
def silu(x):
    return jax.nn.silu(x)


swish = silu


@keras_op
def log_sigmoid(x):
    return jax.nn.log_sigmoid(x)


@keras_op
def leaky_relu(x, negative_slope=0.2):
    return jax.nn.leaky_relu(x, negative_slope=negative_slope)


@keras_op
def elu(x, alpha=1.0):
    return jax.nn.elu(x, alpha=alpha)


@keras_op
def selu(x):
    return jax.nn.selu(x)


@keras_op
def gelu(x, approximate=True):
    return jax.nn.gelu(x, approximate=approximate)


@keras_op
def celu(x, alpha=1.0):
    return jax.nn.celu(x, alpha=alpha)


@keras_op
def glu(x, axis=-1):
    return jax.nn.glu(x, axis=axis)


@keras_op
def mish(x):
    return x * jnp.tanh(jax.nn.softplus(x))


@keras_op
def tanh_shrink(x):
    return x - jnp.tanh(x)


@keras_op
def softmax(x, axis=-1):
    return jax.nn.softmax(x, axis=axis)


@keras_op
def log_softmax(x, axis=-1):
    return jax.nn.log_softmax(x, axis=axis)


@keras_op
def sparsemax(x, axis=-1):
    z = jnp.moveaxis(x, axis, -1)
    zs = jnp.flip(jnp.sort(z, axis=-1), axis=-1)
    k = jnp.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cs = jnp.cumsum(zs, axis=-1)
    support = (1 + k * zs) > cs
    kz = jnp.sum(support, axis=-1, keepdims=True)
    tau = (jnp.take_along_axis(cs, kz.astype("int32") - 1, axis=-1) - 1) / kz
    return jnp.moveaxis(jnp.maximum(z - tau, 0), -1, axis)


@keras_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    return jax.nn.one_hot(x, num_classes, axis=axis, dtype=standardize_dtype(dtype))


@keras_op
def multi_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    oh = jax.nn.one_hot(x, num_classes, axis=axis, dtype=standardize_dtype(dtype))
    return jnp.max(oh, axis=-2 if x.ndim > 1 else 0)


def _eps(dtype):
    return jnp.asarray(config.epsilon(), dtype)


@keras_op
def binary_crossentropy(target, output, from_logits=False):
    target = jnp.asarray(target, output.dtype)
    if from_logits:
        return jnp.maximum(output, 0) - output * target + jnp.log1p(jnp.exp(-jnp.abs(output)))
    eps = _eps(output.dtype)
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


@keras_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = jnp.asarray(target, output.dtype)
    if target.shape != output.shape:
        raise ValueError(
            "categorical_crossentropy expects targets shaped like the predictions (one-hot). "
            f"Received: target.shape={target.shape}, output.shape={output.shape}. For integer "
            "class labels use sparse_categorical_crossentropy."
        )
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        eps = _eps(output.dtype)
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    return -jnp.sum(target * log_prob, axis=axis)


@keras_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target = jnp.asarray(target)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, -1)
    target = target.astype("int32")
    if from_logits:
        log_prob = jax.nn.log_softmax(output, axis=axis)
    else:
        output = output / jnp.sum(output, axis=axis, keepdims=True)
        eps = _eps(output.dtype)
        log_prob = jnp.log(jnp.clip(output, eps, 1.0 - eps))
    oh = jax.nn.one_hot(target, output.shape[axis], axis=axis, dtype=output.dtype)
    return -jnp.sum(oh * log_prob, axis=axis)


@keras_op
def moments(x, axes, keepdims=False, synchronized=False):
    x32 = x.astype("float32") if x.dtype in (jnp.float16, jnp.bfloat16) else x
    mean = jnp.mean(x32, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x32 - jax.lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = jnp.squeeze(mean, axes)
        variance = jnp.squeeze(variance, axes)
    return mean.astype(x.dtype), variance.astype(x.dtype)


@keras_op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    inv = jax.lax.rsqrt(jnp.reshape(variance, shape) + epsilon)
    if scale is not None:
        inv = inv * jnp.reshape(scale, shape)
    res = -jnp.reshape(mean, shape) * inv
    if offset is not None:
        res = res + jnp.reshape(offset, shape)
    return x * inv + res


@keras_op
def normalize(x, axis=-1, order=2, epsilon=None):
    eps = config.epsilon() if epsilon is None else epsilon
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, eps)


@keras_op
def l2_normalize(x, axis=-1, epsilon=1e-12):
    sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    return x * jax.lax.rsqrt(jnp.maximum(sq, epsilon))

__all__ = [
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "l2_normalize",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "sparsemax",
    "swish",
    "tanh_shrink",
]
