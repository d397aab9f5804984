"""Overlap losses for segmentation masks: Dice and Tversky.

>>> import jax.numpy as jnp
>>> from lamina.losses import Dice
>>> round(float(Dice()(jnp.array([[1.0, 0.0]]), jnp.array([[1.0, 0.0]]))), 4)
0.0
"""

import jax.numpy as jnp

from lamina import config
from lamina.losses.loss import Loss
from lamina.losses.wrapper import LossFunctionWrapper
from lamina.ops import convert_to_tensor


def dice(y_true, y_pred, axis=None):
    """`1 - 2 |A ∩ B| / (|A| + |B|)` summed over `axis` (all axes when None).

    >>> round(float(dice([[1.0, 1.0]], [[1.0, 0.0]])), 4)
    0.3333
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    intersection = jnp.sum(y_true * y_pred, axis=axis)
    total = jnp.sum(y_true, axis=axis) + jnp.sum(y_pred, axis=axis) + config.epsilon()
    return 1 - 2.0 * intersection / total


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Dice generalised: false positives weigh `alpha`, false negatives `beta`.

    >>> round(float(tversky([[1.0, 1.0]], [[1.0, 0.0]])), 4)
    0.3333
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    intersection = jnp.sum(y_true * y_pred, axis=axis)
    # Named as Keras does: "fp" counts target mass the prediction misses, "fn" the reverse.
    fp = jnp.sum((1 - y_pred) * y_true, axis=axis)
    fn = jnp.sum(y_pred * (1 - y_true), axis=axis)
    return 1 - intersection / (intersection + fp * alpha + fn * beta + config.epsilon())


class Dice(LossFunctionWrapper):
    """Dice loss.

    >>> import jax.numpy as jnp
    >>> round(float(Dice()(jnp.array([[1.0, 1.0]]), jnp.array([[1.0, 0.0]]))), 4)
    0.3333
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config["axis"] = self.axis
        return config


class Tversky(LossFunctionWrapper):
    """Tversky loss.

    >>> import jax.numpy as jnp
    >>> round(float(Tversky()(jnp.array([[1.0, 1.0]]), jnp.array([[1.0, 0.0]]))), 4)
    0.3333
    """

    def __init__(
        self,
        alpha=0.5,
        beta=0.5,
        reduction="sum_over_batch_size",
        name="tversky",
        axis=None,
        dtype=None,
    ):
        super().__init__(
            tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis
        )
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(alpha=self.alpha, beta=self.beta, axis=self.axis)
        return config
