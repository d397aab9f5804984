"""SimpleRNN, GRU (both reset_after) and LSTM against real Keras 3 with identical weights."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from rnn_helpers import assert_same, set_projection

from lamina import layers as L

KINDS = [
    ("SimpleRNN", {}),
    ("GRU", {}),
    ("GRU", {"reset_after": False}),
    ("LSTM", {}),
]
# (return_sequences, return_state, go_backwards, mask, initial_state, unroll, hoisted): a table
# that covers every option and the interesting pairs, instead of the full (slow) product.
# `hoisted`: the input projection is computed for all steps before the loop (see rnn.py).
CASES = [
    (False, False, False, None, False, False, False),
    (True, True, True, "explicit", False, False, True),
    (True, False, False, "explicit", True, False, False),
    (False, True, True, None, True, False, True),
    (True, True, True, "explicit", True, True, True),
]
B, T, D, U = 3, 6, 4, 5


def _n_states(kind):
    return 2 if kind == "LSTM" else 1


def _mask():
    m = np.ones((B, T), bool)
    m[0, 4:] = False  # trailing padding
    m[1, :2] = False  # leading padding
    m[2, 2] = False   # a hole
    return m


@pytest.mark.parametrize("kind,extra", KINDS, ids=["simple_rnn", "gru", "gru_v1", "lstm"])
@pytest.mark.parametrize("rs,rst,gb,mask,init,unroll,hoisted", CASES)
def test_matches_keras(keras3, rng, monkeypatch, kind, extra, rs, rst, gb, mask, init, unroll, hoisted):
    set_projection(monkeypatch, hoisted)
    args = dict(return_sequences=rs, return_state=rst, go_backwards=gb, unroll=unroll, **extra)
    k = getattr(keras3.layers, kind)(U, **args)
    lam = getattr(L, kind)(U, **args)
    x = rng.normal(size=(B, T, D)).astype("float32")
    k.build(x.shape)
    lam.build(x.shape)
    # Non-trivial biases, so a wrong gate order or bias layout cannot go unnoticed.
    weights = [np.asarray(w) + (0.3 * rng.normal(size=w.shape)).astype("float32")
               for w in k.get_weights()]
    k.set_weights(weights)
    lam.set_weights(weights)
    kwargs = {}
    if mask:
        kwargs["mask"] = _mask()
    if init:
        kwargs["initial_state"] = [rng.normal(size=(B, U)).astype("float32")
                                   for _ in range(_n_states(kind))]
    assert_same(k(x, **kwargs), lam(x, **kwargs))


@pytest.mark.parametrize("kind,extra", KINDS, ids=["simple_rnn", "gru", "gru_v1", "lstm"])
def test_weight_names_shapes_and_order(keras3, kind, extra):
    k = getattr(keras3.layers, kind)(U, name="rnn", **extra)
    lam = getattr(L, kind)(U, name="rnn", **extra)
    k.build((None, T, D))
    lam.build((None, T, D))
    assert [w.path for w in lam.weights] == [w.path for w in k.weights]
    assert [tuple(w.shape) for w in lam.weights] == [tuple(w.shape) for w in k.weights]


def test_lstm_default_initial_bias_has_unit_forget_bias():
    lstm = L.LSTM(3)
    lstm.build((None, 2, 4))
    np.testing.assert_array_equal(lstm.cell.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    plain = L.LSTM(3, unit_forget_bias=False)
    plain.build((None, 2, 4))
    np.testing.assert_array_equal(plain.cell.bias.numpy(), np.zeros(12))


def test_default_initializers_are_keras_defaults():
    gru = L.GRU(4)
    gru.build((None, 2, 3))
    rk = gru.cell.recurrent_kernel.numpy()  # orthogonal: (4, 12) has orthonormal rows
    np.testing.assert_allclose(rk @ rk.T, np.eye(4), atol=1e-5)
    assert type(gru.kernel_initializer).__name__ == "GlorotUniform"
    assert type(gru.bias_initializer).__name__ == "Zeros"
    assert gru.activation.__name__ == "tanh" and gru.recurrent_activation.__name__ == "sigmoid"


@pytest.mark.parametrize("kind,extra", KINDS, ids=["simple_rnn", "gru", "gru_v1", "lstm"])
def test_input_gradient_matches_keras(keras3, rng, projection, kind, extra):
    args = dict(return_sequences=True, **extra)
    k = getattr(keras3.layers, kind)(U, **args)
    lam = getattr(L, kind)(U, **args)
    x = rng.normal(size=(B, T, D)).astype("float32")
    k.build(x.shape)
    lam.build(x.shape)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    mask = _mask()
    w_out = rng.normal(size=(B, T, U)).astype("float32")

    def lamina_loss(xx):
        return jnp.sum(lam(xx, mask=mask) * w_out)

    def keras_loss(xx):
        out, _ = k.stateless_call(k.trainable_variables, k.non_trainable_variables, xx, mask=mask)
        return jnp.sum(out * w_out)

    g_lamina = jax.grad(lamina_loss)(jnp.asarray(x))
    g_keras = jax.grad(keras_loss)(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(g_lamina), np.asarray(g_keras), rtol=1e-4, atol=1e-5)
    # Masked steps do not influence the output, so their input gradient is exactly zero.
    assert np.all(np.asarray(g_lamina)[~mask] == 0)


def test_gradient_matches_finite_differences(rng):
    lstm = L.LSTM(3, go_backwards=True)
    x = rng.normal(size=(2, 4, 3)).astype("float64")
    lstm.build(x.shape)

    @jax.jit
    def f(xx):
        return jnp.sum(lstm(xx.astype("float32")) ** 2)

    g = np.asarray(jax.grad(f)(jnp.asarray(x, "float32")))
    eps = 1e-2
    for idx in [(0, 0, 0), (1, 3, 2), (0, 2, 1)]:
        d = np.zeros_like(x)
        d[idx] = eps
        fd = (float(f(jnp.asarray(x + d))) - float(f(jnp.asarray(x - d)))) / (2 * eps)
        np.testing.assert_allclose(g[idx], fd, rtol=2e-2, atol=1e-3)


@pytest.mark.parametrize("kind,extra", [
    ("SimpleRNN", {"use_bias": False, "activation": "relu"}),
    ("GRU", {"use_bias": False, "recurrent_activation": "hard_sigmoid"}),
    ("GRU", {"use_bias": False, "reset_after": False, "activation": "softsign"}),
    ("LSTM", {"use_bias": False, "activation": "relu", "recurrent_activation": "hard_sigmoid"}),
], ids=["simple_rnn", "gru", "gru_v1", "lstm"])
def test_without_bias_and_other_activations(keras3, rng, kind, extra):
    k = getattr(keras3.layers, kind)(U, return_sequences=True, **extra)
    lam = getattr(L, kind)(U, return_sequences=True, **extra)
    x = rng.normal(size=(B, T, D)).astype("float32")
    k.build(x.shape)
    lam.build(x.shape)
    assert len(lam.weights) == 2
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    assert_same(k(x), lam(x))
