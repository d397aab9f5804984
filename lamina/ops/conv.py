"""Convolution and pooling ops with the Keras 3 signatures, on `jax.lax`.

Arrays stay in the layout they come in: channels_last inputs are convolved as NWC/NHWC/NDHWC with
kernels in Keras's own layout (`kernel_size + (in_channels // groups, filters)`, i.e. WIO/HWIO/
DHWIO), so nothing is transposed; channels_first inputs only change the dimension numbers.

>>> import numpy as np
>>> from lamina import ops
>>> ops.conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4))).shape
(1, 3, 3, 4)
>>> ops.max_pool(np.ones((1, 4, 4, 1)), 2).shape
(1, 2, 2, 1)
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.ops.dispatch import keras_op

__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose", "depthwise_conv",
    "max_pool", "separable_conv",
]

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}


def _as_tuple(value, rank, name, allow_zero=False):
    """`value` (an int or `rank` ints) as a tuple of `rank` ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        out = (int(value),) * rank
    else:
        try:
            out = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(
                f"`{name}` must be an int or a tuple of {rank} ints. Received: {name}={value!r}"
            ) from None
        if len(out) != rank:
            raise ValueError(
                f"`{name}` must have one value per spatial axis ({rank}). Received: {name}={value!r}"
            )
    low = 0 if allow_zero else 1
    if any(v < low for v in out):
        raise ValueError(
            f"`{name}` values must be >= {low}. Received: {name}={value!r}"
        )
    return out


def _padding(padding):
    p = str(padding).lower()
    if p not in ("valid", "same"):
        raise ValueError(
            f"`padding` must be 'valid' or 'same'. Received: padding={padding!r}"
        )
    return p


def _spatial_rank(inputs, op):
    rank = inputs.ndim - 2
    if rank not in _SPATIAL:
        raise ValueError(
            f"{op}: inputs must have rank 3, 4 or 5 (batch, spatial axes, channels). "
            f"Received: inputs.shape={tuple(inputs.shape)}"
        )
    return rank


def _dimension_numbers(rank, data_format):
    s = _SPATIAL[rank]
    lhs = "N" + s + "C" if data_format == "channels_last" else "NC" + s
    return (lhs, s + "IO", lhs)


def _channels(inputs, data_format):
    return inputs.shape[-1] if data_format == "channels_last" else inputs.shape[1]


def _common_dtype(inputs, kernel):
    dtype = jnp.result_type(inputs.dtype, kernel.dtype)
    if not jnp.issubdtype(dtype, jnp.floating):
        dtype = jnp.dtype(config.floatx())
    return jnp.asarray(inputs, dtype), jnp.asarray(kernel, dtype)


