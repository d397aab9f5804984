"""Neural-network ops: activations, one-hot, crossentropies, normalization, attention, CTC.

The convolution and pooling ops live in `lamina.ops.conv` and are re-exported here, so
`lamina.ops.nn` has the names of `keras.ops.nn`.

>>> from lamina import ops
>>> ops.relu(ops.convert_to_tensor([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.backend.dtypes import standardize_dtype
from lamina.ops.conv import (  # noqa: F401 - re-exported, as in keras.ops.nn
    adaptive_average_pool,
    adaptive_max_pool,
    average_pool,
    conv,
    conv_transpose,
    depthwise_conv,
    max_pool,
    separable_conv,
)
from lamina.ops.dispatch import keras_op
from lamina.ops.numpy import _float, _t  # the shared conversions (Python floats -> floatx)


def _activation(jfn, name, formula, example_in="[-1.0, 0.0, 2.0]"):
    def f(x):
        return jfn(_t(x))

    f.__name__ = name
    f.__doc__ = (
        f"{formula}\n\n    >>> from lamina import ops\n"
        f"    >>> ops.{name}({example_in}).shape\n    (3,)\n"
    )
    return keras_op(f)


relu = _activation(jax.nn.relu, "relu", "`max(x, 0)`.")
relu6 = _activation(jax.nn.relu6, "relu6", "`min(max(x, 0), 6)`.")
sigmoid = _activation(jax.nn.sigmoid, "sigmoid", "`1 / (1 + exp(-x))`.")
hard_sigmoid = _activation(jax.nn.hard_sigmoid, "hard_sigmoid", "`relu6(x + 3) / 6`, a piecewise-linear sigmoid.")
hard_silu = _activation(jax.nn.hard_silu, "hard_silu", "`x * hard_sigmoid(x)`.")
hard_swish = _activation(jax.nn.hard_silu, "hard_swish", "Same as `hard_silu`: `x * hard_sigmoid(x)`.")
softplus = _activation(jax.nn.softplus, "softplus", "`log(1 + exp(x))`, computed stably.")
softsign = _activation(jax.nn.soft_sign, "softsign", "`x / (1 + |x|)`.")
silu = _activation(jax.nn.silu, "silu", "`x * sigmoid(x)`.")
swish = _activation(jax.nn.silu, "swish", "Same as `silu`: `x * sigmoid(x)`.")
log_sigmoid = _activation(jax.nn.log_sigmoid, "log_sigmoid", "`log(sigmoid(x))`, computed stably.")
selu = _activation(jax.nn.selu, "selu", "Scaled ELU with the self-normalizing constants.")


@keras_op
def leaky_relu(x, negative_slope=0.2):
    """`x` for positive inputs, `negative_slope * x` otherwise.

    >>> from lamina import ops
    >>> ops.leaky_relu([-1.0, 2.0]).tolist()
    [-0.20000000298023224, 2.0]
    """
    return jax.nn.leaky_relu(_t(x), negative_slope=negative_slope)


@keras_op
def elu(x, alpha=1.0):
    """`x` for positive inputs, `alpha * (exp(x) - 1)` otherwise.

    >>> from lamina import ops
    >>> ops.elu([0.0, 2.0]).tolist()
    [0.0, 2.0]
    """
    return jax.nn.elu(_t(x), alpha=alpha)


@keras_op
def celu(x, alpha=1.0):
    """`max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))`.

    >>> from lamina import ops
    >>> ops.celu([0.0, 2.0]).tolist()
    [0.0, 2.0]
    """
    return jax.nn.celu(_t(x), alpha=alpha)


@keras_op
def gelu(x, approximate=True):
    """Gaussian error linear unit (the tanh approximation unless `approximate=False`).

    >>> from lamina import ops
    >>> ops.gelu([0.0]).tolist()
    [0.0]
    """
    return jax.nn.gelu(_t(x), approximate=approximate)


@keras_op
def glu(x, axis=-1):
    """Gated linear unit: the first half of `axis` times the sigmoid of the second half.

    >>> from lamina import ops
    >>> ops.glu(ops.ones((2, 4))).shape
    (2, 2)
    """
    return jax.nn.glu(_t(x), axis=axis)


@keras_op
def mish(x):
    """`x * tanh(softplus(x))`.

    >>> from lamina import ops
    >>> ops.mish([0.0]).tolist()
    [0.0]
    """
    x = _t(x)
    return x * jnp.tanh(jax.nn.softplus(x))


@keras_op
def tanh_shrink(x):
    """`x - tanh(x)`.

    >>> from lamina import ops
    >>> ops.tanh_shrink([0.0]).tolist()
    [0.0]
    """
    x = _float(x)
    return x - jnp.tanh(x)


@keras_op
def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis` (an int or a tuple of axes).

    >>> from lamina import ops
    >>> ops.softmax([0.0, 0.0]).tolist()
    [0.5, 0.5]
    """
    return jax.nn.softmax(_t(x), axis=axis)


