"""Pooling layers against real Keras 3: outputs, configs, shapes, gradients, masks and errors."""

import numpy as np
import pytest
from layer_parity import assert_layer_matches

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


SHAPES = {1: (2, 9, 3), 2: (2, 7, 6, 3), 3: (1, 5, 4, 5, 2)}
POOL_ARGS = [
    {"pool_size": 2},
    {"pool_size": 3, "strides": 2, "padding": "same"},
    {"pool_size": 2, "strides": 1, "data_format": "channels_first"},
    {"pool_size": 3, "padding": "same", "data_format": "channels_first"},
]


@pytest.mark.parametrize("mode", ["MaxPooling", "AveragePooling"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("kwargs", POOL_ARGS)
def test_pooling_matches_keras(mode, rank, kwargs):
    assert_layer_matches(keras, f"{mode}{rank}D", (), kwargs, _x(*SHAPES[rank]))


@pytest.mark.parametrize("mode", ["GlobalMaxPooling", "GlobalAveragePooling"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("kwargs", [{}, {"keepdims": True}, {"data_format": "channels_first"}])
def test_global_pooling_matches_keras(mode, rank, kwargs):
    assert_layer_matches(keras, f"{mode}{rank}D", (), kwargs, _x(*SHAPES[rank]))


def test_max_pooling_defaults_match_keras():
    for rank in (1, 2, 3):
        ours = getattr(layers, f"MaxPooling{rank}D")().get_config()
        theirs = getattr(keras.layers, f"MaxPooling{rank}D")().get_config()
        assert (ours["pool_size"], ours["strides"]) == (theirs["pool_size"], theirs["strides"])


def test_average_pooling_same_padding_ignores_the_padding():
    x = np.arange(1.0, 10.0, dtype="float32").reshape(1, 3, 3, 1)
    y = np.asarray(layers.AveragePooling2D(2, padding="same")(x))[0, :, :, 0]
    # The bottom-right window holds only x[2, 2]; the right column windows hold two values.
    np.testing.assert_allclose(y, [[np.mean(x[0, :2, :2]), np.mean(x[0, :2, 2])],
                                   [np.mean(x[0, 2, :2]), x[0, 2, 2, 0]]])


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling1d_masked_mean_matches_keras(data_format, keepdims):
    x = _x(3, 5, 4) if data_format == "channels_last" else _x(3, 4, 5)
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 0, 1], [1, 1, 1, 1, 1]], bool)
    kwargs = {"data_format": data_format, "keepdims": keepdims}
    ours = layers.GlobalAveragePooling1D(**kwargs)(x, mask=mask)
    theirs = keras.layers.GlobalAveragePooling1D(**kwargs)(x, mask=mask)
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6, atol=1e-6)


def test_mask_from_embedding_reaches_global_average_pooling():
    model = lamina.Sequential([
        layers.Embedding(10, 3, mask_zero=True, input_length=4), layers.GlobalAveragePooling1D(),
    ])
    ids = np.array([[1, 2, 0, 0]])
    table = np.asarray(model.layers[0].embeddings.numpy())
    np.testing.assert_allclose(np.asarray(model(ids))[0], table[[1, 2]].mean(axis=0), rtol=1e-6)


def test_pooling_in_functional_model_shapes():
    inputs = lamina.Input(shape=(10, 10, 3))
    x = layers.MaxPooling2D(3, strides=2, padding="same")(inputs)
    y = layers.GlobalAveragePooling2D(keepdims=True)(x)
    assert x.shape == (None, 5, 5, 3)
    assert y.shape == (None, 1, 1, 3)


@pytest.mark.parametrize("make,shape,match", [
    (lambda: layers.MaxPooling2D(), (2, 8, 3), "expected ndim=4, found ndim=3"),
    (lambda: layers.GlobalAveragePooling2D(), (2, 8, 3), "expected ndim=4, found ndim=3"),
    (lambda: layers.AveragePooling1D(5), (2, 3, 2), "pooling window .* larger than the input"),
])
def test_bad_inputs_raise_clear_errors(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(_x(*shape))


@pytest.mark.parametrize("make,match", [
    (lambda: layers.MaxPooling2D(padding="full"), "padding"),
    (lambda: layers.MaxPooling2D((2, 2, 2)), "pool_size"),
    (lambda: layers.AveragePooling1D(2, strides=0), "strides"),
    (lambda: layers.MaxPooling2D(data_format="NHWC"), "data_format"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_aliases_are_the_same_classes():
    assert layers.MaxPool2D is layers.MaxPooling2D
    assert layers.AvgPool1D is layers.AveragePooling1D
    assert layers.GlobalAvgPool3D is layers.GlobalAveragePooling3D
    assert layers.GlobalMaxPool1D is layers.GlobalMaxPooling1D
