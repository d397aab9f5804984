"""Augmentation layers: the geometry/colour maths vs Keras 3 for a given transformation; identity at
inference; random in training; reproducible with `seed=`; shapes, configs, compiled use."""

import jax
import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)
X = (RNG.random((3, 6, 7, 2)) * 255).astype("float32")

LAYERS = [
    ("RandomFlip", dict(mode="horizontal")),
    ("RandomFlip", dict(mode="vertical")),
    ("RandomFlip", dict()),
    ("RandomRotation", dict(factor=0.2)),
    ("RandomRotation", dict(factor=(-0.1, 0.3), fill_mode="constant", interpolation="nearest", fill_value=7.0)),
    ("RandomZoom", dict(height_factor=0.3)),
    ("RandomZoom", dict(height_factor=(-0.3, 0.2), width_factor=0.4, fill_mode="wrap")),
    ("RandomTranslation", dict(height_factor=0.3, width_factor=(-0.2, 0.4))),
    ("RandomTranslation", dict(height_factor=0.2, width_factor=0.2, fill_mode="nearest")),
    ("RandomContrast", dict(factor=0.5)),
    ("RandomContrast", dict(factor=(0.2, 0.6))),
    ("RandomBrightness", dict(factor=0.3)),
    ("RandomBrightness", dict(factor=(-0.5, -0.1), value_range=(0, 1))),
    ("RandomCrop", dict(height=4, width=5)),
]
IDS = [f"{c}-{i}" for i, (c, _) in enumerate(LAYERS)]


def _make(name, kwargs, seed=11):
    return getattr(layers, name)(seed=seed, **kwargs)


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_same_seed_same_output_and_training_changes_images(name, kwargs):
    a = np.asarray(_make(name, kwargs)(X, training=True))
    b = np.asarray(_make(name, kwargs)(X, training=True))
    np.testing.assert_array_equal(a, b)
    layer = _make(name, kwargs)
    first, second = np.asarray(layer(X, training=True)), np.asarray(layer(X, training=True))
    assert not np.array_equal(first, second)  # each call draws new randomness
    if name != "RandomCrop":
        assert first.shape == X.shape
        assert not np.allclose(first, X)


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_identity_at_inference_and_shapes(name, kwargs):
    layer = _make(name, kwargs)
    out = np.asarray(layer(X, training=False))
    if name == "RandomCrop":
        # Inference crops the central window with the target aspect ratio and resizes it.
        np.testing.assert_allclose(out, np.asarray(lamina.ops.image.resize(X, (4, 5), crop_to_aspect_ratio=True)),
                                   rtol=1e-5, atol=1e-4)
    else:
        np.testing.assert_array_equal(out, X)
    assert layer(X[0], training=True).shape == layer.compute_output_shape(X[0].shape)
    assert layer(lamina.Input(X.shape[1:])).shape == (None,) + tuple(layer.compute_output_shape(X.shape)[1:])


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_config_matches_keras(name, kwargs):
    la, ka = _make(name, kwargs), getattr(keras.layers, name)(seed=11, **kwargs)
    config = la.get_config()
    assert config == {**ka.get_config(), "name": la.name}
    assert type(la).from_config(config).get_config() == config


ROT_ANGLES = np.array([10.0, -25.0, 40.0], "float32")


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_rotation_geometry_matches_keras(fill_mode, interpolation):
    kw = dict(factor=0.2, fill_mode=fill_mode, interpolation=interpolation, fill_value=3.0)
    kl, ll = keras.layers.RandomRotation(**kw), layers.RandomRotation(**kw)
    z, o = np.zeros(3, "float32"), np.ones(3, "float32")
    km = kl._compute_affine_matrix(0.5, 0.5, ROT_ANGLES, z, z, o, z, z, 6, 7)
    lm = ll.compute_affine_matrix(0.5, 0.5, ROT_ANGLES, z, z, o, z, z, 6, 7)
    np.testing.assert_allclose(np.asarray(lm), np.asarray(km), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(ll.transform_images(X, {"rotation_matrix": lm})),
                               np.asarray(kl.transform_images(X, {"rotation_matrix": km})), rtol=1e-5, atol=1e-3)


