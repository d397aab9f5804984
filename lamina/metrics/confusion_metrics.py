"""Threshold-based classification metrics: confusion counts, `Precision` and `Recall`.

>>> from lamina.metrics import Precision
>>> m = Precision()
>>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); round(float(m.result()), 4)
0.6667
"""

import jax.numpy as jnp

from lamina.losses.reduction import divide_no_nan
from lamina.metrics import confusion_utils as cu
from lamina.metrics.metric import Metric


class _ConfusionMatrixConditionCount(Metric):
    """Counts one confusion-matrix cell at each threshold."""

    def __init__(self, confusion_matrix_cond, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = cu.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = cu.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        cu.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.value
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of positives predicted positive (`y_pred > threshold`).

    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(cu.TRUE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of negatives predicted positive.

    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1]); float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(cu.FALSE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of negatives predicted negative.

    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0]); float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(cu.TRUE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of positives predicted negative.

    >>> m = FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0]); float(m.result())
    2.0
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(cu.FALSE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionRecallBase(Metric):
    _second = None  # the confusion cell next to true positives in the denominator

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        # With top_k, every score that survives the top-k filter counts as positive.
        default = 0.5 if top_k is None else cu.NEG_INF
        self.thresholds = cu.parse_init_thresholds(thresholds, default_threshold=default)
        self._thresholds_distributed_evenly = cu.is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(
            shape=(n,), initializer="zeros", name="true_positives"
        )
        setattr(
            self,
            self._second_name,
            self.add_variable(shape=(n,), initializer="zeros", name=self._second_name),
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates counts for a batch; `sample_weight` broadcasts against `y_pred`."""
        cu.update_confusion_matrix_variables(
            {
                cu.TRUE_POSITIVES: self.true_positives,
                self._second: getattr(self, self._second_name),
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + getattr(self, self._second_name).value)
        return value[0] if len(self.thresholds) == 1 else value

    def reset_state(self):
        n = len(self.thresholds)
        self.true_positives.assign(jnp.zeros((n,)))
        getattr(self, self._second_name).assign(jnp.zeros((n,)))

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecallBase):
    """`true_positives / (true_positives + false_positives)` at each threshold.

    Args:
        thresholds: a float or list of floats in [0, 1]; a score counts as positive when it is
            above the threshold. Default 0.5 (or, with `top_k`, any top-k score).
        top_k: only the `top_k` highest scores of each row may count as positive.
        class_id: compute the metric for this class (column) only.

    >>> m = Precision(top_k=1)
    >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]); float(m.result())
    0.5
    """

    _second = cu.FALSE_POSITIVES
    _second_name = "false_positives"


class Recall(_PrecisionRecallBase):
    """`true_positives / (true_positives + false_negatives)` at each threshold.

    Takes the same arguments as `Precision`.

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1]); round(float(m.result()), 4)
    0.6667
    """

    _second = cu.FALSE_NEGATIVES
    _second_name = "false_negatives"
