"""Accumulating weighted true/false positive/negative counts at a list of thresholds.

A prediction counts as positive at threshold `t` when `y_pred > t`. For evenly spaced thresholds
(AUC's default) predictions are bucketed once and the counts come from a reverse cumulative sum,
which is linear in the batch size instead of `batch * num_thresholds`.

>>> import numpy as np
>>> from lamina.backend import Variable
>>> from lamina.metrics.confusion_utils import TRUE_POSITIVES, update_confusion_matrix_variables
>>> tp = Variable(np.zeros(2, "float32"))
>>> update_confusion_matrix_variables({TRUE_POSITIVES: tp}, [1, 1, 0], [0.2, 0.7, 0.9], [0.1, 0.5])
>>> tp.numpy().tolist()
[2.0, 1.0]
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.ops import convert_to_tensor

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
_KINDS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)

# Scores outside the top-k are pushed to this value so that no threshold counts them.
NEG_INF = -1e10


def parse_init_thresholds(thresholds, default_threshold=0.5):
    """`thresholds` as a list, after checking every value lies in [0, 1]."""
    if thresholds is None:
        return [default_threshold]
    values = list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds]
    bad = [t for t in values if t is None or t < 0 or t > 1]
    if bad:
        raise ValueError(
            f"Threshold values must be in [0, 1]. Received: thresholds={thresholds!r} "
            f"(out of range: {bad})"
        )
    return values


def is_evenly_distributed_thresholds(thresholds):
    """True for `[0, 1/(n-1), ..., 1]` with n >= 3 (up to epsilon)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def _filter_top_k(x, k):
    _, idx = jax.lax.top_k(x, k)
    in_top_k = jnp.sum(jax.nn.one_hot(idx, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * in_top_k + NEG_INF * (1 - in_top_k)


def _add(variables, kind, amount):
    if kind in variables:
        var = variables[kind]
        var.assign(var.value + amount)


def _update_bucketed(variables, y_true, y_pred, num_thresholds, multi_label, sample_weight,
                     label_weights, thresholds_with_epsilon):
    shape = y_pred.shape
    weights = 1.0
    if sample_weight is not None:
        weights = jnp.broadcast_to(sample_weight.astype(y_pred.dtype), shape)
    if label_weights is not None:
        weights = weights * jnp.broadcast_to(jnp.expand_dims(label_weights, 0), shape)
    if not multi_label:
        weights = jnp.reshape(weights, (-1,)) if jnp.ndim(weights) else weights
        y_true = jnp.reshape(y_true, (-1,))
        y_pred = jnp.reshape(y_pred, (-1,))
    weights = jnp.asarray(weights, y_true.dtype)
    y_pred = jnp.clip(y_pred, 0.0, 1.0)
    y_true = y_true.astype(bool).astype(y_true.dtype)
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    # Bucket i holds scores in (t_i, t_{i+1}]; a score is above every threshold below its bucket.
    buckets = jnp.ceil(y_pred * (num_thresholds - 1)) - 1
    if thresholds_with_epsilon:
        buckets = jax.nn.relu(buckets)
    buckets = buckets.astype("int32")

    def above_each_threshold(labels, ids):
        # Out-of-range ids (a score of exactly 0 without the epsilon threshold) are dropped.
        per_bucket = jax.ops.segment_sum(labels, ids, num_segments=num_thresholds)
        return jnp.flip(jnp.cumsum(jnp.flip(per_bucket)))

    if multi_label:
        per_label = jax.vmap(above_each_threshold)
        tp = per_label(true_labels.T, buckets.T).T
        fp = per_label(false_labels.T, buckets.T).T
        total_true = jnp.sum(true_labels, axis=0)
        total_false = jnp.sum(false_labels, axis=0)
    else:
        tp = above_each_threshold(true_labels, buckets)
        fp = above_each_threshold(false_labels, buckets)
        total_true = jnp.sum(true_labels)
        total_false = jnp.sum(false_labels)
    _add(variables, TRUE_POSITIVES, tp)
    _add(variables, FALSE_POSITIVES, fp)
    _add(variables, TRUE_NEGATIVES, total_false - fp)
    _add(variables, FALSE_NEGATIVES, total_true - tp)


def _update_compared(variables, y_true, y_pred, thresholds, multi_label, sample_weight,
                     label_weights):
    shape = y_pred.shape
    if multi_label:
        # (thresholds, batch, labels): counts are kept per label.
        pred_is_pos = y_pred[None] > thresholds[:, None, None]
        label_is_pos = jnp.broadcast_to(y_true.astype(bool)[None], pred_is_pos.shape)
    else:
        pred_is_pos = jnp.reshape(y_pred, (1, -1)) > thresholds[:, None]
        label_is_pos = jnp.broadcast_to(jnp.reshape(y_true.astype(bool), (1, -1)), pred_is_pos.shape)
    weights = None
    if sample_weight is not None:
        weights = jnp.broadcast_to(sample_weight.astype(y_pred.dtype), shape)
    if label_weights is not None and not multi_label:
        lw = jnp.broadcast_to(jnp.expand_dims(label_weights, 0), shape)
        weights = lw if weights is None else weights * lw
    if weights is not None:
        weights = weights[None] if multi_label else jnp.reshape(weights, (1, -1))

    def count(label, pred, dtype):
        both = label & pred
        if weights is None:
            return jnp.sum(both.astype(dtype), axis=1)
        return jnp.sum(jnp.where(both, weights.astype(dtype), jnp.zeros((), dtype)), axis=1)

    pred_is_neg = ~pred_is_pos
    label_is_neg = ~label_is_pos
    pairs = {
        TRUE_POSITIVES: (label_is_pos, pred_is_pos),
        FALSE_POSITIVES: (label_is_neg, pred_is_pos),
        TRUE_NEGATIVES: (label_is_neg, pred_is_neg),
        FALSE_NEGATIVES: (label_is_pos, pred_is_neg),
    }
    for kind, var in variables.items():
        label, pred = pairs[kind]
        var.assign(var.value + count(label, pred, var.dtype))


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Adds this batch's confusion counts to the given variables.

    Args:
        variables_to_update: dict from `TRUE_POSITIVES`, `FALSE_POSITIVES`, `TRUE_NEGATIVES`,
            `FALSE_NEGATIVES` to Variables of shape `(len(thresholds),)` (or
            `(len(thresholds), num_labels)` with `multi_label=True`).
        y_true, y_pred: labels (non-zero means positive) and scores in [0, 1].
        thresholds: list of thresholds; a score is positive at `t` when it is `> t`.
        top_k: only the `top_k` highest scores per row may count as positive.
        class_id: only this column of `y_true`/`y_pred` is considered.
        sample_weight: weights broadcastable to `y_pred`'s shape.
        multi_label: keep separate counts per label (last axis).
        label_weights: per-label weights (only without `multi_label`).
        thresholds_distributed_evenly: use the bucketed algorithm (thresholds must be
            `[0, 1/(n-1), ..., 1]`, optionally with the ends nudged by epsilon).
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` must be applied outside update_confusion_matrix_variables() when "
            "`multi_label=True`. Received: multi_label=True and label_weights not None."
        )
    if not variables_to_update:
        return
    unknown = [k for k in variables_to_update if k not in _KINDS]
    if unknown:
        raise ValueError(
            f"Invalid confusion-matrix keys: {unknown}. Valid keys are: {list(_KINDS)}."
        )
    dtype = next(iter(variables_to_update.values())).dtype
    y_true = convert_to_tensor(y_true).astype(dtype)
    y_pred = convert_to_tensor(y_pred).astype(dtype)
    thresholds_with_epsilon = bool(thresholds[0] < 0.0 or thresholds[-1] > 1.0)
    thresholds = jnp.asarray(np.asarray(thresholds), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = jnp.expand_dims(convert_to_tensor(sample_weight).astype(dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if label_weights is not None:
        label_weights = convert_to_tensor(label_weights).astype(dtype)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When `class_id` is given, y_pred must have shape (num_samples, num_classes). "
                f"Received: y_pred.shape={tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if thresholds_distributed_evenly:
        _update_bucketed(
            variables_to_update, y_true, y_pred, thresholds.shape[0], multi_label,
            sample_weight, label_weights, thresholds_with_epsilon,
        )
    else:
        _update_compared(
            variables_to_update, y_true, y_pred, thresholds, multi_label, sample_weight,
            label_weights,
        )
