"""`lamina.regularizers`: weight penalties added to `model.losses` (`l1`, `l2`, `l1_l2`).

>>> from lamina import regularizers
>>> import numpy as np
>>> float(regularizers.L2(0.5)(np.ones((2, 2), "float32")))
2.0
"""

import jax.numpy as jnp

from lamina.saving.object_registry import register_builtin
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object
from lamina.utils.name_lookup import resolve

_register = register_builtin("regularizers", "keras.regularizers")


def _check(name, value):
    if not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"Regularizer `{name}` must be a non-negative number. Received: {name}={value!r}")
    return float(value)


class Regularizer:
    def __call__(self, x):
        return 0.0

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


@_register
class L1(Regularizer):
    def __init__(self, l1=0.01):
        self.l1 = _check("l1", l1)

    def __call__(self, x):
        return self.l1 * jnp.sum(jnp.abs(x))

    def get_config(self):
        return {"l1": self.l1}


@_register
class L2(Regularizer):
    def __init__(self, l2=0.01):
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        return self.l2 * jnp.sum(jnp.square(x))

    def get_config(self):
        return {"l2": self.l2}


@_register
class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check("l1", l1)
        self.l2 = _check("l2", l2)

    def __call__(self, x):
        out = 0.0
        if self.l1:
            out = out + self.l1 * jnp.sum(jnp.abs(x))
        if self.l2:
            out = out + self.l2 * jnp.sum(jnp.square(x))
        return jnp.asarray(out, jnp.float32) if not self.l1 and not self.l2 else out

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@_register
class OrthogonalRegularizer(Regularizer):
    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _check("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns'. Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, x):
        x = x if self.mode == "rows" else x.T
        x = x / jnp.maximum(jnp.linalg.norm(x, axis=1, keepdims=True), 1e-7)
        prod = x @ x.T
        n = prod.shape[0]
        off = prod * (1.0 - jnp.eye(n))
        return self.factor * jnp.sum(jnp.abs(off)) / (n * (n - 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


def l1(l1=0.01):
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


def orthogonal_regularizer(factor=0.01, mode="rows"):
    return OrthogonalRegularizer(factor, mode)


_NAMES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2,
          "orthogonal_regularizer": OrthogonalRegularizer, "OrthogonalRegularizer": OrthogonalRegularizer}


def serialize(regularizer):
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, "regularizers", custom_objects, what="regularizer")


def get(identifier):
    return resolve(identifier, "regularizer", _NAMES, deserialize,
                   valid_names=["l1", "l2", "l1_l2", "orthogonal_regularizer"])


__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1",
           "l1_l2", "l2", "orthogonal_regularizer", "serialize"]
