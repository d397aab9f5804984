"""Regression metrics: running means of MSE, MAE, MAPE, MSLE, log-cosh, cosine similarity; RMSE.

>>> from lamina.metrics import RootMeanSquaredError
>>> m = RootMeanSquaredError()
>>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]); float(m.result())
0.5
"""

import jax.numpy as jnp

from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.losses.regression import (
    l2_normalize,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper, NameDtypeConfigMixin
from lamina.ops import convert_to_tensor


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity along `axis` (positive: 1 for aligned vectors, unlike the loss).

    >>> float(cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])[0])
    1.0
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return jnp.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


class MeanSquaredError(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the mean squared error.

    >>> m = MeanSquaredError()
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]]); float(m.result())
    0.5
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


class MeanAbsoluteError(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the mean absolute error.

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]]); float(m.result())
    0.5
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


class MeanAbsolutePercentageError(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the mean absolute percentage error.

    >>> m = MeanAbsolutePercentageError()
    >>> m.update_state([[2.0]], [[1.0]]); float(m.result())
    50.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


class MeanSquaredLogarithmicError(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the mean squared logarithmic error.

    >>> m = MeanSquaredLogarithmicError()
    >>> m.update_state([[1.0]], [[1.0]]); float(m.result())
    0.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


class RootMeanSquaredError(Mean):
    """Square root of the running (weighted) mean of squared errors.

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0.0], [0.0]], [[3.0], [-3.0]]); float(m.result())
    3.0
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = convert_to_tensor(y_true, self.dtype)
        y_pred = convert_to_tensor(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(jnp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return jnp.sqrt(super().result())


class CosineSimilarity(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the cosine similarity along `axis` (not saved in the config, as in Keras).

    >>> m = CosineSimilarity()
    >>> m.update_state([[0.0, 1.0]], [[0.0, 2.0]]); float(m.result())
    1.0
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"


class LogCoshError(NameDtypeConfigMixin, MeanMetricWrapper):
    """Running mean of the log-cosh error.

    >>> m = LogCoshError()
    >>> m.update_state([[0.0]], [[0.0]]); float(m.result())
    0.0
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"
