"""Callbacks inside real fit/evaluate/predict calls: hook order, History, printed lines."""

import re

import numpy as np
import pytest

import lamina as keras
from lamina import callbacks
from lamina.utils import io_utils


@pytest.fixture
def model():
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return m


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


class Journal(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(f"batch_end {batch} {sorted(logs)}")

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.events.append("train_end")


def test_hook_order_and_keys(model, data):
    x, y = data
    journal = Journal()
    model.fit(x, y, batch_size=20, epochs=2, verbose=0, validation_data=(x, y), callbacks=[journal])
    assert journal.events == [
        "train_begin",
        "epoch_begin 0",
        "batch_end 0 ['accuracy', 'loss']",
        "batch_end 1 ['accuracy', 'loss']",
        "epoch_end 0 ['accuracy', 'loss', 'val_accuracy', 'val_loss']",
        "epoch_begin 1",
        "batch_end 0 ['accuracy', 'loss']",
        "batch_end 1 ['accuracy', 'loss']",
        "epoch_end 1 ['accuracy', 'loss', 'val_accuracy', 'val_loss']",
        "train_end",
    ]
    assert journal.model is model


def test_history(model, data):
    x, y = data
    history = model.fit(x, y, batch_size=10, epochs=3, verbose=0, validation_split=0.25)
    assert isinstance(history, callbacks.History)
    assert model.history is history
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == [0, 1, 2]
    assert all(len(v) == 3 and all(type(e) is float for e in v) for v in history.history.values())
    assert history.params["epochs"] == 3 and history.params["steps"] == 3


LINE = r"\d+/\d+ - \d+s - \d+(s|ms|us)/step"
METRICS = r" - accuracy: \d\.\d{4} - loss: \d\.\d{4}"


def test_fit_evaluate_predict_lines_off_terminal(model, data, capsys):
    x, y = data
    assert not io_utils.stdout_is_terminal()
    model.fit(x, y, batch_size=10, epochs=2, validation_data=(x, y))  # verbose="auto"
    model.evaluate(x, y, batch_size=10)
    model.predict(x, batch_size=10)
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and "\b" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(LINE + METRICS + r" - val_accuracy: \d\.\d{4} - val_loss: \d\.\d{4}", lines[1])
    assert re.fullmatch(LINE + METRICS, lines[4])
    assert re.fullmatch(LINE, lines[5])
    assert len(lines) == 6


def test_live_bar_on_terminal(model, data, capsys, monkeypatch):
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: True)
    x, y = data
    model.fit(x, y, batch_size=10, epochs=1, verbose=1)
    out = capsys.readouterr().out
    final = out.split("\r")[-1]
    assert re.fullmatch(
        r"\x1b\[1m4/4\x1b\[0m \x1b\[32m\u2501{20}\x1b\[0m\x1b\[37m\x1b\[0m \x1b\[1m\d+s\x1b\[0m "
        r"\d+(s|ms|us)/step" + METRICS + r"\n",
        final,
    )


def test_verbose_zero_is_silent(model, data, capsys):
    x, y = data
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_stop_training_from_a_callback(model, data):
    x, y = data

    class StopAfterFirstEpoch(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[StopAfterFirstEpoch()])
    assert history.epoch == [0]


def test_evaluate_and_predict_hooks(model, data):
    x, y = data
    events = []

    class Journal(callbacks.Callback):
        def on_test_begin(self, logs=None):
            events.append("test_begin")

        def on_test_batch_end(self, batch, logs=None):
            events.append(f"test_batch {batch}")

        def on_test_end(self, logs=None):
            events.append(f"test_end {sorted(logs)}")

        def on_predict_begin(self, logs=None):
            events.append("predict_begin")

        def on_predict_batch_end(self, batch, logs=None):
            events.append(f"predict_batch {batch} {sorted(logs)}")

        def on_predict_end(self, logs=None):
            events.append("predict_end")

    cb = Journal()
    model.evaluate(x, y, batch_size=20, verbose=0, callbacks=[cb])
    model.predict(x, batch_size=20, verbose=0, callbacks=[cb])
    assert events == [
        "test_begin", "test_batch 0", "test_batch 1", "test_end ['accuracy', 'loss']",
        "predict_begin", "predict_batch 0 ['outputs']", "predict_batch 1 ['outputs']", "predict_end",
    ]
