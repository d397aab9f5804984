"""`LambdaCallback`: a callback made from plain functions.

>>> from lamina.callbacks import LambdaCallback
>>> seen = []
>>> cb = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
>>> cb.on_epoch_end(0, {})
>>> seen
[0]
"""

from lamina.callbacks.callback import Callback

_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_train_batch_begin",
    "on_train_batch_end",
)


class LambdaCallback(Callback):
    """Builds a callback from functions given for any of these hooks:

    `on_epoch_begin(epoch, logs)`, `on_epoch_end(epoch, logs)`, `on_train_begin(logs)`,
    `on_train_end(logs)`, `on_train_batch_begin(batch, logs)`, `on_train_batch_end(batch, logs)`.
    Other keyword arguments (e.g. `on_test_end=...`) are set as attributes, so any hook works.
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        self.__dict__.update(kwargs)
        given = dict(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for hook in _HOOKS:
            if given[hook] is not None:
                setattr(self, hook, given[hook])
