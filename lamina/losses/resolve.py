"""What `compile(loss=...)` turns into a `Loss`, given the shapes of targets and predictions.

>>> from lamina.losses import resolve_loss
>>> resolve_loss("crossentropy", (8,), (8, 3)).fn.__name__
'sparse_categorical_crossentropy'
"""

from lamina.backend.naming import to_snake_case


def is_binary_or_sparse_categorical(y_true_shape, y_pred_shape):
    """`(is_binary, is_sparse_categorical)` from the target and prediction shapes.

    Binary: one prediction per sample (last dim 1). Sparse categorical: the targets have lower
    rank than the predictions, or a last dim of 1 next to several predicted classes.
    """
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    t_last = y_true_shape[-1] if y_true_shape else None
    p_last = y_pred_shape[-1] if y_pred_shape else None
    is_binary = p_last == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        t_last == 1 and p_last is not None and p_last > 1
    )
    return is_binary, is_sparse


def object_name(obj):
    """The name Keras gives a loss or metric object in logs: `.name`, else the function name."""
    if hasattr(obj, "name"):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)


def resolve_loss(identifier, y_true_shape, y_pred_shape):
    """The `Loss` object `compile(loss=identifier)` uses, as Keras 3 resolves it.

    `'crossentropy'` / `'ce'` pick binary, sparse or categorical cross-entropy from the shapes;
    anything else goes through `losses.get`. Functions are wrapped in a `LossFunctionWrapper`
    named after the identifier (`'mse'` stays `'mse'`). Returns None for None.
    """
    from lamina import losses

    if identifier is None:
        return None
    if str(identifier).lower() in ("crossentropy", "ce"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true_shape, y_pred_shape)
        if is_binary:
            loss = losses.binary_crossentropy
        elif is_sparse:
            loss = losses.sparse_categorical_crossentropy
        else:
            loss = losses.categorical_crossentropy
    else:
        loss = losses.get(identifier)
    if isinstance(loss, losses.Loss):
        return loss
    name = identifier if isinstance(identifier, str) else object_name(loss)
    return losses.LossFunctionWrapper(loss, name=name)
