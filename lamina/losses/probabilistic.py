"""Distribution losses: Kullback-Leibler divergence and Poisson.

>>> import jax.numpy as jnp
>>> from lamina.losses import KLDivergence
>>> float(KLDivergence()(jnp.array([[0.5, 0.5]]), jnp.array([[0.5, 0.5]])))
0.0
"""

import jax.numpy as jnp

from lamina import config
from lamina.losses.loss import Loss
from lamina.losses.wrapper import LossFunctionWrapper
from lamina.ops import convert_to_tensor


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred))` over the last axis, both clipped to `[epsilon, 1]`.

    >>> round(float(kl_divergence([[1.0, 0.0]], [[0.5, 0.5]])[0]), 4)
    0.6931
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype)
    y_true = jnp.clip(y_true, config.epsilon(), 1)
    y_pred = jnp.clip(y_pred, config.epsilon(), 1)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Mean of `y_pred - y_true * log(y_pred + epsilon)` over the last axis.

    >>> float(poisson([[0.0]], [[2.0]])[0])
    2.0
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype)
    eps = jnp.asarray(config.epsilon(), y_pred.dtype)
    return jnp.mean(y_pred - y_true * jnp.log(y_pred + eps), axis=-1)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence between target and predicted distributions.

    >>> import jax.numpy as jnp
    >>> round(float(KLDivergence()(jnp.array([[1.0, 0.0]]), jnp.array([[0.5, 0.5]]))), 4)
    0.6931
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """Poisson negative log-likelihood (up to a constant).

    >>> import jax.numpy as jnp
    >>> float(Poisson()(jnp.array([[0.0]]), jnp.array([[2.0]])))
    2.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)
