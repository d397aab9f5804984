"""Hinge losses for maximum-margin classifiers: hinge, squared hinge, categorical hinge.

>>> import jax.numpy as jnp
>>> from lamina.losses import Hinge
>>> float(Hinge()(jnp.array([[1.0, -1.0]]), jnp.array([[0.5, -2.0]])))
0.25
"""

import jax.numpy as jnp

from lamina.losses.loss import Loss
from lamina.losses.wrapper import LossFunctionWrapper
from lamina.ops import convert_to_tensor


def _to_signed_labels(y_true):
    """0/1 labels become -1/1; labels that are not all 0/1 are used as given."""
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Mean of `max(1 - y_true * y_pred, 0)` over the last axis (0/1 labels become -1/1).

    >>> float(hinge([[1.0, 0.0]], [[0.5, -2.0]])[0])
    0.25
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = _to_signed_labels(convert_to_tensor(y_true).astype(y_pred.dtype))
    return jnp.mean(jnp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Mean of `max(1 - y_true * y_pred, 0) ** 2` over the last axis.

    >>> float(squared_hinge([[1.0, 0.0]], [[0.5, -2.0]])[0])
    0.125
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = _to_signed_labels(convert_to_tensor(y_true).astype(y_pred.dtype))
    return jnp.mean(jnp.square(jnp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`max(max_wrong - correct + 1, 0)` for one-hot targets.

    >>> float(categorical_hinge([[0.0, 1.0]], [[0.3, 0.8]])[0])
    0.5
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    pos = jnp.sum(y_true * y_pred, axis=-1)
    neg = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(neg - pos + 1.0, jnp.zeros((), y_pred.dtype))


class Hinge(LossFunctionWrapper):
    """Hinge loss for -1/1 (or 0/1) labels.

    >>> import jax.numpy as jnp
    >>> float(Hinge()(jnp.array([[1.0]]), jnp.array([[0.25]])))
    0.75
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss for -1/1 (or 0/1) labels.

    >>> import jax.numpy as jnp
    >>> float(SquaredHinge()(jnp.array([[1.0]]), jnp.array([[0.5]])))
    0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss for one-hot targets.

    >>> import jax.numpy as jnp
    >>> float(CategoricalHinge()(jnp.array([[0.0, 1.0]]), jnp.array([[0.3, 0.8]])))
    0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)
