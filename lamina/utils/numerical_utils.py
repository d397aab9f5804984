"""Label and vector helpers: `to_categorical` (one-hot) and `normalize` (unit norm).

>>> from lamina.utils import to_categorical, normalize
>>> to_categorical([0, 2], num_classes=3).tolist()
[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
>>> normalize([[3.0, 4.0]]).tolist()
[[0.6, 0.8]]
"""

import jax
import numpy as np

from lamina import ops
from lamina.backend.variable import Variable


def _is_device_tensor(x):
    return isinstance(x, (jax.Array, Variable))


def to_categorical(x, num_classes=None):
    """Turns integer class labels into one-hot rows.

    A trailing axis of size 1 (labels shaped `(N, 1)`) is dropped first, so `(N, 1)` gives
    `(N, num_classes)`. NumPy-like input gives a float64 NumPy array (as Keras does); a JAX array
    gives a float32 JAX array.

    Args:
        x: integer labels, in `[0, num_classes)`.
        num_classes: number of classes; `max(x) + 1` when None.

    >>> to_categorical([[1], [0]]).tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    if _is_device_tensor(x):
        x = ops.convert_to_tensor(x)
        if x.ndim > 1 and x.shape[-1] == 1:
            x = x.reshape(x.shape[:-1])
        if num_classes is None:
            num_classes = int(jax.device_get(x.max())) + 1 if x.size else 1
        return ops.one_hot(x, int(num_classes))
    labels = np.asarray(x)
    if labels.size and not np.all(np.equal(np.mod(labels, 1), 0)):
        raise ValueError(
            "to_categorical expects integer class labels. Received non-integer values such as "
            f"{labels[np.mod(labels, 1) != 0].ravel()[0]!r}. Round or map your labels to 0..N-1 first."
        )
    labels = labels.astype("int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if not num_classes:
        num_classes = int(flat.max()) + 1 if flat.size else 1
    num_classes = int(num_classes)
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        bad = flat[(flat < 0) | (flat >= num_classes)][0]
        raise ValueError(
            f"to_categorical: labels must be in [0, num_classes) = [0, {num_classes}). Received a "
            f"label {bad}. Pass a larger `num_classes` or re-map the labels."
        )
    categorical = np.zeros((flat.shape[0], num_classes))
    categorical[np.arange(flat.shape[0]), flat] = 1
    return categorical.reshape(tuple(shape) + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Scales `x` so that its `order`-norm along `axis` is 1 (zero vectors stay zero).

    NumPy-like input gives a NumPy array; a JAX array gives a JAX array.

    >>> normalize([[1.0, 1.0, 2.0]], order=1).tolist()
    [[0.25, 0.25, 0.5]]
    """
    if _is_device_tensor(x):
        return ops.normalize(x, axis=axis, order=order)
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype("float64")
    if axis is None:
        norm = np.linalg.norm(x.ravel(), order)
        return x / (norm if norm else 1)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
