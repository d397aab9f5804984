"""`ReduceLROnPlateau`: lower the learning rate when a monitored quantity stops improving.

>>> from types import SimpleNamespace
>>> from lamina.callbacks import ReduceLROnPlateau
>>> model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=1.0))
>>> cb = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
>>> cb.set_model(model)
>>> cb.on_train_begin()
>>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
...     cb.on_epoch_end(epoch, {"loss": loss})
>>> model.optimizer.learning_rate
0.25
"""

import warnings

import numpy as np

from lamina.callbacks.learning_rate import get_learning_rate, log_learning_rates, optimizers_of
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.utils import io_utils


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by `factor` after `patience` epochs without improvement.

    Also logs the current `learning_rate` at each epoch end (so it appears in `History`).

    Args:
        monitor: quantity to watch.
        factor: multiplier applied to the learning rate (`new_lr = lr * factor`), below 1.
        patience: epochs without improvement before reducing.
        verbose: 1 prints each reduction.
        mode: `"auto"`, `"min"` or `"max"`.
        min_delta: smaller changes do not count as improvements.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the learning rate is never reduced below this.
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
        **kwargs,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                "ReduceLROnPlateau: factor must be below 1.0 (the learning rate is multiplied by "
                f"it). Received: factor={factor}"
            )
        if "epsilon" in kwargs:
            # Keras 2 name of min_delta.
            self.min_delta = abs(kwargs.pop("epsilon"))
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected arguments: {sorted(kwargs)}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _reduce(self, name, optimizer, epoch):
        old_lr = get_learning_rate(optimizer)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            which = f" {name}" if name else ""
            io_utils.print_msg(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{which} learning rate to {new_lr}."
            )
        return True

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        log_learning_rates(self.model, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                reduced = False
                for name, optimizer in optimizers_of(self.model):
                    reduced = self._reduce(name, optimizer, epoch) or reduced
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