@keras_op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution; `kernel` has shape `kernel_size + (in_channels // groups, filters)`.

    The number of groups is `in_channels // kernel.shape[-2]`, as in Keras.

    >>> import numpy as np
    >>> conv(np.ones((1, 4, 4, 2)), np.ones((2, 2, 2, 3)), padding="same").shape
    (1, 4, 4, 3)
    """
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    rank = _spatial_rank(inputs, "conv")
    data_format = config.standardize_data_format(data_format)
    in_ch, k_in = _channels(inputs, data_format), kernel.shape[-2]
    if kernel.ndim != rank + 2:
        raise ValueError(
            f"conv: the kernel must have rank {rank + 2} for inputs of rank {inputs.ndim}. "
            f"Received: kernel.shape={tuple(kernel.shape)}, inputs.shape={tuple(inputs.shape)}"
        )
    if in_ch % k_in:
        raise ValueError(
            "conv: the number of input channels must be a multiple of the kernel's input channels "
            f"(kernel.shape[-2]). Received: input channels={in_ch}, kernel.shape={tuple(kernel.shape)}, "
            f"data_format={data_format!r}"
        )
    inputs, kernel = _common_dtype(inputs, kernel)
    return jax.lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=_as_tuple(strides, rank, "strides"),
        padding=_padding(padding).upper(),
        rhs_dilation=_as_tuple(dilation_rate, rank, "dilation_rate"),
        dimension_numbers=_dimension_numbers(rank, data_format),
        feature_group_count=in_ch // k_in,
    )


@keras_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Per-channel convolution; `kernel` has shape `kernel_size + (in_channels, depth_multiplier)`.

    Output channel `c * depth_multiplier + m` is input channel `c` convolved with `kernel[..., c, m]`.

    >>> import numpy as np
    >>> depthwise_conv(np.ones((1, 4, 4, 3)), np.ones((3, 3, 3, 2))).shape
    (1, 2, 2, 6)
    """
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    rank = _spatial_rank(inputs, "depthwise_conv")
    data_format = config.standardize_data_format(data_format)
    in_ch = _channels(inputs, data_format)
    if kernel.ndim != rank + 2 or kernel.shape[-2] != in_ch:
        raise ValueError(
            "depthwise_conv: the kernel must have shape kernel_size + (input channels, depth_multiplier). "
            f"Received: kernel.shape={tuple(kernel.shape)}, inputs.shape={tuple(inputs.shape)}, "
            f"data_format={data_format!r}"
        )
    # One group per input channel: the (in, multiplier) axes fold into a single output axis.
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, in_ch * kernel.shape[-1]))
    inputs, kernel = _common_dtype(inputs, kernel)
    return jax.lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=_as_tuple(strides, rank, "strides"),
        padding=_padding(padding).upper(),
        rhs_dilation=_as_tuple(dilation_rate, rank, "dilation_rate"),
        dimension_numbers=_dimension_numbers(rank, data_format),
        feature_group_count=in_ch,
    )