@keras_op
def log_softmax(x, axis=-1):
    """`x - logsumexp(x)` along `axis`.

    >>> from lamina import ops
    >>> [round(v, 4) for v in ops.log_softmax([0.0, 0.0]).tolist()]
    [-0.6931, -0.6931]
    """
    return jax.nn.log_softmax(_t(x), axis=axis)


@keras_op
def sparsemax(x, axis=-1):
    """The Euclidean projection of `x` onto the probability simplex along `axis` (sparse softmax).

    >>> from lamina import ops
    >>> ops.sparsemax([1.0, 0.0, 3.0]).tolist()
    [0.0, 0.0, 1.0]
    """
    x = _float(x)
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
    """One-hot vectors of length `num_classes` along `axis` (`floatx()` unless `dtype`); labels
    outside `[0, num_classes)` give all-zero vectors.

    >>> from lamina import ops
    >>> ops.one_hot([0, 2], 3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    if sparse:
        raise ValueError("one_hot() on JAX has no sparse output. Received: sparse=True")
    return jax.nn.one_hot(_t(x), num_classes, axis=axis, dtype=standardize_dtype(dtype))


@keras_op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot vectors: 1 at every label of each sample (the last axis of `inputs` holds the
    labels of one sample).

    >>> from lamina import ops
    >>> ops.multi_hot([[0, 2], [1, 1]], 3).tolist()
    [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    if num_classes is None:
        # `num_tokens` is the Keras 2 name of the argument.
        num_classes = kwargs.pop("num_tokens", None)
    if kwargs:
        raise TypeError(f"multi_hot() got unexpected keyword arguments: {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("multi_hot() needs `num_classes`. Received: num_classes=None")
    if sparse:
        raise ValueError("multi_hot() on JAX has no sparse output. Received: sparse=True")
    inputs = _t(inputs)
    reduction_axis = 1 if inputs.ndim > 1 else 0
    encoded = jax.nn.one_hot(inputs, num_classes, axis=axis, dtype=standardize_dtype(dtype))
    return jnp.max(encoded, axis=reduction_axis)


def _eps(dtype):
    return jnp.asarray(config.epsilon(), dtype)


def _at_least_float32(x):
    """Crossentropies run (and return) in at least float32, as in Keras: log(1e-7) underflows
    nothing in float32, and half precision loses the small probabilities."""
    x = _t(x)
    return x.astype(jnp.promote_types(x.dtype, jnp.float32)) if jnp.issubdtype(x.dtype, jnp.inexact) else (
        x.astype(config.floatx())
    )


@keras_op
def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary crossentropy; `output` holds probabilities (clipped to
    `[epsilon, 1 - epsilon]`) or logits.

    >>> from lamina import ops
    >>> [round(v, 4) for v in ops.binary_crossentropy([1.0, 0.0], [0.9, 0.2]).tolist()]
    [0.1054, 0.2231]
    """
    output = _at_least_float32(output)
    target = _t(target).astype(output.dtype)
    if from_logits:
        return jnp.maximum(output, 0) - output * target + jnp.log1p(jnp.exp(-jnp.abs(output)))
    eps = _eps(output.dtype)
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


