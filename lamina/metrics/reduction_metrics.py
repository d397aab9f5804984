"""Running `Sum` and `Mean`, and `MeanMetricWrapper` (the running mean of any `fn(y_true, y_pred)`).

>>> from lamina.metrics import Mean
>>> m = Mean()
>>> m.update_state([1.0, 2.0]); m.update_state([3.0], sample_weight=[2.0])
>>> float(m.result())
2.25
"""

import jax.numpy as jnp

from lamina.backend.dtypes import standardize_dtype
from lamina.losses.masking import get_keras_mask
from lamina.losses.reduction import apply_mask, divide_no_nan, squeeze_or_expand_to_same_rank
from lamina.losses.serialization import plain_config, serialize_object
from lamina.metrics.metric import Metric
from lamina.ops import convert_to_tensor


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weights `values` and reduces every axis but the first with `reduce_fn`.

    Returns `(values, sample_weight)`: per-sample weighted values and the per-sample weights
    (None when no weights were given).
    """
    dtype = standardize_dtype(dtype)
    mask = get_keras_mask(values)
    values = convert_to_tensor(values).astype(dtype)
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight, dtype=dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        # Values with more axes than the weights are first reduced down to the weights' rank.
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = jnp.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The running (weighted) sum of the values it is given.

    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0]); float(m.result())
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, jnp.sum, self.dtype)
        self.total.assign_add(jnp.sum(values))

    def reset_state(self):
        self.total.assign(0)

    def result(self):
        return self.total.value.astype(self.dtype)


class Mean(Metric):
    """The running (weighted) mean of the values it is given.

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0]); float(m.result())
    4.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, jnp.mean, self.dtype
        )
        self.total.assign_add(jnp.sum(values))
        if sample_weight is not None:
            num_samples = jnp.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(jnp.asarray(num_samples, self.dtype))

    def reset_state(self):
        self.total.assign(0)
        self.count.assign(0)

    def result(self):
        return divide_no_nan(self.total.value, self.count.value.astype(self.dtype))


class NameDtypeConfigMixin:
    """For metrics whose config is only `name` and `dtype` (their fixed `fn` is not saved)."""

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


def _is_loss_function(fn):
    from lamina import losses

    return any(fn is obj for obj in losses.ALL_OBJECTS_DICT.values()) or any(
        type(fn) is obj for obj in losses.ALL_OBJECTS_DICT.values()
    )


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`.

    >>> from lamina.losses import mean_absolute_error
    >>> m = MeanMetricWrapper(mean_absolute_error, name="mae")
    >>> m.update_state([[0.0], [1.0]], [[1.0], [1.0]]); float(m.result())
    0.5
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        if _is_loss_function(fn):
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_object(self._fn, "keras.metrics")
        config.update(plain_config(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            from lamina.metrics import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)
