"""`.keras` files with attention and preprocessing layers load across Keras 3 and lamina, both ways."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np

import lamina


def _keras_model():
    inp = keras.Input((8, 8, 3))
    y = keras.layers.Rescaling(1 / 255.0)(inp)
    y = keras.layers.Resizing(6, 6)(y)
    y = keras.layers.CenterCrop(4, 4)(y)
    y = keras.layers.Reshape((16, 3))(y)
    y = keras.layers.MultiHeadAttention(2, 3, output_shape=5)(y, y)
    norm = keras.layers.Normalization()
    normed = norm(y)
    y = keras.layers.Discretization(bin_boundaries=[0.0, 1.0])(normed)
    y = keras.layers.CategoryEncoding(3, output_mode="one_hot")(y)
    model = keras.Model(inp, [normed, y])
    norm.adapt(np.random.default_rng(0).random((10, 16, 5)).astype("float32"))
    return model


def test_augmentation_layers_load_from_keras_files(tmp_path):
    inp = keras.Input((8, 8, 3))
    y = keras.layers.RandomRotation(0.1, fill_mode="constant", seed=2)(keras.layers.RandomFlip(seed=1)(inp))
    keras.Model(inp, keras.layers.RandomCrop(4, 5, seed=3)(y)).save(tmp_path / "aug.keras")
    lm = lamina.saving.load_model(tmp_path / "aug.keras")
    assert [type(layer).__name__ for layer in lm.layers[1:]] == ["RandomFlip", "RandomRotation", "RandomCrop"]
    assert lm.layers[2].get_config()["factor"] == (-0.1, 0.1) and lm.layers[3].seed == 3
    assert lm.output.shape == (None, 4, 5, 3)


def test_keras_file_round_trip_through_lamina(tmp_path):
    km = _keras_model()
    km.save(tmp_path / "k.keras")
    lm = lamina.saving.load_model(tmp_path / "k.keras")
    x = (np.random.default_rng(1).random((2, 8, 8, 3)) * 255).astype("float32")
    expected = km.predict(x, verbose=0)
    for got, want in zip(lm.predict(x, verbose=0), expected):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)
    lm.save(tmp_path / "l.keras")
    back = keras.saving.load_model(tmp_path / "l.keras")
    for got, want in zip(back.predict(x, verbose=0), expected):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)