TRANSFORMATIONS = [
    ("RandomZoom", dict(height_factor=0.3, width_factor=0.3),
     {"height_zoom": np.array([[0.8], [1.2], [1.0]], "float32"),
      "width_zoom": np.array([[1.1], [0.7], [1.3]], "float32"), "input_shape": X.shape}),
    ("RandomTranslation", dict(height_factor=0.3, width_factor=0.3),
     {"translations": np.array([[1.5, -2], [0, 3], [-1, 0.5]], "float32"), "input_shape": X.shape}),
    ("RandomFlip", dict(mode="horizontal_and_vertical"),
     {"flips": np.array([True, False, True]).reshape(3, 1, 1, 1), "input_shape": X.shape}),
    ("RandomContrast", dict(factor=0.5), {"contrast_factor": np.array([0.5, 1.5, 1.0], "float32").reshape(3, 1, 1, 1)}),
    ("RandomBrightness", dict(factor=0.5), {"rgb_delta": np.array([-30, 60, 0.0], "float32").reshape(3, 1, 1, 1)}),
]


@pytest.mark.parametrize("name,kwargs,transformation", TRANSFORMATIONS, ids=[t[0] for t in TRANSFORMATIONS])
def test_transform_images_matches_keras(name, kwargs, transformation):
    kl, ll = getattr(keras.layers, name)(**kwargs), getattr(layers, name)(**kwargs)
    np.testing.assert_allclose(np.asarray(ll.transform_images(X, transformation)),
                               np.asarray(kl.transform_images(X, transformation)), rtol=1e-5, atol=1e-3)


def test_random_crop_training_window_is_a_slice_of_the_input():
    layer = layers.RandomCrop(4, 5, seed=3)
    t = layer.get_random_transformation(X, training=True)
    (h0, w0), _ = t["start"], t["size"]
    np.testing.assert_array_equal(np.asarray(layer.transform_images(X, t)), X[:, int(h0):int(h0) + 4,
                                                                               int(w0):int(w0) + 5])


def test_random_draws_stay_in_range():
    rot = layers.RandomRotation((-0.1, 0.05), seed=1)
    angles = np.concatenate([np.asarray(rot.get_random_transformation(X)["angle"]) for _ in range(20)])
    assert angles.min() >= -36.0 and angles.max() <= 18.0
    con = layers.RandomContrast(0.3, seed=1)
    c = np.asarray(con.get_random_transformation(X)["contrast_factor"])
    assert (c >= 1.0).all() and (c <= 1.3).all()
    out = np.asarray(layers.RandomBrightness(0.9, seed=2)(X, training=True))
    assert out.min() >= 0 and out.max() <= 255


def test_channels_first_and_dict_inputs():
    xc = np.transpose(X, (0, 3, 1, 2))
    out = layers.RandomFlip("horizontal", seed=5, data_format="channels_first")(xc, training=True)
    ref = layers.RandomFlip("horizontal", seed=5)(X, training=True)
    np.testing.assert_array_equal(np.transpose(np.asarray(out), (0, 2, 3, 1)), np.asarray(ref))
    result = layers.RandomRotation(0.1, seed=5)({"images": X, "labels": np.arange(3)}, training=True)
    assert result["images"].shape == X.shape and result["labels"].tolist() == [0, 1, 2]


def test_augmentation_draws_fresh_randomness_inside_compiled_steps():
    layer = layers.RandomFlip("horizontal", seed=2)
    x = RNG.random((16, 2, 3, 1)).astype("float32")

    @jax.jit
    def step(state):
        return layer.stateless_call([], state, x, training=True)

    state = [v.value for v in layer.non_trainable_variables]
    out1, state = step(state)
    out2, _ = step(state)
    assert not np.array_equal(np.asarray(out1), np.asarray(out2))


def test_factor_validation():
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(2.0)
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomZoom(-1.0)
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomTranslation(0.1, 0.1, fill_mode="mirror")
    with pytest.raises(ValueError, match="mode"):
        layers.RandomFlip("diagonal")
