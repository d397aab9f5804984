"""Saved training state: resuming equals never stopping; ModelCheckpoint; BackupAndRestore."""

import os

import numpy as np
import pytest

import lamina
from lamina.callbacks.backup_and_restore import BackupAndRestore
from lamina.callbacks.model_checkpoint import ModelCheckpoint


def make_model(optimizer="adam"):
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(8, activation="relu"),
                               lamina.layers.BatchNormalization(), lamina.layers.Dense(2)])
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


@pytest.fixture
def data(rng):
    x = rng.standard_normal((32, 4)).astype("float32")
    y = rng.standard_normal((32, 2)).astype("float32")
    return x, y


def _same_start(models):
    weights = models[0].get_weights()
    for m in models[1:]:
        m.set_weights(weights)


def _assert_same_weights(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------------------------- resume
@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_resuming_from_keras_file_equals_uninterrupted_training(optimizer, data, tmp_path):
    x, y = data
    straight, interrupted = make_model(optimizer), make_model(optimizer)
    _same_start([straight, interrupted])
    straight.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    interrupted.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    interrupted.save(tmp_path / "mid.keras")
    resumed = lamina.saving.load_model(tmp_path / "mid.keras")
    assert int(np.asarray(resumed.optimizer.iterations)) == 8
    resumed.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    _assert_same_weights(straight, resumed)


def test_resuming_from_weights_file_restores_optimizer_slots(data, tmp_path):
    x, y = data
    straight, interrupted, fresh = make_model(), make_model(), make_model()
    _same_start([straight, interrupted, fresh])
    straight.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    interrupted.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    interrupted.save_weights(tmp_path / "mid.weights.h5")
    fresh.load_weights(tmp_path / "mid.weights.h5")
    for a, b in zip(interrupted.optimizer.variables, fresh.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    fresh.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    _assert_same_weights(straight, fresh)


# ---------------------------------------------------------------------------------- ModelCheckpoint
def _checkpoint(tmp_path, **kwargs):
    model = make_model()
    cb = ModelCheckpoint(str(tmp_path / kwargs.pop("pattern", "ckpt_{epoch:02d}.keras")), **kwargs)
    cb.set_model(model)
    return model, cb


def test_save_best_only_saves_on_improvement_only(tmp_path):
    model, cb = _checkpoint(tmp_path, monitor="val_loss", save_best_only=True)
    for epoch, val_loss in enumerate([1.0, 2.0, 0.5, 0.5]):
        cb.on_epoch_end(epoch, {"loss": 1.0, "val_loss": val_loss})
    assert sorted(os.listdir(tmp_path)) == ["ckpt_01.keras", "ckpt_03.keras"]
    assert cb.best == 0.5


def test_mode_max_and_initial_threshold(tmp_path):
    model, cb = _checkpoint(tmp_path, monitor="val_acc", mode="max", save_best_only=True,
                            initial_value_threshold=0.6, pattern="best.weights.h5",
                            save_weights_only=True)
    cb.on_epoch_end(0, {"val_acc": 0.5})
    assert not os.listdir(tmp_path)
    cb.on_epoch_end(1, {"val_acc": 0.7})
    assert os.listdir(tmp_path) == ["best.weights.h5"]


def test_missing_monitor_warns_and_saves(tmp_path):
    model, cb = _checkpoint(tmp_path, monitor="val_loss", save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss"):
        cb.on_epoch_end(0, {"loss": 1.0})
    assert os.listdir(tmp_path) == ["ckpt_01.keras"]


def test_filepath_with_logged_values(tmp_path):
    model, cb = _checkpoint(tmp_path, pattern="m-{epoch:03d}-{val_loss:.2f}.keras")
    cb.on_epoch_end(4, {"val_loss": 0.1234})
    assert os.listdir(tmp_path) == ["m-005-0.12.keras"]
    with pytest.raises(KeyError, match="val_loss"):
        cb.on_epoch_end(5, {"loss": 1.0})


def test_checkpoints_during_fit_reload(data, tmp_path):
    x, y = data
    model = make_model()
    full = ModelCheckpoint(str(tmp_path / "full_{epoch:02d}.keras"))
    weights = ModelCheckpoint(str(tmp_path / "w_{epoch:02d}.weights.h5"), save_weights_only=True,
                              monitor="val_loss", save_best_only=True)
    model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_data=(x, y), callbacks=[full, weights])
    names = sorted(os.listdir(tmp_path))
    assert {"full_01.keras", "full_02.keras", "full_03.keras"} <= set(names)
    assert any(n.startswith("w_") and n.endswith(".weights.h5") for n in names)
    last = lamina.saving.load_model(tmp_path / "full_03.keras")
    np.testing.assert_allclose(np.asarray(last(x)), np.asarray(model(x)), rtol=1e-5, atol=1e-6)
    best_file = sorted(n for n in names if n.startswith("w_"))[-1]
    other = make_model()
    other.load_weights(tmp_path / best_file)


def test_save_freq_in_batches(data, tmp_path):
    x, y = data
    model = make_model()
    cb = ModelCheckpoint(str(tmp_path / "b_{epoch}_{batch}.weights.h5"), save_weights_only=True,
                         save_freq=2)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[cb])
    assert sorted(os.listdir(tmp_path)) == ["b_1_2.weights.h5", "b_1_4.weights.h5"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"filepath": "m.h5"}, "must end in '.keras'"),
        ({"filepath": "m.keras", "save_weights_only": True}, "'.weights.h5'"),
        ({"filepath": "m.keras", "save_freq": "batch"}, "save_freq"),
    ],
)
def test_checkpoint_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ModelCheckpoint(**kwargs)