@keras_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Crossentropy between one-hot (or soft) `target` and `output` along `axis`; probability
    outputs are renormalized to sum to 1 and clipped.

    >>> from lamina import ops
    >>> round(float(ops.categorical_crossentropy([0.0, 1.0], [0.5, 0.5])), 4)
    0.6931
    """
    output = _at_least_float32(output)
    target = _t(target).astype(output.dtype)
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
    """Crossentropy between integer class labels `target` and `output` along `axis`.

    >>> from lamina import ops
    >>> round(float(ops.sparse_categorical_crossentropy(1, [0.5, 0.5])), 4)
    0.6931
    """
    output = _at_least_float32(output)
    target = _t(target)
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
    """`(mean, variance)` of `x` over `axes` (half precision is reduced in float32).

    >>> from lamina import ops
    >>> mean, variance = ops.moments([1.0, 3.0], axes=0)
    >>> float(mean), float(variance)
    (2.0, 1.0)
    """
    x = _t(x)
    x32 = x.astype("float32") if x.dtype in (jnp.float16, jnp.bfloat16) else x
    mean = jnp.mean(x32, axis=axes, keepdims=True)
    variance = jnp.mean(jnp.square(x32 - jax.lax.stop_gradient(mean)), axis=axes, keepdims=True)
    if not keepdims:
        mean = jnp.squeeze(mean, axes)
        variance = jnp.squeeze(variance, axes)
    out_dtype = x.dtype if jnp.issubdtype(x.dtype, jnp.inexact) else mean.dtype
    return mean.astype(out_dtype), variance.astype(out_dtype)


@keras_op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, the statistics laid along `axis`.

    >>> from lamina import ops
    >>> ops.batch_normalization(ops.ones((2, 3)), ops.ones(3), ops.ones(3), axis=-1).tolist()
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    x = _t(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    inv = jax.lax.rsqrt(jnp.reshape(_t(variance), shape) + epsilon)
    if scale is not None:
        inv = inv * jnp.reshape(_t(scale), shape)
    res = -jnp.reshape(_t(mean), shape) * inv
    if offset is not None:
        res = res + jnp.reshape(_t(offset), shape)
    return x * inv + res


@keras_op
def normalize(x, axis=-1, order=2, epsilon=None):
    """`x` divided by its `order`-norm along `axis` (at least `epsilon`).

    >>> from lamina import ops
    >>> ops.normalize([3.0, 4.0]).tolist()
    [0.6000000238418579, 0.800000011920929]
    """
    x = _t(x)
    eps = config.epsilon() if epsilon is None else epsilon
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, eps)


@keras_op
def l2_normalize(x, axis=-1, epsilon=1e-12):
    """`x / sqrt(max(sum(x**2, axis), epsilon))` (the Keras 2 `K.l2_normalize`).

    >>> from lamina import ops
    >>> ops.l2_normalize([3.0, 4.0]).tolist()
    [0.6000000238418579, 0.800000011920929]
    """
    x = _t(x)
    sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    return x * jax.lax.rsqrt(jnp.maximum(sq, epsilon))


# -- more activations ----------------------------------------------------------------------------
@keras_op
def hard_tanh(x):
    """`x` clipped to [-1, 1].

    >>> from lamina import ops
    >>> ops.hard_tanh([-2.0, 0.5, 3.0]).tolist()
    [-1.0, 0.5, 1.0]
    """
    x = _t(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(x, -1, 1).astype(x.dtype)


@keras_op
def hard_shrink(x, threshold=0.5):
    """`x` where `|x| > threshold`, else 0.

    >>> from lamina import ops
    >>> ops.hard_shrink([-1.0, 0.25, 0.75]).tolist()
    [-1.0, 0.0, 0.75]
    """
    x = _float(x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


@keras_op
def soft_shrink(x, threshold=0.5):
    """`x` moved towards 0 by `threshold` (0 where `|x| <= threshold`).

    >>> from lamina import ops
    >>> ops.soft_shrink([-1.0, 0.2, 1.5]).tolist()
    [-0.5, 0.0, 1.0]
    """
    x = _float(x)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, 0.0)).astype(
        x.dtype
    )


@keras_op
def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, else `default_value`.

    >>> from lamina import ops
    >>> ops.threshold([0.25, 0.75], 0.5, -1.0).tolist()
    [-1.0, 0.75]
    """
    x = _float(x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


@keras_op
def sparse_plus(x):
    """0 below -1, `(x + 1)**2 / 4` on [-1, 1], `x` above 1: a smooth, sparse softplus.

    >>> from lamina import ops
    >>> ops.sparse_plus([-2.0, 0.0, 2.0]).tolist()
    [0.0, 0.25, 2.0]
    """
    return jax.nn.sparse_plus(_float(x))


@keras_op
def sparse_sigmoid(x):
    """0 below -1, `(x + 1) / 2` on [-1, 1], 1 above: the derivative of `sparse_plus`.

    >>> from lamina import ops
    >>> ops.sparse_sigmoid([-2.0, 0.0, 2.0]).tolist()
    [0.0, 0.5, 1.0]
    """
    return jax.nn.sparse_sigmoid(_float(x))


@keras_op
def squareplus(x, b=4):
    """`(x + sqrt(x**2 + b)) / 2`, a smooth ReLU.

    >>> from lamina import ops
    >>> ops.squareplus([0.0]).tolist()
    [1.0]
    """
    x = _float(x)
    return ((x + jnp.sqrt(jnp.square(x) + b)) / 2).astype(x.dtype)


@keras_op
def polar(abs_, angle):
    """The complex number with magnitude `abs_` and phase `angle`.

    >>> from lamina import ops
    >>> complex(ops.polar(2.0, 0.0))
    (2+0j)
    """
    abs_, angle = _float(abs_), _float(angle)
    dtype = jnp.promote_types(jnp.result_type(abs_, angle), jnp.float32)  # complex needs >= float32
    abs_, angle = abs_.astype(dtype), angle.astype(dtype)
    return jax.lax.complex(abs_ * jnp.cos(angle), abs_ * jnp.sin(angle))


# -- normalization -------------------------------------------------------------------------------
def _compute_float(x):
    """`x` in at least float32 (half precision is normalized in float32), and the dtype to
    return: Keras returns the input's dtype, even for integers."""
    x = _t(x)
    return _float(x).astype(jnp.promote_types(_float(x).dtype, jnp.float32)), x.dtype


@keras_op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """`x / sqrt(mean(x**2, axis) + epsilon) * scale` (epsilon defaults to `config.epsilon()`).

    >>> from lamina import ops
    >>> ops.rms_normalization([[3.0, 4.0]]).shape
    (1, 2)
    """
    epsilon = config.epsilon() if epsilon is None else epsilon
    x, dtype = _compute_float(x)
    if x.ndim == 0:
        x = x[None]
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    out = x * jax.lax.rsqrt(jnp.mean(jnp.square(x), axis=axis, keepdims=True) + epsilon)
    if scale is not None:
        out = out * jnp.asarray(scale, x.dtype)
    return out.astype(dtype)


@keras_op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """`(x - mean) / sqrt(var + epsilon) * gamma + beta` over `axis` (epsilon: `config.epsilon()`).

    The legacy `rms_scaling=True` divides by `sqrt(var + epsilon)` without centring, as Keras does.

    >>> from lamina import ops
    >>> [round(v, 4) for v in ops.layer_normalization([1.0, 3.0]).tolist()]
    [-1.0, 1.0]
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization() got unexpected keyword arguments: {sorted(kwargs)}")
    epsilon = config.epsilon() if epsilon is None else epsilon
    x, dtype = _compute_float(x)
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    mean = jnp.mean(x, axis=axis, keepdims=True)
    variance = jnp.var(x, axis=axis, keepdims=True)
    if rms_scaling:
        out = x * jax.lax.rsqrt(variance + epsilon)
        if gamma is not None:
            out = out * jnp.asarray(gamma, x.dtype)
    else:
        out = (x - mean) * jax.lax.rsqrt(variance + epsilon)
        if gamma is not None:
            out = out * jnp.asarray(gamma, x.dtype)
        if beta is not None:
            out = out + jnp.asarray(beta, x.dtype)
    return out.astype(dtype)


@keras_op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio in dB: `20 log10(max_val) - 10 log10(mean((x1 - x2)**2))`.

    >>> from lamina import ops
    >>> round(float(ops.psnr([0.0, 0.0], [0.1, 0.1], 1.0)), 3)
    20.0
    """
    x1, x2 = _float(x1), _float(x2)
    if x1.shape != x2.shape:
        raise ValueError(
            f"psnr() expects inputs of the same shape. Received: x1.shape={x1.shape}, x2.shape={x2.shape}"
        )
    mse = jnp.mean(jnp.square(x1 - x2))
    max_val = jnp.asarray(max_val, mse.dtype)
    return 20.0 * jnp.log10(max_val) - 10.0 * jnp.log10(mse)


# -- pixel shuffles and patches ------------------------------------------------------------------
def _check_4d(x, name):
    if x.ndim != 4:
        raise ValueError(f"{name}() expects a 4-D input (a batch of images). Received: x.shape={x.shape}")


def _check_format(data_format):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )


