"""`ProgbarLogger`: prints the progress of `fit`, `evaluate` and `predict` (added by `fit` unless
`verbose=0`).

`verbose="auto"` means a live bar (1) when stdout is a terminal and one plain line per epoch (2)
otherwise, so logs written to files or CI have no backspaces or colour codes.

>>> from lamina.callbacks import ProgbarLogger
>>> logger = ProgbarLogger()
>>> logger.set_params({"verbose": 2, "epochs": 2, "steps": 3})
>>> logger.on_train_begin()
>>> logger.on_epoch_begin(0)
Epoch 1/2
>>> logger.on_epoch_end(0, {"loss": 0.5})  # doctest: +ELLIPSIS
3/3 - 0s - ...s/step - loss: 0.5000
"""

from lamina.callbacks.callback import Callback
from lamina.utils import io_utils
from lamina.utils.progbar import Progbar

# Redraws per second of the live bar are capped at 1 / this; each redraw reads the metric values
# back from the device, which waits for the step in flight.
_REFRESH_INTERVAL = 0.1


class ProgbarLogger(Callback):
    """Prints a progress bar (verbose 1) or one line per epoch (verbose 2)."""

    def __init__(self):
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        self.verbose = io_utils.resolve_verbose(params.get("verbose", 1))
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _wants_batches(self):
        # Batch updates are needed to draw the live bar, or to count steps when their number is
        # not known in advance.
        return bool(self.verbose) and (self.verbose == 1 or self.target is None)

    def _implements_train_batch_hooks(self):
        return self._wants_batches()

    def _implements_test_batch_hooks(self):
        return self._wants_batches() and not self._called_in_fit

    def _implements_predict_batch_hooks(self):
        return self._wants_batches()

    def on_train_begin(self, logs=None):
        # Validation inside fit is silent.
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            io_utils.print_msg(f"Epoch {epoch + 1}/{self.epochs}")

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        # Predictions are not metrics: show only the progress.
        self._update_progbar(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self):
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self):
        if self.progbar is None:
            # Metrics arrive already averaged over the epoch so far: show them as given.
            self.progbar = Progbar(
                target=self.target,
                verbose=self.verbose,
                interval=_REFRESH_INTERVAL,
                stateless_metrics=set(),
                unit_name="step",
            )

    def _update_progbar(self, batch, logs=None):
        self._maybe_init_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            # Values are only stored here; Progbar reads them from the device when it redraws.
            self.progbar.update(self.seen, list(logs.items()) if logs else None, finalize=False)

    def _finalize_progbar(self, logs):
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)
