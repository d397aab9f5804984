"""`lamina.layers`: every layer, re-exported by family.

>>> from lamina import layers
>>> layers.Dense(3)
<Dense name=dense, built=False>
"""

from lamina.layers import activations as _activations_pkg
from lamina.layers import attention as _attention
from lamina.layers import convolutional as _convolutional
from lamina.layers import core as _core
from lamina.layers import merging as _merging
from lamina.layers import normalization as _normalization
from lamina.layers import pooling as _pooling
from lamina.layers import preprocessing as _preprocessing
from lamina.layers import recurrent as _recurrent
from lamina.layers import regularization as _regularization
from lamina.layers import reshaping as _reshaping
from lamina.layers.activations import *  # noqa: F403
from lamina.layers.attention import *  # noqa: F403
from lamina.layers.convolutional import *  # noqa: F403
from lamina.layers.core import *  # noqa: F403
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.layers.merging import *  # noqa: F403
from lamina.layers.normalization import *  # noqa: F403
from lamina.layers.pooling import *  # noqa: F403
from lamina.layers.preprocessing import *  # noqa: F403
from lamina.layers.recurrent import *  # noqa: F403
from lamina.layers.regularization import *  # noqa: F403
from lamina.layers.reshaping import *  # noqa: F403


def serialize(layer):
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    from lamina.saving.serialization import deserialize_keras_object

    obj = deserialize_keras_object(config, "layers", custom_objects, what="layer")
    return obj


__all__ = sorted(
    ["Layer", "deserialize", "serialize"]
    + [
        n
        for pkg in (_activations_pkg, _attention, _convolutional, _core, _merging, _normalization,
                    _pooling, _preprocessing, _recurrent, _regularization, _reshaping)
        for n in pkg.__all__
    ]
)