@keras_op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Moves channel blocks into `block_size x block_size` spatial tiles (pixel shuffle).

    >>> from lamina import ops
    >>> ops.depth_to_space(ops.ones((1, 2, 2, 8)), 2).shape
    (1, 4, 4, 2)
    """
    x = jnp.asarray(x)
    _check_4d(x, "depth_to_space")
    _check_format(data_format)
    b = int(block_size)
    if data_format == "channels_last":
        n, h, w, c = x.shape
        if c % (b * b):
            raise ValueError(f"The channels ({c}) must be divisible by block_size**2 ({b * b}).")
        # Channel index = (row in tile, column in tile, output channel).
        x = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h * b, w * b, c // (b * b))
    n, c, h, w = x.shape
    if c % (b * b):
        raise ValueError(f"The channels ({c}) must be divisible by block_size**2 ({b * b}).")
    # Channel index = (output channel, row in tile, column in tile), as PyTorch's pixel_shuffle.
    x = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (b * b), h * b, w * b)


@keras_op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Moves `block_size x block_size` spatial tiles into channels (inverse of `depth_to_space`).

    >>> from lamina import ops
    >>> ops.space_to_depth(ops.ones((1, 4, 4, 2)), 2).shape
    (1, 2, 2, 8)
    """
    x = jnp.asarray(x)
    _check_4d(x, "space_to_depth")
    _check_format(data_format)
    b = int(block_size)
    if data_format == "channels_last":
        n, h, w, c = x.shape
    else:
        n, c, h, w = x.shape
    if h % b or w % b:
        raise ValueError(
            f"The height ({h}) and width ({w}) must be divisible by block_size ({b})."
        )
    if data_format == "channels_last":
        x = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h // b, w // b, c * b * b)
    x = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * b * b, h // b, w // b)


