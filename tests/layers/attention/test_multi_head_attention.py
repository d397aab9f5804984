"""MultiHeadAttention and EinsumDense against real Keras 3: weights, paths, outputs, masks, configs."""

import jax
import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 4, 5)).astype("float32")
V = RNG.normal(size=(2, 6, 7)).astype("float32")
K = RNG.normal(size=(2, 6, 3)).astype("float32")
X = RNG.normal(size=(2, 5, 4)).astype("float32")
X4 = RNG.normal(size=(2, 3, 4, 5)).astype("float32")


def _pair(cls_name, **kwargs):
    return getattr(keras.layers, cls_name)(**kwargs), getattr(layers, cls_name)(**kwargs)


def _assert_close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)


EINSUM_CASES = [
    ("ab,bc->ac", 4, "c", (3, 5)),
    ("abc,cd->abd", (None, 4), "d", (2, 5, 3)),
    ("abc,cde->abde", (None, 4, 2), "de", (2, 5, 3)),
    ("...b,bc->...c", 4, "c", (2, 5, 3)),
    ("ab...,bc->ac...", (4,), "c", (2, 3, 7, 5)),
    ("...ab,bc->...ac", (5, 4), "c", (2, 7, 5, 3)),
    ("abc,cd->abd", (None, 4), None, (2, 5, 3)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,input_shape", EINSUM_CASES)
def test_einsum_dense_matches_keras(equation, output_shape, bias_axes, input_shape):
    kw = dict(equation=equation, output_shape=output_shape, bias_axes=bias_axes, activation="tanh")
    ka, la = _pair("EinsumDense", **kw)
    x = RNG.normal(size=input_shape).astype("float32")
    ka(x)
    la(x)
    assert [tuple(w.shape) for w in la.weights] == [tuple(w.shape) for w in ka.weights]
    la.set_weights([np.asarray(w) for w in ka.get_weights()])
    _assert_close(ka(x), la(x))
    assert la.compute_output_shape(input_shape) == tuple(la(x).shape)


def test_einsum_dense_config_and_initial_fans_match_keras():
    ka, la = _pair("EinsumDense", equation="abc,cde->abde", output_shape=(None, 8, 16), bias_axes="de")
    ka.build((2, 5, 64))
    la.build((2, 5, 64))
    assert la.get_config() == {**ka.get_config(), "name": la.name}
    # Glorot fans come from the contracted (64) and produced (8*16) axes, as in Keras.
    limit = np.sqrt(6.0 / (64 + 128))
    w = la.kernel.numpy()
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.9 * limit
    clone = layers.EinsumDense.from_config(la.get_config())
    assert clone.equation == "abc,cde->abde" and clone.partial_output_shape == (None, 8, 16)


def test_einsum_dense_bad_equation_names_the_problem():
    with pytest.raises(ValueError, match="invalid equation"):
        layers.EinsumDense("ab->b", output_shape=3)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="bias axis 'z'"):
        layers.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="z")(np.ones((2, 3)))


MHA_CASES = [
    ("basic", dict(num_heads=2, key_dim=3), (Q, V), {}),
    ("key_value_dim_scores", dict(num_heads=2, key_dim=3, value_dim=4), (Q, V, K),
     dict(return_attention_scores=True)),
    ("no_bias_output_shape", dict(num_heads=2, key_dim=3, use_bias=False, output_shape=(2, 3)), (Q, V), {}),
    ("scores", dict(num_heads=3, key_dim=2), (Q, V), dict(return_attention_scores=True)),
    ("attention_mask", dict(num_heads=2, key_dim=3), (Q, V), dict(attention_mask=RNG.random((2, 4, 6)) > 0.3)),
    ("value_mask", dict(num_heads=2, key_dim=3), (Q, V), dict(value_mask=RNG.random((2, 6)) > 0.4)),
    ("key_mask_scores", dict(num_heads=2, key_dim=3), (Q, V, K),
     dict(key_mask=RNG.random((2, 6)) > 0.4, return_attention_scores=True)),
    ("attention_axes_2d", dict(num_heads=2, key_dim=3, attention_axes=(1, 2)), (X4, X4), {}),
    ("attention_axes_int", dict(num_heads=2, key_dim=3, attention_axes=2), (X4, X4),
     dict(return_attention_scores=True)),
    ("causal", dict(num_heads=2, key_dim=3), (X, X), dict(use_causal_mask=True)),
    ("causal_and_mask", dict(num_heads=2, key_dim=3), (X, X),
     dict(use_causal_mask=True, attention_mask=RNG.random((2, 5, 5)) > 0.2)),
    ("dropout_inference", dict(num_heads=2, key_dim=3, dropout=0.5), (X, X), dict(use_causal_mask=True)),
    ("fully_masked_fused", dict(num_heads=2, key_dim=3), (X, X), dict(attention_mask=np.zeros((2, 5, 5), bool))),
    ("fully_masked_scores", dict(num_heads=2, key_dim=3), (X, X),
     dict(attention_mask=np.zeros((2, 5, 5), bool), return_attention_scores=True)),
]


