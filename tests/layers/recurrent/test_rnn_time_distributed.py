"""`TimeDistributed` against real Keras 3: the same layer applied at every time step."""

import jax
import numpy as np
import pytest
from rnn_helpers import assert_same

import lamina
from lamina import layers as L


def _pair(keras3, make, shape):
    k, lam = make(keras3.layers), make(L)
    k.build(shape)
    lam.build(shape)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    return k, lam


def test_dense(keras3, rng):
    k, lam = _pair(keras3, lambda m: m.TimeDistributed(m.Dense(3, activation="relu")), (2, 5, 4))
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    assert_same(k(x), lam(x))
    assert lam.compute_output_shape((None, 5, 4)) == (None, 5, 3)


def test_conv2d(keras3, rng):
    k, lam = _pair(keras3, lambda m: m.TimeDistributed(m.Conv2D(2, 3, padding="same")), (2, 3, 6, 6, 1))
    x = rng.normal(size=(2, 3, 6, 6, 1)).astype("float32")
    assert_same(k(x), lam(x))
    assert lam.compute_output_shape((None, 3, 6, 6, 1)) == k.compute_output_shape((None, 3, 6, 6, 1))


def test_is_one_call_not_a_loop_over_steps(rng):
    td = L.TimeDistributed(L.Dense(3))
    x = rng.normal(size=(2, 7, 4)).astype("float32")
    td.build(x.shape)
    jaxpr = jax.make_jaxpr(lambda xx: td(xx))(x)
    assert str(jaxpr).count("dot_general") == 1
    # And the result is the wrapped layer applied to each step.
    out = np.asarray(td(x))
    for t in range(7):
        np.testing.assert_allclose(out[:, t], np.asarray(td.layer(x[:, t])), rtol=1e-5, atol=1e-6)


def test_weights_paths_config_and_errors(keras3):
    lam = L.TimeDistributed(L.Dense(2, name="dense"), name="time_distributed")
    lam.build((None, 4, 3))
    k = keras3.layers.TimeDistributed(keras3.layers.Dense(2, name="dense"), name="time_distributed")
    k.build((None, 4, 3))
    assert [w.path for w in lam.weights] == [w.path for w in k.weights]
    config = lam.get_config()
    assert set(config) == set(k.get_config())
    assert L.TimeDistributed.from_config(config).layer.units == 2
    with pytest.raises(ValueError, match="rank >= 3"):
        L.TimeDistributed(L.Dense(2)).build((None, 3))
    with pytest.raises(ValueError, match="layer instance"):
        L.TimeDistributed("dense")


def test_in_a_masked_sequence_model(keras3, rng):
    x = rng.normal(size=(2, 5, 3)).astype("float32")
    x[0, 3:] = 0.0

    def build(m):
        return m.Sequential([m.Input((5, 3)), m.layers.Masking(),
                             m.layers.LSTM(4, return_sequences=True),
                             m.layers.TimeDistributed(m.layers.Dense(2)),
                             m.layers.GRU(3)])

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    assert_same(k(x), lam(x))


def test_wrapping_a_recurrent_layer(rng):
    # (batch, outer steps, inner steps, features): an LSTM over each inner sequence.
    td = L.TimeDistributed(L.LSTM(3))
    x = rng.normal(size=(2, 4, 5, 2)).astype("float32")
    out = np.asarray(td(x))
    assert out.shape == (2, 4, 3)
    np.testing.assert_allclose(out[:, 1], np.asarray(td.layer(x[:, 1])), rtol=1e-5, atol=1e-6)
