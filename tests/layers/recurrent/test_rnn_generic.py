"""The generic `RNN(cell)` layer: user cells, stacked cells, and the compiled time loop."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from rnn_helpers import assert_same

import lamina
from lamina import layers as L
from lamina import ops


def _minimal_cell(mod, ops_mod):
    class MinimalRNNCell(mod.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                    name="recurrent_kernel")

        def call(self, inputs, states):
            h = ops_mod.matmul(inputs, self.kernel) + ops_mod.matmul(states[0], self.recurrent_kernel)
            h = ops_mod.tanh(h)
            return h, [h]

    return MinimalRNNCell


@pytest.mark.parametrize("go_backwards,with_mask", [(False, False), (True, True), (False, True)])
def test_user_cell_matches_keras(keras3, rng, go_backwards, with_mask):
    kcell = _minimal_cell(keras3, keras3.ops)(4)
    lcell = _minimal_cell(lamina, ops)(4)
    args = dict(return_sequences=True, return_state=True, go_backwards=go_backwards)
    k, lam = keras3.layers.RNN(kcell, **args), L.RNN(lcell, **args)
    x = rng.normal(size=(3, 5, 2)).astype("float32")
    k.build(x.shape)
    lam.build(x.shape)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 1, 0, 1, 1]], bool) if with_mask else None
    assert_same(k(x, mask=mask), lam(x, mask=mask))


def test_stacked_cells_match_keras(keras3, rng):
    def make(m):
        cells = [m.LSTMCell(4, name="lstm_cell"), m.GRUCell(3, name="gru_cell"),
                 m.SimpleRNNCell(2, name="simple_rnn_cell")]
        return m.RNN(m.StackedRNNCells(cells, name="stacked_rnn_cells"), return_sequences=True,
                     name="rnn")

    k, lam = make(keras3.layers), make(L)
    x = rng.normal(size=(2, 6, 5)).astype("float32")
    k.build(x.shape)
    lam.build(x.shape)
    assert [w.path for w in lam.weights] == [w.path for w in k.weights]
    assert lam.weights[0].path == "rnn/stacked_rnn_cells/lstm_cell/kernel"
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    mask = np.ones((2, 6), bool)
    mask[0, 4:] = False
    assert_same(k(x, mask=mask), lam(x, mask=mask))
    assert lam.cell.state_size == [[4, 4], 3, 2]


def test_stacked_cells_return_state_and_initial_state(rng):
    rnn = L.RNN([L.LSTMCell(4), L.GRUCell(3)], return_state=True)
    x = rng.normal(size=(2, 3, 5)).astype("float32")
    out, lstm_states, gru_states = rnn(x)
    assert out.shape == (2, 3)
    assert [s.shape for s in lstm_states] == [(2, 4), (2, 4)] and gru_states[0].shape == (2, 3)
    # The returned states resume the sequence: running in two halves equals one run.
    _, *mid = rnn(x[:, :2])
    resumed = rnn(x[:, 2:], initial_state=mid)
    whole = rnn(x)
    np.testing.assert_allclose(np.asarray(resumed[0]), np.asarray(whole[0]), rtol=1e-5, atol=1e-6)
    # A flat list of the same tensors is accepted too.
    flat = rnn(x[:, 2:], initial_state=jax.tree_util.tree_leaves(mid))
    np.testing.assert_allclose(np.asarray(flat[0]), np.asarray(whole[0]), rtol=1e-5, atol=1e-6)


class _PlainCell:
    """Not a Layer: two states of different sizes, an output of a third size, own initial state."""

    state_size = [3, 2]
    output_size = 5

    def __init__(self):
        self.w = jnp.asarray(np.random.default_rng(1).normal(size=(4, 5)), "float32")

    def call(self, inputs, states):
        h, c = states
        out = jnp.tanh(inputs @ self.w + jnp.sum(h, -1, keepdims=True) + jnp.sum(c, -1, keepdims=True))
        return out, [h + 1.0, c * 0.5]

    def get_initial_state(self, batch_size=None):
        return [jnp.ones((batch_size, 3)), jnp.full((batch_size, 2), 2.0)]


def test_plain_object_cell_with_its_own_initial_state(rng):
    rnn = L.RNN(_PlainCell(), return_sequences=True, return_state=True)
    x = rng.normal(size=(2, 4, 4)).astype("float32")
    seq, h, c = rnn(x)
    assert seq.shape == (2, 4, 5)
    np.testing.assert_allclose(np.asarray(h), 5.0)       # 1 + 4 steps
    np.testing.assert_allclose(np.asarray(c), 2.0 / 16)  # 2 * 0.5**4
    assert rnn.compute_output_shape((None, 4, 4)) == ((None, 4, 5), (None, 3), (None, 2))
    mask = np.array([[True, True, False, False], [True] * 4])
    seq_m, h_m, _ = rnn(x, mask=mask)
    np.testing.assert_allclose(np.asarray(h_m)[0], 3.0)  # two steps counted
    np.testing.assert_array_equal(np.asarray(seq_m)[0, 3], np.asarray(seq_m)[0, 1])


def test_invalid_cells_are_clear_errors():
    with pytest.raises(ValueError, match="call"):
        L.RNN(object())

    class NoState:
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match="state_size"):
        L.RNN(NoState())
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        L.LSTM(3)(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match="initial state"):
        L.LSTM(3)(np.ones((2, 4, 1), "float32"), initial_state=[np.zeros((2, 3))])
    with pytest.raises(ValueError, match="units"):
        L.GRU(0)


def _count(jaxpr, prim):
    return str(jaxpr).count(f" {prim}[")


@pytest.mark.parametrize("kind", ["SimpleRNN", "GRU", "LSTM"])
def test_time_loop_is_one_scan_under_jit(rng, kind):
    layer = getattr(L, kind)(3, return_sequences=True)
    layer.build((2, None, 4))
    short = jax.make_jaxpr(lambda x: layer(x))(jnp.ones((2, 5, 4)))
    long = jax.make_jaxpr(lambda x: layer(x))(jnp.ones((2, 50, 4)))
    assert _count(short, "scan") == 1
    # No Python loop over time steps: the program does not grow with the sequence length.
    assert len(short.jaxpr.eqns) == len(long.jaxpr.eqns)
    x = rng.normal(size=(2, 5, 4)).astype("float32")
    np.testing.assert_allclose(np.asarray(jax.jit(lambda xx: layer(xx))(x)), np.asarray(layer(x)),
                               rtol=1e-5, atol=1e-6)


def test_unroll_matches_scan_and_has_no_scan(rng):
    scan = L.GRU(3, return_sequences=True, go_backwards=True)
    unrolled = L.GRU(3, return_sequences=True, go_backwards=True, unroll=True)
    x = rng.normal(size=(2, 4, 2)).astype("float32")
    scan.build(x.shape)
    unrolled.build(x.shape)
    unrolled.set_weights(scan.get_weights())
    np.testing.assert_allclose(np.asarray(unrolled(x)), np.asarray(scan(x)), rtol=1e-5, atol=1e-6)
    assert _count(jax.make_jaxpr(lambda xx: unrolled(xx))(x), "scan") == 0


def test_encoder_decoder_states_in_a_functional_model(keras3, rng):
    def build(m):
        enc_in, dec_in = m.Input((None, 5)), m.Input((None, 6))
        _, h, c = m.layers.LSTM(8, return_state=True)(enc_in)
        dec = m.layers.LSTM(8, return_sequences=True)(dec_in, initial_state=[h, c])
        return m.Model([enc_in, dec_in], m.layers.Dense(6, activation="softmax")(dec))

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    a = rng.normal(size=(2, 4, 5)).astype("float32")
    b = rng.normal(size=(2, 3, 6)).astype("float32")
    assert lam.output_shape == k.output_shape == (None, None, 6)
    assert_same(k([a, b]), lam([a, b]))


def test_mixed_precision_runs_in_the_compute_dtype(rng):
    x = rng.normal(size=(2, 4, 3)).astype("float32")
    full = L.RNN([L.LSTMCell(3), L.GRUCell(2)], return_state=True)
    half = L.RNN([L.LSTMCell(3, dtype="mixed_bfloat16"), L.GRUCell(2, dtype="mixed_bfloat16")],
                 return_state=True, dtype="mixed_bfloat16")
    full.build(x.shape)
    half.build(x.shape)
    half.set_weights(full.get_weights())
    assert half.weights[0].dtype == "float32"
    out_half, out_full = half(x, mask=np.ones((2, 4), bool)), full(x)
    assert out_half[0].dtype == jnp.bfloat16
    np.testing.assert_allclose(np.asarray(out_half[0], "float32"), np.asarray(out_full[0]), atol=5e-2)
