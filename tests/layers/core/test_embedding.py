"""`Embedding` against real Keras 3: lookups, masks, config, gradients, Keras 2 arguments."""

import sys
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina import layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "convolutional"))
from layer_parity import assert_config_matches, weight_names  # noqa: E402

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _pair(*args, **kwargs):
    k, lam = keras.layers.Embedding(*args, **kwargs), layers.Embedding(*args, **kwargs)
    k.build()
    lam.build()
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    return k, lam


@pytest.mark.parametrize("kwargs", [
    {}, {"mask_zero": True}, {"embeddings_initializer": "glorot_uniform", "embeddings_regularizer": "l2"},
    {"embeddings_constraint": "unit_norm", "activity_regularizer": "l1"},
])
@pytest.mark.parametrize("ids", [np.array([[1, 2, 0], [6, 6, 3]]), np.array([4, 0, 5]),
                                 np.array([[[1.0, 2.0]], [[0.0, 3.0]]], "float32")])
def test_embedding_matches_keras(kwargs, ids):
    k, lam = _pair(7, 3, **kwargs)
    assert weight_names(lam) == weight_names(k) == ["embeddings"]
    assert lam.count_params() == k.count_params() == 21
    np.testing.assert_allclose(np.asarray(lam(ids)), np.asarray(k(ids)), rtol=1e-6)
    assert tuple(lam.compute_output_shape((None, 3))) == tuple(k.compute_output_shape((None, 3)))
    mask_l, mask_k = lam.compute_mask(ids), k.compute_mask(ids)
    if kwargs.get("mask_zero"):
        np.testing.assert_array_equal(np.asarray(mask_l), np.asarray(mask_k))
    else:
        assert mask_l is None and mask_k is None
    assert_config_matches(k, lam)
    np.testing.assert_allclose(
        sorted(float(v) for v in lam.losses), sorted(float(v) for v in k.losses), rtol=1e-5
    )


def test_default_initializer_is_uniform_in_plus_minus_0_05():
    layer = layers.Embedding(50, 8)
    layer.build()
    table = layer.embeddings.numpy()
    assert np.abs(table).max() <= 0.05
    assert layer.get_config()["embeddings_initializer"]["class_name"] == "RandomUniform"


def test_gradient_reaches_only_the_looked_up_rows():
    k, lam = _pair(5, 2)
    ids = np.array([[1, 3, 1]])
    w = RNG.normal(size=(1, 3, 2)).astype("float32")

    def grads(layer):
        tv = [v.value for v in layer.trainable_variables]
        return jax.grad(lambda t: jnp.sum(layer.stateless_call(t, [], ids)[0] * w))(tv)[0]

    g = np.asarray(grads(lam))
    np.testing.assert_allclose(g, np.asarray(grads(k)), rtol=1e-6)
    np.testing.assert_allclose(g[1], w[0, 0] + w[0, 2], rtol=1e-6)
    np.testing.assert_array_equal(g[[0, 2, 4]], 0.0)


def test_input_length_gives_sequential_its_input_shape():
    model = lamina.Sequential([layers.Embedding(100, 8, input_length=10), layers.Flatten(), layers.Dense(1)])
    assert model.built
    assert model.output.shape == (None, 1)
    assert model.layers[1].output.shape == (None, 80)
    assert model.count_params() == 100 * 8 + 80 + 1


def test_weights_argument_sets_the_table():
    table = RNG.normal(size=(4, 2)).astype("float32")
    layer = layers.Embedding(4, 2, weights=[table])
    np.testing.assert_array_equal(layer.embeddings.numpy(), table)
    np.testing.assert_array_equal(np.asarray(layer(np.array([3, 0]))), table[[3, 0]])


def test_mask_zero_propagates_through_a_functional_model():
    inputs = lamina.Input(shape=(4,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(inputs)
    outputs = layers.GlobalAveragePooling1D()(x)
    model = lamina.Model(inputs, outputs)
    table = model.layers[1].embeddings.numpy()
    np.testing.assert_allclose(np.asarray(model(np.array([[5, 7, 0, 0]])))[0], table[[5, 7]].mean(0), rtol=1e-6)


@pytest.mark.parametrize("args,match", [
    ((0, 3), "input_dim"), ((5, -1), "output_dim"), ((5.0, 3), "input_dim"), ((True, 3), "input_dim"),
])
def test_bad_arguments_raise_clear_errors(args, match):
    with pytest.raises(ValueError, match=match):
        layers.Embedding(*args)
