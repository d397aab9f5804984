"""`History`: records each epoch's logs; `fit` returns it (also set as `model.history`).

>>> from lamina.callbacks import History
>>> h = History()
>>> h.on_train_begin()
>>> h.on_epoch_end(0, {"loss": 0.5})
>>> h.on_epoch_end(1, {"loss": 0.25})
>>> h.history, h.epoch
({'loss': [0.5, 0.25]}, [0, 1])
"""

from lamina.callbacks.callback import Callback


class History(Callback):
    """Keeps `history` (metric name -> list of per-epoch values), `epoch` (epoch indices) and
    `params` (the `fit` parameters). Only epoch-level logs are read, so it costs nothing per batch.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self._model is not None:
            # The latest History is what `model.history` refers to, even with several fits.
            self._model.history = self
