"""Wrapper (the base of layer wrappers) against real Keras 3: building, weight paths, config nesting."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers


class Scaled(layers.Wrapper):
    """A minimal wrapper: the wrapped layer's output times a constant."""

    def __init__(self, layer, factor=2.0, **kwargs):
        super().__init__(layer, **kwargs)
        self.factor = factor

    def call(self, inputs):
        return self.factor * self.layer(inputs)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_config_nests_the_wrapped_layer_like_keras():
    kw = keras.layers.Wrapper(keras.layers.Dense(3, name="dense"), name="wrapper")
    lw = layers.Wrapper(layers.Dense(3, name="dense"), name="wrapper")
    assert lw.get_config() == kw.get_config()
    clone = layers.Wrapper.from_config(lw.get_config())
    assert isinstance(clone.layer, layers.Dense) and clone.layer.units == 3 and clone.name == "wrapper"
    assert layers.deserialize(keras.layers.serialize(kw)).layer.get_config() == kw.layer.get_config()


def test_builds_the_wrapped_layer_under_its_name():
    w = Scaled(layers.Dense(2, kernel_initializer="ones", name="dense"), name="scaled")
    w.build((None, 3))
    assert w.built and w.layer.built
    assert [v.path for v in w.weights] == ["scaled/dense/kernel", "scaled/dense/bias"]
    np.testing.assert_allclose(w(np.ones((1, 3), "float32")), [[6.0, 6.0]])
    k = keras.layers.Wrapper(keras.layers.Dense(2, name="dense"), name="scaled")
    k.build((None, 3))
    assert [v.path for v in k.weights] == [v.path for v in w.weights]


def test_a_wrapped_layer_that_is_already_built_is_kept():
    dense = layers.Dense(2)
    dense.build((None, 4))
    kernel = dense.kernel
    w = Scaled(dense)
    w(np.ones((1, 4), "float32"))
    assert w.layer.kernel is kernel


def test_subclass_saves_and_loads(tmp_path):
    lamina.saving.register_keras_serializable("test_wrapper")(Scaled)
    model = lamina.Sequential([lamina.Input((3,)), Scaled(layers.Dense(2), factor=3.0)])
    x = np.random.default_rng(0).normal(size=(2, 3)).astype("float32")
    model.save(tmp_path / "m.keras")
    loaded = lamina.saving.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].factor == 3.0
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_non_layer_argument_is_rejected_with_a_clear_error():
    with pytest.raises(ValueError, match=r"Wrapper: `layer` must be a layer instance.*Received: layer=3 of type int"):
        layers.Wrapper(3)
    with pytest.raises(ValueError, match=r"Scaled: `layer` must be a layer instance"):
        Scaled(layers.Dense)
