"""ReduceLROnPlateau and LearningRateScheduler: same learning-rate trajectory and messages as Keras."""

from types import SimpleNamespace

import numpy as np
import pytest

import lamina as keras
from lamina import callbacks


def _fake_model(lr=1.0):
    return SimpleNamespace(optimizer=SimpleNamespace(learning_rate=lr), stop_training=False)


def _plateau(cls, values, kwargs, monitor="val_loss"):
    model = _fake_model()
    cb = cls(monitor=monitor, **kwargs)
    cb.set_model(model)
    cb.on_train_begin()
    trace = []
    for epoch, value in enumerate(values):
        logs = {monitor: value}
        cb.on_epoch_end(epoch, logs)
        trace.append((float(model.optimizer.learning_rate), cb.wait, cb.cooldown_counter, logs))
    return trace


LOSSES = [1.0, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5, 0.49999, 0.5, 0.5, 0.5, 0.5]
PLATEAU_TABLE = [
    ({"patience": 1}, LOSSES, "val_loss"),
    ({"patience": 2, "factor": 0.5}, LOSSES, "val_loss"),
    ({"patience": 1, "factor": 0.5, "cooldown": 2}, LOSSES, "val_loss"),
    ({"patience": 1, "factor": 0.1, "min_lr": 0.05}, LOSSES, "val_loss"),
    ({"patience": 1, "min_delta": 0.2}, LOSSES, "val_loss"),
    ({"patience": 1, "mode": "max"}, [0.1, 0.2, 0.2, 0.2, 0.3, 0.1], "val_accuracy"),
    ({"patience": 0, "factor": 0.5}, LOSSES, "val_loss"),
]


@pytest.mark.parametrize("kwargs, values, monitor", PLATEAU_TABLE)
def test_plateau_matches_keras(keras3, kwargs, values, monitor):
    expected = _plateau(keras3.callbacks.ReduceLROnPlateau, values, kwargs, monitor)
    got = _plateau(callbacks.ReduceLROnPlateau, values, kwargs, monitor)
    assert got == expected


def test_plateau_message_matches_keras(keras3, capsys):
    kwargs = {"patience": 1, "factor": 0.5, "verbose": 1}
    _plateau(keras3.callbacks.ReduceLROnPlateau, LOSSES, kwargs)
    expected = capsys.readouterr().out
    _plateau(callbacks.ReduceLROnPlateau, LOSSES, kwargs)
    assert capsys.readouterr().out == expected
    assert "ReduceLROnPlateau reducing learning rate to 0.5." in expected


def test_plateau_factor_must_be_below_one():
    with pytest.raises(ValueError, match="factor=1.5"):
        callbacks.ReduceLROnPlateau(factor=1.5)


def test_plateau_assigns_the_optimizer_variable_in_place():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    variable = model.optimizer._learning_rate
    cb = callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5)
    cb.set_model(model)
    cb.on_train_begin()
    cb.on_epoch_end(0, {"loss": 1.0})
    cb.on_epoch_end(1, {"loss": 1.0})
    assert model.optimizer._learning_rate is variable
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.05, rtol=1e-6)


def test_plateau_in_fit_lowers_lr_and_logs_it():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 2)).astype("float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    # Too small a learning rate for the loss to move by min_delta: a plateau from the start.
    model.compile(optimizer=keras.optimizers.SGD(1e-9), loss="mse")
    cb = callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5, min_delta=1e-3)
    history = model.fit(x, x[:, :1], epochs=4, batch_size=8, verbose=0, callbacks=[cb])
    # Each epoch logs the rate it trained with; the reduction applies from the next epoch.
    np.testing.assert_allclose(history.history["learning_rate"], [1e-9, 1e-9, 5e-10, 2.5e-10], rtol=1e-5)
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 1.25e-10, rtol=1e-5)


# ------------------------------------------------------------------------ LearningRateScheduler
SCHEDULES = {
    "two_args": lambda epoch, lr: lr * 0.5 if epoch > 0 else lr,
    "one_arg": lambda epoch: 0.1 / (epoch + 1),
    "numpy_float": lambda epoch, lr: np.float32(0.25) * (epoch + 1),
}


def _schedule_run(cls, schedule, epochs=4, verbose=0):
    model = _fake_model(0.2)
    cb = cls(schedule, verbose=verbose)
    cb.set_model(model)
    trace = []
    for epoch in range(epochs):
        cb.on_epoch_begin(epoch)
        logs = {"loss": 1.0}
        cb.on_epoch_end(epoch, logs)
        trace.append((float(model.optimizer.learning_rate), logs))
    return trace


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_scheduler_matches_keras(keras3, capsys, name):
    expected = _schedule_run(keras3.callbacks.LearningRateScheduler, SCHEDULES[name], verbose=1)
    expected_out = capsys.readouterr().out
    got = _schedule_run(callbacks.LearningRateScheduler, SCHEDULES[name], verbose=1)
    assert got == expected
    assert capsys.readouterr().out == expected_out


def test_scheduler_rejects_non_float():
    cb = callbacks.LearningRateScheduler(lambda epoch: "fast")
    cb.set_model(_fake_model())
    with pytest.raises(ValueError, match="must return a float.*'fast'"):
        cb.on_epoch_begin(0)


def test_scheduler_type_error_inside_schedule_is_not_hidden():
    def schedule(epoch, lr):
        return lr + "oops"

    cb = callbacks.LearningRateScheduler(schedule)
    cb.set_model(_fake_model())
    with pytest.raises(TypeError):
        cb.on_epoch_begin(0)


def test_scheduler_needs_an_optimizer():
    cb = callbacks.LearningRateScheduler(lambda epoch: 0.1)
    cb.set_model(SimpleNamespace(optimizer=None))
    with pytest.raises(ValueError, match="compile"):
        cb.on_epoch_begin(0)


def test_scheduler_in_fit():
    x = np.ones((8, 2), "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    cb = callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 * (epoch + 1))
    history = model.fit(x, x[:, :1], epochs=3, verbose=0, callbacks=[cb])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.02, 0.03], rtol=1e-6)
    np.testing.assert_allclose(float(np.asarray(model.optimizer.learning_rate)), 0.03, rtol=1e-6)
