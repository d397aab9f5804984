"""`dropout` / `recurrent_dropout`: active only in training, one mask per sequence."""

import jax
import numpy as np
import pytest

from lamina import layers as L


def _probe(dropout=0.0, recurrent_dropout=0.0, d=6):
    # A linear SimpleRNN whose output shows the masks: identity kernels, no bias.
    rnn = L.SimpleRNN(d, activation=None, use_bias=False, dropout=dropout,
                      recurrent_dropout=recurrent_dropout, seed=3, return_sequences=True)
    rnn.build((None, 4, d))
    eye = np.eye(d, dtype="float32")
    if recurrent_dropout:
        rnn.set_weights([np.zeros_like(eye), eye])
    else:
        rnn.set_weights([eye, np.zeros_like(eye)])
    return rnn


def test_input_mask_is_shared_by_all_steps_and_scaled(projection):
    rnn = _probe(dropout=0.5)
    out = np.asarray(rnn(np.ones((8, 4, 6), "float32"), training=True))
    for t in range(1, 4):
        np.testing.assert_array_equal(out[:, t], out[:, 0])
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert 0 < (out == 0).mean() < 1
    assert rnn.cell._dropout_mask is None  # released after the call


def test_recurrent_mask_is_shared_by_all_steps(projection):
    rnn = _probe(recurrent_dropout=0.5)
    h0 = np.ones((8, 6), "float32")
    out = np.asarray(rnn(np.ones((8, 4, 6), "float32"), initial_state=[h0], training=True))
    mask = out[:, 0]  # h1 = h0 * m
    assert set(np.unique(mask)) <= {0.0, 2.0} and 0 < (mask == 0).mean() < 1
    np.testing.assert_allclose(out[:, 1], mask * mask)  # h2 = h1 * m with the same m


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
def test_inactive_outside_training(rng, kind):
    x = rng.normal(size=(3, 5, 4)).astype("float32")
    dropped = getattr(L, kind)(4, dropout=0.4, recurrent_dropout=0.3, seed=1)
    plain = getattr(L, kind)(4)
    dropped.build(x.shape)
    plain.build(x.shape)
    plain.set_weights(dropped.get_weights())
    np.testing.assert_allclose(np.asarray(dropped(x)), np.asarray(plain(x)), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(dropped(x, training=False)), np.asarray(plain(x)), rtol=1e-6)
    trained = np.asarray(dropped(x, training=True))
    assert not np.allclose(trained, np.asarray(plain(x)))
    assert not np.allclose(trained, np.asarray(dropped(x, training=True)))  # fresh masks per call


def test_dropout_inside_jit_threads_the_seed_state(rng):
    lstm = L.LSTM(3, dropout=0.5, recurrent_dropout=0.5, seed=0)
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    lstm.build(x.shape)

    @jax.jit
    def run(trainable, non_trainable, xb):
        return lstm.stateless_call(trainable, non_trainable, xb, training=True)

    tv = [v.value for v in lstm.trainable_variables]
    ntv = [v.value for v in lstm.non_trainable_variables]
    y1, ntv1 = run(tv, ntv, x)
    y2, _ = run(tv, ntv1, x)
    assert len(ntv) == 1  # the seed generator's state
    assert not np.array_equal(np.asarray(ntv1[0]), np.asarray(ntv[0]))
    assert not np.allclose(np.asarray(y1), np.asarray(y2))
    assert lstm.cell._dropout_mask is None and lstm.cell._recurrent_dropout_mask is None


def test_rates_are_clipped_and_validated():
    assert L.GRU(2, dropout=1.5).dropout == 1.0
    assert L.LSTM(2, recurrent_dropout=-1).recurrent_dropout == 0.0
    with pytest.raises(ValueError, match="dropout"):
        L.SimpleRNN(2, dropout="half")
