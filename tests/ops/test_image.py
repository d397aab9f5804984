"""lamina.ops.image against keras.ops.image (JAX backend), plus what Keras's JAX backend lacks ("area")."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import ops

RNG = np.random.default_rng(0)
X = RNG.random((2, 7, 9, 3)).astype("float32")
XC = np.transpose(X, (0, 3, 1, 2)).copy()
XU8 = (RNG.random((2, 7, 9, 3)) * 255).astype("uint8")


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("kwargs", [{}, {"antialias": True}, {"crop_to_aspect_ratio": True},
                                    {"pad_to_aspect_ratio": True, "fill_value": 0.5}])
def test_resize_matches_keras(interpolation, kwargs):
    _close(ops.image.resize(X, (4, 5), interpolation=interpolation, **kwargs),
           keras.ops.image.resize(X, (4, 5), interpolation=interpolation, **kwargs))


@pytest.mark.parametrize("images,kwargs", [
    (XC, {"data_format": "channels_first"}),
    (X[0], {}),
    (XU8, {}),
    (XC, {"data_format": "channels_first", "crop_to_aspect_ratio": True}),
])
def test_resize_layouts_and_dtypes_match_keras(images, kwargs):
    a, b = ops.image.resize(images, (5, 3), **kwargs), keras.ops.image.resize(images, (5, 3), **kwargs)
    assert a.dtype == b.dtype
    _close(a, b)


def test_resize_area_averages_covered_pixels():
    # Integer factors: each output pixel is the mean of its block.
    x = RNG.random((1, 6, 8, 2)).astype("float32")
    expected = x.reshape(1, 3, 2, 4, 2, 2).mean(axis=(2, 4))
    _close(ops.image.resize(x, (3, 4), interpolation="area"), expected)
    # Fractional factors: partial cells are weighted by overlap, so the mean is preserved.
    out = np.asarray(ops.image.resize(x, (4, 3), interpolation="area"))
    _close(out.mean(axis=(1, 2)), x.mean(axis=(1, 2)))
    col = np.arange(3, dtype="float32").reshape(1, 3, 1, 1)
    _close(ops.image.resize(col, (2, 1), interpolation="area")[0, :, 0, 0], [(0 + 0.5 * 1) / 1.5,
                                                                            (0.5 * 1 + 2) / 1.5])


def test_resize_errors_name_the_argument():
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(X, (2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match="cannot both"):
        ops.image.resize(X, (2, 2), crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="rank"):
        ops.image.resize(X[0, 0], (2, 2))


TRANSFORMS = RNG.normal(size=(2, 8)).astype("float32") * 0.3
TRANSFORMS[:, 6:] = 0
TRANSFORMS[:, [0, 4]] += 1


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_affine_transform_matches_keras(interpolation, fill_mode):
    _close(ops.image.affine_transform(X, TRANSFORMS, interpolation, fill_mode, 0.5),
           keras.ops.image.affine_transform(X, TRANSFORMS, interpolation, fill_mode, 0.5))


def test_affine_transform_channels_first_and_single_image():
    _close(ops.image.affine_transform(XC, TRANSFORMS, data_format="channels_first"),
           keras.ops.image.affine_transform(XC, TRANSFORMS, data_format="channels_first"))
    _close(ops.image.affine_transform(X[0], TRANSFORMS[0]), keras.ops.image.affine_transform(X[0], TRANSFORMS[0]))


def test_affine_transform_applies_projective_terms():
    # Source point = (x / k, y / k) with k = c0 x + 1 (no rounding ties for c0 = 0.4).
    x = np.arange(12, dtype="float32").reshape(1, 3, 4, 1)
    t = np.array([[1, 0, 0, 0, 1, 0, 0.4, 0]], "float32")
    out = np.asarray(ops.image.affine_transform(x, t, interpolation="nearest"))
    ys, xs = np.meshgrid(np.arange(3), np.arange(4), indexing="ij")
    k = 0.4 * xs + 1
    expected = x[0, np.round(ys / k).astype(int), np.round(xs / k).astype(int), 0]
    _close(out[0, :, :, 0], expected)


@pytest.mark.parametrize("kwargs", [dict(size=3), dict(size=(2, 3), strides=(1, 2)),
                                    dict(size=3, strides=1, padding="same"),
                                    dict(size=2, strides=1, dilation_rate=2)])
def test_extract_patches_matches_keras(kwargs):
    _close(ops.image.extract_patches(X, **kwargs), keras.ops.image.extract_patches(X, **kwargs))
    _close(ops.image.extract_patches(XC, data_format="channels_first", **kwargs),
           keras.ops.image.extract_patches(XC, data_format="channels_first", **kwargs))
    _close(ops.image.extract_patches(X[0], **kwargs), keras.ops.image.extract_patches(X[0], **kwargs))


def test_extract_patches_3d_matches_keras():
    v = RNG.random((2, 6, 6, 6, 2)).astype("float32")
    _close(ops.image.extract_patches(v, (2, 3, 2)), keras.ops.image.extract_patches(v, (2, 3, 2)))


@pytest.mark.parametrize("images,kwargs", [(X, {}), (XU8, {}), (XC, {"data_format": "channels_first"})])
def test_rgb_to_grayscale_matches_keras(images, kwargs):
    a, b = ops.image.rgb_to_grayscale(images, **kwargs), keras.ops.image.rgb_to_grayscale(images, **kwargs)
    assert a.dtype == b.dtype and a.shape == b.shape
    _close(a, b)


@pytest.mark.parametrize("args", [(1, 2, None, 1, 10, None), (None, 0, 2, 3, 12, None), (0, 1, 3, None, None, 14)])
def test_pad_images_matches_keras(args):
    _close(ops.image.pad_images(X, *args), keras.ops.image.pad_images(X, *args))
    _close(ops.image.pad_images(XC, *args, data_format="channels_first"),
           keras.ops.image.pad_images(XC, *args, data_format="channels_first"))


@pytest.mark.parametrize("args", [(1, 2, None, 1, 4, None), (None, 0, 2, 3, 3, None), (0, 1, 3, None, None, 5)])
def test_crop_images_matches_keras(args):
    _close(ops.image.crop_images(X, *args), keras.ops.image.crop_images(X, *args))
    _close(ops.image.crop_images(X[0], *args), keras.ops.image.crop_images(X[0], *args))


def test_pad_and_crop_errors():
    with pytest.raises(ValueError, match="exactly two"):
        ops.image.pad_images(X, 1, 1, 1, 1, 10, 10)
    with pytest.raises(ValueError, match="does not fit"):
        ops.image.crop_images(X, 1, 1, target_height=9, target_width=2)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates_matches_keras(order, fill_mode):
    coords = RNG.random((3, 5, 4)).astype("float32") * 10 - 1
    _close(ops.image.map_coordinates(X[0], coords, order, fill_mode, 0.3),
           keras.ops.image.map_coordinates(X[0], coords, order, fill_mode, 0.3))


def test_ops_work_on_symbolic_tensors_and_variables():
    x = lamina.Input((8, 8, 3))
    assert ops.image.resize(x, (4, 2)).shape == (None, 4, 2, 3)
    assert ops.image.extract_patches(x, 2).shape == (None, 4, 4, 12)
    assert ops.image.rgb_to_grayscale(x).shape == (None, 8, 8, 1)
    v = lamina.Variable(X)
    _close(ops.image.crop_images(v, 1, 1, target_height=2, target_width=2), X[:, 1:3, 1:3])
