"""`lamina.saving`: Keras 3-compatible files and config (de)serialization.

>>> from lamina import saving
>>> callable(saving.load_model), callable(saving.register_keras_serializable)
(True, True)
"""

from lamina.saving.object_registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.safe_mode import SafeModeScope, enable_unsafe_deserialization
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object

# The file functions import h5py and the models package; they load on first use, because this
# package is imported by the layer base itself (for the registry).
_LAZY = {
    "load_model": "lamina.saving.saving_api",
    "save_model": "lamina.saving.saving_api",
    "load_weights": "lamina.saving.saving_api",
    "save_weights": "lamina.saving.saving_api",
    "model_from_json": "lamina.saving.saving_api",
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lamina.saving' has no attribute '{name}'")


__all__ = [
    "CustomObjectScope",
    "SafeModeScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "enable_unsafe_deserialization",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "model_from_json",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
