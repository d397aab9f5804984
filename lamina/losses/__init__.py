"""`lamina.losses`: Keras 3 losses, as functions (`mean_squared_error`) and classes (`Huber`).

>>> import jax.numpy as jnp
>>> from lamina import losses
>>> float(losses.get("mse")(jnp.array([1.0, 2.0]), jnp.array([1.0, 0.0])))
2.0
"""

from lamina.losses.crossentropy import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.hinge import (
    CategoricalHinge,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    hinge,
    squared_hinge,
)
from lamina.losses.loss import Loss
from lamina.losses.probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from lamina.losses.reduction import reduce_weighted_values, squeeze_or_expand_to_same_rank
from lamina.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.losses.resolve import is_binary_or_sparse_categorical, resolve_loss
from lamina.losses.segmentation import Dice, Tversky, dice, tversky
from lamina.losses.serialization import deserialize_object, get_object, serialize_object
from lamina.losses.wrapper import LossFunctionWrapper

_CLASSES = [
    Loss,
    LossFunctionWrapper,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCosh,
    Huber,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    Dice,
    Tversky,
]
_FUNCTIONS = [
    kl_divergence,
    poisson,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
    cosine_similarity,
    log_cosh,
    huber,
    hinge,
    squared_hinge,
    categorical_hinge,
    dice,
    tversky,
]

# The names `get` and `deserialize` accept: class names, function names, and Keras's short
# aliases (which, as in Keras 3, are strings only, not module attributes).
ALL_OBJECTS_DICT = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
ALL_OBJECTS_DICT.update(
    {
        "bce": binary_crossentropy,
        "BCE": binary_crossentropy,
        "kld": kl_divergence,
        "KLD": kl_divergence,
        "mae": mean_absolute_error,
        "MAE": mean_absolute_error,
        "mse": mean_squared_error,
        "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error,
        "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error,
        "MSLE": mean_squared_logarithmic_error,
    }
)


def serialize(loss):
    """The Keras 3 config dict of a `Loss` instance or a loss function.

    >>> serialize(mean_squared_error)["config"]
    'mean_squared_error'
    """
    return serialize_object(loss, "keras.losses")


def deserialize(name, custom_objects=None):
    """Rebuilds a loss from `serialize`'s output or a name.

    >>> deserialize({"class_name": "Huber", "config": {"name": "h"}}).name
    'h'
    """
    return deserialize_object(name, ALL_OBJECTS_DICT, "loss", custom_objects)


def get(identifier):
    """A loss from a name, a config dict, a class, an instance, or a function.

    Function names give the function (`get('mse')` is `mean_squared_error`); class names give a
    new instance (`get('Huber')`). Unknown names raise a ValueError listing the valid ones.

    >>> get("mae") is mean_absolute_error
    True
    """
    return get_object(identifier, ALL_OBJECTS_DICT, "loss", Loss)


__all__ = sorted(
    [c.__name__ for c in _CLASSES]
    + [f.__name__ for f in _FUNCTIONS]
    + ["deserialize", "get", "is_binary_or_sparse_categorical", "reduce_weighted_values"]
    + ["resolve_loss", "serialize", "squeeze_or_expand_to_same_rank"]
)
