"""Masks: the Masking layer, masks carried by models into recurrent layers, Embedding(mask_zero)."""

import numpy as np
import pytest
from rnn_helpers import assert_same

import lamina
from lamina import layers as L


def _padded(rng, b=3, t=6, d=4):
    x = rng.normal(size=(b, t, d)).astype("float32")
    x[0, 4:] = 0.0  # trailing padding
    x[1, :2] = 0.0  # leading padding
    x[2, 3] = 0.0   # a hole
    return x


def test_masking_layer_matches_keras(keras3, rng):
    x = _padded(rng)
    x[2, 1, 0] = 0.0  # one zero feature alone does not mask a step
    k, lam = keras3.layers.Masking(0.0), L.Masking(0.0)
    assert_same(k(x), lam(x))
    assert_same(k.compute_mask(x), lam.compute_mask(x))
    assert lam.compute_mask(x).dtype == bool


def test_masking_custom_value(rng):
    x = rng.normal(size=(2, 3, 2)).astype("float32")
    x[0, 1] = -1.0
    lam = L.Masking(mask_value=-1.0)
    np.testing.assert_array_equal(np.asarray(lam.compute_mask(x)), [[True, False, True], [True] * 3])
    np.testing.assert_array_equal(np.asarray(lam(x))[0, 1], [0.0, 0.0])
    assert lam.get_config()["mask_value"] == -1.0


def test_sequential_carries_the_mask_through_stacked_layers(keras3, rng):
    x = _padded(rng)
    kind = "LSTM"

    def build(mod):
        return mod.Sequential([
            mod.Input((6, 4)),
            mod.layers.Masking(0.0),
            getattr(mod.layers, kind)(5, return_sequences=True),
            getattr(mod.layers, kind)(3),
        ])

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    assert_same(k(x), lam(x))
    # The mask matters: the same layers without it give a different result.
    assert not np.allclose(np.asarray(lam(x)), np.asarray(lam.layers[2](lam.layers[1](x))))


def test_functional_model_mask_and_zero_output(keras3, rng):
    x = _padded(rng)

    def build(mod):
        inp = mod.Input((6, 4))
        masked = mod.layers.Masking()(inp)
        seq = mod.layers.GRU(5, return_sequences=True, zero_output_for_mask=True)(masked)
        last = mod.layers.LSTM(3, go_backwards=True)(seq)
        return mod.Model(inp, [seq, last])

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    k_out, l_out = k(x), lam(x)
    assert_same(k_out, l_out)
    assert np.all(np.asarray(l_out[0])[0, 4:] == 0)  # zero_output_for_mask on masked steps


def test_embedding_mask_zero_reaches_lstm(keras3, rng):
    ids = rng.integers(1, 50, size=(4, 7)).astype("int32")
    ids[0, 5:] = 0
    ids[1, :3] = 0

    def build(mod):
        return mod.Sequential([mod.Input((7,), dtype="int32"),
                               mod.layers.Embedding(50, 8, mask_zero=True),
                               mod.layers.LSTM(6)])

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    assert_same(k(ids), lam(ids))
    # Trailing padding changes nothing: the output is the one at the last real token.
    np.testing.assert_allclose(np.asarray(lam(ids[:1, :5]))[0], np.asarray(lam(ids))[0],
                               rtol=1e-5, atol=1e-6)


def test_explicit_mask_argument_matches_masking_layer(rng):
    x = _padded(rng)
    lstm = L.LSTM(4, return_sequences=True)
    masking = L.Masking()
    via_arg = lstm(x, mask=masking.compute_mask(x))
    model = lamina.Sequential([L.Input((6, 4)), masking, lstm])
    np.testing.assert_allclose(np.asarray(model(x)), np.asarray(via_arg), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("return_sequences,return_state", [(True, False), (False, False), (True, True),
                                                            (False, True)])
def test_compute_mask(rng, return_sequences, return_state):
    lam = L.LSTM(3, return_sequences=return_sequences, return_state=return_state)
    mask = np.array([[True, False]])
    out = lam.compute_mask(np.zeros((1, 2, 4)), mask)
    expected = mask if return_sequences else None
    if return_state:
        assert out[0] is expected and out[1:] == [None, None]
    else:
        assert out is expected


def test_masked_step_keeps_state_and_output(rng):
    # With a hole at step 2, outputs at step 2 repeat step 1 and the run continues from step 1.
    x = rng.normal(size=(1, 4, 3)).astype("float32")
    mask = np.array([[True, True, False, True]])
    lam = L.GRU(4, return_sequences=True, return_state=True)
    seq, h = lam(x, mask=mask)
    seq = np.asarray(seq)
    np.testing.assert_array_equal(seq[0, 2], seq[0, 1])
    without_hole, _ = lam(x[:, [0, 1, 3]], mask=None)
    np.testing.assert_allclose(seq[0, 3], np.asarray(without_hole)[0, 2], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(h), seq[:, 3], rtol=1e-6)