def _pair(value, name):
    if isinstance(value, int):
        return (value, value)
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError(f"`{name}` must be an int or a pair of ints. Received: {name}={value}")
    return value


def _patch_index(size, kernel, dilation, padding, stride):
    """Row indices (into the padded axis) of every kernel tap of every window: (windows, taps)."""
    count = (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
    if count <= 0:
        raise ValueError(
            "The kernel does not fit in the (padded) input. "
            f"Received: size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}"
        )
    return np.arange(count)[:, None] * stride + np.arange(kernel)[None, :] * dilation


@keras_op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks of a channels-first batch `(N, C, H, W)` as columns `(N, C*kH*kW, L)` (im2col).

    >>> from lamina import ops
    >>> ops.unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2).shape
    (1, 8, 4)
    """
    x = jnp.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"unfold() expects a 4-D input (N, C, H, W). Received: x.shape={x.shape}")
    (kh, kw), (dh, dw) = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    (ph, pw), (sh, sw) = _pair(padding, "padding"), _pair(stride, "stride")
    n, c, h, w = x.shape
    x = jnp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    rows = _patch_index(h, kh, dh, ph, sh)  # (oh, kh)
    cols = _patch_index(w, kw, dw, pw, sw)  # (ow, kw)
    patches = x[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (n, c, oh, ow, kh, kw)
    patches = patches.transpose(0, 1, 4, 5, 2, 3)
    return patches.reshape(n, c * kh * kw, rows.shape[0] * cols.shape[0])


@keras_op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sums columns `(N, C*kH*kW, L)` back into a channels-first image (col2im; undoes `unfold`
    up to the overlap counts).

    >>> from lamina import ops
    >>> patches = ops.unfold(ops.ones((1, 2, 4, 4)), kernel_size=2, stride=2)
    >>> ops.fold(patches, output_size=(4, 4), kernel_size=2, stride=2).shape
    (1, 2, 4, 4)
    """
    x = jnp.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"fold() expects a 3-D input (N, C*kH*kW, L). Received: x.shape={x.shape}")
    (oh, ow), (kh, kw) = _pair(output_size, "output_size"), _pair(kernel_size, "kernel_size")
    (dh, dw), (ph, pw), (sh, sw) = (
        _pair(dilation, "dilation"), _pair(padding, "padding"), _pair(stride, "stride")
    )
    n, ckk, length = x.shape
    rows = _patch_index(oh, kh, dh, ph, sh)
    cols = _patch_index(ow, kw, dw, pw, sw)
    if ckk % (kh * kw) or length != rows.shape[0] * cols.shape[0]:
        raise ValueError(
            "fold() got columns that do not match the kernel and output size: expected "
            f"(N, C*{kh * kw}, {rows.shape[0] * cols.shape[0]}). Received: x.shape={x.shape}"
        )
    c = ckk // (kh * kw)
    patches = x.reshape(n, c, kh, kw, rows.shape[0], cols.shape[0]).transpose(0, 1, 4, 5, 2, 3)
    out = jnp.zeros((n, c, oh + 2 * ph, ow + 2 * pw), x.dtype)
    out = out.at[:, :, rows[:, None, :, None], cols[None, :, None, :]].add(patches)
    return out[:, :, ph:ph + oh, pw:pw + ow]


