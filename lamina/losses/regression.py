"""Regression losses: squared, absolute, percentage, log errors, Huber, log-cosh, cosine.

>>> import jax.numpy as jnp
>>> from lamina.losses import MeanSquaredError
>>> float(MeanSquaredError()(jnp.array([[0.0, 1.0]]), jnp.array([[1.0, 1.0]])))
0.5
"""

import math

import jax
import jax.numpy as jnp

from lamina import config
from lamina.losses.loss import Loss
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.losses.wrapper import LossFunctionWrapper
from lamina.ops import convert_to_tensor


def _aligned(y_true, y_pred):
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """Mean of `(y_true - y_pred) ** 2` over the last axis.

    >>> float(mean_squared_error([[0.0, 2.0]], [[1.0, 1.0]])[0])
    1.0
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of `|y_true - y_pred|` over the last axis.

    >>> float(mean_absolute_error([[0.0, 2.0]], [[1.0, 1.0]])[0])
    1.0
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(|(y_true - y_pred) / y_true|)` over the last axis (`|y_true|` floored at epsilon).

    >>> round(float(mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]])[0]), 4)
    25.0
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    eps = jnp.asarray(config.epsilon(), y_pred.dtype)
    diff = jnp.abs((y_true - y_pred) / jnp.maximum(jnp.abs(y_true), eps))
    return 100.0 * jnp.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of `(log(1 + y_pred) - log(1 + y_true)) ** 2` over the last axis (inputs floored at epsilon).

    >>> round(float(mean_squared_logarithmic_error([[0.0]], [[1.718281828]])[0]), 4)
    1.0
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    eps = jnp.asarray(config.epsilon(), y_pred.dtype)
    first = jnp.log(jnp.maximum(y_pred, eps) + 1.0)
    second = jnp.log(jnp.maximum(y_true, eps) + 1.0)
    return jnp.mean(jnp.square(first - second), axis=-1)


def l2_normalize(x, axis=-1):
    """`x / ||x||` along `axis`, with the inverse norm capped at `1 / epsilon`."""
    if x.ndim == 0:
        x = jnp.expand_dims(x, 0)
    inv_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    return x * jnp.minimum(inv_norm, 1.0 / config.epsilon())


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along `axis`: -1 for aligned vectors, 1 for opposite ones.

    >>> float(cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]])[0])
    -1.0
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return -jnp.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for errors up to `delta`, linear beyond; averaged over the last axis.

    >>> float(huber([[0.0, 0.0]], [[0.5, 3.0]])[0])
    1.3125
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    delta = jnp.asarray(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    half = jnp.asarray(0.5, abs_error.dtype)
    quadratic = half * jnp.square(error)
    linear = delta * abs_error - half * jnp.square(delta)
    return jnp.mean(jnp.where(abs_error <= delta, quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean of `log(cosh(y_pred - y_true))` over the last axis, computed without overflow.

    >>> round(float(log_cosh([[0.0]], [[1.0]])[0]), 5)
    0.43378
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    x = y_pred - y_true
    log2 = jnp.asarray(math.log(2.0), y_pred.dtype)
    # log(cosh(x)) = x + log(1 + exp(-2x)) - log(2): softplus keeps large |x| finite.
    return jnp.mean(x + jax.nn.softplus(-2.0 * x) - log2, axis=-1)


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors.

    >>> import jax.numpy as jnp
    >>> float(MeanSquaredError()(jnp.array([1.0, 0.0]), jnp.array([0.0, 0.0])))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors.

    >>> import jax.numpy as jnp
    >>> float(MeanAbsoluteError()(jnp.array([1.0, 0.0]), jnp.array([0.0, 0.0])))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute percentage error.

    >>> import jax.numpy as jnp
    >>> float(MeanAbsolutePercentageError()(jnp.array([[2.0]]), jnp.array([[1.0]])))
    50.0
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_absolute_percentage_error",
        dtype=None,
    ):
        super().__init__(
            mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared error between `log(1 + y)` values.

    >>> import jax.numpy as jnp
    >>> float(MeanSquaredLogarithmicError()(jnp.array([[1.0]]), jnp.array([[1.0]])))
    0.0
    """

    def __init__(
        self,
        reduction="sum_over_batch_size",
        name="mean_squared_logarithmic_error",
        dtype=None,
    ):
        super().__init__(
            mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype
        )

    def get_config(self):
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis` (like Keras, `axis` is not part of the config).

    >>> import jax.numpy as jnp
    >>> float(CosineSimilarity()(jnp.array([[0.0, 1.0]]), jnp.array([[0.0, 3.0]])))
    -1.0
    """

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(
            cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis
        )

    def get_config(self):
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    """Huber loss with threshold `delta` (like Keras, `delta` is not part of the config).

    >>> import jax.numpy as jnp
    >>> float(Huber(delta=1.0)(jnp.array([[0.0]]), jnp.array([[3.0]])))
    2.5
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self):
        return Loss.get_config(self)


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error.

    >>> import jax.numpy as jnp
    >>> float(LogCosh()(jnp.array([[0.0]]), jnp.array([[0.0]])))
    0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)
