"""ProgbarLogger: fit/evaluate/predict output identical to Keras 3's for the same hook calls."""

import time

import numpy as np
import pytest

from lamina import callbacks
from lamina.utils import io_utils


class FakeClock:
    def __init__(self, monkeypatch):
        self.now = 1000.0
        monkeypatch.setattr(time, "time", lambda: self.now)


class Spy:
    reads = 0

    def __init__(self, value):
        self.value = value

    def __array__(self, dtype=None, copy=None):
        Spy.reads += 1
        return np.asarray(self.value, dtype=dtype)

    def __float__(self):
        Spy.reads += 1
        return float(self.value)


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: True)


def _batch_logs(step):
    return {"accuracy": 0.5 + step / 50, "loss": 1.0 / (step + 1)}


def _fit(logger, clock, epochs, steps, dt=0.15, known_steps=True):
    logger.set_params({"verbose": logger_verbose(logger), "epochs": epochs,
                       "steps": steps if known_steps else None})
    logger.on_train_begin()
    for epoch in range(epochs):
        logger.on_epoch_begin(epoch)
        for step in range(steps):
            logger.on_train_batch_begin(step)
            clock.now += dt
            logger.on_train_batch_end(step, _batch_logs(step))
        # Validation inside fit prints nothing.
        logger.on_test_begin()
        logger.on_test_batch_end(0, {"loss": 9.0})
        logger.on_test_end({"loss": 9.0})
        logger.on_epoch_end(epoch, {**_batch_logs(steps - 1), "val_accuracy": 0.25, "val_loss": 2.0})
    logger.on_train_end()


def logger_verbose(logger):
    return logger._wanted_verbose


def _evaluate(logger, clock, steps, dt=0.15):
    logger.set_params({"verbose": logger_verbose(logger), "epochs": 1, "steps": steps})
    logger.on_test_begin()
    for step in range(steps):
        clock.now += dt
        logger.on_test_batch_end(step, _batch_logs(step))
    logger.on_test_end(_batch_logs(steps - 1))


def _predict(logger, clock, steps, dt=0.15):
    logger.set_params({"verbose": logger_verbose(logger), "epochs": 1, "steps": steps})
    logger.on_predict_begin()
    for step in range(steps):
        clock.now += dt
        logger.on_predict_batch_end(step, {"outputs": np.zeros((2, 1))})
    logger.on_predict_end()


def _output(make_logger, verbose, run, monkeypatch, capsys, **kwargs):
    clock = FakeClock(monkeypatch)
    logger = make_logger()
    logger._wanted_verbose = verbose
    capsys.readouterr()
    run(logger, clock, **kwargs)
    return capsys.readouterr().out


CASES = {
    "fit_one_epoch": (_fit, {"epochs": 1, "steps": 4}),
    "fit_three_epochs": (_fit, {"epochs": 3, "steps": 5}),
    "fit_unknown_steps": (_fit, {"epochs": 2, "steps": 3, "known_steps": False}),
    "fit_fast_steps": (_fit, {"epochs": 2, "steps": 60, "dt": 0.004}),
    "evaluate": (_evaluate, {"steps": 6}),
    "predict": (_predict, {"steps": 3}),
}


@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras(keras3, monkeypatch, capsys, terminal, case, verbose):
    run, kwargs = CASES[case]
    if kwargs.get("dt", 1) < 0.1 and verbose == 1:
        # Keras redraws every 0.05 s, lamina every 0.1 s: compare only the finished lines.
        expected = _output(keras3.callbacks.ProgbarLogger, verbose, run, monkeypatch, capsys, **kwargs)
        got = _output(callbacks.ProgbarLogger, verbose, run, monkeypatch, capsys, **kwargs)
        finished = lambda text: [line.split("\r")[-1] for line in text.replace("\b", "").split("\n")]  # noqa: E731
        assert finished(got) == finished(expected)
        assert got.count("\r") < expected.count("\r")
        return
    expected = _output(keras3.callbacks.ProgbarLogger, verbose, run, monkeypatch, capsys, **kwargs)
    got = _output(callbacks.ProgbarLogger, verbose, run, monkeypatch, capsys, **kwargs)
    assert got == expected.replace("\b", "")
    assert got


def test_verbose2_text(monkeypatch, capsys):
    out = _output(callbacks.ProgbarLogger, 2, _fit, monkeypatch, capsys, epochs=2, steps=4, dt=0.0015)
    assert out.splitlines() == [
        "Epoch 1/2",
        "4/4 - 0s - 1ms/step - accuracy: 0.5600 - loss: 0.2500 - val_accuracy: 0.2500 - val_loss: 2.0000",
        "Epoch 2/2",
        "4/4 - 0s - 1ms/step - accuracy: 0.5600 - loss: 0.2500 - val_accuracy: 0.2500 - val_loss: 2.0000",
    ]


def test_auto_off_terminal_is_one_plain_line_per_epoch(monkeypatch, capsys):
    monkeypatch.setattr(io_utils, "stdout_is_terminal", lambda: False)
    out = _output(callbacks.ProgbarLogger, "auto", _fit, monkeypatch, capsys, epochs=3, steps=20)
    assert "\x1b" not in out and "\b" not in out and "\r" not in out
    lines = out.splitlines()
    assert len(lines) == 6 and lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert all(line.startswith("20/20 - 3s - 150ms/step - accuracy: ") for line in lines[1::2])


def test_auto_on_terminal_is_the_live_bar(monkeypatch, capsys, terminal):
    out = _output(callbacks.ProgbarLogger, "auto", _fit, monkeypatch, capsys, epochs=1, steps=3)
    assert "\r" in out and "\x1b[32m" in out


def test_batch_values_not_read_at_verbose2(monkeypatch, capsys):
    clock = FakeClock(monkeypatch)
    logger = callbacks.ProgbarLogger()
    logger.set_params({"verbose": 2, "epochs": 1, "steps": 50})
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    Spy.reads = 0
    for step in range(50):
        clock.now += 0.2
        logger.on_train_batch_end(step, {"loss": Spy(0.5)})
    assert Spy.reads == 0
    logger.on_epoch_end(0, {"loss": 0.5})
    assert capsys.readouterr().out == "50/50 - 10s - 200ms/step - loss: 0.5000\n"


def test_live_bar_reads_values_at_most_ten_times_a_second(monkeypatch, capsys, terminal):
    clock = FakeClock(monkeypatch)
    logger = callbacks.ProgbarLogger()
    logger.set_params({"verbose": 1, "epochs": 1, "steps": 1000})
    logger.on_train_begin()
    logger.on_epoch_begin(0)
    Spy.reads = 0
    for step in range(1000):
        clock.now += 0.001  # 1000 steps in one second
        logger.on_train_batch_end(step, {"loss": Spy(0.5)})
    draws = capsys.readouterr().out.count("\r")
    assert 9 <= draws <= 11
    assert Spy.reads <= draws


@pytest.mark.parametrize(
    "verbose, steps, wants_batches",
    [(1, 10, True), (2, 10, False), (2, None, True), (1, None, True)],
)
def test_batch_hooks_needed_only_for_the_live_bar_or_counting(verbose, steps, wants_batches):
    logger = callbacks.ProgbarLogger()
    logger.set_params({"verbose": verbose, "epochs": 1, "steps": steps})
    assert logger._implements_train_batch_hooks() is wants_batches
    assert logger._implements_predict_batch_hooks() is wants_batches
    logger.on_train_begin()
    assert logger._implements_test_batch_hooks() is False  # validation inside fit is silent
