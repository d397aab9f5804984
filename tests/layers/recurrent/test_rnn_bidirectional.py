"""`Bidirectional` against real Keras 3 with identical weights."""

import numpy as np
import pytest
from rnn_helpers import assert_same

import lamina
from lamina import layers as L

B, T, D = 3, 5, 4


def _mask():
    m = np.ones((B, T), bool)
    m[0, 3:] = False
    m[1, 0] = False
    return m


def _pair(keras3, rng, make):
    k, lam = make(keras3.layers), make(L)
    k.build((B, T, D))
    lam.build((B, T, D))
    lam.set_weights([np.asarray(w) + 0.1 for w in k.get_weights()])
    k.set_weights(lam.get_weights())
    return k, lam


@pytest.mark.parametrize("merge_mode,return_sequences", [
    ("concat", True), ("sum", False), ("mul", True), ("ave", True), (None, False)])
def test_merge_modes(keras3, rng, merge_mode, return_sequences):
    k, lam = _pair(keras3, rng, lambda m: m.Bidirectional(
        m.LSTM(3, return_sequences=return_sequences), merge_mode=merge_mode))
    x = rng.normal(size=(B, T, D)).astype("float32")
    mask = _mask() if return_sequences else None
    assert_same(k(x, mask=mask), lam(x, mask=mask))


def test_return_state_initial_state_and_mask(keras3, rng):
    k, lam = _pair(keras3, rng, lambda m: m.Bidirectional(
        m.GRU(3, return_sequences=True, return_state=True, reset_after=False)))
    x = rng.normal(size=(B, T, D)).astype("float32")
    init = [rng.normal(size=(B, 3)).astype("float32") for _ in range(2)]
    out_k = k(x, initial_state=init, mask=_mask())
    out_l = lam(x, initial_state=init, mask=_mask())
    assert len(out_l) == 3
    assert_same(out_k, out_l)


def test_custom_backward_layer(keras3, rng):
    def make(m):
        return m.Bidirectional(m.SimpleRNN(3, return_sequences=True),
                               backward_layer=m.LSTM(3, return_sequences=True, go_backwards=True),
                               merge_mode="sum")

    k, lam = _pair(keras3, rng, make)
    x = rng.normal(size=(B, T, D)).astype("float32")
    assert_same(k(x), lam(x))


def test_weight_names_like_keras(keras3):
    k = keras3.layers.Bidirectional(keras3.layers.LSTM(3, name="lstm"), name="bidirectional")
    lam = L.Bidirectional(L.LSTM(3, name="lstm"), name="bidirectional")
    k.build((None, T, D))
    lam.build((None, T, D))
    paths = [w.path for w in lam.weights]
    assert paths == [w.path for w in k.weights]
    assert paths[0] == "bidirectional/forward_lstm/lstm_cell/kernel"
    assert paths[3] == "bidirectional/backward_lstm/lstm_cell/kernel"


@pytest.mark.parametrize("merge_mode,return_state", [("concat", False), (None, False), ("sum", True),
                                                     (None, True)])
def test_symbolic_shapes_like_keras(keras3, merge_mode, return_state):
    def out_shapes(m):
        inp = m.Input((T, D))
        out = m.layers.Bidirectional(m.layers.LSTM(3, return_sequences=True, return_state=return_state),
                                     merge_mode=merge_mode)(inp)
        return [tuple(o.shape) for o in (out if isinstance(out, (list, tuple)) else [out])]

    assert out_shapes(lamina) == out_shapes(keras3)


def test_functional_model_with_mask_from_masking(keras3, rng):
    x = rng.normal(size=(B, T, D)).astype("float32")
    x[0, 3:] = 0.0

    def build(m):
        inp = m.Input((T, D))
        y = m.layers.Masking()(inp)
        y = m.layers.Bidirectional(m.layers.GRU(3, return_sequences=True))(y)
        y = m.layers.Bidirectional(m.layers.LSTM(2), merge_mode="ave")(y)
        return m.Model(inp, y)

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    assert_same(k(x), lam(x))


def test_config_roundtrip_and_errors(keras3):
    lam = L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="mul")
    lam.build((None, T, D))
    config = lam.get_config()
    k = keras3.layers.Bidirectional(keras3.layers.LSTM(3, return_sequences=True), merge_mode="mul")
    assert set(config) == set(k.get_config())
    clone = L.Bidirectional.from_config(config)
    assert clone.forward_layer.name == lam.forward_layer.name
    assert clone.backward_layer.go_backwards and clone.merge_mode == "mul"
    with pytest.raises(ValueError, match="merge_mode"):
        L.Bidirectional(L.LSTM(3), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3))
    with pytest.raises(ValueError, match="return_sequences"):
        L.Bidirectional(L.LSTM(3), backward_layer=L.LSTM(3, go_backwards=True, return_sequences=True))


def test_stateful_bidirectional_resets(rng):
    bi = L.Bidirectional(L.LSTM(2, stateful=True))
    x = rng.normal(size=(2, 3, 4)).astype("float32")
    first = np.asarray(bi(x))
    assert not np.allclose(np.asarray(bi(x)), first)
    bi.reset_states()
    np.testing.assert_allclose(np.asarray(bi(x)), first, rtol=1e-6)
    assert len(bi.states) == 4
