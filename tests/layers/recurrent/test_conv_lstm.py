"""ConvLSTM1D/2D/3D against real Keras 3 with identical weights, plus config, saving and errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from rnn_helpers import assert_same

import lamina
from lamina import layers as L

# (class, input shape, constructor arguments): one row per interesting combination, kept tiny.
CASES = [
    ("ConvLSTM1D", (2, 3, 6, 2), dict(padding="same", return_sequences=True, return_state=True)),
    ("ConvLSTM1D", (2, 4, 7, 2), dict(strides=2, go_backwards=True)),
    ("ConvLSTM2D", (2, 3, 2, 5, 4), dict(data_format="channels_first", kernel_size=(3, 2),
                                         return_sequences=True, return_state=True)),
    ("ConvLSTM2D", (2, 3, 5, 4, 1), dict(strides=2, padding="same", return_sequences=True,
                                         go_backwards=True, use_bias=False, activation="relu",
                                         recurrent_activation="hard_sigmoid")),
    ("ConvLSTM2D", (1, 2, 6, 6, 2), dict(dilation_rate=2, padding="same", unroll=True)),
    ("ConvLSTM3D", (1, 2, 2, 3, 4, 3), dict(data_format="channels_first", strides=(1, 2, 2),
                                            return_state=True)),
]
IDS = [f"{c[len('ConvLSTM'):]}-{i}" for i, (c, _, _) in enumerate(CASES)]
FILTERS = 3
# Keras compiles its default (orthogonal) initializer for every new shape, seconds each on a busy
# machine; the tests overwrite the weights anyway.
CHEAP_INIT = dict(kernel_initializer="zeros", recurrent_initializer="zeros")


def _set_hoisting(monkeypatch, hoisted):
    """Input convolution before the loop (accelerators) or in each step (CPU): both must agree
    with Keras whatever machine runs the tests."""
    from lamina.layers.recurrent import conv_lstm

    monkeypatch.setattr(conv_lstm, "_hoist_input_conv", lambda: hoisted)


def _pair(keras3, rng, cls, shape, kwargs):
    """The Keras layer and the lamina layer, built, with the same non-trivial weights."""
    kwargs = {"kernel_size": 3, **kwargs}
    k = getattr(keras3.layers, cls)(FILTERS, **CHEAP_INIT, **kwargs)
    lam = getattr(L, cls)(FILTERS, **kwargs)
    k.build(shape)
    lam.build(shape)
    # Non-trivial biases: a wrong gate order or bias layout cannot go unnoticed.
    weights = [(0.4 * rng.normal(size=w.shape)).astype("float32") for w in lam.get_weights()]
    k.set_weights(weights)
    lam.set_weights(weights)
    return k, lam


@pytest.mark.parametrize("cls,shape,kwargs", CASES, ids=IDS)
def test_matches_keras(keras3, rng, monkeypatch, cls, shape, kwargs):
    _set_hoisting(monkeypatch, CASES.index((cls, shape, kwargs)) % 2 == 1)
    k, lam = _pair(keras3, rng, cls, shape, kwargs)
    x = rng.normal(size=shape).astype("float32")
    assert_same(k(x), lam(x))
    assert [w.path for w in lam.weights] == [w.path for w in k.weights]
    symbolic = (None,) + shape[1:]
    assert lam.compute_output_shape(symbolic) == k.compute_output_shape(symbolic)


def test_initial_state_and_jit_match_keras(keras3, rng):
    k, lam = _pair(keras3, rng, "ConvLSTM2D", (2, 3, 4, 4, 2), dict(padding="same"))
    x = rng.normal(size=(2, 3, 4, 4, 2)).astype("float32")
    init = [rng.normal(size=(2, 4, 4, FILTERS)).astype("float32") for _ in range(2)]
    expected = k(x, initial_state=init)
    assert_same(expected, lam(x, initial_state=init))
    jitted = jax.jit(lambda a, s: lam(a, initial_state=s))
    assert_same(expected, jitted(x, init))


def _mask():
    m = np.ones((3, 4), bool)
    m[0, 3:] = False  # trailing padding
    m[1, :2] = False  # leading padding
    m[2, 1] = False   # a hole
    return m


@pytest.mark.parametrize("go_backwards", [False, True])
def test_mask_matches_keras(keras3, rng, monkeypatch, go_backwards):
    _set_hoisting(monkeypatch, go_backwards)
    shape = (3, 4, 5, 2)
    args = dict(padding="same", return_sequences=True, return_state=True, go_backwards=go_backwards)
    k, lam = _pair(keras3, rng, "ConvLSTM1D", shape, dict(args, unroll=True))
    x = rng.normal(size=shape).astype("float32")
    mask = _mask()
    expected = k(x, mask=mask)
    assert_same(expected, lam(x, mask=mask))
    # lamina's scan loop agrees with its unrolled one.
    scan = L.ConvLSTM1D(FILTERS, 3, **args)
    scan.build(shape)
    scan.set_weights(lam.get_weights())
    assert_same(expected, scan(x, mask=mask))
    # Keras 3.15's scan loop cannot mask a ConvLSTM: it broadcasts the per-sample mask of shape
    # (batch, 1) against the (batch, *spatial, filters) states, which fails (or, when the shapes
    # happen to broadcast, masks the wrong entries). Its unrolled loop above is right, and so is its
    # scan loop one sample at a time, which lamina must match.
    keras_scan = keras3.layers.ConvLSTM1D(FILTERS, 3, **CHEAP_INIT, **args)
    keras_scan.build(shape)
    keras_scan.set_weights(lam.get_weights())
    with pytest.raises(ValueError, match="broadcast"):
        keras_scan(x, mask=mask)
    ours = scan(x, mask=mask)
    for i in range(shape[0]):
        theirs = keras_scan(x[i:i + 1], mask=mask[i:i + 1])
        assert_same([t[0] for t in theirs], [o[i] for o in ours])


def test_masked_steps_keep_state_and_repeat_output(rng):
    layer = L.ConvLSTM1D(2, 3, padding="same", return_sequences=True)
    x = rng.normal(size=(1, 4, 5, 1)).astype("float32")
    mask = np.array([[True, False, False, True]])
    out = np.asarray(layer(x, mask=mask))
    np.testing.assert_array_equal(out[0, 1], out[0, 0])
    np.testing.assert_array_equal(out[0, 2], out[0, 0])
    # The last step sees the state after step 0, as if steps 1 and 2 were not there.
    skipped = np.asarray(layer(x[:, [0, 3]]))
    np.testing.assert_allclose(out[0, 3], skipped[0, 1], rtol=1e-6, atol=1e-6)


def test_gradients_match_keras(keras3, rng, monkeypatch):
    shape = (2, 3, 4, 4, 2)
    k, lam = _pair(keras3, rng, "ConvLSTM2D", shape,
                   dict(padding="same", strides=1, return_sequences=True, go_backwards=True))
    x = jnp.asarray(rng.normal(size=shape).astype("float32"))
    w_out = jnp.asarray(rng.normal(size=(2, 3, 4, 4, FILTERS)).astype("float32"))

    def loss(layer):
        def f(weights, xx):
            nt = [v.value for v in layer.non_trainable_variables]
            return jnp.sum(layer.stateless_call(weights, nt, xx)[0] * w_out)
        return jax.grad(f, argnums=(0, 1))

    def leaves(layer):
        return jax.tree_util.tree_leaves(loss(layer)([v.value for v in layer.trainable_variables], x))

    expected = leaves(k)
    for hoisted in (False, True):
        _set_hoisting(monkeypatch, hoisted)
        for a, b in zip(leaves(lam), expected):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-5)


def test_default_initial_weights():
    layer = L.ConvLSTM2D(2, 3)
    assert layer.name == "conv_lstm2d" and L.ConvLSTM2D(2, 3).name == "conv_lstm2d_1"  # as Keras
    layer.build((None, 2, 5, 5, 3))
    np.testing.assert_array_equal(layer.cell.bias.numpy(), [0, 0, 1, 1, 0, 0, 0, 0])
    assert tuple(layer.cell.kernel.shape) == (3, 3, 3, 8)
    assert tuple(layer.cell.recurrent_kernel.shape) == (3, 3, 2, 8)
    plain = L.ConvLSTM2D(2, 3, unit_forget_bias=False)
    plain.build((None, 2, 5, 5, 3))
    np.testing.assert_array_equal(plain.cell.bias.numpy(), np.zeros(8))


# ---------------------------------------------------------------------------------- config
CONFIGS = [
    ("ConvLSTM1D", dict(filters=2, kernel_size=3, padding="same", return_sequences=True,
                        recurrent_dropout=0.1, seed=3)),
    ("ConvLSTM2D", dict(filters=4, kernel_size=(3, 2), strides=(2, 1), data_format="channels_first",
                        unit_forget_bias=False, kernel_regularizer="l2", bias_regularizer="l2",
                        recurrent_constraint="non_neg", go_backwards=True, stateful=True)),
    ("ConvLSTM3D", dict(filters=1, kernel_size=2, dilation_rate=2, use_bias=False, dropout=0.2,
                        recurrent_activation="hard_sigmoid", return_state=True, unroll=True)),
]


@pytest.mark.parametrize("cls,kwargs", CONFIGS, ids=[c for c, _ in CONFIGS])
def test_config_matches_keras_and_round_trips(keras3, cls, kwargs):
    mine = getattr(L, cls)(name="layer", **kwargs).get_config()
    theirs = getattr(keras3.layers, cls)(name="layer", **kwargs).get_config()
    assert mine == theirs
    assert getattr(L, cls).from_config(mine).get_config() == mine
    assert getattr(keras3.layers, cls).from_config(mine).get_config() == theirs
    clone = L.deserialize(L.serialize(getattr(L, cls)(**kwargs)))
    assert type(clone).__name__ == cls and clone.filters == kwargs["filters"]


def test_cell_arguments_are_layer_attributes():
    layer = L.ConvLSTM2D(3, 2, strides=(1, 2), padding="SAME", dropout=1.5)
    assert layer.kernel_size == (2, 2) and layer.strides == (1, 2) and layer.padding == "same"
    assert layer.dropout == 1.0 and layer.data_format == "channels_last"
    assert layer.activation.__name__ == "tanh" and layer.unit_forget_bias is True


# ---------------------------------------------------------------------------------- models
def test_sequential_fit_one_step_and_save_load(rng, tmp_path):
    model = lamina.Sequential([
        L.Input((2, 4, 4, 1)),
        L.ConvLSTM2D(2, 3, padding="same", dropout=0.2, recurrent_dropout=0.2, seed=1),
        L.Flatten(), L.Dense(1),
    ])
    assert model.output_shape == (None, 1)
    x = rng.normal(size=(4, 2, 4, 4, 1)).astype("float32")
    y = rng.normal(size=(4, 1)).astype("float32")
    model.compile(optimizer="sgd", loss="mse")
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    assert loaded.layers[0].get_config() == model.layers[0].get_config()
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6)


def test_model_files_interchange_with_keras(keras3, rng, tmp_path):
    def build(m, **init):
        return m.Sequential([
            m.Input((2, 2, 4, 3)),
            m.layers.ConvLSTM2D(2, 2, data_format="channels_first", go_backwards=True, **init),
        ])

    x = rng.normal(size=(2, 2, 2, 4, 3)).astype("float32")
    mine = build(lamina)
    mine.save(tmp_path / "mine.keras")
    theirs = keras3.saving.load_model(tmp_path / "mine.keras")
    np.testing.assert_allclose(np.asarray(theirs(x)), np.asarray(mine(x)), rtol=1e-5, atol=1e-6)
    keras_model = build(keras3, **CHEAP_INIT)
    keras_model.set_weights([(0.4 * rng.normal(size=w.shape)).astype("float32")
                             for w in mine.get_weights()])
    keras_model.save(tmp_path / "theirs.keras")
    loaded = lamina.saving.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(keras_model(x)), rtol=1e-5, atol=1e-6)


def test_stateful_carries_states_like_keras(keras3, rng):
    shape = (2, 2, 4, 1)
    kwargs = dict(padding="same", stateful=True, return_state=True)
    k, lam = _pair(keras3, rng, "ConvLSTM1D", shape, kwargs)
    a, b = (rng.normal(size=shape).astype("float32") for _ in range(2))
    assert_same(k(a), lam(a))
    assert_same(k(b), lam(b))  # starts from the states left by `a`
    lam.reset_state()
    k.reset_state()
    assert_same(k(b), lam(b))
    assert len(lam.get_weights()) == 3  # the states are variables, not weights


def test_dropout_only_in_training_and_reproducible(rng, monkeypatch):
    # Hoisted here; the fit test below runs dropout in the machine's default mode (the loop on CPU).
    _set_hoisting(monkeypatch, True)
    x = rng.normal(size=(2, 2, 3, 3, 2)).astype("float32")

    def make():
        layer = L.ConvLSTM2D(2, 3, padding="same", dropout=0.5, recurrent_dropout=0.5, seed=7)
        layer.build(x.shape)
        return layer

    layer, twin = make(), make()
    twin.set_weights(layer.get_weights())
    plain = L.ConvLSTM2D(2, 3, padding="same")
    plain.build(x.shape)
    plain.set_weights(layer.get_weights())
    inference = np.asarray(layer(x))
    np.testing.assert_array_equal(inference, np.asarray(plain(x)))
    trained = np.asarray(layer(x, training=True))
    assert not np.allclose(trained, inference)
    np.testing.assert_array_equal(trained, np.asarray(twin(x, training=True)))
    # The masks are drawn per call and released after it.
    assert layer.cell._dropout_mask is None and layer.cell._recurrent_dropout_mask is None
    masks = layer.cell.get_dropout_mask(jnp.ones((2, 3, 3, 2)))
    assert masks.shape == (4, 2, 3, 3, 2)  # one mask per gate, as in Keras
    assert set(np.unique(np.asarray(masks)).tolist()) <= {0.0, 2.0}
    layer.cell.reset_dropout_mask()


# ---------------------------------------------------------------------------------- errors
def test_wrong_input_rank_is_a_clear_error():
    layer = L.ConvLSTM2D(2, 3, name="clstm")
    with pytest.raises(ValueError) as err:
        layer(np.ones((2, 5, 5, 1)))
    msg = str(err.value)
    assert "ConvLSTM2D 'clstm'" in msg and "rank 5" in msg and "(2, 5, 5, 1)" in msg
    assert "(batch, time, height, width, channels)" in msg and "ConvLSTM1D" in msg
    with pytest.raises(ValueError, match=r"rank 4, \(batch, time, channels, steps\)"):
        L.ConvLSTM1D(2, 3, data_format="channels_first")(lamina.Input((4, 2, 5, 5)))


@pytest.mark.parametrize("kwargs,match", [
    (dict(filters=0, kernel_size=3), r"ConvLSTM2D: `filters` must be a positive int.*filters=0"),
    (dict(filters=2, kernel_size=(3, 3, 3)), r"ConvLSTM2D: .*kernel_size.*tuple of 2 ints"),
    (dict(filters=2, kernel_size=3, strides=2, dilation_rate=2), r"ConvLSTM2D: `strides > 1`"),
    (dict(filters=2, kernel_size=3, padding="causal"), r"ConvLSTM2D: .*padding.*'causal'"),
    (dict(filters=2, kernel_size=3, dropout="x"), r"`dropout` must be a float"),
])
def test_bad_constructor_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        L.ConvLSTM2D(**kwargs)


def test_bad_input_shapes():
    with pytest.raises(ValueError, match=r"larger than the input.*padding='same'"):
        L.ConvLSTM2D(2, 5)(np.ones((1, 2, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"spatial axes of the input must be known"):
        L.ConvLSTM2D(2, 3)(lamina.Input((2, None, 5, 1)))
    layer = L.ConvLSTM1D(2, 3)
    layer(np.ones((1, 2, 5, 1)))
    with pytest.raises(ValueError, match=r"built for time steps of shape \(5, 1\) \(steps, channels\)"):
        layer(np.ones((1, 2, 5, 3)))
    with pytest.raises(ValueError, match=r"received inputs of shape \(1, 2, 6, 1\)"):
        layer(np.ones((1, 2, 6, 1)))
    with pytest.raises(ValueError, match=r"initial state has shape \(1, 5, 2\), expected \(1, 3, 2\)"):
        layer(np.ones((1, 2, 5, 1)), initial_state=[np.zeros((1, 5, 2))] * 2)
