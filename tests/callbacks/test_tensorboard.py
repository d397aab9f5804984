"""TensorBoard: Keras 3's tag names and directories, written through tensorboardX.

tensorboardX is an optional dependency; a recording stand-in module is used here so the tests
check what is written without needing it.
"""

import sys
import types

import numpy as np
import pytest

import lamina as keras
from lamina import callbacks


class RecordingWriter:
    instances = []

    def __init__(self, logdir):
        self.logdir = logdir
        self.scalars, self.histograms = [], []
        self.closed = False
        RecordingWriter.instances.append(self)

    def add_scalar(self, tag, value, step):
        assert type(value) is float
        self.scalars.append((tag, value, step))

    def add_histogram(self, tag, values, step):
        self.histograms.append((tag, np.asarray(values).shape, step))

    def flush(self):
        pass

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tensorboardx(monkeypatch):
    RecordingWriter.instances = []
    monkeypatch.setitem(sys.modules, "tensorboardX", types.SimpleNamespace(SummaryWriter=RecordingWriter))


def _writers(log_dir):
    return {w.logdir[len(str(log_dir)) + 1:]: w for w in RecordingWriter.instances}


def _fit(tmp_path, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse", metrics=["accuracy"])
    cb = callbacks.TensorBoard(log_dir=tmp_path, **kwargs)
    history = model.fit(x, y, batch_size=10, epochs=2, verbose=0, validation_data=(x, y), callbacks=[cb])
    return model, history


def test_epoch_scalars(fake_tensorboardx, tmp_path):
    _, history = _fit(tmp_path)
    writers = _writers(tmp_path)
    assert sorted(writers) == ["train", "validation"]
    train = writers["train"].scalars
    assert sorted({tag for tag, _, _ in train}) == ["epoch_accuracy", "epoch_learning_rate", "epoch_loss"]
    assert [v for tag, v, _ in train if tag == "epoch_loss"] == history.history["loss"]
    assert [s for tag, _, s in train if tag == "epoch_loss"] == [0, 1]
    val = writers["validation"].scalars
    assert [v for tag, v, _ in val if tag == "epoch_loss"] == history.history["val_loss"]
    assert all(w.closed for w in writers.values())


def test_batch_scalars_and_histograms(fake_tensorboardx, tmp_path):
    model, _ = _fit(tmp_path, update_freq=2, histogram_freq=1, write_steps_per_second=True)
    train = _writers(tmp_path)["train"]
    batch_steps = sorted({s for tag, _, s in train.scalars if tag == "batch_loss"})
    assert batch_steps == [2, 4, 6, 8]  # 4 batches per epoch, 2 epochs, every 2nd batch
    assert any(tag == "epoch_steps_per_second" and v > 0 for tag, v, _ in train.scalars)
    tags = [tag for tag, _, _ in train.histograms]
    expected = [f"{w.path}/histogram" for layer in model.layers for w in layer.weights]
    assert tags == expected * 2


def test_only_needs_batches_when_asked(fake_tensorboardx, tmp_path):
    assert not callbacks.TensorBoard(log_dir=tmp_path)._implements_train_batch_hooks()
    assert callbacks.TensorBoard(log_dir=tmp_path, update_freq="batch")._implements_train_batch_hooks()


def test_argument_errors(fake_tensorboardx, tmp_path):
    with pytest.raises(ValueError, match="update_freq=0"):
        callbacks.TensorBoard(log_dir=tmp_path, update_freq=0)
    with pytest.raises(ValueError, match="profile_batch"):
        callbacks.TensorBoard(log_dir=tmp_path, profile_batch=2)


def test_missing_tensorboardx_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tensorboardX", None)  # makes the import fail
    with pytest.raises(ImportError, match="pip install tensorboardX"):
        callbacks.TensorBoard(log_dir=tmp_path)


def test_evaluate_writes_evaluation_scalars(fake_tensorboardx, tmp_path):
    model, _ = _fit(tmp_path)
    RecordingWriter.instances = []
    x = np.ones((4, 3), "float32")
    cb = callbacks.TensorBoard(log_dir=tmp_path)
    model.evaluate(x, np.ones((4, 1), "float32"), verbose=0, callbacks=[cb])
    val = _writers(tmp_path)["validation"].scalars
    iterations = int(np.asarray(model.optimizer.iterations))
    assert sorted(tag for tag, _, _ in val) == ["evaluation_accuracy_vs_iterations",
                                               "evaluation_loss_vs_iterations"]
    assert all(step == iterations == 8 for _, _, step in val)
