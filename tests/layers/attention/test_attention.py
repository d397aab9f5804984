"""Attention and AdditiveAttention against real Keras 3."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(1)
Q = RNG.normal(size=(2, 3, 4)).astype("float32")
V = RNG.normal(size=(2, 5, 4)).astype("float32")
K = RNG.normal(size=(2, 5, 4)).astype("float32")
QM = np.array([[True, True, False], [True, False, False]])
VM = np.array([[True, True, True, False, False], [True, False, True, True, False]])

CASES = [
    ("Attention", {}, [Q, V], {}),
    ("Attention", dict(use_scale=True), [Q, V, K], {}),
    ("Attention", dict(score_mode="concat"), [Q, V], {}),
    ("Attention", dict(score_mode="concat", use_scale=True), [Q, V, K], dict(return_attention_scores=True)),
    ("Attention", {}, [Q, V], dict(mask=[QM, VM])),
    ("Attention", {}, [Q, V], dict(use_causal_mask=True, mask=[None, VM], return_attention_scores=True)),
    ("Attention", dict(dropout=0.3), [Q, V], dict(training=False)),
    ("AdditiveAttention", {}, [Q, V], {}),
    ("AdditiveAttention", dict(use_scale=False), [Q, V, K], dict(return_attention_scores=True)),
    ("AdditiveAttention", {}, [Q, V], dict(mask=[QM, VM], use_causal_mask=True)),
]


@pytest.mark.parametrize("cls,kwargs,inputs,call_kwargs", CASES)
def test_matches_keras(cls, kwargs, inputs, call_kwargs):
    ka, la = getattr(keras.layers, cls)(**kwargs), getattr(layers, cls)(**kwargs)
    ka(inputs, **call_kwargs)
    la(inputs, **call_kwargs)
    assert [tuple(w.shape) for w in la.weights] == [tuple(w.shape) for w in ka.weights]
    # Non-trivial weights so that the scale terms matter.
    weights = [np.asarray(w) * 0.5 + 0.3 for w in ka.get_weights()]
    ka.set_weights(weights)
    la.set_weights(weights)
    ya, yb = ka(inputs, **call_kwargs), la(inputs, **call_kwargs)
    ya = ya if isinstance(ya, tuple) else (ya,)
    yb = yb if isinstance(yb, tuple) else (yb,)
    assert len(ya) == len(yb)
    for a, b in zip(ya, yb):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-5, atol=1e-6)
    assert la.get_config() == {**ka.get_config(), "name": la.name}


def test_masks_flow_through_functional_model_like_keras():
    def build(lib):
        q_in, v_in = lib.Input((3,), dtype="int32"), lib.Input((5,), dtype="int32")
        emb = lib.layers.Embedding(10, 4, mask_zero=True)
        return lib.Model([q_in, v_in], lib.layers.Attention()([emb(q_in), emb(v_in)]))

    km, lm = build(keras), build(lamina)
    lm.set_weights([np.asarray(w) for w in km.get_weights()])
    q = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    v = np.array([[1, 2, 3, 0, 0], [4, 0, 5, 6, 0]], "int32")
    np.testing.assert_allclose(np.asarray(lm([q, v])), np.asarray(km([q, v])), rtol=1e-5, atol=1e-6)


def test_dropout_in_training_is_seeded():
    def run():
        return np.asarray(layers.Attention(dropout=0.5, seed=4)([Q, V], training=True,
                                                               return_attention_scores=True)[1])

    a, b = run(), run()
    assert np.array_equal(a, b)
    assert (a == 0).any()


def test_symbolic_shapes_and_errors():
    q, v, k = lamina.Input((3, 4)), lamina.Input((5, 6)), lamina.Input((5, 4))
    assert layers.Attention()([q, v, k]).shape == (None, 3, 6)
    with pytest.raises(ValueError, match="list"):
        layers.Attention()(Q)
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="cosine")
