"""`lamina.utils`: progress bar, label helpers, seeding, datasets by index, downloads, plotting.

>>> import lamina as keras
>>> keras.utils.to_categorical([1, 0], num_classes=2).tolist()
[[0.0, 1.0], [1.0, 0.0]]
"""

from lamina.saving.object_registry import (
    CustomObjectScope,
    custom_object_scope,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object
from lamina.utils.data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from lamina.utils.file_utils import get_file
from lamina.utils.model_visualization import model_to_dot, plot_model
from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.progbar import Progbar
from lamina.utils.py_dataset import PyDataset, Sequence
from lamina.utils.rng_utils import set_random_seed

__all__ = [
    "CustomObjectScope",
    "Progbar",
    "PyDataset",
    "Sequence",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_file",
    "get_registered_name",
    "get_registered_object",
    "model_to_dot",
    "normalize",
    "pack_x_y_sample_weight",
    "plot_model",
    "register_keras_serializable",
    "serialize_keras_object",
    "set_random_seed",
    "to_categorical",
    "unpack_x_y_sample_weight",
]
