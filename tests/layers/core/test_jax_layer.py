import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina.layers.core.jax_layer import JaxLayer


def mlp_init(rng, inputs):
    k1, k2 = jax.random.split(rng)
    return {"w1": jax.random.normal(k1, (inputs.shape[-1], 8)) * 0.3, "b1": jnp.zeros(8),
            "w2": jax.random.normal(k2, (8, 1)) * 0.3, "b2": jnp.zeros(1)}


def mlp_call(params, inputs):
    h = jax.nn.relu(inputs @ params["w1"] + params["b1"])
    return h @ params["w2"] + params["b2"]


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((32, 4)).astype("float32")
    return x, x.sum(1, keepdims=True)


def test_mlp_with_init_fn_trains_and_matches_the_math(keras3):
    x, y = _data()
    layer = JaxLayer(mlp_call, mlp_init)
    model = lamina.Sequential([lamina.Input((4,)), layer])
    params = jax.tree_util.tree_map(lambda v: np.asarray(v.value), layer.params)
    np.testing.assert_allclose(model.predict(x, verbose=0), mlp_call(params, x), rtol=1e-5, atol=1e-6)
    # Keras's JaxLayer given the same params computes the same outputs.
    ref = keras3.layers.JaxLayer(mlp_call, params=params)
    np.testing.assert_allclose(np.asarray(ref(x)), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    model.compile(lamina.optimizers.Adam(0.01), "mse")
    hist = model.fit(x, y, epochs=15, batch_size=16, verbose=0).history["loss"]
    assert hist[-1] < hist[0] * 0.8
    trained = jax.tree_util.tree_map(lambda v: np.asarray(v.value), layer.params)
    assert not np.allclose(trained["w1"], params["w1"])
    np.testing.assert_allclose(model.predict(x, verbose=0), mlp_call(trained, x), rtol=1e-5, atol=1e-6)
    assert len(layer.trainable_weights) == 4 and not layer.non_trainable_weights


def test_state_variant_updates_non_trainable_state(keras3):
    def call_fn(params, state, inputs):
        return inputs * params["scale"] + state["count"], {"count": state["count"] + 1.0}

    params, state = {"scale": np.float32(2.0)}, {"count": np.zeros((3,), "float32")}
    layer = JaxLayer(call_fn, params=params, state=state)
    ref = keras3.layers.JaxLayer(call_fn, params=params, state=state)
    x = np.ones((2, 3), "float32")
    for _ in range(2):
        np.testing.assert_allclose(layer(x), np.asarray(ref(x)))
    np.testing.assert_allclose(layer.state["count"].numpy(), [2.0, 2.0, 2.0])
    assert [w.trainable for w in layer.weights] == [True, False]


def test_state_from_init_fn_and_training_argument():
    def init_fn(inputs, training):
        assert training is True
        return {"w": jnp.ones((inputs.shape[-1],))}, {"n": jnp.zeros(())}

    def call_fn(params, state, inputs, training):
        factor = 1.0 if training else 0.5
        return inputs * params["w"] * factor, {"n": state["n"] + 1.0}

    layer = JaxLayer(call_fn, init_fn)
    x = np.ones((2, 3), "float32")
    np.testing.assert_allclose(layer(x, training=True), x)
    np.testing.assert_allclose(layer(x, training=False), x * 0.5)
    np.testing.assert_allclose(layer(x), x * 0.5)  # Keras's default: inference
    assert float(layer.state["n"].numpy()) == 3.0


def test_rng_is_a_key_in_training_and_none_in_inference():
    seen = []

    def call_fn(rng, inputs):
        seen.append(rng)
        if rng is None:
            return inputs
        return inputs * jax.random.bernoulli(rng, 0.5, inputs.shape)

    layer = JaxLayer(call_fn, seed=1)
    x = np.ones((4, 64), "float32")
    np.testing.assert_allclose(layer(x), x)
    a, b = layer(x, training=True), layer(x, training=True)
    assert seen[0] is None and seen[1] is not None
    assert 0.2 < float(jnp.mean(a)) < 0.8 and not np.allclose(a, b)
    np.testing.assert_allclose(JaxLayer(call_fn, seed=1)(x, training=True), a)


def test_weights_round_trip_and_save_load(tmp_path):
    x, _ = _data()
    model = lamina.Sequential([lamina.Input((4,)), JaxLayer(mlp_call, mlp_init)])
    weights = model.get_weights()
    other = lamina.Sequential([lamina.Input((4,)), JaxLayer(mlp_call, mlp_init)])
    other.set_weights(weights)
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    path = str(tmp_path / "m.weights.h5")
    model.save_weights(path)
    third = lamina.Sequential([lamina.Input((4,)), JaxLayer(mlp_call, mlp_init)])
    third.load_weights(path)
    np.testing.assert_allclose(third.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    with pytest.raises(ValueError, match="expected 4 arrays"):
        other.layers[0].set_weights(weights[:2])


def test_config_keys_match_keras_and_round_trip(keras3):
    params = {"w1": np.ones((4, 8), "float32"), "b1": np.zeros(8, "float32"),
              "w2": np.ones((8, 1), "float32"), "b2": np.zeros(1, "float32")}
    ours = JaxLayer(mlp_call, mlp_init).get_config()
    theirs = keras3.layers.JaxLayer(mlp_call, params=params).get_config()
    assert set(ours) == set(theirs)
    assert ours["call_fn"]["config"] == "mlp_call" and ours["init_fn"]["config"] == "mlp_init"
    with lamina.saving.custom_object_scope({"mlp_call": mlp_call, "mlp_init": mlp_init}):
        clone = JaxLayer.from_config(ours)
    assert clone.call_fn is mlp_call and clone.init_fn is mlp_init


def test_symbolic_shape_matches_keras(keras3):
    params = mlp_init(jax.random.PRNGKey(0), np.ones((1, 4)))
    ours = JaxLayer(mlp_call, mlp_init)(lamina.Input((4,)))
    theirs = keras3.layers.JaxLayer(mlp_call, params=params)(keras3.Input((4,)))
    assert tuple(ours.shape) == tuple(theirs.shape) == (None, 1)
    # Keras 3.15.1 bug: building with `init_fn` calls `tf.inside_function()` even on the JAX
    # backend, so without TensorFlow installed it crashes; lamina builds it (above).
    with pytest.raises(ImportError, match="tensorflow"):
        keras3.layers.JaxLayer(mlp_call, mlp_init)(keras3.Input((4,)))


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="unsupported argument `x`.*supported names"):
        JaxLayer(lambda params, x: x, params={})
    with pytest.raises(ValueError, match="argument named `inputs`"):
        JaxLayer(lambda params: params, params={})
    with pytest.raises(ValueError, match="nothing to initialize"):
        JaxLayer(mlp_call)
    with pytest.raises(TypeError, match="`call_fn` must be callable"):
        JaxLayer("mlp")


def test_keras_file_round_trip_with_custom_objects(tmp_path):
    # The functions are saved by name; loading needs them as custom objects, as in Keras.
    x, y = _data()
    model = lamina.Sequential([lamina.Input((4,)), JaxLayer(mlp_call, mlp_init)])
    model.compile("sgd", "mse")
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path, custom_objects={"mlp_call": mlp_call, "mlp_init": mlp_init})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
