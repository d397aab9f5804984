"""What `compile(metrics=[...])` turns each entry into, given target and prediction shapes.

`'accuracy'` / `'acc'` depend on the data, as in Keras 3: one prediction per sample gives
`BinaryAccuracy`; integer labels (targets of lower rank, or a last dim of 1 next to several
classes) give `SparseCategoricalAccuracy`; otherwise `CategoricalAccuracy`. The metric keeps the
spelling the user wrote as its name.

>>> from lamina.metrics import resolve_accuracy
>>> m = resolve_accuracy("acc", y_true_shape=(32,), y_pred_shape=(32, 10))
>>> type(m).__name__, m.name
('SparseCategoricalAccuracy', 'acc')
"""

from lamina.losses.resolve import is_binary_or_sparse_categorical, object_name

ACCURACY_NAMES = ("accuracy", "acc")


def is_accuracy_identifier(identifier):
    """True for the strings `'accuracy'` / `'acc'` (any case) that need shape-based resolution."""
    return isinstance(identifier, str) and identifier.lower() in ACCURACY_NAMES


def resolve_accuracy(identifier, y_true_shape, y_pred_shape):
    """The accuracy metric `compile(metrics=[identifier])` means for these shapes.

    Args:
        identifier: `'accuracy'` or `'acc'` (any case); becomes the metric's name.
        y_true_shape, y_pred_shape: shapes (tuples, `None` allowed for unknown dims) of the
            targets and predictions of the output the metric is attached to.
    """
    from lamina import metrics

    if not is_accuracy_identifier(identifier):
        raise ValueError(
            "resolve_accuracy() resolves only 'accuracy' or 'acc'. "
            f"Received: identifier={identifier!r}. Use resolve_metric() for other metrics."
        )
    is_binary, is_sparse = is_binary_or_sparse_categorical(y_true_shape, y_pred_shape)
    if is_binary:
        return metrics.BinaryAccuracy(name=str(identifier))
    if is_sparse:
        return metrics.SparseCategoricalAccuracy(name=str(identifier))
    return metrics.CategoricalAccuracy(name=str(identifier))


def resolve_metric(identifier, y_true_shape, y_pred_shape):
    """The `Metric` object `compile(metrics=[identifier])` uses, as Keras 3 resolves it.

    `'accuracy'`/`'acc'` go through `resolve_accuracy`; anything else through `metrics.get`.
    Plain functions are wrapped in `MeanMetricWrapper`. The name is the string the user wrote
    (`'mae'` stays `'mae'`), or the object's own name otherwise.
    """
    from lamina import metrics

    if identifier is None:
        raise ValueError("Expected a metric, received `None`.")
    if is_accuracy_identifier(identifier):
        metric = resolve_accuracy(identifier, y_true_shape, y_pred_shape)
    else:
        metric = metrics.get(identifier)
    name = identifier if isinstance(identifier, str) else object_name(metric)
    if not isinstance(metric, metrics.Metric):
        metric = metrics.MeanMetricWrapper(metric)
    metric.name = name
    return metric
