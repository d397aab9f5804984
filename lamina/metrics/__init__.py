"""`lamina.metrics`: Keras 3 metrics — stateful `Metric` objects and their function forms.

>>> from lamina import metrics
>>> m = metrics.get("mae")
>>> m.update_state([[1.0], [2.0]], [[1.0], [0.0]]); float(m.result())
1.0
"""

from lamina.backend.naming import to_snake_case
from lamina.losses.crossentropy import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
)
from lamina.losses.hinge import categorical_hinge, hinge, squared_hinge
from lamina.losses.probabilistic import kl_divergence, poisson
from lamina.losses.regression import (
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from lamina.losses.serialization import deserialize_object, get_object, serialize_object
from lamina.metrics.accuracy_metrics import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from lamina.metrics.auc import AUC
from lamina.metrics.confusion_metrics import (
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
)
from lamina.metrics.metric import Metric
from lamina.metrics.probabilistic_metrics import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper, Sum
from lamina.metrics.regression_metrics import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)
from lamina.metrics.resolve import is_accuracy_identifier, resolve_accuracy, resolve_metric

_CLASSES = [
    Metric,
    Mean,
    Sum,
    MeanMetricWrapper,
    MeanSquaredError,
    RootMeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    CosineSimilarity,
    LogCoshError,
    AUC,
    FalseNegatives,
    FalsePositives,
    Precision,
    Recall,
    TrueNegatives,
    TruePositives,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    KLDivergence,
    Poisson,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
]

# The public function forms (as in `keras.metrics`), and `accuracy` which Keras keeps internal.
_FUNCTIONS = [
    accuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    sparse_categorical_crossentropy,
    categorical_hinge,
    hinge,
    squared_hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
]

# What `get` accepts, as in Keras 3: class names, their snake_case forms (which also give
# instances, e.g. 'binary_accuracy' -> BinaryAccuracy()), and short aliases.
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL_OBJECTS_DICT.update(
    {
        "bce": BinaryCrossentropy,
        "BCE": BinaryCrossentropy,
        "mse": MeanSquaredError,
        "MSE": MeanSquaredError,
        "mae": MeanAbsoluteError,
        "MAE": MeanAbsoluteError,
        "mape": MeanAbsolutePercentageError,
        "MAPE": MeanAbsolutePercentageError,
        "msle": MeanSquaredLogarithmicError,
        "MSLE": MeanSquaredLogarithmicError,
    }
)
_FUNCTIONS_DICT = {fn.__name__: fn for fn in _FUNCTIONS}


def serialize(metric):
    """The Keras 3 config dict of a `Metric` instance or a metric function.

    >>> serialize(AUC())["class_name"]
    'AUC'
    """
    return serialize_object(metric, "keras.metrics")


def deserialize(config, custom_objects=None):
    """Rebuilds a metric (or metric function) from `serialize`'s output or a name.

    >>> deserialize({"class_name": "Precision", "config": {"thresholds": 0.3}}).thresholds
    [0.3]
    """
    return deserialize_object(
        config, ALL_OBJECTS_DICT, "metric", custom_objects, functions=_FUNCTIONS_DICT
    )


def get(identifier):
    """A metric from a name, a config dict, a class, an instance, or a function.

    Names resolve as in `keras.metrics.get`: `'mae'`, `'auc'`, `'binary_accuracy'`,
    `'Precision'`, ... give new instances. `'acc'` is not a name here: `compile` resolves
    `'accuracy'`/`'acc'` from the data's shapes (see `resolve_accuracy`); `get('accuracy')`
    gives the exact-match `Accuracy()`, as in Keras.

    >>> type(get("auc")).__name__
    'AUC'
    """
    return get_object(identifier, ALL_OBJECTS_DICT, "metric", Metric)


__all__ = sorted(
    {c.__name__ for c in _CLASSES}
    | {f.__name__ for f in _FUNCTIONS}
    | {"deserialize", "get", "is_accuracy_identifier", "resolve_accuracy", "resolve_metric"}
    | {"serialize"}
)
