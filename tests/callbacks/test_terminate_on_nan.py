"""TerminateOnNaN: stops (or raises) on a NaN/Inf loss, like Keras 3."""

import math
from types import SimpleNamespace

import jax.numpy as jnp
import numpy as np
import pytest

import lamina as keras
from lamina import callbacks


@pytest.mark.parametrize("loss", [math.nan, math.inf, -math.inf, 0.5])
def test_matches_keras(keras3, capsys, loss):
    results = []
    for cls in (keras3.callbacks.TerminateOnNaN, callbacks.TerminateOnNaN):
        model = SimpleNamespace(stop_training=False)
        cb = cls()
        cb.set_model(model)
        cb.on_train_batch_end(7, {"loss": loss})
        results.append((model.stop_training, capsys.readouterr().out))
    assert results[0] == results[1]
    assert results[1][0] is (not math.isfinite(loss))


def test_device_scalar_loss():
    model = SimpleNamespace(stop_training=False)
    cb = callbacks.TerminateOnNaN()
    cb.set_model(model)
    cb.on_train_batch_end(0, {"loss": jnp.float32(1.0)})
    assert not model.stop_training
    cb.on_train_batch_end(1, {"loss": jnp.float32(jnp.nan)})
    assert model.stop_training


def test_raise_error():
    cb = callbacks.TerminateOnNaN(raise_error=True)
    cb.set_model(SimpleNamespace(stop_training=False))
    with pytest.raises(RuntimeError, match="batch 2"):
        cb.on_batch_end(2, {"loss": math.nan})


def test_no_loss_key_is_ignored():
    model = SimpleNamespace(stop_training=False)
    cb = callbacks.TerminateOnNaN()
    cb.set_model(model)
    cb.on_batch_end(0, {"accuracy": math.nan})
    assert not model.stop_training


def test_stops_fit_after_the_first_nan_batch(capsys):
    x = np.full((64, 2), 1e3, "float32")
    y = np.ones((64, 1), "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(1e3), loss="mse")  # diverges within a few steps
    losses = []
    record = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: losses.append(float(logs["loss"])))
    model.fit(x, y, batch_size=8, epochs=5, shuffle=False, verbose=0,
              callbacks=[record, callbacks.TerminateOnNaN()])
    finite = [math.isfinite(v) for v in losses]
    assert finite[-1] is False and all(finite[:-1]) and len(losses) < 40
    assert f"Batch {(len(losses) - 1) % 8}: Invalid loss, terminating training" in capsys.readouterr().out
