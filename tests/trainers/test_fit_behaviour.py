"""fit() behaviour: compiling once, padding, training mode, seeds, data sources, bad input."""

import numpy as np
import pytest

import lamina as keras
from lamina import backend as K
from lamina import layers


def _model(n_in=4, out=1, act=None):
    return keras.Sequential([keras.Input((n_in,)), layers.Dense(8, activation="relu"), layers.Dense(out, activation=act)])


class CountingDense(layers.Dense):
    """Counts how often `call` runs in Python: once per trace, never per compiled step."""

    traces = 0

    def call(self, inputs):
        CountingDense.traces += 1
        return super().call(inputs)


def test_one_compile_per_fit_despite_partial_last_batch():
    CountingDense.traces = 0
    model = keras.Sequential([keras.Input((4,)), CountingDense(3), layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=1)
    x, y = np.random.rand(103, 4), np.random.rand(103, 1)  # 103 = 6 * 16 + 7: last batch partial
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    traces_after_fit = CountingDense.traces
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert CountingDense.traces == traces_after_fit  # a second fit reuses the compiled step
    assert traces_after_fit <= 3  # shape inference + the train step (+ the grad trace), not per batch


def test_padding_does_not_change_the_update():
    # One epoch of 10 samples with batch 8 == the same two steps done by hand with batches 8 and 2.
    keras.utils.set_random_seed(1)
    a = _model()
    b = _model()
    b.set_weights(a.get_weights())
    x, y = np.random.rand(10, 4).astype("float32"), np.random.rand(10, 1).astype("float32")
    for m in (a, b):
        m.compile(keras.optimizers.SGD(0.1), "mse", steps_per_execution=1)
    a.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    b.train_on_batch(x[:8], y[:8])
    b.train_on_batch(x[8:], y[8:])
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)


def test_dropout_active_only_in_training():
    model = keras.Sequential([keras.Input((50,)), layers.Dropout(0.5, seed=1)])
    x = np.ones((4, 50), "float32")
    np.testing.assert_array_equal(np.asarray(model(x)), x)
    y1, y2 = np.asarray(model(x, training=True)), np.asarray(model(x, training=True))
    assert (y1 == 0).any() and not np.array_equal(y1, y2)
    assert set(np.unique(y1)) <= {0.0, 2.0}


def test_set_random_seed_makes_fit_reproducible():
    x, y = np.random.rand(64, 4), np.random.rand(64, 1)
    weights = []
    for _ in range(2):
        keras.utils.set_random_seed(42)
        m = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dropout(0.3), layers.Dense(1)])
        m.compile("adam", "mse")
        m.fit(x, y, epochs=2, batch_size=16, verbose=0)
        weights.append(m.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)


