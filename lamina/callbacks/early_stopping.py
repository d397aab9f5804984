"""`EarlyStopping`: stop `fit` when a monitored quantity stops improving.

>>> from lamina.callbacks import EarlyStopping
>>> class FakeModel:
...     stop_training = False
>>> es = EarlyStopping(monitor="loss", patience=1)
>>> es.set_model(FakeModel())
>>> es.on_train_begin()
>>> for epoch, loss in enumerate([1.0, 0.9, 0.95, 0.96]):
...     es.on_epoch_end(epoch, {"loss": loss})
...     if es.model.stop_training:
...         break
>>> es.model.stop_training, es.stopped_epoch
(True, 2)
"""

import warnings

from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.utils import io_utils


class EarlyStopping(MonitorCallback):
    """Sets `model.stop_training = True` after `patience` epochs without improvement.

    Args:
        monitor: quantity to watch (`"val_loss"` by default).
        min_delta: smaller changes do not count as improvements.
        patience: epochs without improvement before stopping.
        verbose: 1 prints when it stops or restores weights.
        mode: `"auto"`, `"min"` or `"max"`.
        baseline: training stops if the quantity does not beat this within `patience` epochs.
        restore_best_weights: at the end of training, restore the weights of the best epoch
            (when no epoch improved on `baseline`, of the best epoch seen).
        start_from_epoch: epochs to wait before watching (warm-up).
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # The same instance may be reused across fits.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # Set up lazily: the model's metrics exist only once training has started.
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Patience restarts only when both the baseline and the previous best are beaten.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            io_utils.print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                io_utils.print_msg(
                    f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}",
                stacklevel=2,
            )
        return value
