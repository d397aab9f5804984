"""Colour-space helpers shared by the colour augmentation layers (RGB <-> HSV, value-range maps).

HSV planes follow the usual hexcone model with hue and saturation in [0, 1]; value keeps the
scale of the input, so `hsv_to_rgb(rgb_to_hsv(x)) == x` for any non-negative range.
"""

import jax.numpy as jnp


def channel_axis(data_format):
    return -1 if data_format == "channels_last" else -3


def check_rgb(layer_name, images, data_format):
    channels = images.shape[channel_axis(data_format)]
    if channels is not None and channels != 3:
        raise ValueError(
            f"{layer_name} expects RGB images with 3 channels ({data_format}). "
            f"Received: images.shape={tuple(images.shape)}. Pass `data_format` matching your layout, "
            "or convert the images to RGB first."
        )


def rgb_to_hsv(images, data_format):
    axis = channel_axis(data_format)
    r, g, b = (jnp.take(images, i, axis=axis) for i in range(3))
    value = jnp.maximum(jnp.maximum(r, g), b)
    spread = value - jnp.minimum(jnp.minimum(r, g), b)
    # The `safe_*` denominators keep gradients and values finite for grey or black pixels.
    safe_value = jnp.where(value > 0, value, 1.0)
    safe_spread = jnp.where(spread > 0, spread, 1.0)
    saturation = jnp.where(value > 0, spread / safe_value, 0.0)
    hue = jnp.where(value == r, (g - b) / safe_spread,
                    jnp.where(value == g, 2.0 + (b - r) / safe_spread, 4.0 + (r - g) / safe_spread))
    hue = jnp.where(spread > 0, jnp.mod(hue / 6.0, 1.0), 0.0)
    return jnp.stack([hue, saturation, value], axis=axis)


def hsv_to_rgb(images, data_format):
    axis = channel_axis(data_format)
    hue, saturation, value = (jnp.take(images, i, axis=axis) for i in range(3))
    # Each RGB plane is the value minus a piecewise-linear dip along the hue circle.
    def plane(n):
        k = jnp.mod(n + hue * 6.0, 6.0)
        return value - value * saturation * jnp.clip(jnp.minimum(k, 4.0 - k), 0.0, 1.0)
    return jnp.stack([plane(5.0), plane(3.0), plane(1.0)], axis=axis)


def rescale(images, source, target):
    """Linearly maps `images` from the `source` range onto the `target` range."""
    if tuple(source) == tuple(target):
        return images
    unit = (images - source[0]) / (source[1] - source[0])
    return unit * (target[1] - target[0]) + target[0]


def check_value_range(layer_name, value_range):
    if (not isinstance(value_range, (tuple, list)) or len(value_range) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value_range)):
        raise ValueError(
            f"{layer_name}: `value_range` must be a list of two numbers (low, high) giving the pixel range, "
            f"e.g. (0, 255). Received: value_range={value_range!r}"
        )
    if value_range[0] == value_range[1]:
        raise ValueError(f"{layer_name}: `value_range` must span a non-empty range. Received: value_range={value_range!r}")
    return sorted(value_range)


def batch_shape(images):
    """(batch, 1, 1, 1) for a batch, (1, 1, 1) for one image: per-image draws that broadcast."""
    return (images.shape[0], 1, 1, 1) if images.ndim == 4 else (1, 1, 1)
