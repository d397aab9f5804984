"""`stateful=True`: the last states of a batch are the initial states of the next one."""

import numpy as np
import pytest

import lamina
from lamina import layers as L


def _split(rng, b=2, t=6, d=3):
    x = rng.normal(size=(b, t, d)).astype("float32")
    return x, x[:, : t // 2], x[:, t // 2:]


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
def test_state_carries_across_calls_and_resets(rng, kind):
    x, first, second = _split(rng)
    stateful = getattr(L, kind)(4, stateful=True, return_sequences=True)
    plain = getattr(L, kind)(4, return_sequences=True)
    stateful.build(first.shape)
    plain.build(first.shape)
    plain.set_weights(stateful.get_weights())
    whole = np.asarray(plain(x))
    np.testing.assert_allclose(np.asarray(stateful(first)), whole[:, :3], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(stateful(second)), whole[:, 3:], rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    for v in stateful.states:
        assert np.all(v.numpy() == 0)
    np.testing.assert_allclose(np.asarray(stateful(second)), np.asarray(plain(second)),
                               rtol=1e-5, atol=1e-6)


def test_matches_keras_stateful_sequence(keras3, rng):
    x, first, second = _split(rng)

    def build(mod):
        return mod.Sequential([mod.Input(batch_shape=(2, 3, 3)),
                               mod.layers.LSTM(4, stateful=True, return_sequences=True),
                               mod.layers.GRU(2, stateful=True)])

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    for batch in (first, second, first):
        np.testing.assert_allclose(np.asarray(lam(batch)), np.asarray(k(batch)), rtol=1e-5, atol=1e-5)
    for kl, ll in zip(k.layers, lam.layers):
        kl.reset_state()
        ll.reset_state()
    np.testing.assert_allclose(np.asarray(lam(second)), np.asarray(k(second)), rtol=1e-5, atol=1e-5)


def test_states_are_non_trainable_variables_not_weights(rng):
    model = lamina.Sequential([L.LSTM(4, stateful=True, batch_input_shape=(2, 3, 5))])
    lstm = model.layers[0]
    assert len(lstm.weights) == 3 and len(model.get_weights()) == 3
    state_ids = {id(v) for v in lstm.states}
    assert state_ids <= {id(v) for v in model.non_trainable_variables}
    assert not state_ids & {id(v) for v in model.trainable_variables}
    assert [tuple(v.shape) for v in lstm.states] == [(2, 4), (2, 4)]
    # model(x) runs a compiled forward; the new states still come back.
    model(rng.normal(size=(2, 3, 5)).astype("float32"))
    assert not np.all(lstm.states[0].numpy() == 0)


def test_batch_size_from_batch_input_shape_or_batch_size_argument():
    a = L.GRU(3, stateful=True, batch_input_shape=(4, 2, 5))
    a.build((None, 2, 5))
    assert a.states[0].shape == (4, 3)
    b = L.GRU(3, stateful=True, batch_size=6)
    b.build((None, 2, 5))
    assert b.states[0].shape == (6, 3)


def test_unknown_batch_size_is_a_clear_error():
    with pytest.raises(ValueError, match="stateful.*batch_input_shape"):
        lamina.Sequential([L.Input((3, 5)), L.LSTM(4, stateful=True)])


def test_wrong_batch_size_is_a_clear_error(rng):
    lstm = L.LSTM(4, stateful=True)
    lstm(rng.normal(size=(2, 3, 5)).astype("float32"))
    with pytest.raises(ValueError, match="batch of 3"):
        lstm(rng.normal(size=(3, 3, 5)).astype("float32"))


def test_reset_state_with_values_and_errors(rng):
    lstm = L.LSTM(2, stateful=True)
    lstm.build((1, 3, 2))
    h, c = np.ones((1, 2), "float32"), np.full((1, 2), 2.0, "float32")
    lstm.reset_state([h, c])
    np.testing.assert_array_equal(lstm.states[1].numpy(), c)
    x = rng.normal(size=(1, 3, 2)).astype("float32")
    plain = L.LSTM(2)
    plain.build(x.shape)
    plain.set_weights(lstm.get_weights())
    np.testing.assert_allclose(np.asarray(lstm(x)), np.asarray(plain(x, initial_state=[h, c])),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="expected 2 state arrays"):
        lstm.reset_state([h])
    with pytest.raises(AttributeError, match="not stateful"):
        L.LSTM(2).reset_states()


def test_stateful_under_jit_with_stateless_scope(rng):
    # What the trainer does: run the layer as a pure function and read the new state back.
    import jax

    from lamina.backend import StatelessScope

    lstm = L.LSTM(3, stateful=True)
    x = rng.normal(size=(2, 4, 2)).astype("float32")
    lstm.build(x.shape)
    variables = lstm.variables

    @jax.jit
    def step(values, xb):
        with StatelessScope(list(zip(variables, values))) as scope:
            y = lstm(xb)
        return y, [scope.get_current_value(v) for v in lstm.states]

    y, new_states = step([v.value for v in variables], x)
    plain = L.LSTM(3, return_state=True)
    plain.build(x.shape)
    plain.set_weights(lstm.get_weights())
    _, h, c = plain(x)
    np.testing.assert_allclose(np.asarray(new_states[0]), np.asarray(h), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(new_states[1]), np.asarray(c), rtol=1e-6)
    assert np.all(lstm.states[0].numpy() == 0)  # nothing leaked out of the pure call
