"""`TensorBoard`: write training curves (and weight histograms) for TensorBoard.

Needs the `tensorboardX` package (`pip install tensorboardX`, or the `lamina[tensorboard]`
extra). Runs write to `<log_dir>/train` and `<log_dir>/validation`, with Keras 3's tag names
(`epoch_loss`, `epoch_accuracy`, `batch_loss`, ...), so existing dashboards keep working.

    model.fit(x, y, epochs=5, callbacks=[keras.callbacks.TensorBoard(log_dir="logs")])
    # then: tensorboard --logdir logs
"""

import os
import time
import warnings

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.callbacks.learning_rate import log_learning_rates


def _summary_writer_class():
    try:
        from tensorboardX import SummaryWriter
    except ImportError as e:
        raise ImportError(
            "The TensorBoard callback needs the `tensorboardX` package, which is not installed. "
            'Install it with `pip install tensorboardX` (or `pip install "lamina[tensorboard]"`).'
        ) from e
    return SummaryWriter


class TensorBoard(Callback):
    """Logs epoch metrics, optionally batch metrics and weight histograms, for TensorBoard.

    Args:
        log_dir: directory of the event files.
        histogram_freq: write weight histograms every this many epochs (0: never).
        write_graph, write_images, embeddings_freq, embeddings_metadata: accepted for Keras
            compatibility; graphs, weight images and embeddings are not written.
        write_steps_per_second: also log training steps per second at each epoch end.
        update_freq: `"epoch"`, `"batch"` or an int N: also log `batch_<metric>` every N batches.
            Each such write reads the metric values from the device, which waits for the step.
        profile_batch: not supported (use `jax.profiler` directly); must be 0.
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        self._writer_class = _summary_writer_class()
        if update_freq != "epoch" and update_freq != "batch" and (
            isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq < 1
        ):
            raise ValueError(
                "TensorBoard: update_freq must be 'epoch', 'batch' or a positive int. "
                f"Received: update_freq={update_freq!r}"
            )
        if profile_batch:
            raise ValueError(
                "TensorBoard: profiling is not supported by lamina's TensorBoard callback; wrap "
                "the steps you want to trace in `jax.profiler.trace(log_dir)` instead. Received: "
                f"profile_batch={profile_batch!r} (must be 0)"
            )
        if write_images or embeddings_freq:
            warnings.warn(
                "TensorBoard: write_images and embeddings are not supported by lamina and are "
                "ignored.",
                stacklevel=2,
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers = {}
        self._global_train_batch = 0
        self._epoch_start_time = None
        self._epoch_batches = 0

    def _writer(self, which):
        writer = self._writers.get(which)
        if writer is None:
            writer = self._writers[which] = self._writer_class(os.path.join(self.log_dir, which))
        return writer

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _implements_train_batch_hooks(self):
        return self.update_freq != "epoch"

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start_time = time.time()
        self._start_iterations = self._iterations()

    def on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq:
            return
        writer = self._writer("train")
        for name, value in (logs or {}).items():
            writer.add_scalar(f"batch_{name}", float(np.asarray(value)), self._global_train_batch)

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if getattr(self.model, "optimizer", None) is not None:
            log_learning_rates(self.model, train_logs)
        if self.write_steps_per_second and self._epoch_start_time is not None:
            steps = self._iterations() - self._start_iterations
            if steps <= 0 and self.params:
                steps = self.params.get("steps") or 0
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train_logs["steps_per_second"] = steps / elapsed
        for which, values in (("train", train_logs), ("validation", val_logs)):
            if values:
                writer = self._writer(which)
                for name, value in values.items():
                    writer.add_scalar(f"epoch_{name}", float(value), epoch)
                writer.flush()
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    def on_test_end(self, logs=None):
        # Only `evaluate` outside `fit` reaches here with this callback (fit validates silently).
        optimizer = getattr(self.model, "optimizer", None)
        if not logs or optimizer is None:
            return
        writer = self._writer("validation")
        step = self._iterations()
        for name, value in logs.items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", float(value), step)
        writer.flush()

    def _iterations(self):
        optimizer = getattr(self._model, "optimizer", None)
        iterations = getattr(optimizer, "iterations", None)
        return 0 if iterations is None else int(np.asarray(iterations))

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                writer.add_histogram(f"{name}/histogram", np.asarray(weight), epoch)
        writer.flush()
