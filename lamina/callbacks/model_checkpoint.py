"""`ModelCheckpoint`: saves the model (or its weights) during `fit`.

The path may contain `str.format` fields filled at each save: `{epoch}` (1-based), `{batch}` when
saving every N batches, and any logged value (`{val_loss:.4f}`). With `save_best_only=True` a
save happens only when `monitor` improves. Every save is atomic, so an interrupted run never
leaves a half-written checkpoint.

>>> import lamina as keras
>>> cb = keras.callbacks.ModelCheckpoint("ckpt/model_{epoch:02d}.keras", monitor="val_loss",
...                                      save_best_only=True)
>>> cb._file_path(epoch=2, batch=None, logs={"val_loss": 0.1})
'ckpt/model_03.keras'
"""

import os
import warnings

import numpy as np

from lamina.callbacks.monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Saves the model, or only its weights, at the end of epochs or every `save_freq` batches.

    Args:
        filepath: where to save; must end in `.keras` (whole model) or, with
            `save_weights_only=True`, in `.weights.h5`. May hold format fields (see above).
        monitor: the logged quantity compared when `save_best_only=True`.
        verbose: 1 prints a line for each save (or skipped save).
        save_best_only: save only when `monitor` improves on the best value so far.
        save_weights_only: save `model.save_weights(...)` instead of `model.save(...)`.
        mode: `"min"`, `"max"` or `"auto"` (from the monitored metric).
        save_freq: `"epoch"`, or an int: save every that many batches.
        initial_value_threshold: the value the first save must improve on.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor=monitor, mode=mode, baseline=initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_since_save = 0
        self._last_batch = None
        self._current_epoch = 0
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                     or save_freq < 1):
            raise ValueError(
                "ModelCheckpoint: `save_freq` must be 'epoch' or a positive int (a number of "
                f"batches). Received: save_freq={save_freq!r}"
            )
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError(
                "ModelCheckpoint: with save_weights_only=True the filepath must end in "
                f"'.weights.h5'. Received: filepath={self.filepath!r}"
            )
        if not save_weights_only and not self.filepath.endswith(".keras"):
            raise ValueError(
                "ModelCheckpoint: the filepath must end in '.keras' (the whole model), or pass "
                "save_weights_only=True with a path ending in '.weights.h5'. Received: "
                f"filepath={self.filepath!r}"
            )

    # ------------------------------------------------------------------------------ hooks
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        # With several steps fused per call, `batch` can jump; count the batches it covers.
        if self._last_batch is None or batch <= self._last_batch:
            seen = batch + 1
        else:
            seen = batch - self._last_batch
        self._last_batch = batch
        self._batches_since_save += seen
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            if self.monitor_op is None:
                self._set_monitor_op()
            self._save(self._current_epoch, batch, logs)

    # ------------------------------------------------------------------------------ saving
    def _file_path(self, epoch, batch, logs):
        logs = {k: _as_number(v) for k, v in (logs or {}).items()}
        fields = {"epoch": epoch + 1, **logs}
        if batch is not None and "batch" not in logs:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as e:
            raise KeyError(
                f"ModelCheckpoint could not fill the filepath {self.filepath!r}: it names {e}, "
                f"which is not among the available fields {sorted(fields)}."
            ) from None

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(
                f"ModelCheckpoint: can save the best model only with '{self.monitor}' available; "
                f"the logs have {sorted(logs or {})}. Saving anyway.",
                stacklevel=3,
            )
            return True
        current = _as_number(current)
        if not np.isscalar(current):
            warnings.warn(
                f"ModelCheckpoint: '{self.monitor}' is not a scalar ({current!r}); saving anyway.",
                stacklevel=3,
            )
            return True
        previous = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {previous}")
        return False

    def _save(self, epoch, batch, logs):
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError(
                f"ModelCheckpoint: the filepath {filepath!r} is an existing directory; give a file "
                "name ending in '.keras' or '.weights.h5'."
            )
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)


def _as_number(value):
    """Batch logs may hold device scalars; file names and comparisons need Python numbers."""
    if isinstance(value, (int, float, str)) or value is None:
        return value
    array = np.asarray(value)
    return array.item() if array.ndim == 0 else array