@pytest.mark.parametrize("label,kwargs,args,call_kwargs", MHA_CASES, ids=[c[0] for c in MHA_CASES])
def test_multi_head_attention_matches_keras(label, kwargs, args, call_kwargs):
    ka, la = _pair("MultiHeadAttention", name="mha", **kwargs)
    ka(*args, **call_kwargs)
    la(*args, **call_kwargs)
    assert [w.path for w in la.weights] == [w.path for w in ka.weights]
    la.set_weights([np.asarray(w) for w in ka.get_weights()])
    ya, yb = ka(*args, **call_kwargs), la(*args, **call_kwargs)
    if call_kwargs.get("return_attention_scores"):
        assert len(yb) == 2
        for a, b in zip(ya, yb):
            assert tuple(a.shape) == tuple(b.shape)
            _assert_close(a, b)
    else:
        assert tuple(ya.shape) == tuple(yb.shape)
        _assert_close(ya, yb)


def test_weight_paths_and_shapes_are_keras_layout():
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    mha(Q, V)
    assert [(w.path, tuple(w.shape)) for w in mha.weights] == [
        ("multi_head_attention/query/kernel", (5, 2, 3)), ("multi_head_attention/query/bias", (2, 3)),
        ("multi_head_attention/key/kernel", (7, 2, 3)), ("multi_head_attention/key/bias", (2, 3)),
        ("multi_head_attention/value/kernel", (7, 2, 3)), ("multi_head_attention/value/bias", (2, 3)),
        ("multi_head_attention/attention_output/kernel", (2, 3, 5)),
        ("multi_head_attention/attention_output/bias", (5,)),
    ]


def test_get_config_matches_keras_and_round_trips():
    ka, la = _pair("MultiHeadAttention", num_heads=2, key_dim=3, dropout=0.1, output_shape=6,
                   kernel_regularizer="l2", seed=3)
    ka(Q, V)
    la(Q, V)
    assert la.get_config() == {**ka.get_config(), "name": la.name}
    clone = layers.MultiHeadAttention.from_config(la.get_config())
    clone(Q, V)
    assert [tuple(w.shape) for w in clone.weights] == [tuple(w.shape) for w in la.weights]


def test_mask_from_embedding_in_functional_model_matches_keras():
    def build(lib):
        inp = lib.Input((5,), dtype="int32")
        e = lib.layers.Embedding(10, 4, mask_zero=True)(inp)
        return lib.Model(inp, lib.layers.MultiHeadAttention(2, 3)(e, e))

    km, lm = build(keras), build(lamina)
    lm.set_weights([np.asarray(w) for w in km.get_weights()])
    x = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]], "int32")
    _assert_close(km(x), lm(x))
    # The same masks passed explicitly give the same result eagerly.
    mha, emb = lm.layers[2], lm.layers[1]
    e = emb(x)
    _assert_close(mha(e, e, query_mask=x != 0, value_mask=x != 0), lm(x))


def test_symbolic_call_shapes():
    q, v = lamina.Input((4, 5)), lamina.Input((6, 7))
    mha = layers.MultiHeadAttention(2, 3, output_shape=(8,))
    out, scores = mha(q, v, return_attention_scores=True)
    assert out.shape == (None, 4, 8)
    assert scores.shape == (None, 2, 4, 6)


def test_dropout_is_active_only_in_training_and_reproducible():
    def run(training):
        mha = layers.MultiHeadAttention(2, 3, dropout=0.5, seed=7)
        mha(X, X)
        mha.set_weights([np.full(w.shape, 0.1, "float32") + 0.01 * i for i, w in enumerate(mha.weights)])
        out, scores = mha(X, X, training=training, return_attention_scores=True)
        # Keras returns the scores before dropout: rows always sum to 1.
        np.testing.assert_allclose(np.asarray(scores).sum(-1), 1.0, rtol=1e-5)
        return np.asarray(out)

    inference = run(False)
    np.testing.assert_allclose(run(None), inference)
    assert np.array_equal(run(True), run(True))
    assert not np.allclose(run(True), inference)


def test_gradients_flow_to_all_weights():
    mha = layers.MultiHeadAttention(2, 3)
    mha(Q, V)
    values = [w.value for w in mha.trainable_weights]

    def loss(vals):
        out, _ = mha.stateless_call(vals, [], Q, V)
        return (out ** 2).sum()

    grads = jax.grad(loss)(values)
    assert all(float(np.abs(np.asarray(g)).sum()) > 0 for g in grads)


def test_invalid_arguments_are_reported():
    with pytest.raises(ValueError, match="num_heads"):
        layers.MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match="key_dim"):
        layers.MultiHeadAttention(2, -1)
    with pytest.raises(ValueError, match="same shape except"):
        layers.MultiHeadAttention(2, 3)(Q, V, RNG.normal(size=(2, 5, 3)).astype("float32"))


def test_regularization_losses_match_keras():
    kw = dict(num_heads=2, key_dim=3, kernel_regularizer="l2", bias_regularizer="l1", activity_regularizer="l2")
    ka, la = _pair("MultiHeadAttention", **kw)
    ka(X, X)
    la(X, X)
    la.set_weights([np.asarray(w) for w in ka.get_weights()])
    ka(X, X)
    la(X, X)
    assert len(la.losses) == len(ka.losses) == 12
    np.testing.assert_allclose(sum(float(v) for v in la.losses), sum(float(v) for v in ka.losses), rtol=1e-5)
