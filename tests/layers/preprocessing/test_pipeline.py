import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.layers.preprocessing.pipeline import Pipeline


def _image():
    return np.random.default_rng(0).integers(0, 256, (2, 8, 6, 3)).astype("float32")


def test_rescaling_resizing_equals_keras(keras3):
    x = _image()
    ours = Pipeline([layers.Rescaling(1 / 255.0, offset=-0.5), layers.Resizing(4, 5),
                     layers.CenterCrop(3, 3)])
    theirs = keras3.layers.Pipeline([keras3.layers.Rescaling(1 / 255.0, offset=-0.5),
                                     keras3.layers.Resizing(4, 5), keras3.layers.CenterCrop(3, 3)])
    np.testing.assert_allclose(ours(x), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)
    assert tuple(ours(lamina.Input((8, 6, 3))).shape) == tuple(theirs(keras3.Input((8, 6, 3))).shape)
    assert ours.compute_output_shape((None, 8, 6, 3)) == (None, 3, 3, 3)


def test_training_flag_reaches_random_layers():
    x = _image()
    pipe = Pipeline([layers.RandomFlip("horizontal", seed=1), layers.Rescaling(2.0)])
    np.testing.assert_allclose(pipe(x, training=False), x * 2.0)
    flipped = np.asarray(pipe(np.repeat(x[:1], 16, 0)))  # Keras's default: training=True
    assert any(not np.allclose(f, x[0] * 2.0) for f in flipped)


def test_config_round_trip_matches_keras(keras3):
    ours = Pipeline([layers.Rescaling(0.5), layers.Resizing(4, 4)], name="prep")
    theirs = keras3.layers.Pipeline([keras3.layers.Rescaling(0.5), keras3.layers.Resizing(4, 4)],
                                    name="prep")
    config, kconfig = ours.get_config(), theirs.get_config()
    assert set(config) == set(kconfig) == {"layers", "name"}
    assert [c["class_name"] for c in config["layers"]] == [c["class_name"] for c in kconfig["layers"]]
    assert set(config["layers"][1]["config"]) == set(kconfig["layers"][1]["config"])
    clone = Pipeline.from_config(config)
    assert [type(x).__name__ for x in clone.layers] == ["Rescaling", "Resizing"]
    x = _image()
    np.testing.assert_allclose(clone(x), ours(x))
    # Keras's own serialized config loads in lamina and computes the same thing.
    np.testing.assert_allclose(Pipeline.from_config(kconfig)(x), np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)


def test_inside_a_model_trains_and_saves(tmp_path):
    x = _image()
    inputs = lamina.Input((8, 6, 3))
    outputs = Pipeline([layers.Rescaling(1 / 255.0), layers.Resizing(4, 4), layers.Dense(2)])(inputs)
    model = lamina.Model(inputs, outputs)
    assert len(model.trainable_weights) == 2
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((2, 4, 4, 2)), verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="list of Layer instances"):
        Pipeline([lambda x: x])
    with pytest.raises(ValueError, match="`layers` key"):
        Pipeline.from_config({"name": "p"})
