"""`Loss`: the base class of losses — compute per-sample values in `call`, reduce in `__call__`.

>>> import jax.numpy as jnp
>>> from lamina.losses import Loss
>>> class AbsoluteError(Loss):
...     def call(self, y_true, y_pred):
...         return jnp.abs(y_true - y_pred)
>>> float(AbsoluteError()(jnp.array([1.0, 2.0]), jnp.array([2.0, 2.0])))
0.5
"""

from lamina import config
from lamina.backend.dtype_policy import DTypePolicy
from lamina.backend.naming import to_snake_case, uniquify
from lamina.losses.masking import get_keras_mask
from lamina.losses.reduction import reduce_weighted_values, standardize_reduction
from lamina.ops import convert_to_tensor


def _is_structure(x):
    """Dicts, and lists/tuples of arrays, are per-output structures; a list of numbers is data."""
    if isinstance(x, dict):
        return True
    return isinstance(x, (list, tuple)) and any(
        isinstance(e, dict) or hasattr(e, "shape") and len(getattr(e, "shape", ())) > 0 for e in x
    )


def _to_tensor(x, dtype):
    if isinstance(x, dict):
        return {key: _to_tensor(value, dtype) for key, value in x.items()}
    if _is_structure(x):
        return type(x)(_to_tensor(e, dtype) for e in x)
    return convert_to_tensor(x, dtype=dtype)


def _merge_masks(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a & b


class Loss:
    """Base class for losses.

    Args:
        name: name of the loss (default: the snake-cased class name, made unique).
        reduction: how per-sample losses are combined: `"sum_over_batch_size"` (default) and
            `"mean"` divide the weighted sum by the number of values, `"sum"` returns the weighted
            sum, `"mean_with_sample_weight"` divides it by the sum of the sample weights, and
            `"none"` / `None` return the per-sample values.
        dtype: dtype (or dtype policy) of the computation; defaults to `floatx()`.

    Subclasses implement `call(y_true, y_pred)` returning per-sample losses.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or uniquify(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = DTypePolicy(dtype or config.floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = get_keras_mask(y_pred)
        y_pred = _to_tensor(y_pred, self.dtype)
        y_true = _to_tensor(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        mask = _merge_masks(in_mask, get_keras_mask(losses))
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(y_true, y_pred)`, returning the "
            "per-sample losses."
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
