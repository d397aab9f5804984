"""`LossFunctionWrapper`: a `Loss` made from a function `fn(y_true, y_pred, **kwargs)`.

>>> import jax.numpy as jnp
>>> from lamina.losses import LossFunctionWrapper, mean_absolute_error
>>> loss = LossFunctionWrapper(mean_absolute_error, name="mae")
>>> float(loss(jnp.array([[1.0], [2.0]]), jnp.array([[2.0], [2.0]])))
0.5
"""

import jax

from lamina.losses.loss import Loss
from lamina.losses.reduction import squeeze_or_expand_to_same_rank
from lamina.losses.serialization import plain_config, serialize_object


class LossFunctionWrapper(Loss):
    """Wraps `fn` as a `Loss`; `kwargs` are passed to `fn` on every call."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        # Nested targets/predictions (e.g. dicts) are aligned leaf by leaf.
        true_leaves, treedef = jax.tree_util.tree_flatten(y_true)
        pred_leaves, pred_def = jax.tree_util.tree_flatten(y_pred)
        if treedef == pred_def:
            pairs = [squeeze_or_expand_to_same_rank(t, p) for t, p in zip(true_leaves, pred_leaves)]
            y_true = jax.tree_util.tree_unflatten(treedef, [t for t, _ in pairs])
            y_pred = jax.tree_util.tree_unflatten(pred_def, [p for _, p in pairs])
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config["fn"] = serialize_object(self.fn, "keras.losses")
        config.update(plain_config(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), (dict, str)):
            from lamina.losses import deserialize

            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
