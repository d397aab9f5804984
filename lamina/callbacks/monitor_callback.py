"""`MonitorCallback`: shared logic of callbacks that watch one metric (EarlyStopping,
ReduceLROnPlateau, ModelCheckpoint): which direction is better, and by how much.

>>> from lamina.callbacks.monitor_callback import MonitorCallback
>>> cb = MonitorCallback(monitor="val_loss", min_delta=0.1)
>>> cb._set_monitor_op()
>>> cb._is_improvement(0.85, 1.0), cb._is_improvement(0.95, 1.0)
(True, False)
"""

import operator
import warnings

from lamina.callbacks.callback import Callback

# Used only when the model's metric objects do not say which way is better.
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "iou", "f1", "fbeta", "r2", "cosine_similarity")
_LOWER_IS_BETTER = ("loss", "error", "crossentropy", "hinge", "divergence", "poisson", "logcosh")


def _walk_metrics(metrics, seen=None):
    seen = set() if seen is None else seen
    for metric in metrics or ():
        if id(metric) in seen:
            continue
        seen.add(id(metric))
        yield metric
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            yield from _walk_metrics(inner, seen)


class MonitorCallback(Callback):
    """Base class for callbacks that track the best value of `monitor`.

    Args:
        monitor: name of the logged quantity (`"val_loss"`, `"accuracy"`, ...).
        mode: `"min"`, `"max"` or `"auto"` (from the metric's direction, or its name).
        baseline: reference value an improvement must beat.
        min_delta: smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__}: mode={mode!r} is unknown (expected 'auto', 'min' or "
                "'max'); using 'auto'.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            self.monitor_op = self._auto_monitor_op()
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _auto_monitor_op(self):
        name = self.monitor.removeprefix("val_")
        if name == "loss":
            return operator.lt
        model = self._model
        metrics = getattr(model, "metrics", None) if model is not None else None
        for metric in _walk_metrics(metrics):
            if getattr(metric, "name", None) == name and hasattr(metric, "_direction"):
                return operator.gt if metric._direction == "up" else operator.lt
        lowered = name.lower()
        if any(word in lowered for word in _LOWER_IS_BETTER):
            return operator.lt
        if any(word in lowered for word in _HIGHER_IS_BETTER):
            return operator.gt
        raise ValueError(
            f"{type(self).__name__} callback received monitor={self.monitor!r}, but cannot tell "
            "whether that quantity should be maximized or minimized. Pass mode='max' to keep the "
            "highest value, or mode='min' to keep the lowest."
        )

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
