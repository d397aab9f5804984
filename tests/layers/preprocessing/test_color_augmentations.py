"""Colour augmentation layers vs Keras 3: the maths for a given transformation, deterministic factor
settings, inference identity, seeds, configs, compiled use, and argument errors."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)
X = (RNG.random((3, 5, 6, 3)) * 255).astype("float32")
X[0, 0, 0] = [40.0, 40.0, 40.0]  # a gray pixel: hue/saturation edge case

LAYERS = [
    ("RandomGrayscale", dict(factor=0.5)),
    ("RandomInvert", dict(factor=0.8)),
    ("Solarization", dict(addition_factor=0.3, threshold_factor=(0.2, 0.9))),
    ("RandomPosterization", dict(factor=(1, 5))),
    ("RandomColorDegeneration", dict(factor=(0.2, 0.9))),
    ("RandomSaturation", dict(factor=(0.1, 0.9))),
    ("RandomHue", dict(factor=0.8)),
]
IDS = [name for name, _ in LAYERS]


def _pair(name, **kwargs):
    return getattr(layers, name)(**kwargs), getattr(keras.layers, name)(**kwargs)


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_inference_is_identity_and_seed_reproducible(name, kwargs):
    layer = getattr(layers, name)(seed=5, **kwargs)
    np.testing.assert_array_equal(np.asarray(layer(X, training=False)), X)
    a = np.asarray(getattr(layers, name)(seed=5, **kwargs)(X, training=True))
    b = np.asarray(getattr(layers, name)(seed=5, **kwargs)(X, training=True))
    np.testing.assert_array_equal(a, b)
    outs = [np.asarray(layer(X, training=True)) for _ in range(4)]
    assert any(not np.array_equal(outs[0], o) for o in outs[1:])  # fresh randomness per call
    assert all(o.shape == X.shape and o.dtype == np.float32 for o in outs)
    assert all(o.min() >= -1e-3 and o.max() <= 255 + 1e-3 for o in outs)
    assert layer(X[0], training=True).shape == X[0].shape


@pytest.mark.parametrize("name,kwargs", LAYERS + [("AutoContrast", {})], ids=IDS + ["AutoContrast"])
def test_config_and_symbolic_shape_match_keras(name, kwargs):
    extra = {} if name == "AutoContrast" else {"seed": 3}
    la, ka = _pair(name, **kwargs, **extra)
    config = la.get_config()
    assert config == {**ka.get_config(), "name": la.name}
    assert type(la).from_config(config).get_config() == config
    sym = la(lamina.Input((5, 6, 3)))
    assert tuple(sym.shape) == tuple(ka(keras.Input((5, 6, 3))).shape) == (None, 5, 6, 3)


# transform_images with a fixed transformation (the randomness taken out) vs Keras.
FIXED = [
    ("RandomGrayscale", dict(factor=0.5), np.array([True, False, True]).reshape(3, 1, 1, 1)),
    ("RandomInvert", dict(), {"apply_inversion": np.array([True, False, True])}),
    ("Solarization", dict(value_range=(0, 1)),
     {"additions": np.array([0, 30, 100], "float32").reshape(3, 1, 1, 1),
      "thresholds": np.array([128, 50, 255], "float32").reshape(3, 1, 1, 1)}),
    ("RandomPosterization", dict(factor=(1, 8)), {"shift_factor": np.array([7, 4, 0], "uint8")}),
    ("RandomColorDegeneration", dict(factor=0.5), {"factor": np.array([0.0, 0.4, 1.0], "float32").reshape(3, 1, 1, 1)}),
    ("RandomSaturation", dict(factor=(0, 1)), {"factor": np.array([0.0, 0.4, 1.0], "float32")}),
    ("RandomHue", dict(factor=1.0), {"factor": np.array([-0.5, 0.1, 0.35], "float32")}),
    ("RandomHue", dict(factor=1.0, value_range=(0, 1)), {"factor": np.array([-0.2, 0.0, 0.45], "float32")}),
]


@pytest.mark.parametrize("name,kwargs,transformation", FIXED, ids=[f[0] for f in FIXED])
def test_transform_images_matches_keras(name, kwargs, transformation):
    la, ka = _pair(name, **kwargs)
    x = X / 255 if kwargs.get("value_range") == (0, 1) else X
    np.testing.assert_allclose(np.asarray(la.transform_images(x, transformation)),
                               np.asarray(ka.transform_images(x, transformation)), rtol=1e-5, atol=2e-3)


DETERMINISTIC = [
    ("RandomGrayscale", dict(factor=1.0)),
    ("RandomGrayscale", dict(factor=0.0)),
    ("RandomInvert", dict(factor=(1.0, 1.0))),
    ("RandomPosterization", dict(factor=(3, 3))),
    ("RandomColorDegeneration", dict(factor=(0.6, 0.6))),
    ("RandomColorDegeneration", dict(factor=(1.0, 1.0), data_format="channels_first")),
    ("RandomSaturation", dict(factor=(0.5, 0.5))),
    ("RandomSaturation", dict(factor=(0.0, 0.0), data_format="channels_first")),
    ("Solarization", dict()),  # threshold 0: every pixel inverted
    ("Solarization", dict(value_range=(-1, 1))),
    ("AutoContrast", dict()),
    ("AutoContrast", dict(value_range=(0, 1))),
]


@pytest.mark.parametrize("name,kwargs", DETERMINISTIC, ids=[f"{n}-{i}" for i, (n, _) in enumerate(DETERMINISTIC)])
def test_deterministic_settings_match_keras_end_to_end(name, kwargs):
    la, ka = _pair(name, seed=1, **kwargs) if name != "AutoContrast" else _pair(name, **kwargs)
    x = X
    if kwargs.get("data_format") == "channels_first":
        x = np.ascontiguousarray(np.moveaxis(X, -1, 1))
    if kwargs.get("value_range") == (0, 1):
        x = x / 255
    if kwargs.get("value_range") == (-1, 1):
        x = x / 127.5 - 1
    np.testing.assert_allclose(np.asarray(la(x, training=True)), np.asarray(ka(x, training=True)),
                               rtol=1e-5, atol=2e-3)


def test_auto_contrast_stretches_each_channel_and_keeps_constant_ones():
    x = X.copy()
    x[1, ..., 2] = 77.0  # a constant channel has nothing to stretch
    out = np.asarray(layers.AutoContrast()(x, training=False))  # applies at inference too
    np.testing.assert_allclose(out.min(axis=(1, 2))[[0, 2]], 0, atol=1e-3)
    np.testing.assert_allclose(out.max(axis=(1, 2))[[0, 2]], 255, atol=1e-3)
    np.testing.assert_array_equal(out[1, ..., 2], 77.0)
    np.testing.assert_allclose(out, np.asarray(keras.layers.AutoContrast()(x)), atol=2e-3)
    # channels_first: Keras 3.15 reduces over axes (1, 2) whatever the layout (channels and height);
    # lamina reduces over height and width, so the result is the transpose of the channels_last one.
    xf = np.ascontiguousarray(np.moveaxis(x, -1, 1))
    cf = np.asarray(layers.AutoContrast(data_format="channels_first")(xf))
    np.testing.assert_allclose(np.moveaxis(cf, 1, -1), out, atol=1e-4)


def test_grayscale_output_has_equal_channels_and_luma():
    out = np.asarray(layers.RandomGrayscale(factor=1.0)(X, training=True))
    luma = X @ np.array([0.2989, 0.5870, 0.1140], "float32")
    for c in range(3):
        np.testing.assert_allclose(out[..., c], luma, rtol=1e-5, atol=1e-3)


def test_invert_maps_value_range_onto_itself():
    # Keras 3.15 computes `high - x`, so with value_range=(-1, 1) a pixel at -1 becomes 2 (out of
    # range); lamina inverts within the range (`low + high - x`).
    x = np.array([[[[-1.0], [0.25], [1.0]]]], "float32")
    out = layers.RandomInvert(factor=(1, 1), value_range=(-1, 1))(x, training=True)
    np.testing.assert_allclose(np.asarray(out).ravel(), [1.0, -0.25, -1.0])
    keras_out = keras.layers.RandomInvert(factor=(1, 1), value_range=(-1, 1))(x, training=True)
    np.testing.assert_allclose(np.asarray(keras_out).ravel(), [2.0, 0.75, 0.0])


def test_solarization_threshold_is_scaled_like_the_addition():
    # Keras 3.15 draws thresholds from [lower, upper * 255] (lower unscaled), so (0.5, 0.5) is random
    # there; lamina scales both ends, giving a fixed threshold of 127.5.
    layer = layers.Solarization(threshold_factor=(0.5, 0.5), seed=2)
    t = layer.get_random_transformation(X, training=True)
    np.testing.assert_allclose(np.asarray(t["thresholds"]).ravel(), 127.5)
    out = np.asarray(layer(X, training=True))
    np.testing.assert_allclose(out, np.where(X < 127.5, X, 255 - X), atol=1e-4)


def test_saturation_single_factor_and_clipping():
    # Keras 3.15 turns factor=0.5 into (-0.5, 0.5) although its docs say "between 0.0 and the passed
    # float"; lamina follows the docs.
    assert layers.RandomSaturation(0.5).factor == (0, 0.5)
    assert keras.layers.RandomSaturation(0.5).factor == (-0.5, 0.5)
    # Full saturation stays within the input range (Keras clips saturation to value_range=(0, 255),
    # giving negative pixels).
    out = np.asarray(layers.RandomSaturation((1.0, 1.0))(X, training=True))
    assert out.min() >= -1e-3 and out.max() <= 255 + 1e-3
    np.testing.assert_allclose(out.max(axis=-1), X.max(axis=-1), rtol=1e-5)  # HSV value kept
    assert np.asarray(keras.layers.RandomSaturation((1.0, 1.0))(X, training=True)).min() < -1


def test_hue_and_posterization_draws_stay_in_range():
    hue = layers.RandomHue((0.2, 0.6), seed=4)
    shifts = np.concatenate([np.asarray(hue.get_random_transformation(X)["factor"]) for _ in range(20)])
    assert (np.abs(shifts) >= 0.1 - 1e-6).all() and (np.abs(shifts) <= 0.3 + 1e-6).all()
    assert (shifts < 0).any() and (shifts > 0).any()
    post = layers.RandomPosterization((2, 6), seed=4)
    shift = np.concatenate([np.asarray(post.get_random_transformation(X)["shift_factor"]) for _ in range(20)])
    assert shift.min() >= 3 and shift.max() <= 6  # bits in [2, 6): 8 - bits in (2, 6]


@pytest.mark.parametrize("name,kwargs", LAYERS + [("AutoContrast", {})], ids=IDS + ["AutoContrast"])
def test_sequential_predict_fit_and_save(name, kwargs, tmp_path):
    model = lamina.Sequential([lamina.Input((5, 6, 3)), getattr(layers, name)(**kwargs),
                               layers.GlobalAveragePooling2D(), layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    y = RNG.random((3, 2)).astype("float32")
    history = model.fit(X, y, epochs=1, batch_size=3, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    pred = model.predict(X, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    np.testing.assert_allclose(lamina.models.load_model(path).predict(X, verbose=0), pred, rtol=1e-5, atol=1e-5)


BAD = [
    ("RandomGrayscale", dict(factor=1.5), "factor"),
    ("RandomGrayscale", dict(factor=(0.1, 0.2)), "factor"),
    ("RandomInvert", dict(factor=2.0), "factor"),
    ("RandomInvert", dict(value_range=5), "value_range"),
    ("Solarization", dict(addition_factor=1.5), "addition_factor"),
    ("Solarization", dict(threshold_factor=(0.1, 0.2, 0.3)), "threshold_factor"),
    ("Solarization", dict(value_range=(0,)), "value_range"),
    ("RandomPosterization", dict(factor=9), "factor"),
    ("RandomColorDegeneration", dict(factor="a"), "factor"),
    ("RandomSaturation", dict(factor=(-0.5, 0.5)), "factor"),
    ("RandomSaturation", dict(factor=0.5, value_range="x"), "value_range"),
    ("RandomHue", dict(factor=1.5), "factor"),
    ("AutoContrast", dict(value_range=(3, 3)), "value_range"),
]


@pytest.mark.parametrize("name,kwargs,arg", BAD, ids=[f"{b[0]}-{b[2]}" for b in BAD])
def test_bad_arguments_name_the_layer_and_argument(name, kwargs, arg):
    with pytest.raises(ValueError, match=rf"{name}.*{arg}.*Received: {arg}="):
        getattr(layers, name)(**kwargs)


@pytest.mark.parametrize("name", ["RandomColorDegeneration", "RandomSaturation", "RandomHue"])
def test_non_rgb_images_are_rejected(name):
    with pytest.raises(ValueError, match=rf"{name}.*3.*channels.*Received"):
        getattr(layers, name)(factor=(0.5, 0.5))(X[..., :2], training=True)