@keras_op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1):
    """A depthwise convolution followed by a 1x1 (pointwise) convolution.

    >>> import numpy as np
    >>> separable_conv(np.ones((1, 4, 4, 3)), np.ones((3, 3, 3, 2)), np.ones((1, 1, 6, 5))).shape
    (1, 2, 2, 5)
    """
    depthwise = depthwise_conv.raw(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv.raw(depthwise, pointwise_kernel, 1, "valid", data_format, 1)


def _transpose_pads(kernel, stride, dilation, padding, output_padding):
    """(left, right) padding of the stride-dilated input that reproduces Keras's output size.

    The transposed convolution is the plain convolution of the input dilated by `stride` (holes
    between samples), with the flipped kernel and this padding.
    """
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    # 'same': the output has `input * stride` samples when output_padding is not given.
    total = stride + k - 2 if output_padding is None else k + k % 2 - 2 + output_padding
    left = min((total + 1) // 2, k - 1)
    return left, total - left


def conv_transpose_output_length(length, kernel, stride, padding, output_padding, dilation):
    """The output length of a transposed convolution along one axis (None stays None)."""
    if length is None:
        return None
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return (length - 1) * stride + k + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + k % 2 + output_padding


@keras_op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Transposed convolution; `kernel` has shape `kernel_size + (filters, in_channels)`.

    >>> import numpy as np
    >>> conv_transpose(np.ones((1, 3, 3, 2)), np.ones((3, 3, 4, 2)), strides=2, padding="same").shape
    (1, 6, 6, 4)
    """
    inputs, kernel = jnp.asarray(inputs), jnp.asarray(kernel)
    rank = _spatial_rank(inputs, "conv_transpose")
    data_format = config.standardize_data_format(data_format)
    padding = _padding(padding)
    in_ch = _channels(inputs, data_format)
    if kernel.ndim != rank + 2 or kernel.shape[-1] != in_ch:
        raise ValueError(
            "conv_transpose: the kernel must have shape kernel_size + (filters, input channels). "
            f"Received: kernel.shape={tuple(kernel.shape)}, inputs.shape={tuple(inputs.shape)}, "
            f"data_format={data_format!r}"
        )
    strides = _as_tuple(strides, rank, "strides")
    dilation = _as_tuple(dilation_rate, rank, "dilation_rate")
    out_pad = (None,) * rank if output_padding is None else _as_tuple(
        output_padding, rank, "output_padding", allow_zero=True
    )
    pads = [
        _transpose_pads(kernel.shape[i], strides[i], dilation[i], padding, out_pad[i]) for i in range(rank)
    ]
    # Flip the window and swap (filters, in) -> (in, filters): the adjoint of the forward conv.
    flipped = jnp.swapaxes(jnp.flip(kernel, axis=tuple(range(rank))), -1, -2)
    inputs, flipped = _common_dtype(inputs, flipped)
    return jax.lax.conv_general_dilated(
        inputs,
        flipped,
        window_strides=(1,) * rank,
        padding=pads,
        lhs_dilation=strides,
        rhs_dilation=dilation,
        dimension_numbers=_dimension_numbers(rank, data_format),
    )


def _pool_window(inputs, pool_size, strides, data_format, op):
    rank = _spatial_rank(inputs, op)
    pool = _as_tuple(pool_size, rank, "pool_size")
    steps = pool if strides is None else _as_tuple(strides, rank, "strides")
    if config.standardize_data_format(data_format) == "channels_last":
        return (1,) + pool + (1,), (1,) + steps + (1,)
    return (1, 1) + pool, (1, 1) + steps


@keras_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max over sliding windows (strides default to `pool_size`).

    >>> import numpy as np
    >>> max_pool(np.arange(4.0).reshape(1, 4, 1), 2)[0, :, 0].tolist()
    [1.0, 3.0]
    """
    inputs = jnp.asarray(inputs)
    window, steps = _pool_window(inputs, pool_size, strides, data_format, "max_pool")
    if jnp.issubdtype(inputs.dtype, jnp.floating):
        init = -np.inf
    else:
        init = jnp.iinfo(inputs.dtype).min
    # A concrete (NumPy) init value lets JAX recognise the max monoid, which it can differentiate.
    return jax.lax.reduce_window(
        inputs, np.array(init, inputs.dtype), jax.lax.max, window, steps, _padding(padding).upper()
    )


@keras_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Mean over sliding windows; with 'same' padding only real (non-padded) values are averaged.

    >>> import numpy as np
    >>> average_pool(np.arange(3.0).reshape(1, 3, 1), 2, padding="same")[0, :, 0].tolist()
    [0.5, 2.0]
    """
    inputs = jnp.asarray(inputs)
    if not jnp.issubdtype(inputs.dtype, jnp.floating):
        inputs = inputs.astype(config.floatx())
    window, steps = _pool_window(inputs, pool_size, strides, data_format, "average_pool")
    padding = _padding(padding).upper()
    zero = np.array(0, inputs.dtype)
    total = jax.lax.reduce_window(inputs, zero, jax.lax.add, window, steps, padding)
    if padding == "VALID":
        return total / math.prod(window)
    # Count the real elements under each window (the windows at the borders overlap the padding);
    # batch and channel axes are size 1 here and broadcast.
    ones_shape = tuple(d if w > 1 or st > 1 else 1 for d, w, st in zip(inputs.shape, window, steps))
    counts = jax.lax.reduce_window(jnp.ones(ones_shape, inputs.dtype), zero, jax.lax.add, window, steps, padding)
    return total / counts


def _adaptive_output_size(output_size, rank, op):
    """`output_size` (an int or `rank` positive ints) as a tuple, with errors that name `op`."""
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        sizes = (int(output_size),) * rank
    else:
        try:
            sizes = tuple(output_size)
        except TypeError:
            sizes = None
        if sizes is None or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in sizes):
            raise TypeError(
                f"{op}: `output_size` must be an int or a tuple of {rank} ints (one per spatial axis). "
                f"Received: output_size={output_size!r}"
            )
        if len(sizes) != rank:
            raise ValueError(
                f"{op}: `output_size` has {len(sizes)} values but the inputs have {rank} spatial "
                f"axis/axes. Received: output_size={output_size!r}. Pass one size per spatial axis, "
                "or a single int for all of them."
            )
        sizes = tuple(int(v) for v in sizes)
    if any(v < 1 for v in sizes):
        raise ValueError(
            f"{op}: every `output_size` value must be >= 1. Received: output_size={output_size!r}"
        )
    return sizes


def _adaptive_bins(length, out):
    """Start index and size of each of the `out` bins over `length` (PyTorch's rule).

    Bin i covers [floor(i * length / out), ceil((i + 1) * length / out)); exact integer arithmetic.
    """
    i = np.arange(out)
    starts = (i * length) // out
    ends = -(-(i + 1) * length // out)
    return starts, ends - starts


def _adaptive_axis(x, axis, out, init, reducer, mean):
    """Pools axis `axis` of `x` into `out` bins (the box reductions are separable, axis by axis)."""
    length = x.shape[axis]

    def pool(size, stride):
        window = [1] * x.ndim
        steps = [1] * x.ndim
        window[axis], steps[axis] = size, stride
        y = jax.lax.reduce_window(x, init, reducer, tuple(window), tuple(steps), "VALID")
        return y / size if mean else y

    if length % out == 0:
        # Equal, non-overlapping bins: one strided window does it, no gather needed.
        return pool(length // out, length // out)
    starts, sizes = _adaptive_bins(length, out)
    # Bin sizes take at most two values. A stride-1 window of each size gives every candidate bin;
    # the candidates are laid end to end and each output bin picks its own (a static gather).
    pieces, index, offset = [], np.empty(out, np.int32), 0
    for size in np.unique(sizes):
        chosen = sizes == size
        index[chosen] = starts[chosen] + offset
        offset += length - int(size) + 1
        pieces.append(pool(int(size), 1))
    combined = pieces[0] if len(pieces) == 1 else jnp.concatenate(pieces, axis=axis)
    return jnp.take(combined, index, axis=axis)


def _adaptive_pool(inputs, output_size, data_format, op, mode):
    inputs = jnp.asarray(inputs)
    rank = _spatial_rank(inputs, op)
    sizes = _adaptive_output_size(output_size, rank, op)
    first = 1 if config.standardize_data_format(data_format) == "channels_last" else 2
    if mode == "max":
        floating = jnp.issubdtype(inputs.dtype, jnp.floating)
        init = np.array(-np.inf if floating else jnp.iinfo(inputs.dtype).min, inputs.dtype)
        reducer = jax.lax.max
    else:
        if not jnp.issubdtype(inputs.dtype, jnp.floating):
            inputs = inputs.astype(config.floatx())
        init, reducer = np.array(0, inputs.dtype), jax.lax.add
    out = inputs
    for i, size in enumerate(sizes):
        if out.shape[first + i] == 0:
            raise ValueError(
                f"{op}: spatial axis {i} of the inputs is empty, so there is nothing to pool. "
                f"Received: inputs.shape={tuple(inputs.shape)}"
            )
        out = _adaptive_axis(out, first + i, size, init, reducer, mode == "average")
    return out


@keras_op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Mean over `output_size` bins that split each spatial axis as evenly as possible.

    Bin `i` of an axis of length `n` pooled to `m` covers `[floor(i*n/m), ceil((i+1)*n/m))`, as in
    PyTorch; bins may overlap by one step when `m` does not divide `n`. 1D/2D/3D follow the input rank.

    >>> import numpy as np
    >>> adaptive_average_pool(np.arange(5.0).reshape(1, 5, 1), 2)[0, :, 0].tolist()
    [1.0, 3.0]
    """
    return _adaptive_pool(inputs, output_size, data_format, "adaptive_average_pool", "average")


@keras_op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max over `output_size` bins per spatial axis (the same bins as `adaptive_average_pool`).

    >>> import numpy as np
    >>> adaptive_max_pool(np.arange(5.0).reshape(1, 5, 1), 2)[0, :, 0].tolist()
    [2.0, 4.0]
    """
    return _adaptive_pool(inputs, output_size, data_format, "adaptive_max_pool", "max")
