"""`lamina.initializers`: Keras 3 initializers (`glorot_uniform`, `zeros`, ...).

>>> from lamina import initializers
>>> float(initializers.Constant(2.0)((2,)).sum())
4.0
"""

from lamina.backend.naming import to_snake_case
from lamina.initializers.initializer import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    IdentityInitializer,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    compute_fans,
)
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object
from lamina.utils.name_lookup import resolve

_ALL = [
    Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, LecunNormal,
    LecunUniform, Ones, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
    Zeros,
]
_BY_NAME = {to_snake_case(c.__name__): c for c in _ALL}
_BY_NAME.update({c.__name__: c for c in _ALL})
_BY_NAME.update({"zero": Zeros, "one": Ones, "identity": Identity, "orthogonal": Orthogonal,
                 # Keras's short aliases.
                 "uniform": RandomUniform, "normal": RandomNormal, "random_uniform": RandomUniform,
                 "random_normal": RandomNormal, "truncated_normal": TruncatedNormal})


def serialize(initializer):
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, "initializers", custom_objects, what="initializer")


def get(identifier):
    """Returns an initializer from a name, a config dict, an instance or a callable."""
    return resolve(identifier, "initializer", _BY_NAME, deserialize,
                   valid_names=sorted(k for k in _BY_NAME if k.islower()), valid_label="Valid names include")


__all__ = [c.__name__ for c in _ALL] + [
    "IdentityInitializer", "Initializer", "compute_fans", "deserialize", "get", "serialize",
]
