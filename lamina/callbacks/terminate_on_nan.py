"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite.

It reads the loss after every batch, which makes the loop wait for each step to finish: use it
when debugging divergence, not for maximum speed.

>>> import math
>>> from types import SimpleNamespace
>>> from lamina.callbacks import TerminateOnNaN
>>> model = SimpleNamespace(stop_training=False)
>>> cb = TerminateOnNaN()
>>> cb.set_model(model)
>>> cb.on_batch_end(3, {"loss": math.nan})
Batch 3: Invalid loss, terminating training
>>> model.stop_training
True
"""

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.utils import io_utils


class TerminateOnNaN(Callback):
    """Sets `model.stop_training` (or raises, with `raise_error=True`) on a NaN/Inf loss.

    Args:
        raise_error: raise a `RuntimeError` at once instead of stopping after the batch.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(np.asarray(loss))
        if np.isfinite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. Terminating "
                "training immediately."
            )
        io_utils.print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