# -- attention -----------------------------------------------------------------------------------
def _to_4d(t, name, batch, heads):
    """`t` as (B, N, T, S) by Keras's broadcasting rules for masks and biases."""
    t = jnp.asarray(t)
    while t.ndim < 4:
        t = t[:, None] if (t.ndim == 3 and t.shape[0] == batch) else t[None]
    if t.shape[1] not in (1, heads):
        raise ValueError(
            f"`{name}` must broadcast to (batch, heads, query_len, key_len) with heads={heads}. "
            f"Received: {name}.shape={t.shape}"
        )
    return t


@keras_op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention on `(batch, length, heads, head_dim)` tensors.

    `key`/`value` may have fewer heads than `query` (grouped-query attention); `mask` (True =
    attend) and `bias` broadcast to `(batch, heads, query_len, key_len)`. `scale` defaults to
    `1/sqrt(head_dim)`; `attn_logits_soft_cap=c` bounds the logits as `c * tanh(logits / c)`.
    The softmax runs in float32. `flash_attention` is accepted for compatibility (no fused kernel).

    >>> from lamina import ops
    >>> q = ops.ones((2, 3, 4, 8))
    >>> ops.dot_product_attention(q, q, q).shape
    (2, 3, 4, 8)
    """
    query, key, value = jnp.asarray(query), jnp.asarray(key), jnp.asarray(value)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(
            "dot_product_attention() expects 4-D (batch, length, heads, head_dim) tensors. "
            f"Received: query.shape={query.shape}, key.shape={key.shape}, value.shape={value.shape}"
        )
    if flash_attention:
        raise ValueError(
            "dot_product_attention() has no flash-attention kernel on this backend. "
            "Received: flash_attention=True; pass flash_attention=None or False."
        )
    batch, q_len, heads, head_dim = query.shape
    kv_heads = key.shape[2]
    if heads % kv_heads:
        raise ValueError(
            "The query heads must be a multiple of the key/value heads. "
            f"Received: query heads={heads}, key heads={kv_heads}"
        )
    out_dtype = jnp.result_type(query, key, value)
    scale = 1.0 / np.sqrt(head_dim) if scale is None else scale
    group = heads // kv_heads
    q = query.reshape(batch, q_len, kv_heads, group, head_dim)
    logits_dtype = jnp.promote_types(query.dtype, jnp.float32)
    logits = jnp.einsum("btkgh,bskh->bkgts", q.astype(logits_dtype), key.astype(logits_dtype))
    logits = logits * jnp.asarray(scale, logits_dtype)
    if attn_logits_soft_cap is not None:
        cap = jnp.asarray(attn_logits_soft_cap, logits_dtype)
        logits = cap * jnp.tanh(logits / cap)
    k_len = key.shape[1]

    def grouped(t, name):
        t = _to_4d(t, name, batch, heads)
        t = jnp.broadcast_to(t, (t.shape[0], t.shape[1], q_len, k_len))
        if t.shape[1] == 1:
            return t[:, :, None]
        return t.reshape(t.shape[0], kv_heads, group, q_len, k_len)

    if bias is not None:
        logits = logits + grouped(bias, "bias").astype(logits_dtype)
    keep = None
    if mask is not None:
        keep = grouped(mask, "mask").astype(bool)
    if is_causal:
        causal = jnp.tril(jnp.ones((q_len, k_len), bool))
        keep = causal if keep is None else jnp.logical_and(keep, causal)
    if keep is not None:
        # A large finite negative (not -inf) keeps fully masked rows finite (uniform weights).
        logits = jnp.where(keep, logits, jnp.asarray(-0.7 * jnp.finfo(logits_dtype).max, logits_dtype))
    probs = jax.nn.softmax(logits.astype(jnp.float32), axis=-1)
    out = jnp.einsum("bkgts,bskh->btkgh", probs, value.astype(jnp.float32))
    return out.reshape(batch, q_len, heads, value.shape[-1]).astype(out_dtype)


# -- CTC -----------------------------------------------------------------------------------------
# Stands in for log(0): finite, so gradients through impossible alignments stay finite.
_LOG_ZERO = -1e5


@keras_op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Connectionist temporal classification loss, one value per batch element.

    `target` is `(batch, max_label_length)` int labels, `output` the `(batch, max_time,
    num_classes)` logits (log-softmaxed here), the lengths are `(batch,)`, and `mask_index` is
    the blank class.

    >>> from lamina import ops
    >>> import numpy as np
    >>> loss = ops.ctc_loss(np.array([[1, 2]]), np.zeros((1, 4, 3)), np.array([2]), np.array([4]))
    >>> loss.shape
    (1,)
    """
    target = jnp.asarray(target).astype("int32")
    output = jnp.asarray(output)
    dtype = jnp.promote_types(output.dtype, jnp.float32)
    logprobs = jax.nn.log_softmax(output.astype(dtype), axis=-1)
    target_length = jnp.asarray(target_length).astype("int32")
    output_length = jnp.asarray(output_length).astype("int32")
    batch, max_time, _ = logprobs.shape
    labels = target.shape[1]
    states = 2 * labels + 1
    # The extended label sequence: blank, l1, blank, l2, ..., blank.
    ext = jnp.full((batch, states), mask_index, "int32").at[:, 1::2].set(target)
    skip = jnp.zeros((batch, states), bool)
    if labels > 1:
        skip = skip.at[:, 3::2].set(target[:, 1:] != target[:, :-1])
    emit = jnp.take_along_axis(logprobs, jnp.broadcast_to(ext[:, None, :], (batch, max_time, states)), axis=2)
    zero = jnp.asarray(_LOG_ZERO, dtype)
    alpha0 = jnp.full((batch, states), zero, dtype)
    alpha0 = alpha0.at[:, 0].set(emit[:, 0, 0])
    if labels > 0:
        alpha0 = alpha0.at[:, 1].set(emit[:, 0, 1])

    def step(alpha, inputs):
        e, t = inputs
        prev1 = jnp.concatenate([jnp.full((batch, 1), zero, dtype), alpha[:, :-1]], axis=1)
        prev2 = jnp.concatenate([jnp.full((batch, 2), zero, dtype), alpha[:, :-2]], axis=1)
        prev2 = jnp.where(skip, prev2, zero)
        new = jnp.logaddexp(jnp.logaddexp(alpha, prev1), prev2) + e
        new = jnp.maximum(new, zero)
        return jnp.where((t < output_length)[:, None], new, alpha), None

    times = jnp.arange(1, max_time)
    alpha, _ = jax.lax.scan(step, alpha0, (jnp.moveaxis(emit[:, 1:], 1, 0), times))
    last = jnp.take_along_axis(alpha, (2 * target_length)[:, None], axis=1)[:, 0]
    before = jnp.take_along_axis(alpha, jnp.maximum(2 * target_length - 1, 0)[:, None], axis=1)[:, 0]
    before = jnp.where(target_length > 0, before, zero)
    return -jnp.logaddexp(last, before)


