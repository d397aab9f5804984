"""`LearningRateScheduler`: set the learning rate at the start of each epoch from a function.

>>> from types import SimpleNamespace
>>> from lamina.callbacks import LearningRateScheduler
>>> model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=0.1))
>>> cb = LearningRateScheduler(lambda epoch, lr: lr * 0.5)
>>> cb.set_model(model)
>>> cb.on_epoch_begin(0)
>>> model.optimizer.learning_rate
0.05
"""

import inspect

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.callbacks.learning_rate import get_learning_rate, log_learning_rates, optimizers_of
from lamina.utils import io_utils


class LearningRateScheduler(Callback):
    """Calls `schedule(epoch, lr)` (or `schedule(epoch)`) before each epoch and sets the result.

    Also logs the current `learning_rate` at each epoch end (so it appears in `History`).

    Args:
        schedule: function of the epoch index (0-based) and the current learning rate returning
            the new learning rate as a float.
        verbose: 1 prints each update.
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _takes_lr(self):
        try:
            params = inspect.signature(self.schedule).parameters.values()
        except (TypeError, ValueError):
            return True
        positional = [
            p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)

    def _new_rate(self, optimizer, epoch):
        if self._takes_lr():
            rate = self.schedule(epoch, get_learning_rate(optimizer))
        else:
            # Keras 2 schedules take only the epoch.
            rate = self.schedule(epoch)
        if isinstance(rate, np.ndarray) and rate.ndim == 0:
            rate = rate.item()
        if isinstance(rate, bool) or not isinstance(rate, (float, int, np.floating, np.integer)):
            raise ValueError(
                "LearningRateScheduler: the `schedule` function must return a float. Received: "
                f"{rate!r} (of type {type(rate).__name__}) at epoch {epoch}."
            )
        return float(rate)

    def on_epoch_begin(self, epoch, logs=None):
        for name, optimizer in optimizers_of(self.model):
            rate = self._new_rate(optimizer, epoch)
            optimizer.learning_rate = rate
            if self.verbose > 0:
                which = f"{name} " if name else ""
                io_utils.print_msg(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting {which}learning rate to "
                    f"{rate}."
                )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            log_learning_rates(self.model, logs)
