"""`CallbackList`: calls every callback's hook, in order, with one shared `logs` dict.

Log keys are put in sorted order (as Keras does: `accuracy` before `loss`) and nested dicts are
flattened. Batch-level values are passed through untouched (JAX scalars stay on the device);
epoch-level and begin/end values are turned into Python floats.

>>> from lamina.callbacks import Callback, CallbackList
>>> class Print(Callback):
...     def on_epoch_end(self, epoch, logs=None):
...         print(epoch, logs)
>>> cbs = CallbackList([Print()], add_history=True, epochs=1, steps=1, verbose=0)
>>> cbs.on_train_begin()
>>> cbs.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.75})
0 {'accuracy': 0.75, 'loss': 0.5}
"""

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.callbacks.history import History
from lamina.callbacks.progbar_logger import ProgbarLogger


def _flatten_callbacks(callbacks):
    flat = []
    for cb in callbacks:
        if isinstance(cb, (list, tuple)):
            flat.extend(_flatten_callbacks(cb))
        elif cb is not None:
            if not isinstance(cb, Callback) and not hasattr(cb, "on_epoch_end"):
                raise TypeError(
                    "callbacks must be `keras.callbacks.Callback` instances. Received: "
                    f"{cb!r} (of type {type(cb).__name__}). Subclass Callback, or wrap functions "
                    "with keras.callbacks.LambdaCallback."
                )
            flat.append(cb)
    return flat


def _ordered_logs(logs):
    """Sorted keys, nested dicts flattened, values untouched (no device-to-host transfer)."""
    if not logs:
        return {}
    result = {}
    for key in sorted(logs):
        value = logs[key]
        if isinstance(value, dict):
            result.update(_ordered_logs(value))
        else:
            result[key] = value
    return result


def _to_python(value):
    if isinstance(value, (float, int, str)) or value is None:
        return value
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 -- leave values that are not array-like as they are
        return value
    if array.ndim == 0 and array.dtype.kind in "biuf":
        return float(array)
    return value


def _python_logs(logs):
    return {key: _to_python(value) for key, value in _ordered_logs(logs).items()}


class CallbackList(Callback):
    """A group of callbacks called together (what `fit` uses internally).

    Args:
        callbacks: list of `Callback`s (nested lists are flattened).
        add_history: append a `History` callback unless one is given.
        add_progbar: append a `ProgbarLogger` unless one is given.
        model: the model, passed to every callback's `set_model`.
        **params: loop parameters (`verbose`, `epochs`, `steps`) passed to `set_params`.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        self.callbacks = _flatten_callbacks(callbacks) if callbacks else []
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        # History goes after the user's callbacks so it records keys they add (e.g.
        # `learning_rate` from ReduceLROnPlateau); the progress bar goes last for the same reason.
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)

    def set_params(self, params):
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model):
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    @property
    def model(self):
        return self._model

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self):
        return len(self.callbacks)

    # ------------------------------------------------------------------- which hooks are needed
    def _implements_train_batch_hooks(self):
        return any(cb._implements_train_batch_hooks() for cb in self.callbacks)

    def _implements_test_batch_hooks(self):
        return any(cb._implements_test_batch_hooks() for cb in self.callbacks)

    def _implements_predict_batch_hooks(self):
        return any(cb._implements_predict_batch_hooks() for cb in self.callbacks)

    # ------------------------------------------------------------------------------ dispatching
    def _batch(self, hook, batch, logs):
        logs = _ordered_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(batch, logs=logs)

    def _epoch(self, hook, epoch, logs):
        logs = _python_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(epoch, logs)

    def _stage(self, hook, logs):
        logs = _python_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(logs)

    def on_batch_begin(self, batch, logs=None):
        self._batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._epoch("on_epoch_end", epoch, logs)

    def on_train_begin(self, logs=None):
        self._stage("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._stage("on_train_end", logs)

    def on_test_begin(self, logs=None):
        self._stage("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._stage("on_test_end", logs)

    def on_predict_begin(self, logs=None):
        self._stage("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._stage("on_predict_end", logs)
