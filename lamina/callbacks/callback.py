"""`Callback`: hooks called by `fit`, `evaluate` and `predict` at each stage of the loop.

Batch-level `logs` hold JAX scalars still on the device: reading one as a number (`float(v)`)
makes the loop wait for that step to finish. Convert only when the number is really needed.
Epoch-level logs hold Python floats.

>>> import lamina as keras
>>> class CountEpochs(keras.callbacks.Callback):
...     def __init__(self):
...         super().__init__()
...         self.count = 0
...     def on_epoch_end(self, epoch, logs=None):
...         self.count += 1
>>> cb = CountEpochs()
>>> cb.on_epoch_end(0, {"loss": 0.5})
>>> cb.count
1
"""

_TRAIN_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")
_TEST_BATCH_HOOKS = ("on_test_batch_begin", "on_test_batch_end")
_PREDICT_BATCH_HOOKS = ("on_predict_batch_begin", "on_predict_batch_end")


class Callback:
    """Base class of callbacks: override the `on_*` methods you need.

    Attributes:
        model: the model being trained/evaluated (set by `set_model`).
        params: dict of loop parameters (`verbose`, `epochs`, `steps`), set by `set_params`.

    >>> Callback().params is None
    True
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        # A trainer may keep the latest weights outside the Variables during a compiled loop; give
        # callbacks a model whose Variables are current.
        sync = getattr(self._model, "jax_state_sync", None)
        if sync is not None:
            sync()
        return self._model

    @model.setter
    def model(self, model):
        self._model = model

    # ------------------------------------------------------------------------------ batch hooks
    def on_batch_begin(self, batch, logs=None):
        """Keras 2 alias of `on_train_batch_begin` (called by the default implementation)."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2 alias of `on_train_batch_end` (called by the default implementation)."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before training batch `batch` (0-based within the epoch)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after training batch `batch`; `logs` holds the running metric values."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called before batch `batch` of `evaluate` (or of the validation pass of `fit`)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after batch `batch` of `evaluate`; `logs` holds the running metric values."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before batch `batch` of `predict`."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after batch `batch` of `predict`; `logs["outputs"]` holds the batch outputs."""

    # ------------------------------------------------------------------------------ epoch hooks
    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of epoch `epoch` (0-based) of `fit`."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of epoch `epoch` with the epoch's metrics (`val_` ones included)."""

    # -------------------------------------------------------------------------- begin/end hooks
    def on_train_begin(self, logs=None):
        """Called at the start of `fit`."""

    def on_train_end(self, logs=None):
        """Called at the end of `fit` with the last epoch's logs."""

    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate` (and of each validation pass of `fit`)."""

    def on_test_end(self, logs=None):
        """Called at the end of `evaluate` with its final metrics."""

    def on_predict_begin(self, logs=None):
        """Called at the start of `predict`."""

    def on_predict_end(self, logs=None):
        """Called at the end of `predict`."""

    # ------------------------------------------------------------------- which hooks are needed
    def _overrides(self, hook):
        # LambdaCallback stores hooks on the instance; subclasses override them on the class.
        if hook in self.__dict__:
            return True
        return getattr(type(self), hook) is not getattr(Callback, hook)

    def _implements_train_batch_hooks(self):
        """Whether this callback does anything per training batch (else the loop may skip it)."""
        return any(self._overrides(h) for h in _TRAIN_BATCH_HOOKS)

    def _implements_test_batch_hooks(self):
        """Whether this callback does anything per `evaluate` batch."""
        return any(self._overrides(h) for h in _TEST_BATCH_HOOKS)

    def _implements_predict_batch_hooks(self):
        """Whether this callback does anything per `predict` batch."""
        return any(self._overrides(h) for h in _PREDICT_BATCH_HOOKS)
