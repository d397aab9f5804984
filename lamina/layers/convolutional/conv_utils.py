"""Argument and input-shape checks shared by the convolution, pooling and reshaping layers.

>>> from lamina.layers.convolutional.conv_utils import standardize_tuple
>>> standardize_tuple(3, 2, "kernel_size")
(3, 3)
"""

import numpy as np

from lamina import config


def standardize_tuple(value, n, name, allow_zero=False):
    """`value` (an int or `n` ints) as a tuple of `n` ints, each > 0 (>= 0 with `allow_zero`)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        out = (int(value),) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            out = None
        if out is None or len(out) != n or not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in out
        ):
            raise ValueError(
                f"The `{name}` argument must be an int or a tuple of {n} ints. Received: {name}={value!r}"
            )
        out = tuple(int(v) for v in out)
    low = 0 if allow_zero else 1
    if any(v < low for v in out):
        raise ValueError(
            f"The `{name}` argument must contain only values >= {low}. Received: {name}={value!r}"
        )
    return out


def standardize_padding(value, allow_causal=False):
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        extra = "" if allow_causal else " ('causal' is only available for Conv1D)"
        raise ValueError(
            f"The `padding` argument must be one of {list(allowed)}{extra}. Received: padding={value!r}"
        )
    return padding


def standardize_data_format(value):
    return config.standardize_data_format(value)


def check_ndim(layer, shape, ndim, layout=None):
    """Raises the Keras-style error when an input has the wrong rank."""
    shape = tuple(shape)
    if len(shape) != ndim:
        hint = f" {type(layer).__name__} expects inputs of shape {layout}." if layout else ""
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected ndim={ndim}, '
            f"found ndim={len(shape)}. Full shape received: {shape}.{hint}"
        )


def check_axis_value(layer, shape, axis, expected):
    """Raises when an already-built layer gets an input whose `axis` size changed."""
    got = tuple(shape)[axis]
    if got is not None and expected is not None and got != expected:
        raise ValueError(
            f'Input 0 of layer "{layer.name}" is incompatible with the layer: expected axis {axis} of '
            f"input shape to have value {expected}, but received input with shape {tuple(shape)}. "
            "The layer was built for the first shape; create a new layer for other inputs."
        )


def channel_axis(data_format):
    return -1 if data_format == "channels_last" else 1


def spatial_shape(shape, data_format):
    shape = tuple(shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def with_spatial(shape, spatial, channels, data_format):
    """The full shape with the given batch (from `shape`), spatial sizes and channels."""
    if data_format == "channels_last":
        return (shape[0],) + tuple(spatial) + (channels,)
    return (shape[0], channels) + tuple(spatial)


def conv_output_length(length, kernel, stride, padding, dilation=1):
    """The output length of a convolution (or pooling) along one axis; None stays None."""
    if length is None:
        return None
    if padding in ("same", "causal"):
        return (length + stride - 1) // stride
    effective = (kernel - 1) * dilation + 1
    return (length - effective) // stride + 1 if length >= effective else 0
