"""CSVLogger: byte-identical files to Keras 3's for the same epochs."""

import numpy as np
import pytest

import lamina as keras
from lamina import callbacks

RUNS = {
    "with_val": [{"loss": 0.5, "accuracy": 0.25, "val_loss": 0.75, "val_accuracy": 0.125}] * 3,
    "no_val_adds_val_columns": [{"loss": 0.5, "mae": 1.5}, {"loss": 0.25, "mae": 1.0}],
    "list_and_array_values": [{"loss": np.float32(0.5), "per_class": [1, 2, 3], "zero_d": np.array(2.0)}],
    "missing_key_later": [{"loss": 0.5, "val_loss": 1.0}, {"loss": 0.25}],
    "string_value": [{"loss": 0.5, "note": "hello"}],
}


def _write(cls, path, runs, **kwargs):
    for epochs in runs:
        cb = cls(str(path), **kwargs)
        cb.on_train_begin()
        for epoch, logs in enumerate(epochs):
            cb.on_epoch_end(epoch, dict(logs))
        cb.on_train_end()
    return path.read_bytes()


@pytest.mark.parametrize("name", sorted(RUNS))
@pytest.mark.parametrize("kwargs", [{}, {"separator": ";"}, {"append": True}])
def test_file_matches_keras(keras3, tmp_path, name, kwargs):
    # Two trainings in a row: overwritten, or appended without a second header.
    runs = [RUNS[name], RUNS[name]]
    expected = _write(keras3.callbacks.CSVLogger, tmp_path / "keras.csv", runs, **kwargs)
    got = _write(callbacks.CSVLogger, tmp_path / "lamina.csv", runs, **kwargs)
    assert got == expected


def test_append_to_existing_file_keeps_single_header(tmp_path):
    path = tmp_path / "log.csv"
    _write(callbacks.CSVLogger, path, [[{"loss": 1.0}], [{"loss": 0.5}]], append=True)
    lines = path.read_text().splitlines()
    assert lines == ["epoch,loss,val_loss", "0,1.0,NA", "0,0.5,NA"]


def test_in_fit(tmp_path):
    x = np.ones((8, 2), "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=[keras.metrics.MeanAbsoluteError(name="mae")])
    path = tmp_path / "fit.csv"
    history = model.fit(x, x[:, :1], epochs=2, verbose=0, validation_data=(x, x[:, :1]),
                        callbacks=[callbacks.CSVLogger(str(path))])
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,loss,mae,val_loss,val_mae"
    assert len(lines) == 3
    first = [float(v) for v in lines[1].split(",")[1:]]
    np.testing.assert_allclose(first, [history.history[k][0] for k in ("loss", "mae", "val_loss", "val_mae")])