def _ctc_greedy(inputs, lengths, merge_repeated, blank):
    batch, max_time, _ = inputs.shape
    best = jnp.argmax(inputs, axis=-1).astype("int32")
    scores = jnp.max(inputs, axis=-1)
    past_end = jnp.arange(max_time)[None, :] >= lengths[:, None]
    best = jnp.where(past_end, blank, best)
    scores = jnp.where(past_end, 0.0, scores)
    drop = best == blank
    if merge_repeated:
        drop = drop | jnp.pad(best[:, 1:] == best[:, :-1], ((0, 0), (1, 0)))
    # Stable sort moves the kept labels to the front, in order; the rest become -1 padding.
    order = jnp.argsort(drop, axis=-1, stable=True)
    decoded = jnp.where(jnp.take_along_axis(drop, order, axis=-1), -1, jnp.take_along_axis(best, order, axis=-1))
    return decoded[None], -jnp.sum(scores, axis=1, keepdims=True)


def _ctc_beam_search(logprobs, lengths, beam_width, top_paths, blank):
    """Prefix beam search: each beam is a label prefix with the log-probabilities of the
    alignments ending in a blank (`pb`) and in its last label (`pnb`)."""
    batch, max_time, classes = logprobs.shape
    width = int(beam_width)
    neg_inf = jnp.asarray(-jnp.inf, logprobs.dtype)
    label_ids = jnp.arange(classes)

    def decode_one(lp, length):
        paths = jnp.full((width, max_time), -1, "int32")
        plen = jnp.zeros((width,), "int32")
        pb = jnp.full((width,), neg_inf).at[0].set(0.0)
        pnb = jnp.full((width,), neg_inf)

        def step(state, inputs):
            paths, plen, pb, pnb = state
            x, t = inputs
            tail = jnp.where(plen > 0, paths[jnp.arange(width), jnp.maximum(plen - 1, 0)], -1)
            total = jnp.logaddexp(pb, pnb)
            # Staying on the same prefix: a blank, or a repeat of the last label.
            same_pb = total + x[blank]
            same_pnb = jnp.where(plen > 0, pnb + x[jnp.maximum(tail, 0)], neg_inf)
            # Extending by label c (a repeat of the tail needs a blank in between).
            ext = jnp.where(label_ids[None, :] == tail[:, None], pb[:, None], total[:, None]) + x[None, :]
            ext = ext.at[:, blank].set(neg_inf)
            # An extension equal to an existing beam's prefix merges into that beam.
            parent = jnp.where(jnp.arange(max_time)[None, :] == (plen - 1)[:, None], -1, paths)
            same_parent = jnp.all(parent[:, None, :] == paths[None, :, :], axis=-1)
            same_parent = same_parent & (plen[:, None] == plen[None, :] + 1) & (plen[:, None] > 0)
            same_parent = same_parent & jnp.isfinite(total)[:, None]
            # merge[i, j]: beam j extended by the tail of beam i gives beam i.
            gathered = ext[jnp.arange(width)[None, :], jnp.maximum(tail, 0)[:, None]]
            into = jnp.where(same_parent, gathered, neg_inf)
            same_pnb = jnp.logaddexp(same_pnb, jax.nn.logsumexp(into, axis=1))
            merged = jnp.zeros((width, classes), bool).at[
                jnp.arange(width)[None, :], jnp.maximum(tail, 0)[:, None]
            ].max(same_parent)
            ext = jnp.where(merged, neg_inf, ext)
            cand_pb = jnp.concatenate([same_pb, jnp.full((width * classes,), neg_inf)])
            cand_pnb = jnp.concatenate([same_pnb, ext.reshape(-1)])
            _, top = jax.lax.top_k(jnp.logaddexp(cand_pb, cand_pnb), width)
            is_ext = top >= width
            src = jnp.where(is_ext, (top - width) // classes, top)
            label = (top - width) % classes
            new_paths = paths[src]
            new_len = plen[src]
            new_paths = jnp.where(
                is_ext[:, None] & (jnp.arange(max_time)[None, :] == new_len[:, None]), label[:, None], new_paths
            )
            new_state = (new_paths, new_len + is_ext, cand_pb[top], cand_pnb[top])
            active = t < length
            return jax.tree_util.tree_map(lambda n, o: jnp.where(active, n, o), new_state, state), None

        (paths, plen, pb, pnb), _ = jax.lax.scan(step, (paths, plen, pb, pnb), (lp, jnp.arange(max_time)))
        scores, top = jax.lax.top_k(jnp.logaddexp(pb, pnb), top_paths)
        return paths[top], scores

    paths, scores = jax.vmap(decode_one)(logprobs, lengths)
    return jnp.transpose(paths, (1, 0, 2)), scores


@keras_op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0):
    """Decodes CTC outputs `(batch, max_time, num_classes)` into label sequences.

    Returns `(decoded, scores)`: `decoded` is `(top_paths, batch, max_time)` int32 padded with
    -1 (`top_paths` is 1 for 'greedy'); for 'greedy', `scores` is minus the summed best
    per-step scores `(batch, 1)`; for 'beam_search' (on log-softmaxed inputs) it is the
    log-probability of each path `(batch, top_paths)`. `mask_index` is the blank (None: the
    last class).

    >>> from lamina import ops
    >>> import numpy as np
    >>> probs = np.log(np.array([[[0.1, 0.9], [0.1, 0.9], [0.9, 0.1]]]))
    >>> decoded, scores = ops.ctc_decode(probs, np.array([3]))
    >>> decoded.tolist()
    [[[1, -1, -1]]]
    """
    inputs = jnp.asarray(inputs)
    inputs = inputs.astype(jnp.promote_types(inputs.dtype, jnp.float32))
    lengths = jnp.asarray(sequence_lengths).astype("int32")
    blank = inputs.shape[-1] - 1 if mask_index is None else int(mask_index)
    if strategy == "greedy":
        return _ctc_greedy(inputs, lengths, merge_repeated, blank)
    if strategy == "beam_search":
        if top_paths > beam_width:
            raise ValueError(
                f"`top_paths` must not exceed `beam_width`. Received: top_paths={top_paths}, "
                f"beam_width={beam_width}"
            )
        return _ctc_beam_search(jax.nn.log_softmax(inputs, axis=-1), lengths, beam_width, top_paths, blank)
    raise ValueError(f"`strategy` must be 'greedy' or 'beam_search'. Received: strategy={strategy!r}")

__all__ = [
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "ctc_decode",
    "ctc_loss",
    "depth_to_space",
    "dot_product_attention",
    "elu",
    "fold",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "l2_normalize",
    "layer_normalization",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "polar",
    "psnr",
    "relu",
    "relu6",
    "rms_normalization",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "space_to_depth",
    "sparse_categorical_crossentropy",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
    "unfold",
]
