"""`AUC`: area under the ROC or precision-recall curve, from confusion counts at fixed thresholds.

>>> from lamina.metrics import AUC
>>> m = AUC(num_thresholds=3)
>>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); float(m.result())
0.75
"""

from enum import Enum

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.losses.reduction import divide_no_nan
from lamina.metrics import confusion_utils as cu
from lamina.metrics.metric import Metric
from lamina.ops import convert_to_tensor


class AUCCurve(Enum):
    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for curve in AUCCurve:
            if key in (curve.value, curve.value.lower()):
                return curve
        raise ValueError(
            f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"].'
        )


class AUCSummationMethod(Enum):
    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for method in AUCSummationMethod:
            if key in (method.value, method.value.capitalize()):
                return method
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". Expected values are '
            '["interpolation", "majoring", "minoring"].'
        )


class AUC(Metric):
    """Approximate area under the ROC or PR curve.

    Predictions are compared with `num_thresholds` thresholds spread evenly over [0, 1]; the
    curve's points come from the confusion counts at each threshold and the area is a Riemann sum.

    Args:
        num_thresholds: number of thresholds (> 1); more gives a finer curve.
        curve: `'ROC'` (default), `'PR'` or `'PRGAIN'`.
        summation_method: `'interpolation'` (trapezoids for ROC; for PR the interpolation of
            Davis & Goadrich 2006), `'minoring'` (left heights) or `'majoring'` (right heights).
        thresholds: explicit thresholds in [0, 1] (then `num_thresholds` is ignored).
        multi_label: keep one curve per label (last axis) and average the areas.
        num_labels: number of labels, to create the state before the first batch.
        label_weights: per-label weights (for the average with `multi_label`, or the counts
            without it).
        from_logits: apply a sigmoid to the predictions first.

    >>> m = AUC(curve="PR", num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]); round(float(m.result()), 4)
    0.8207
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = cu.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        # The end thresholds sit just outside [0, 1] so scores of exactly 0 or 1 are counted.
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        self.curve = curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        self.summation_method = (
            summation_method
            if isinstance(summation_method, AUCSummationMethod)
            else AUCSummationMethod.from_str(summation_method)
        )
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else jnp.asarray(label_weights, self.dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError(
                    "`num_labels` is needed only when `multi_label=True`. Received: "
                    f"num_labels={num_labels}, multi_label=False."
                )
            self._build(None)

    @property
    def thresholds(self):
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found rank "
                    f"{len(shape)}. Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(variable_shape, "zeros", name=name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Accumulates confusion counts at every threshold for one batch."""
        y_pred = convert_to_tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        cu.update_confusion_matrix_variables(
            {
                cu.TRUE_POSITIVES: self.true_positives,
                cu.TRUE_NEGATIVES: self.true_negatives,
                cu.FALSE_POSITIVES: self.false_positives,
                cu.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, per_threshold_terms):
        if not self.multi_label:
            return jnp.sum(per_threshold_terms)
        by_label = jnp.sum(per_threshold_terms, axis=0)
        if self.label_weights is None:
            return jnp.mean(by_label)
        weighted = jnp.sum(by_label * self.label_weights)
        return divide_no_nan(weighted, jnp.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC with precision interpolated between thresholds (Davis & Goadrich, 2006).

        Between two thresholds precision is `dTP / dP` along a straight line in (TP, P), so the
        area of each slice has a closed form with a `log(P_i / P_{i+1})` term.
        """
        n = self.num_thresholds
        tp = self.true_positives.value
        fn = self.false_negatives.value
        p = tp + self.false_positives.value
        dtp = tp[: n - 1] - tp[1:]
        dp = p[: n - 1] - p[1:]
        slope = divide_no_nan(dtp, jnp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[: n - 1] > 0) & (p[1:] > 0)
        ratio = jnp.where(
            both_positive, divide_no_nan(p[: n - 1], jnp.maximum(p[1:], 0)), jnp.ones_like(p[1:])
        )
        increments = divide_no_nan(
            slope * (dtp + intercept * jnp.log(ratio)), jnp.maximum(tp[1:] + fn[1:], 0)
        )
        return self._average_over_labels(increments)

    def result(self):
        if (
            self.curve == AUCCurve.PR
            and self.summation_method == AUCSummationMethod.INTERPOLATION
        ):
            return self.interpolate_pr_auc()
        tp = self.true_positives.value
        fp = self.false_positives.value
        tn = self.true_negatives.value
        fn = self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == AUCCurve.ROC:
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == AUCCurve.PR:
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
            recall_gain = jnp.maximum(jnp.where(tp == 0, 0.0, recall_gain), 0.0)
            precision_gain = jnp.where(tp == 0, 1.0, precision_gain)
            x, y = recall_gain, precision_gain
        n = self.num_thresholds
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = jnp.minimum(y[: n - 1], y[1:])
        else:
            heights = jnp.maximum(y[: n - 1], y[1:])
        return self._average_over_labels((x[: n - 1] - x[1:]) * heights)

    def reset_state(self):
        if not self._built:
            return
        for var in (
            self.true_positives,
            self.false_positives,
            self.true_negatives,
            self.false_negatives,
        ):
            var.assign(jnp.zeros(var.shape, var.dtype))

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
