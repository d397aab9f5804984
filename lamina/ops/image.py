"""Image ops with Keras 3's signatures (`keras.ops.image`), on JAX.

Images are rank 3 (one image) or rank 4 (a batch), laid out per `data_format`
(`"channels_last"`: `(..., height, width, channels)`, the default from
`lamina.config.image_data_format()`; `"channels_first"`: `(..., channels, height, width)`).

>>> import numpy as np
>>> from lamina import ops
>>> ops.image.resize(np.ones((2, 4, 4, 3)), (2, 2)).shape
(2, 2, 2, 3)
>>> ops.image.rgb_to_grayscale(np.ones((4, 4, 3))).shape
(4, 4, 1)
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.ops.dispatch import keras_op

__all__ = [
    "affine_transform",
    "crop_images",
    "extract_patches",
    "map_coordinates",
    "pad_images",
    "resize",
    "rgb_to_grayscale",
]

RESIZE_INTERPOLATIONS = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
AFFINE_INTERPOLATIONS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def standardize_data_format(data_format):
    """`None` -> the global setting; otherwise `"channels_last"` or `"channels_first"`."""
    if data_format is None:
        return config.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            "`data_format` must be 'channels_last' or 'channels_first'. "
            f"Received: data_format={data_format!r}"
        )
    return value


def _check_image_rank(images):
    if len(images.shape) not in (3, 4):
        raise ValueError(
            "Expected an image (rank 3) or a batch of images (rank 4). "
            f"Received: images.shape={tuple(images.shape)}"
        )


def _hw_axes(ndim, data_format):
    return (ndim - 3, ndim - 2) if data_format == "channels_last" else (ndim - 2, ndim - 1)


def _saturate_cast(x, dtype):
    """Rounds and clips float results into an integer `dtype` (no wrap-around)."""
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.integer):
        info = jnp.iinfo(dtype)
        x = jnp.clip(jnp.round(x), info.min, info.max)
    return x.astype(dtype)


@keras_op
def rgb_to_grayscale(images, data_format=None):
    """Luma (0.2989 R + 0.5870 G + 0.1140 B) of RGB images, keeping a channel axis of size 1.

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.image.rgb_to_grayscale(np.ones((2, 3, 3, 3))).shape
    (2, 3, 3, 1)
    """
    images = jnp.asarray(images)
    data_format = standardize_data_format(data_format)
    _check_image_rank(images)
    axis = -1 if data_format == "channels_last" else -3
    if images.shape[axis] not in (1, 3):
        raise ValueError(
            "rgb_to_grayscale expects 3 (RGB) or 1 (already grayscale) channels. "
            f"Received: images.shape={tuple(images.shape)} with data_format={data_format!r}"
        )
    if images.shape[axis] == 1:
        return images
    dtype = images.dtype
    compute = dtype if jnp.issubdtype(dtype, jnp.floating) else jnp.float32
    weights = jnp.asarray([0.2989, 0.5870, 0.1140], dtype=compute)
    gray = jnp.tensordot(images.astype(compute), weights, axes=((axis % images.ndim,), (0,)))
    return jnp.expand_dims(gray, axis).astype(dtype)


def _aspect_window(height, width, target_h, target_w):
    """The largest centred window of `target_h:target_w` aspect ratio: (h0, w0, h, w)."""
    crop_h = max(min(height, int(float(width * target_h) / target_w)), 1)
    crop_w = max(min(width, int(float(height * target_w) / target_h)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def _area_weights(in_size, out_size):
    """(out, in) matrix averaging the input cells each output cell covers (TF's 'area')."""
    scale = in_size / out_size
    w = np.zeros((out_size, in_size), dtype=np.float64)
    for i in range(out_size):
        lo, hi = i * scale, (i + 1) * scale
        for j in range(int(math.floor(lo)), min(int(math.ceil(hi)), in_size)):
            w[i, j] = min(j + 1, hi) - max(j, lo)
    return w / scale


def _resize_area(images, size, h_axis, w_axis):
    dtype = images.dtype
    compute = dtype if jnp.issubdtype(dtype, jnp.floating) else jnp.float32
    x = images.astype(compute)
    wh = jnp.asarray(_area_weights(images.shape[h_axis], size[0]), compute)
    ww = jnp.asarray(_area_weights(images.shape[w_axis], size[1]), compute)
    x = jnp.moveaxis(jnp.tensordot(wh, x, axes=((1,), (h_axis,))), 0, h_axis)
    x = jnp.moveaxis(jnp.tensordot(ww, x, axes=((1,), (w_axis,))), 0, w_axis)
    return x


@keras_op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resizes images to `size = (height, width)`.

    `interpolation` is one of "bilinear", "nearest", "bicubic", "lanczos3", "lanczos5" (computed
    by `jax.image.resize`, as Keras's JAX backend does) or "area" (each output pixel is the mean of
    the input area it covers, like TensorFlow's; Keras's JAX backend has no "area").
    `crop_to_aspect_ratio` first crops the largest centred window with the target aspect ratio;
    `pad_to_aspect_ratio` instead pads the short side with `fill_value`.

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.image.resize(np.ones((4, 6, 3)), (2, 2), crop_to_aspect_ratio=True).shape
    (2, 2, 3)
    """
    images = jnp.asarray(images)
    data_format = standardize_data_format(data_format)
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(
            f"resize: unknown `interpolation`. Expected one of {RESIZE_INTERPOLATIONS}. "
            f"Received: interpolation={interpolation!r}"
        )
    if fill_mode != "constant":
        raise ValueError(
            f"resize: only fill_mode='constant' is supported. Received: fill_mode={fill_mode!r}"
        )
    if len(size) != 2:
        raise ValueError(f"resize: `size` must be (height, width). Received: size={size!r}")
    size = (int(size[0]), int(size[1]))
    if size[0] <= 0 or size[1] <= 0:
        raise ValueError(f"resize: `size` must be positive. Received: size={size}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError(
            "resize: `crop_to_aspect_ratio` and `pad_to_aspect_ratio` cannot both be True. "
            "Choose one."
        )
    _check_image_rank(images)
    h_axis, w_axis = _hw_axes(images.ndim, data_format)
    height, width = images.shape[h_axis], images.shape[w_axis]
    if crop_to_aspect_ratio:
        h0, w0, ch, cw = _aspect_window(height, width, *size)
        images = jax.lax.slice_in_dim(images, h0, h0 + ch, axis=h_axis)
        images = jax.lax.slice_in_dim(images, w0, w0 + cw, axis=w_axis)
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(float(width * size[0]) / size[1]))
        pad_w = max(width, int(float(height * size[1]) / size[0]))
        top = int(float(pad_h - height) / 2)
        left = int(float(pad_w - width) / 2)
        # Keras pads one side's worth on both sides, so an odd difference loses a row/column.
        pads = [(0, 0)] * images.ndim
        if top > 0:
            pads[h_axis] = (top, top)
        elif left > 0:
            pads[w_axis] = (left, left)
        images = jnp.pad(images, pads, constant_values=jnp.asarray(fill_value, images.dtype))
    out_shape = list(images.shape)
    out_shape[h_axis], out_shape[w_axis] = size
    if interpolation == "area":
        resized = _resize_area(images, size, h_axis, w_axis)
    else:
        resized = jax.image.resize(images, tuple(out_shape), method=interpolation, antialias=antialias)
    if resized.dtype != images.dtype:
        resized = _saturate_cast(resized, images.dtype)
    return resized


def _check_fill_mode(fill_mode):
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"Unknown `fill_mode`. Expected one of {FILL_MODES}. Received: fill_mode={fill_mode!r}"
        )


@keras_op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Samples each output pixel `(x, y)` from the input at the transformed point.

    A transform row `[a0, a1, a2, b0, b1, b2, c0, c1]` maps output `(x, y)` to input
    `((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)` with `k = c0 x + c1 y + 1` (the inverse of
    the image's motion). `transform` is one row (shared) or one row per image. Unlike Keras's JAX
    backend, which treats `c0, c1` as 0, lamina applies them (identical when they are 0).
    Out-of-image points follow `fill_mode` ("constant" with `fill_value`, "nearest", "wrap",
    "mirror", "reflect").

    >>> import numpy as np
    >>> from lamina import ops
    >>> shift = np.array([1, 0, -1, 0, 1, 0, 0, 0], "float32")  # content moves right by 1
    >>> ops.image.affine_transform(np.arange(9.).reshape(3, 3, 1), shift)[..., 0].tolist()
    [[0.0, 0.0, 1.0], [0.0, 3.0, 4.0], [0.0, 6.0, 7.0]]
    """
    images = jnp.asarray(images)
    transform = jnp.asarray(transform)
    data_format = standardize_data_format(data_format)
    if interpolation not in AFFINE_INTERPOLATIONS:
        raise ValueError(
            f"affine_transform: `interpolation` must be one of {tuple(AFFINE_INTERPOLATIONS)}. "
            f"Received: interpolation={interpolation!r}"
        )
    _check_fill_mode(fill_mode)
    _check_image_rank(images)
    if transform.ndim not in (1, 2) or transform.shape[-1] != 8:
        raise ValueError(
            "affine_transform: `transform` must have shape (8,) or (batch, 8). "
            f"Received: transform.shape={tuple(transform.shape)}"
        )
    unbatched = images.ndim == 3
    if unbatched:
        images = images[None]
    if data_format == "channels_first":
        images = jnp.transpose(images, (0, 2, 3, 1))
    batch, height, width, _ = images.shape
    compute = images.dtype if jnp.issubdtype(images.dtype, jnp.floating) else jnp.float32
    transform = jnp.broadcast_to(transform.astype(compute), (batch, 8))
    ys, xs = jnp.meshgrid(jnp.arange(height, dtype=compute), jnp.arange(width, dtype=compute), indexing="ij")
    t = [transform[:, i, None, None] for i in range(8)]
    k = t[6] * xs + t[7] * ys + 1.0
    src_x = (t[0] * xs + t[1] * ys + t[2]) / k
    src_y = (t[3] * xs + t[4] * ys + t[5]) / k
    order = AFFINE_INTERPOLATIONS[interpolation]

    def sample_channel(channel, cy, cx):
        return jax.scipy.ndimage.map_coordinates(channel, [cy, cx], order=order, mode=fill_mode,
                                                 cval=fill_value)

    per_image = jax.vmap(sample_channel, in_axes=(2, None, None), out_axes=2)
    out = jax.vmap(per_image)(images.astype(compute), src_y, src_x)
    out = out.astype(images.dtype) if jnp.issubdtype(images.dtype, jnp.floating) else _saturate_cast(
        out, images.dtype)
    if data_format == "channels_first":
        out = jnp.transpose(out, (0, 3, 1, 2))
    return out[0] if unbatched else out


@keras_op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Samples `inputs` at `coordinates` (one row of coordinates per input axis).

    `order` 0 is nearest-neighbour, 1 linear; points outside follow `fill_mode`.

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.image.map_coordinates(np.arange(4.), np.array([[0.5, 2.0]]), order=1).tolist()
    [0.5, 2.0]
    """
    inputs = jnp.asarray(inputs)
    coordinates = jnp.asarray(coordinates)
    if coordinates.ndim < 2 or coordinates.shape[0] != inputs.ndim:
        raise ValueError(
            "map_coordinates: `coordinates` must have rank >= 2 with one leading row per input "
            f"axis ({inputs.ndim}). Received: inputs.shape={tuple(inputs.shape)}, "
            f"coordinates.shape={tuple(coordinates.shape)}"
        )
    _check_fill_mode(fill_mode)
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 or 1. Received: order={order!r}")
    return jax.scipy.ndimage.map_coordinates(inputs, list(coordinates), order, fill_mode, fill_value)


@keras_op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Cuts images (or volumes) into patches, each flattened into the channel axis.

    `size` is `(ph, pw)` (or an int) for images, `(pd, ph, pw)` for volumes; `strides` defaults to
    `size` (non-overlapping). Each patch is flattened in (row, column, channel) order, as in Keras.

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.image.extract_patches(np.ones((2, 20, 20, 3)), (5, 5)).shape
    (2, 4, 4, 75)
    """
    images = jnp.asarray(images)
    data_format = standardize_data_format(data_format)
    if isinstance(size, (int, np.integer)):
        size = (int(size),) * 2
    size = tuple(int(s) for s in size)
    if len(size) not in (2, 3):
        raise ValueError(f"extract_patches: `size` must be an int or 2 or 3 ints. Received: size={size}")
    rank = len(size)
    if images.ndim not in (rank + 1, rank + 2):
        raise ValueError(
            f"extract_patches: {rank}D patches need inputs of rank {rank + 1} or {rank + 2}. "
            f"Received: images.shape={tuple(images.shape)}"
        )
    strides = size if not strides else strides
    strides = (int(strides),) * rank if isinstance(strides, (int, np.integer)) else tuple(strides)
    dilation = (int(dilation_rate),) * rank if isinstance(dilation_rate, (int, np.integer)) else tuple(
        dilation_rate)
    if str(padding).lower() not in ("valid", "same"):
        raise ValueError(f"extract_patches: `padding` must be 'valid' or 'same'. Received: padding={padding!r}")
    unbatched = images.ndim == rank + 1
    if unbatched:
        images = images[None]
    channels = images.shape[-1] if data_format == "channels_last" else images.shape[1]
    features = math.prod(size) * channels
    # An identity kernel: output feature f copies the input at (patch offset, channel) number f.
    kernel = jnp.eye(features, dtype=images.dtype).reshape(size + (channels, features))
    spatial = "DHW"[-rank:]
    lhs = "N" + spatial + "C" if data_format == "channels_last" else "NC" + spatial
    dn = jax.lax.conv_dimension_numbers(images.shape, kernel.shape, (lhs, spatial + "IO", lhs))
    patches = jax.lax.conv_general_dilated(
        images, kernel, window_strides=strides, padding=str(padding).upper(), rhs_dilation=dilation,
        dimension_numbers=dn, precision=jax.lax.Precision.HIGHEST,
    )
    return patches[0] if unbatched else patches


def _resolve_sides(name, first, second, target, size, mode):
    """Fills the one missing of (first side, second side, target size); checks non-negativity."""
    given = [first, second, target]
    if given.count(None) != 1:
        raise ValueError(
            f"{name}: give exactly two of top_{mode}/bottom_{mode}/target_height (and of "
            f"left_{mode}/right_{mode}/target_width). Received: {first}, {second}, {target}"
        )
    for v in given:
        if v is not None and v < 0:
            raise ValueError(f"{name}: {mode} sizes and targets must be >= 0. Received: {given}")
    sign = 1 if mode == "padding" else -1
    if first is None:
        first = sign * (target - size) - second
    elif second is None:
        second = sign * (target - size) - first
    else:
        target = size + sign * (first + second)
    if first < 0 or second < 0 or target < 0:
        raise ValueError(
            f"{name}: the requested target does not fit the image (size {size}): would need "
            f"{mode} ({first}, {second}) to reach {target}."
        )
    return first, second, target


@keras_op
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Zero-pads images; give two of (top, bottom, target_height) and two of (left, right, target_width).

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.image.pad_images(np.ones((4, 4, 1)), 1, 2, target_height=8, target_width=8).shape
    (8, 8, 1)
    """
    images = jnp.asarray(images)
    data_format = standardize_data_format(data_format)
    _check_image_rank(images)
    h_axis, w_axis = _hw_axes(images.ndim, data_format)
    top, bottom, _ = _resolve_sides("pad_images", top_padding, bottom_padding, target_height,
                                    images.shape[h_axis], "padding")
    left, right, _ = _resolve_sides("pad_images", left_padding, right_padding, target_width,
                                    images.shape[w_axis], "padding")
    pads = [(0, 0)] * images.ndim
    pads[h_axis], pads[w_axis] = (top, bottom), (left, right)
    return jnp.pad(images, pads)


@keras_op
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """Crops images; give two of (top, bottom, target_height) and two of (left, right, target_width).

    >>> import numpy as np
    >>> from lamina import ops
    >>> ops.image.crop_images(np.ones((8, 8, 1)), 1, 2, target_height=4, target_width=4).shape
    (4, 4, 1)
    """
    images = jnp.asarray(images)
    data_format = standardize_data_format(data_format)
    _check_image_rank(images)
    h_axis, w_axis = _hw_axes(images.ndim, data_format)
    top, _, th = _resolve_sides("crop_images", top_cropping, bottom_cropping, target_height,
                                images.shape[h_axis], "cropping")
    left, _, tw = _resolve_sides("crop_images", left_cropping, right_cropping, target_width,
                                 images.shape[w_axis], "cropping")
    images = jax.lax.slice_in_dim(images, top, top + th, axis=h_axis)
    return jax.lax.slice_in_dim(images, left, left + tw, axis=w_axis)
