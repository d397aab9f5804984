"""EarlyStopping: same decisions as Keras 3's for the same sequence of epoch logs."""

import warnings

import numpy as np
import pytest

import lamina as keras
from lamina import callbacks


class FakeModel:
    """Stands in for both libraries' models: weights are a list of arrays."""

    def __init__(self):
        self.stop_training = False
        self.weights_now = [np.zeros(2)]

    def get_weights(self):
        return [w.copy() for w in self.weights_now]

    def set_weights(self, weights):
        self.weights_now = [np.array(w) for w in weights]


def _run(cls, values, kwargs, monitor="val_loss"):
    model = FakeModel()
    cb = cls(monitor=monitor, **kwargs)
    cb.set_model(model)
    cb.on_train_begin()
    trace = []
    for epoch, value in enumerate(values):
        model.weights_now = [np.full(2, float(epoch))]
        cb.on_epoch_end(epoch, {monitor: value, "loss": 0.0})
        trace.append((model.stop_training, cb.wait, cb.best))
        if model.stop_training:
            break
    cb.on_train_end()
    return trace, cb.stopped_epoch, cb.best_epoch, model.weights_now[0].tolist()


LOSSES = [1.0, 0.8, 0.79, 0.81, 0.82, 0.5, 0.6, 0.61, 0.62, 0.63, 0.64]
ACCURACIES = [0.1, 0.3, 0.35, 0.34, 0.36, 0.36, 0.2, 0.1, 0.1, 0.1]

TABLE = [
    ({"patience": 0}, LOSSES, "val_loss"),
    ({"patience": 1}, LOSSES, "val_loss"),
    ({"patience": 2}, LOSSES, "val_loss"),
    ({"patience": 2, "min_delta": 0.05}, LOSSES, "val_loss"),
    ({"patience": 3, "baseline": 0.7}, LOSSES, "val_loss"),
    ({"patience": 1, "baseline": 0.1}, LOSSES, "val_loss"),
    ({"patience": 1, "start_from_epoch": 4}, LOSSES, "val_loss"),
    ({"patience": 2, "restore_best_weights": True}, LOSSES, "val_loss"),
    ({"patience": 5, "restore_best_weights": True, "baseline": 0.01}, LOSSES, "val_loss"),
    ({"patience": 1, "mode": "max"}, ACCURACIES, "val_accuracy"),
    ({"patience": 2, "mode": "max", "min_delta": 0.02}, ACCURACIES, "val_accuracy"),
    ({"patience": 1, "mode": "min"}, ACCURACIES, "acc_like"),
]


@pytest.mark.parametrize("kwargs, values, monitor", TABLE)
def test_matches_keras(keras3, kwargs, values, monitor):
    expected = _run(keras3.callbacks.EarlyStopping, values, kwargs, monitor)
    got = _run(callbacks.EarlyStopping, values, kwargs, monitor)
    assert got == expected


def test_restore_best_weights_restores_best_epoch():
    trace, stopped, best_epoch, weights = _run(
        callbacks.EarlyStopping, LOSSES, {"patience": 2, "restore_best_weights": True}
    )
    assert best_epoch == int(np.argmin(LOSSES[: stopped + 1]))
    assert weights == [float(best_epoch)] * 2


def test_verbose_messages_match_keras(keras3, capsys):
    kwargs = {"patience": 1, "restore_best_weights": True, "verbose": 1}
    _run(keras3.callbacks.EarlyStopping, LOSSES, kwargs)
    expected = capsys.readouterr().out
    _run(callbacks.EarlyStopping, LOSSES, kwargs)
    assert capsys.readouterr().out == expected
    assert "early stopping" in expected


def test_missing_monitor_warns_and_does_nothing():
    cb = callbacks.EarlyStopping(monitor="val_loss", patience=0)
    model = FakeModel()
    cb.set_model(model)
    cb.on_train_begin()
    with pytest.warns(UserWarning, match="val_loss.*Available metrics are: loss"):
        for epoch in range(3):
            cb.on_epoch_end(epoch, {"loss": 1.0})
    assert not model.stop_training


def test_unknown_mode_warns_and_uses_auto():
    with pytest.warns(UserWarning, match="mode='best'"):
        cb = callbacks.EarlyStopping(mode="best")
    assert cb.mode == "auto"


def test_auto_mode_uses_the_metric_direction():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["accuracy"])
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, verbose=0)
    cb = callbacks.EarlyStopping(monitor="val_accuracy", patience=0)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"val_accuracy": 0.5})
    cb.on_epoch_end(1, {"val_accuracy": 0.6})  # higher is better: no stop
    assert not model.stop_training
    cb.on_epoch_end(2, {"val_accuracy": 0.55})
    assert model.stop_training


def test_auto_mode_unknown_metric_is_a_clear_error():
    cb = callbacks.EarlyStopping(monitor="val_zorp")
    cb.set_model(FakeModel())
    cb.on_train_begin()
    with pytest.raises(ValueError, match="mode='max'.*mode='min'"):
        cb.on_epoch_end(0, {"val_zorp": 1.0})


def test_reusable_across_fits():
    model = FakeModel()
    cb = callbacks.EarlyStopping(monitor="loss", patience=0)
    cb.set_model(model)
    for _ in range(2):
        model.stop_training = False
        cb.on_train_begin()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            cb.on_epoch_end(0, {"loss": 1.0})
            cb.on_epoch_end(1, {"loss": 2.0})
        assert model.stop_training and cb.stopped_epoch == 1


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32"))


def test_stops_fit_early():
    x, y = _data()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")  # nothing improves
    history = model.fit(x, y, epochs=20, batch_size=16, verbose=0,
                        callbacks=[callbacks.EarlyStopping(monitor="loss", patience=2, min_delta=1e-3)])
    assert len(history.history["loss"]) == 3


def test_restore_best_weights_in_fit():
    x, y = _data()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    # A learning rate this large diverges: the first epoch is the best one.
    model.compile(optimizer=keras.optimizers.SGD(1.5), loss="mse")
    snapshots = []
    record = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
    es = callbacks.EarlyStopping(monitor="loss", patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[record, es])
    losses = history.history["loss"]
    best = int(np.argmin(losses))
    assert es.best_epoch == best and len(losses) < 10
    for got, want in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_allclose(got, want)
