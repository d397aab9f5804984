"""Cropping, ZeroPadding and UpSampling layers against real Keras 3."""

import numpy as np
import pytest
from layer_parity import assert_layer_matches

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


CASES = [
    ("Cropping1D", (), {}, (2, 6, 3)),
    ("Cropping1D", ((0, 2),), {}, (2, 6, 3)),
    ("Cropping2D", (), {}, (2, 5, 5, 3)),
    ("Cropping2D", (((1, 0), 2),), {}, (2, 6, 7, 3)),
    ("Cropping2D", (1,), {"data_format": "channels_first"}, (2, 3, 6, 7)),
    ("Cropping3D", (), {}, (1, 4, 5, 6, 2)),
    ("Cropping3D", (((0, 1), 2, (1, 0)),), {"data_format": "channels_first"}, (1, 2, 4, 5, 6)),
    ("ZeroPadding1D", (), {}, (2, 6, 3)),
    ("ZeroPadding1D", ((1, 2),), {"data_format": "channels_first"}, (2, 3, 6)),
    ("ZeroPadding2D", (), {}, (2, 4, 5, 3)),
    ("ZeroPadding2D", (((1, 0), 2),), {"data_format": "channels_first"}, (2, 3, 4, 5)),
    ("ZeroPadding3D", (), {}, (1, 2, 3, 4, 2)),
    ("ZeroPadding3D", ((1, 0, 2),), {"data_format": "channels_first"}, (1, 2, 3, 4, 2)),
    ("UpSampling1D", (), {}, (2, 4, 3)),
    ("UpSampling1D", (3,), {}, (2, 4, 3)),
    ("UpSampling2D", (), {}, (2, 3, 4, 3)),
    ("UpSampling2D", ((2, 3),), {"data_format": "channels_first"}, (2, 3, 3, 4)),
    ("UpSampling2D", ((2, 3),), {"interpolation": "bilinear"}, (2, 3, 4, 3)),
    ("UpSampling2D", (2,), {"interpolation": "bilinear", "data_format": "channels_first"}, (2, 3, 3, 4)),
    ("UpSampling2D", (3,), {"interpolation": "bicubic"}, (1, 3, 4, 2)),
    ("UpSampling2D", (2,), {"interpolation": "lanczos3"}, (1, 3, 4, 2)),
    ("UpSampling3D", (), {}, (1, 2, 3, 2, 2)),
    ("UpSampling3D", ((1, 2, 3),), {"data_format": "channels_first"}, (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(CASES)])
def test_matches_keras(name, args, kwargs, shape):
    assert_layer_matches(keras, name, args, kwargs, _x(*shape))


def test_cropping_then_padding_restores_the_centre():
    x = _x(1, 6, 6, 2)
    y = np.asarray(layers.ZeroPadding2D(((1, 2), (0, 3)))(layers.Cropping2D(((1, 2), (0, 3)))(x)))
    np.testing.assert_array_equal(y[:, 1:4, 0:3], x[:, 1:4, 0:3])
    assert (y[:, :1] == 0).all() and (y[:, 4:] == 0).all() and (y[:, :, 3:] == 0).all()


def test_nearest_upsampling_repeats_values():
    x = np.arange(4.0, dtype="float32").reshape(1, 2, 2, 1)
    y = np.asarray(layers.UpSampling2D((1, 2))(x))[0, :, :, 0]
    np.testing.assert_array_equal(y, [[0, 0, 1, 1], [2, 2, 3, 3]])


def test_shapes_in_a_symbolic_model():
    inputs = lamina.Input(shape=(8, 8, 3))
    x = layers.ZeroPadding2D(2)(inputs)
    x = layers.Cropping2D(((1, 0), (0, 3)))(x)
    x = layers.UpSampling2D(2)(x)
    assert x.shape == (None, 22, 18, 3)
    y = layers.Cropping1D((1, 1))(lamina.Input(shape=(None, 4)))
    assert y.shape == (None, None, 4)


@pytest.mark.parametrize("make,shape,match", [
    (lambda: layers.Cropping1D((2, 2)), (2, 4, 3), "at least one element"),
    (lambda: layers.Cropping2D(3), (2, 6, 7, 3), "at least one element"),
    (lambda: layers.ZeroPadding2D(), (2, 6, 3), "expected ndim=4, found ndim=3"),
    (lambda: layers.UpSampling3D(), (2, 6, 3, 3), "expected ndim=5, found ndim=4"),
])
def test_bad_inputs_raise_clear_errors(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(_x(*shape))


@pytest.mark.parametrize("make,error,match", [
    (lambda: layers.Cropping2D(-1), ValueError, "cannot be negative"),
    (lambda: layers.Cropping2D((1, 2, 3)), ValueError, "cropping"),
    (lambda: layers.Cropping3D(((1, 2), (1,), 1)), ValueError, "2nd entry of cropping"),
    (lambda: layers.ZeroPadding2D("same"), ValueError, "padding"),
    (lambda: layers.ZeroPadding1D((1, 2, 3)), ValueError, "padding"),
    (lambda: layers.UpSampling1D(2.0), TypeError, "size"),
    (lambda: layers.UpSampling1D(0), ValueError, "size"),
    (lambda: layers.UpSampling2D(interpolation="area51"), ValueError, "interpolation"),
])
def test_bad_arguments_raise_clear_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()
