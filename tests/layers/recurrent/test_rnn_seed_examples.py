"""The Keras guide's recurrent examples: they build with the right shapes and they train."""

import numpy as np

import lamina
from lamina import layers as L


def _stacked_lstm(mod, stateful=False):
    if stateful:
        first = dict(batch_input_shape=(32, 8, 16), stateful=True)
        rest = dict(stateful=True)
    else:
        first, rest = dict(input_shape=(8, 16)), {}
    model = mod.Sequential()
    model.add(mod.layers.LSTM(32, return_sequences=True, **first))
    model.add(mod.layers.LSTM(32, return_sequences=True, **rest))
    model.add(mod.layers.LSTM(32, **rest))
    model.add(mod.layers.Dense(10, activation="softmax"))
    return model


def _embedding_lstm(mod):
    model = mod.Sequential()
    model.add(mod.layers.Embedding(1024, output_dim=256))
    model.add(mod.layers.LSTM(128))
    model.add(mod.layers.Dropout(0.5))
    model.add(mod.layers.Dense(1, activation="sigmoid"))
    return model


def _data(rng, n, batch_shape=(8, 16), classes=10):
    x = rng.random((n,) + batch_shape).astype("float32")
    y = np.eye(classes, dtype="float32")[rng.integers(0, classes, n)]
    return x, y


def test_stacked_lstm_builds_like_keras():
    model = _stacked_lstm(lamina)
    assert model.output_shape == (None, 10)
    assert [layer.output.shape for layer in model.layers] == [
        (None, 8, 32), (None, 8, 32), (None, 32), (None, 10)]
    # 4 * (32 * (16 + 32) + 32) + 2 * 4 * (32 * 64 + 32) + (32 * 10 + 10)
    assert model.count_params() == 6272 + 2 * 8320 + 330


def test_stateful_stacked_lstm_builds_with_fixed_batch():
    model = _stacked_lstm(lamina, stateful=True)
    assert model.output_shape == (32, 10)
    for lstm in model.layers[:3]:
        assert lstm.stateful and [tuple(s.shape) for s in lstm.states] == [(32, 32), (32, 32)]


def test_embedding_lstm_builds_and_runs(rng):
    model = _embedding_lstm(lamina)
    ids = rng.integers(0, 1024, size=(4, 100))
    assert model(ids).shape == (4, 1)
    assert [tuple(w.shape) for w in model.layers[1].weights] == [(256, 512), (128, 512), (512,)]


def test_stacked_lstm_fit_with_validation_data(rng):
    x_train, y_train = _data(rng, 128)
    x_val, y_val = _data(rng, 64)
    model = _stacked_lstm(lamina)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=64, epochs=2,
                        validation_data=(x_val, y_val), verbose=0)
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(history.history)
    assert len(history.history["val_loss"]) == 2
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_stateful_lstm_fit_without_shuffle(rng):
    x_train, y_train = _data(rng, 128)
    x_val, y_val = _data(rng, 64)
    model = _stacked_lstm(lamina, stateful=True)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=2, shuffle=False,
                        validation_data=(x_val, y_val), verbose=0)
    assert len(history.history["loss"]) == 2 and np.isfinite(history.history["val_loss"]).all()
    assert not np.all(model.layers[0].states[0].numpy() == 0)


def test_fit_carries_states_from_batch_to_batch(rng):
    # With a zero learning rate the weights stay put, so after two ordered batches the first
    # layer's state is that of one pass over both batches joined along time.
    x, y = _data(rng, 64)
    model = _stacked_lstm(lamina, stateful=True)
    model.compile(loss="categorical_crossentropy", optimizer=lamina.optimizers.SGD(0.0))
    model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    plain = L.LSTM(32, return_state=True)
    plain.build((32, 16, 16))
    plain.set_weights(model.layers[0].get_weights())
    _, h, c = plain(np.concatenate([x[:32], x[32:]], axis=1))
    np.testing.assert_allclose(model.layers[0].states[0].numpy(), np.asarray(h), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(model.layers[0].states[1].numpy(), np.asarray(c), rtol=1e-4, atol=1e-5)


def test_training_matches_keras(keras3, rng):
    x, y = _data(rng, 64, batch_shape=(5, 3), classes=3)

    def build(mod):
        model = mod.Sequential([mod.Input((5, 3)), mod.layers.GRU(4, return_sequences=True),
                                mod.layers.LSTM(4), mod.layers.Dense(3, activation="softmax")])
        model.compile(loss="categorical_crossentropy", optimizer=mod.optimizers.RMSprop(0.01))
        return model

    k, lam = build(keras3), build(lamina)
    lam.set_weights([np.asarray(w) for w in k.get_weights()])
    hk = k.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    hl = lam.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(hl.history["loss"], hk.history["loss"], rtol=1e-4)
    for a, b in zip(lam.get_weights(), k.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)
