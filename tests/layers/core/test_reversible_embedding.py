"""ReversibleEmbedding against real Keras 3: both call modes, tied/untied weights, soft cap, config, files."""

import jax
import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)
IDS = RNG.integers(0, 11, size=(2, 5)).astype("int32")
HIDDEN = RNG.normal(size=(2, 5, 4)).astype("float32")


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _pair(**kwargs):
    kl = keras.layers.ReversibleEmbedding(11, 4, **kwargs)
    ll = layers.ReversibleEmbedding(11, 4, **kwargs)
    kl(IDS)
    ll(IDS)
    kl.set_weights(ll.get_weights())
    return kl, ll


CASES = [
    dict(),
    dict(tie_weights=False),
    dict(logit_soft_cap=2.0),
    dict(tie_weights=False, logit_soft_cap=0.5, reverse_dtype="float32"),
    dict(reverse_dtype="bfloat16"),
]


@pytest.mark.parametrize("kwargs", CASES, ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()) or "default")
def test_both_directions_match_keras(kwargs):
    kl, ll = _pair(**kwargs)
    assert [(w.path, tuple(w.shape)) for w in ll.weights] == [(w.path, tuple(w.shape)) for w in kl.weights]
    _close(ll(IDS), kl(IDS))
    got, want = ll(HIDDEN, reverse=True), kl(HIDDEN, reverse=True)
    assert got.dtype == want.dtype and got.shape == (2, 5, 11)
    tol = 2e-2 if kwargs.get("reverse_dtype") == "bfloat16" else 1e-5
    _close(np.asarray(got, "float32"), np.asarray(want, "float32"), tol)
    if "logit_soft_cap" in kwargs:
        assert np.abs(np.asarray(got)).max() <= kwargs["logit_soft_cap"]


@pytest.mark.parametrize("tie_weights", [True, False])
def test_gradients_match_keras(tie_weights):
    kl, ll = _pair(tie_weights=tie_weights, logit_soft_cap=3.0)

    def grads(layer):
        def loss(tv):
            emb, _ = layer.stateless_call(tv, [], IDS)
            logits, _ = layer.stateless_call(tv, [], emb * 2.0, reverse=True)
            return (logits ** 2).sum()

        return jax.grad(loss)([v.value for v in layer.trainable_variables])

    g_l, g_k = grads(ll), grads(kl)
    assert len(g_l) == len(g_k) == (1 if tie_weights else 2)
    for a, b in zip(g_l, g_k):
        _close(a, b, 1e-4)


def test_symbolic_shapes_and_shared_layer_in_a_model():
    emb = layers.ReversibleEmbedding(11, 4, mask_zero=True)
    inp = lamina.Input((5,), dtype="int32")
    hidden = emb(inp)
    logits = emb(layers.Dense(4)(hidden), reverse=True)
    assert hidden.shape == (None, 5, 4) and logits.shape == (None, 5, 11)
    k_emb = keras.layers.ReversibleEmbedding(11, 4)
    k_in = keras.Input((5,), dtype="int32")
    assert tuple(k_emb(k_emb(k_in), reverse=True).shape) == logits.shape
    model = lamina.Model(inp, logits)
    assert model(IDS).shape == (2, 5, 11)
    assert emb.compute_output_shape((2, 5), reverse=False) == (2, 5, 4)
    assert emb.compute_output_shape((2, 5, 4), reverse=True) == (2, 5, 11)


def test_forward_call_masks_padding_reverse_call_does_not():
    emb = layers.ReversibleEmbedding(11, 4, mask_zero=True)
    ids = np.array([[3, 0, 2]])
    hidden = emb(ids)
    assert emb.compute_mask(ids).tolist() == [[True, False, True]]
    emb(hidden, reverse=True)
    assert emb.compute_mask(hidden) is None
    # In a model the padding mask reaches the layers after the forward call (here: the pooling).
    inp = lamina.Input((3,), dtype="int32")
    model = lamina.Model(inp, layers.GlobalAveragePooling1D()(emb(inp)))
    table = emb.embeddings.numpy()
    _close(model(ids), (table[3] + table[2])[None] / 2)


def test_config_matches_keras_and_round_trips():
    kwargs = dict(tie_weights=False, mask_zero=True, reverse_dtype="float32", logit_soft_cap=5.0)
    kl = keras.layers.ReversibleEmbedding(11, 4, name="rev", **kwargs)
    ll = layers.ReversibleEmbedding(11, 4, name="rev", **kwargs)
    assert ll.get_config() == kl.get_config()
    clone = layers.ReversibleEmbedding.from_config(ll.get_config())
    assert clone.get_config() == ll.get_config()
    assert layers.deserialize(keras.layers.serialize(kl)).get_config() == kl.get_config()


def test_keras_files_load_both_ways(tmp_path):
    emb = keras.layers.ReversibleEmbedding(11, 4, tie_weights=False, logit_soft_cap=4.0)
    inp = keras.Input((5,), dtype="int32")
    km = keras.Model(inp, emb(emb(inp), reverse=True))
    km.save(tmp_path / "k.keras")
    lm = lamina.saving.load_model(tmp_path / "k.keras")
    want = km.predict(IDS, verbose=0)
    _close(lm.predict(IDS, verbose=0), want)
    lm.save(tmp_path / "l.keras")
    _close(keras.saving.load_model(tmp_path / "l.keras").predict(IDS, verbose=0), want)


def test_bad_arguments_explain_themselves():
    with pytest.raises(ValueError, match=r"tie_weights.*True.*False.*Received: tie_weights='yes'"):
        layers.ReversibleEmbedding(10, 4, tie_weights="yes")
    with pytest.raises(ValueError, match=r"logit_soft_cap.*positive number.*Received: logit_soft_cap=0"):
        layers.ReversibleEmbedding(10, 4, logit_soft_cap=0)
    with pytest.raises(ValueError, match=r"reverse_dtype.*dtype name.*Received: reverse_dtype='floaty'"):
        layers.ReversibleEmbedding(10, 4, reverse_dtype="floaty")
    with pytest.raises(ValueError, match=r"input_dim.*positive int"):
        layers.ReversibleEmbedding(0, 4)
