"""The `Layer` base: lazy weights, names, reprs, freezing, get/set_weights, counting, tracking."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina import layers


def _x(*shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


# ------------------------------------------------------------------------------ lazy weights
def test_weights_are_created_on_first_call():
    layer = layers.Dense(3)
    assert layer.weights == [] and not layer.built
    assert layer.trainable_weights == [] and layer.non_trainable_weights == []
    layer(_x(2, 4))
    assert layer.built
    assert [tuple(w.shape) for w in layer.weights] == [(4, 3), (3,)]
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]


def test_build_from_a_symbolic_call():
    layer = layers.Dense(2)
    layer(lamina.Input(shape=(7,)))
    assert layer.built
    assert [tuple(w.shape) for w in layer.weights] == [(7, 2), (2,)]


def test_explicit_build_marks_the_layer_built(keras3):
    # A direct build() must count as building: a later call must not create a second set.
    layer = layers.Dense(5)
    layer.build((None, 3))
    assert layer.built and tuple(layer.kernel.shape) == (3, 5)
    layer(_x(1, 3))
    assert len(layer.weights) == 2
    theirs = keras3.layers.Dense(5)
    theirs.build((None, 3))
    assert theirs.built


def test_second_call_reuses_weights():
    layer = layers.Dense(3)
    layer(_x(2, 4))
    first = list(layer.weights)
    layer(_x(5, 4))
    assert all(a is b for a, b in zip(first, layer.weights)) and len(layer.weights) == 2


# ------------------------------------------------------------------------------ names and reprs
def test_auto_names_count_per_class():
    names = [layers.Dense(1).name, layers.Dense(1).name, layers.Dropout(0.1).name, layers.Dense(1).name]
    assert names == ["dense", "dense_1", "dropout", "dense_2"]
    assert layers.Dense(1, name="head").name == "head"
    # Keras names classes the same way.
    assert layers.RepeatVector(2).name == "repeat_vector"


def test_name_must_be_a_string_without_slash():
    with pytest.raises(ValueError, match="name"):
        layers.Dense(1, name="a/b")
    with pytest.raises(ValueError, match="name"):
        layers.Dense(1, name=3)


def test_layer_repr():
    layer = layers.Dense(3)
    assert repr(layer) == "<Dense name=dense, built=False>"
    layer(_x(1, 4))
    assert repr(layer) == "<Dense name=dense, built=True>"


def test_variable_repr():
    layer = layers.Dense(3)
    layer(_x(1, 4))
    assert repr(layer.kernel) == "<KerasVariable shape=(4, 3), dtype=float32, path=dense/kernel>"


def test_unknown_keyword_argument_is_named():
    with pytest.raises(ValueError, match="unit") as info:
        layers.Dense(3, unit=4)
    assert "Dense" in str(info.value)


def test_keras2_first_layer_arguments_are_accepted():
    for kwargs in ({"input_shape": (4,)}, {"input_dim": 4}, {"batch_input_shape": (None, 4)}):
        assert layers.Dense(2, **kwargs).units == 2
    with pytest.raises(ValueError, match="input_dim"):
        layers.Dense(2, input_dim=-1)


# ------------------------------------------------------------------------------ freezing
def test_trainable_false_freezes_all_weights():
    layer = layers.Dense(3)
    layer(_x(1, 4))
    layer.trainable = False
    assert layer.trainable_weights == []
    assert [w.path for w in layer.non_trainable_weights] == ["dense/kernel", "dense/bias"]
    layer.trainable = True
    assert len(layer.trainable_weights) == 2 and layer.non_trainable_weights == []


def test_trainable_false_in_constructor_freezes_the_layer():
    layer = layers.Dense(3, trainable=False)
    layer(_x(1, 4))
    assert layer.trainable_weights == []
    assert len(layer.non_trainable_weights) == 2


def test_frozen_at_construction_stays_frozen_inside_a_model(keras3):
    x = lamina.Input(shape=(4,))
    model = lamina.Model(x, layers.Dense(2)(layers.Dense(3, trainable=False, name="frozen")(x)))
    assert [w.path for w in model.trainable_weights] == ["dense/kernel", "dense/bias"]
    assert [w.path for w in model.non_trainable_weights] == ["frozen/kernel", "frozen/bias"]
    assert model.get_layer("frozen").kernel.trainable is False
    kx = keras3.Input(shape=(4,))
    kmodel = keras3.Model(kx, keras3.layers.Dense(2)(keras3.layers.Dense(3, trainable=False, name="frozen")(kx)))
    assert len(kmodel.trainable_weights) == 2 and kmodel.get_layer("frozen").kernel.trainable is False


def test_frozen_before_build_stays_frozen_in_sequential():
    model = lamina.Sequential([layers.Dense(3), layers.Dense(2)])
    model.layers[0].trainable = False
    model(_x(1, 4))
    assert [w.path for w in model.trainable_weights] == [w.path for w in model.layers[1].weights]


# ------------------------------------------------------------------------------ get/set_weights
def test_get_set_weights_round_trip():
    layer = layers.Dense(3)
    layer(_x(1, 4))
    new = [_x(4, 3, seed=1), _x(3, seed=2)]
    layer.set_weights(new)
    for got, want in zip(layer.get_weights(), new):
        assert isinstance(got, np.ndarray)
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(layer(_x(2, 4, seed=3)), _x(2, 4, seed=3) @ new[0] + new[1], rtol=1e-5, atol=1e-6)


def test_set_weights_wrong_count_says_what_was_expected():
    layer = layers.Dense(3)
    layer(_x(1, 4))
    with pytest.raises(ValueError) as info:
        layer.set_weights([np.zeros((4, 3))])
    msg = str(info.value)
    assert "expected 2" in msg and "received 1" in msg and "(3,)" in msg


def test_set_weights_wrong_shape_names_the_weight():
    layer = layers.Dense(3)
    layer(_x(1, 4))
    with pytest.raises(ValueError) as info:
        layer.set_weights([np.zeros((4, 2)), np.zeros(3)])
    msg = str(info.value)
    assert "dense/kernel" in msg and "(4, 3)" in msg and "(4, 2)" in msg


def test_set_weights_failure_assigns_nothing():
    layer = layers.Dense(2, bias_initializer="ones")
    layer(_x(1, 2))
    before = layer.get_weights()
    with pytest.raises(ValueError):
        layer.set_weights([np.zeros((2, 2)), np.zeros(5)])
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weights_constructor_argument_sets_initial_weights():
    w = [_x(3, 2, seed=4), _x(2, seed=5)]
    layer = layers.Dense(2, weights=w)
    layer(_x(1, 3))
    np.testing.assert_array_equal(layer.get_weights()[0], w[0])


# ------------------------------------------------------------------------------ count_params
def test_count_params(keras3):
    layer = layers.Dense(3)
    with pytest.raises(ValueError, match="not built"):
        layer.count_params()
    layer(_x(1, 4))
    theirs = keras3.layers.Dense(3)
    theirs.build((1, 4))
    assert layer.count_params() == theirs.count_params() == 15
    no_bias = layers.Dense(3, use_bias=False)
    no_bias(lamina.Input(shape=(4,)))
    assert no_bias.count_params() == 12


# ------------------------------------------------------------------------------ subclassing
class Scale(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.builds = []

    def build(self, input_shape):
        self.builds.append(tuple(input_shape))
        self.w = self.add_weight(name="w", shape=(input_shape[-1],), initializer="ones")
        self.count = self.add_weight(name="count", shape=(), initializer="zeros", trainable=False)

    def call(self, inputs, training=None):
        self.count.assign(self.count + 1.0)
        return inputs * self.w + (1.0 if training else 0.0)


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(2, name="inner")
        self.scale = Scale(name="scale")

    def call(self, inputs):
        return self.scale(self.inner(inputs))


def test_subclass_build_once_and_training_flag():
    layer = Scale()
    x = _x(2, 3)
    np.testing.assert_allclose(layer(x), x)
    np.testing.assert_allclose(layer(x, training=True), x + 1)
    assert layer.builds == [(2, 3)]
    assert float(layer.count.numpy()) == 2.0
    assert [w.name for w in layer.trainable_weights] == ["w"]
    assert [w.name for w in layer.non_trainable_weights] == ["count"]


def test_nested_layers_are_tracked_with_scoped_paths():
    block = Block()
    block(_x(1, 3))
    assert [w.path for w in block.weights] == [
        "block/inner/kernel", "block/inner/bias", "block/scale/w", "block/scale/count",
    ]
    assert len(block.trainable_weights) == 3
    block.trainable = False
    assert block.trainable_weights == [] and block.inner.trainable is False


def test_stateless_call_uses_the_given_values():
    layer = layers.Dense(2)
    x = _x(3, 4)
    layer(x)
    kernel = jnp.ones((4, 2))
    bias = jnp.zeros((2,))
    out, _ = layer.stateless_call([kernel, bias], [], x)
    np.testing.assert_allclose(out, x @ np.ones((4, 2)), rtol=1e-5)
    # The layer's own weights are untouched.
    assert not np.allclose(layer.get_weights()[0], 1.0)
    grad = jax.grad(lambda k: jnp.sum(layer.stateless_call([k, bias], [], x)[0]))(kernel)
    np.testing.assert_allclose(grad, np.repeat(x.sum(0)[:, None], 2, axis=1), rtol=1e-5)


def test_fit_leaves_a_layer_frozen_at_construction_unchanged():
    x = lamina.Input(shape=(4,))
    model = lamina.Model(x, layers.Dense(1)(layers.Dense(3, trainable=False, name="frozen")(x)))
    before = model.get_layer("frozen").get_weights()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_x(8, 4), _x(8, 1, seed=1), epochs=1, verbose=0)
    for a, b in zip(before, model.get_layer("frozen").get_weights()):
        np.testing.assert_array_equal(a, b)


def test_automatic_names_follow_keras_snake_case(keras3):
    from keras.src.utils.naming import to_snake_case as keras_snake

    from lamina.backend.naming import to_snake_case

    # Every public layer, metric, loss, optimizer and callback class name, plus acronym-heavy ones.
    names = [n for mod in (layers, lamina.metrics, lamina.losses, lamina.optimizers, lamina.callbacks)
             for n in dir(mod) if n[:1].isupper()]
    names += ["ConvLSTM2D", "GRUCell", "R2Score", "MeanIoU", "HTTPServer2", "My Layer!"]
    assert [to_snake_case(n) for n in names] == [keras_snake(n) for n in names]
