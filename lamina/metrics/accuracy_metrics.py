"""Accuracy metrics: exact match, binary (thresholded), categorical, sparse, and top-k.

>>> from lamina.metrics import SparseCategoricalAccuracy
>>> m = SparseCategoricalAccuracy()
>>> m.update_state([[1], [0]], [[0.1, 0.9], [0.2, 0.8]]); float(m.result())
0.5
"""

import jax.numpy as jnp

from lamina import config
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.metrics.reduction_metrics import MeanMetricWrapper
from lamina.ops import convert_to_tensor


def _as_float(matches):
    return matches.astype(config.floatx())


def _in_top_k(targets, predictions, k):
    at_label = jnp.take_along_axis(predictions, targets[..., None], axis=-1)
    # A NaN score for the true class must not count as a hit.
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    rank = 1 + jnp.sum(predictions > at_label, axis=-1)
    return rank <= k


def accuracy(y_true, y_pred):
    """1.0 where `y_pred` equals `y_true` exactly, else 0.0.

    >>> accuracy([1.0, 2.0], [1.0, 3.0]).tolist()
    [1.0, 0.0]
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _as_float(y_true == y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_pred > threshold` matches the 0/1 label, else 0.0.

    >>> binary_accuracy([[1.0], [0.0]], [[0.7], [0.6]]).tolist()
    [[1.0], [0.0]]
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = (y_pred > jnp.asarray(threshold)).astype(y_true.dtype)
    return _as_float(y_true == y_pred)


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of one-hot `y_true` equals the arg-max of `y_pred`.

    >>> categorical_accuracy([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]]).tolist()
    [1.0, 0.0]
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = jnp.argmax(convert_to_tensor(y_true), axis=-1).astype(y_pred.dtype)
    true_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim
    if reshape_matches:
        y_true = jnp.squeeze(y_true, -1)
    predicted = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _as_float(y_true == predicted)
    return jnp.reshape(matches, true_shape) if reshape_matches else matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label `y_true` equals the arg-max of `y_pred`.

    >>> sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]]).tolist()
    [1.0, 0.0]
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype)
    true_shape = y_true.shape
    reshape_matches = y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1
    if reshape_matches:
        y_true = jnp.squeeze(y_true, -1)
    predicted = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = _as_float(y_true == predicted)
    if reshape_matches:
        matches = jnp.reshape(matches, true_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true, y_pred):
    true_shape = y_true.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    reshape_matches = y_true.ndim > 1
    if reshape_matches:
        y_true = jnp.reshape(y_true, (-1,))
    return y_true, y_pred, true_shape, reshape_matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot target's class is among the `k` highest predictions.

    >>> top_k_categorical_accuracy([[0, 0, 1]], [[0.5, 0.3, 0.2]], k=2).tolist()
    [0.0]
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = jnp.argmax(convert_to_tensor(y_true, dtype=y_pred.dtype), axis=-1)
    y_true, y_pred, true_shape, reshape = _flatten_for_top_k(y_true, y_pred)
    matches = _as_float(_in_top_k(y_true.astype("int32"), y_pred, k))
    return jnp.reshape(matches, true_shape) if reshape else matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the `k` highest predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score instead of scores.

    >>> sparse_top_k_categorical_accuracy([2], [[0.5, 0.3, 0.2]], k=2).tolist()
    [0.0]
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype if from_sorted_ids else "int32")
    y_true, y_pred, true_shape, reshape = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        matches = jnp.any(y_true[:, None] == y_pred[:, :k], axis=1)
    else:
        matches = _in_top_k(y_true, y_pred, k)
    matches = _as_float(matches)
    return jnp.reshape(matches, true_shape) if reshape else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]]); float(m.result())
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches binary labels.

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]); float(m.result())
    0.75
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the predictions matches one-hot labels.

    >>> m = CategoricalAccuracy()
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the predictions matches integer labels.

    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]); float(m.result())
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the top `k` predictions.

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top `k` predictions.

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]); float(m.result())
    0.5
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