# ---------------------------------------------------------------------------------- BackupAndRestore
class _Interrupt(lamina.callbacks.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("simulated crash")


class _Epochs(lamina.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_begin(self, epoch, logs=None):
        self.seen.append(epoch)


def test_backup_is_written_and_restored(data, tmp_path):
    x, y = data
    model = make_model()
    backup = BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="simulated"):
        model.fit(x, y, epochs=5, batch_size=8, verbose=0, shuffle=False,
                  callbacks=[backup, _Interrupt(at_epoch=1)])
    assert sorted(os.listdir(tmp_path / "backup")) == ["latest.weights.h5", "training_metadata.json"]
    restarted = make_model()
    cb = BackupAndRestore(str(tmp_path / "backup"))
    cb.set_model(restarted)
    cb.on_train_begin()
    assert restarted._initial_epoch == 2
    _assert_same_weights(model, restarted)
    for a, b in zip(model.optimizer.variables, restarted.optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_backup_is_deleted_after_successful_training(data, tmp_path):
    x, y = data
    make_model().fit(x, y, epochs=1, verbose=0, callbacks=[BackupAndRestore(str(tmp_path / "b"))])
    assert not os.path.exists(tmp_path / "b")


def test_backup_requires_a_built_model():
    model = lamina.Sequential([lamina.layers.Dense(2)])
    cb = BackupAndRestore("/tmp/unused_backup_dir")
    cb.set_model(model)
    with pytest.raises(ValueError, match="must be built"):
        cb.on_train_begin()


def test_interrupted_fit_resumes_from_last_epoch(data, tmp_path):
    x, y = data
    straight, crashed, resumed = make_model(), make_model(), make_model()
    _same_start([straight, crashed, resumed])
    straight.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    with pytest.raises(RuntimeError):
        crashed.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0,
                    callbacks=[BackupAndRestore(str(tmp_path / "bk")), _Interrupt(at_epoch=1)])
    epochs = _Epochs()
    resumed.fit(x, y, epochs=4, batch_size=8, shuffle=False, verbose=0,
                callbacks=[BackupAndRestore(str(tmp_path / "bk")), epochs])
    assert epochs.seen == [2, 3]
    _assert_same_weights(straight, resumed)
