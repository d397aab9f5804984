"""`BatchNormalization` against real Keras 3: inference, training statistics, masks, renorm, jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from layer_parity import assert_layer_matches

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _x(*shape, loc=1.0, scale=2.0):
    return (RNG.normal(size=shape) * scale + loc).astype("float32")


CASES = [
    ({}, (6, 3)),
    ({"axis": 1}, (4, 3, 5)),
    ({"axis": -2, "center": False}, (4, 3, 5)),
    ({"scale": False, "momentum": 0.9, "epsilon": 1e-2}, (4, 2, 2, 3)),
    ({"axis": 1, "beta_initializer": "ones", "gamma_initializer": "zeros"}, (4, 3, 2, 2)),
    ({"moving_mean_initializer": "ones", "moving_variance_initializer": "zeros", "gamma_regularizer": "l2"}, (5, 4)),
]


@pytest.mark.parametrize("kwargs,shape", CASES)
@pytest.mark.parametrize("training", [False, True])
def test_batch_normalization_matches_keras(kwargs, shape, training):
    # In training the outputs use batch statistics and the moving ones are updated; the helper
    # also compares the weights after the call, i.e. the new moving_mean / moving_variance.
    assert_layer_matches(keras, "BatchNormalization", (), kwargs, _x(*shape), call_kwargs={"training": training})


def test_moving_statistics_follow_keras_over_several_steps():
    ours, theirs = layers.BatchNormalization(momentum=0.7), keras.layers.BatchNormalization(momentum=0.7)
    for _ in range(4):
        x = _x(8, 3)
        np.testing.assert_allclose(
            np.asarray(ours(x, training=True)), np.asarray(theirs(x, training=True)), rtol=1e-5, atol=1e-5
        )
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)
    x = _x(8, 3)
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)


def test_frozen_layer_runs_in_inference_mode_even_when_training():
    layer = layers.BatchNormalization()
    x = _x(8, 3)
    layer(x)
    layer.trainable = False
    before = [w.copy() for w in layer.get_weights()]
    y = layer(x, training=True)
    for a, b in zip(layer.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.asarray(y), np.asarray(layer(x, training=False)), rtol=1e-6)
    assert layer.trainable_weights == []
    frozen = keras.layers.BatchNormalization()
    frozen(x)
    frozen.trainable = False
    np.testing.assert_allclose(np.asarray(y), np.asarray(frozen(x, training=True)), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axis", [-1, 1])
def test_masked_training_statistics_match_keras(axis):
    x = _x(4, 5, 3)
    mask = RNG.random((4, 5)) > 0.4
    mask[:, 0] = True
    ours, theirs = layers.BatchNormalization(axis=axis), keras.layers.BatchNormalization(axis=axis)
    np.testing.assert_allclose(
        np.asarray(ours(x, training=True, mask=mask)), np.asarray(theirs(x, training=True, mask=mask)),
        rtol=1e-5, atol=1e-5,
    )
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)


def test_mask_with_wrong_rank_is_rejected():
    with pytest.raises(ValueError, match="one axis less than the inputs"):
        layers.BatchNormalization()(_x(4, 5, 3), training=True, mask=np.ones((4, 5, 3), bool))


def test_batch_renormalization_matches_keras():
    kwargs = {"renorm": True, "renorm_clipping": {"rmax": 1.5, "rmin": 0.5, "dmax": 0.5}, "renorm_momentum": 0.8}
    ours, theirs = layers.BatchNormalization(**kwargs), keras.layers.BatchNormalization(**kwargs)
    for step in range(3):
        x = _x(6, 3, loc=step)
        np.testing.assert_allclose(
            np.asarray(ours(x, training=True)), np.asarray(theirs(x, training=True)), rtol=1e-5, atol=1e-5
        )
    assert [w.path.split("/")[-1] for w in ours.weights] == [w.path.split("/")[-1] for w in theirs.weights]
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)


def test_training_update_works_inside_jit_through_stateless_call():
    layer = layers.BatchNormalization(momentum=0.5)
    x = _x(8, 3)
    layer(x)
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    @jax.jit
    def step(nt, x):
        return layer.stateless_call(trainable, nt, x, training=True)

    y, new_nt = step(non_trainable, x)
    reference = keras.layers.BatchNormalization(momentum=0.5)
    expected = reference(x, training=True)
    np.testing.assert_allclose(np.asarray(y), np.asarray(expected), rtol=1e-5, atol=1e-5)
    names = [v.path.split("/")[-1] for v in layer.non_trainable_variables]
    ref = {w.path.split("/")[-1]: np.asarray(w.value) for w in reference.weights}
    for name, value in zip(names, new_nt):
        np.testing.assert_allclose(np.asarray(value), ref[name], rtol=1e-5, atol=1e-6)
    # The layer's own variables are untouched by the stateless call.
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(3, "float32"))


def test_batch_statistics_gradient_matches_finite_differences():
    layer = layers.BatchNormalization()
    x = _x(5, 2)
    layer(x)
    w = RNG.normal(size=(5, 2)).astype("float32")
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]

    def f(v):
        return jnp.sum(layer.stateless_call(tv, ntv, v, training=True)[0] * w)

    g = np.asarray(jax.grad(f)(x))
    eps = 1e-2
    for i, j in [(0, 0), (3, 1), (4, 0)]:
        d = np.zeros_like(x)
        d[i, j] = eps
        numeric = (float(f(x + d)) - float(f(x - d))) / (2 * eps)
        np.testing.assert_allclose(g[i, j], numeric, rtol=2e-2, atol=2e-3)


def test_in_a_model_training_flag_reaches_the_layer():
    model = lamina.Sequential([lamina.Input(shape=(3,)), layers.BatchNormalization(momentum=0.0)])
    x = _x(16, 3)
    model(x, training=True)
    np.testing.assert_allclose(model.layers[0].moving_mean.numpy(), x.mean(axis=0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("make,call,match", [
    (lambda: layers.BatchNormalization(axis=3), lambda layer: layer(_x(2, 3)), "axis 3 is out of bounds"),
    (lambda: layers.BatchNormalization(renorm=True, renorm_clipping={"rmx": 1}), None, "renorm_clipping"),
    (lambda: layers.BatchNormalization(axis=[1, 2]), None, "single feature axis"),
])
def test_errors(make, call, match):
    with pytest.raises(ValueError, match=match):
        layer = make()
        if call:
            call(layer)


def test_input_with_other_feature_size_is_rejected_after_build():
    layer = layers.BatchNormalization()
    layer(_x(2, 3))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(_x(2, 4))


def test_fit_of_a_convnet_with_batchnorm_matches_keras():
    # End to end through the trainer: batch statistics in the jitted train step, moving
    # statistics threaded back out, and the same losses and final weights as Keras.
    x = _x(32, 6, 6, 1, loc=0.0, scale=1.0)
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("int32")

    def build(lib):
        L = lib.layers
        return lib.Sequential([
            lib.Input(shape=(6, 6, 1)), L.Conv2D(3, 3, padding="same", activation="relu"), L.BatchNormalization(),
            L.MaxPooling2D(), L.GlobalAveragePooling2D(), L.Dense(2),
        ])

    km, lm = build(keras), build(lamina)
    lm.set_weights([np.asarray(w) for w in km.get_weights()])
    histories = []
    for model, lib in ((km, keras), (lm, lamina)):
        model.compile(optimizer=lib.optimizers.SGD(0.1),
                      loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
        histories.append(model.fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-4)
    for a, b in zip(lm.get_weights(), km.get_weights()):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-4, atol=1e-5)
