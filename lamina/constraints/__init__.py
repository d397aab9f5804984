"""`lamina.constraints`: projections applied to weights after each optimizer step.

>>> from lamina import constraints
>>> import numpy as np
>>> constraints.NonNeg()(np.array([-1.0, 2.0])).tolist()
[0.0, 2.0]
"""

import jax.numpy as jnp

from lamina import config
from lamina.saving.object_registry import register_builtin
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object
from lamina.utils.name_lookup import resolve

_register = register_builtin("constraints", "keras.constraints")


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norm(w, axis):
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=axis, keepdims=True))


@_register
class MaxNorm(Constraint):
    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        w = jnp.asarray(w)
        norms = _norm(w, self.axis)
        desired = jnp.clip(norms, 0, self.max_value)
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


@_register
class NonNeg(Constraint):
    def __call__(self, w):
        w = jnp.asarray(w)
        return w * (w >= 0).astype(w.dtype)


@_register
class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = jnp.asarray(w)
        return w / (config.epsilon() + _norm(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


@_register
class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        w = jnp.asarray(w)
        norms = _norm(w, self.axis)
        desired = self.rate * jnp.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (config.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
_NAMES = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
          "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm}


def serialize(constraint):
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, "constraints", custom_objects, what="constraint")


def get(identifier):
    return resolve(identifier, "constraint", _NAMES, deserialize)


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm",
           "min_max_norm", "non_neg", "serialize", "unit_norm"]