def test_generator_and_pydataset_inputs():
    x, y = np.random.rand(40, 4).astype("float32"), np.random.rand(40, 1).astype("float32")

    def gen():
        while True:
            for i in range(0, 40, 16):
                yield x[i:i + 16], y[i:i + 16]

    class Data(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return x[i * 16:(i + 1) * 16], y[i * 16:(i + 1) * 16]

    m = _model()
    m.compile("sgd", "mse")
    h1 = m.fit(gen(), steps_per_epoch=3, epochs=2, verbose=0)
    h2 = m.fit(Data(), epochs=2, verbose=0)
    assert len(h1.history["loss"]) == 2 and len(h2.history["loss"]) == 2
    assert np.isfinite(m.evaluate(Data(), verbose=0))
    assert m.predict(Data(), verbose=0).shape == (40, 1)


def test_seed_custom_metric_with_keras_backend_mean(keras3):
    # The seeds' custom metric, written with the Keras 2 backend module.
    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

    def k_mean_pred(y_true, y_pred):
        return keras3.ops.mean(y_pred)

    k_mean_pred.__name__ = "mean_pred"
    model = keras.Sequential()
    model.add(layers.Dense(32, activation="relu", input_dim=100))
    model.add(layers.Dense(1, activation="sigmoid"))
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy", mean_pred])
    data = np.random.random((200, 100))
    labels = np.random.randint(2, size=(200, 1))
    h = model.fit(data, labels, epochs=2, batch_size=32, verbose=0)
    assert set(h.history) == {"accuracy", "loss", "mean_pred"}
    # A batch-reducing metric sees exactly the real rows of the last partial batch, as in Keras.
    km = keras3.Sequential([keras3.Input((100,)), keras3.layers.Dense(32, activation="relu"),
                            keras3.layers.Dense(1, activation="sigmoid")])
    km.set_weights(model.get_weights())
    km.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy", k_mean_pred])
    logs = model.evaluate(data, labels, verbose=0, return_dict=True)
    klogs = km.evaluate(data, labels, verbose=0, return_dict=True)
    for key in ("mean_pred", "loss", "accuracy"):
        np.testing.assert_allclose(logs[key], klogs[key], rtol=1e-5)


def test_validation_split_takes_the_last_samples():
    x = np.arange(100, dtype="float32").reshape(50, 2)
    y = np.zeros((50, 1), "float32")
    m = _model(2)
    m.compile("sgd", "mse")
    h = m.fit(x, y, validation_split=0.2, epochs=1, verbose=0, shuffle=False)
    expected = m.evaluate(x[40:], y[40:], verbose=0)
    np.testing.assert_allclose(h.history["val_loss"][0], expected, rtol=1e-5)


# ------------------------------------------------------------------ bad input
def test_fit_before_compile():
    with pytest.raises(RuntimeError, match="compile"):
        _model().fit(np.ones((4, 4)), np.ones((4, 1)), verbose=0)


def test_x_y_length_mismatch():
    m = _model()
    m.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"x has 10.*y has 8"):
        m.fit(np.ones((10, 4)), np.ones((8, 1)), verbose=0)


def test_integer_labels_to_categorical_crossentropy_suggest_sparse():
    m = _model(out=3, act="softmax")
    m.compile("sgd", "categorical_crossentropy")
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        m.fit(np.ones((10, 4)), np.random.randint(0, 3, (10,)), verbose=0)


def test_nan_in_data():
    m = _model()
    m.compile("sgd", "mse")
    x = np.ones((10, 4))
    x[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        m.fit(x, np.ones((10, 1)), verbose=0)


def test_strings_in_data():
    m = _model()
    m.compile("sgd", "mse")
    with pytest.raises(TypeError, match="strings"):
        m.fit(np.array([["a"] * 4] * 10), np.ones((10, 1)), verbose=0)


@pytest.mark.parametrize("kw,expected", [
    (dict(optimizer="adamm", loss="mse"), "adam"),
    (dict(optimizer="sgd", loss="mean_squred_error"), "mean_squared_error"),
    (dict(optimizer="sgd", loss="mse", metrics=["acuracy"]), "accuracy"),
])
def test_unknown_names_list_close_matches(kw, expected):
    with pytest.raises(ValueError, match=expected):
        _model().compile(**kw)


def test_unknown_output_name_in_loss_dict():
    i = keras.Input((4,))
    m = keras.Model(i, [layers.Dense(1, name="age")(i), layers.Dense(1, name="gender")(i)])
    with pytest.raises(ValueError, match=r"\['age', 'gender'\]"):
        m.compile("sgd", loss={"agee": "mse", "gender": "mse"})
        m.fit(np.ones((4, 4)), {"agee": np.ones((4, 1)), "gender": np.ones((4, 1))}, verbose=0)


@pytest.mark.parametrize("kwargs", [{"run_eagerly": True}, {"jit_compile": False}])
def test_run_eagerly_runs_python_per_step_with_the_same_result(kwargs):
    CountingDense.traces = 0
    x, y = np.random.rand(40, 4).astype("float32"), np.random.rand(40, 1).astype("float32")
    keras.utils.set_random_seed(5)
    eager = keras.Sequential([keras.Input((4,)), CountingDense(3), layers.Dense(1)])
    compiled = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(1)])
    compiled.set_weights(eager.get_weights())
    eager.compile("sgd", "mse", steps_per_execution=1, **kwargs)
    compiled.compile("sgd", "mse", steps_per_execution=1)
    eager.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    compiled.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert CountingDense.traces >= 10  # call ran in Python at every one of the 10 steps
    for a, b in zip(eager.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
