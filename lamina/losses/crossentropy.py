"""Cross-entropy losses: binary, categorical (one-hot), sparse (integer labels), and focal variants.

>>> import jax.numpy as jnp
>>> from lamina.losses import SparseCategoricalCrossentropy
>>> loss = SparseCategoricalCrossentropy(from_logits=True)
>>> round(float(loss(jnp.array([0, 1]), jnp.array([[2.0, 0.0], [0.0, 2.0]]))), 4)
0.1269
"""

import warnings

import jax
import jax.numpy as jnp

from lamina import config
from lamina.losses.loss import Loss
from lamina.losses.masking import set_keras_mask
from lamina.losses.wrapper import LossFunctionWrapper
from lamina.ops import convert_to_tensor


def _clip_probs(x):
    eps = config.epsilon()
    return jnp.clip(x, eps, 1.0 - eps)


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be an int. Received: axis={axis!r} of type {type(axis)}")


def _binary_elementwise(target, output, from_logits):
    if target.shape != output.shape:
        raise ValueError(
            "binary_crossentropy needs targets and predictions of the same shape. Received: "
            f"y_true.shape={target.shape}, y_pred.shape={output.shape}. Reshape one of them "
            "(for example y_true[..., None])."
        )
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1.0 - target) * jax.nn.log_sigmoid(-output)
    output = _clip_probs(output)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


def _log_probs(output, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    return jnp.log(_clip_probs(output))


def _warn_single_class(fn_name, y_pred):
    if y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _check_one_hot_targets(fn_name, y_true, y_pred):
    if y_true.shape == y_pred.shape:
        return
    t, p = tuple(y_true.shape), tuple(y_pred.shape)
    integer_labels = len(p) >= 1 and p[-1] > 1 and (
        t == p[:-1] or (len(t) == len(p) and t[-1] == 1 and t[:-1] == p[:-1])
    )
    if integer_labels:
        raise ValueError(
            f"{fn_name} expects one-hot targets shaped like the predictions, but received what "
            f"look like integer class labels: y_true.shape={t}, y_pred.shape={p}. For integer "
            "labels use loss='sparse_categorical_crossentropy' (or "
            "keras.losses.SparseCategoricalCrossentropy()), or one-hot encode the targets with "
            "keras.utils.to_categorical."
        )
    raise ValueError(
        f"{fn_name} needs targets and predictions of the same shape. Received: "
        f"y_true.shape={t}, y_pred.shape={p}."
    )


def _smooth_binary(y_true, label_smoothing):
    return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing


def _smooth_categorical(y_true, label_smoothing, dtype):
    num_classes = jnp.asarray(y_true.shape[-1], dtype)
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over `axis`.

    `label_smoothing` moves targets towards 0.5: `y * (1 - s) + 0.5 * s`.

    >>> round(float(binary_crossentropy([[1.0, 0.0]], [[0.9, 0.1]])[0]), 4)
    0.1054
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    return jnp.mean(_binary_elementwise(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary cross-entropy scaled by `(1 - p_t) ** gamma`, to focus on hard examples.

    With `apply_class_balancing=True` positives are weighted by `alpha` and negatives by
    `1 - alpha`.

    >>> round(float(binary_focal_crossentropy([[1.0]], [[0.5]])[0]), 4)
    0.1733
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    if label_smoothing:
        y_true = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        y_pred = jax.nn.sigmoid(y_pred)
    bce = _binary_elementwise(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal = jnp.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal
    return jnp.mean(focal, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy between one-hot (or soft) targets and class probabilities.

    Targets must have the predictions' shape; integer class labels belong to
    `sparse_categorical_crossentropy`.

    >>> round(float(categorical_crossentropy([[0.0, 1.0]], [[0.2, 0.8]])[0]), 4)
    0.2231
    """
    _check_axis(axis)
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    _check_one_hot_targets("categorical_crossentropy", y_true, y_pred)
    _warn_single_class("categorical_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    return -jnp.sum(y_true * _log_probs(y_pred, from_logits, axis), axis=axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Categorical cross-entropy scaled by `alpha * (1 - p) ** gamma`.

    >>> round(float(categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])[0]), 4)
    0.0433
    """
    _check_axis(axis)
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true).astype(y_pred.dtype)
    _check_one_hot_targets("categorical_focal_crossentropy", y_true, y_pred)
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, y_pred.dtype)
    if from_logits:
        y_pred = jax.nn.softmax(y_pred, axis=axis)
    output = _clip_probs(y_pred / jnp.sum(y_pred, axis=axis, keepdims=True))
    cce = -y_true * jnp.log(output)
    focal = alpha * jnp.power(1.0 - output, gamma) * cce
    return jnp.sum(focal, axis=axis)


def sparse_categorical_crossentropy(
    y_true, y_pred, from_logits=False, ignore_class=None, axis=-1
):
    """Cross-entropy between integer class labels and class probabilities (or logits).

    Entries whose label equals `ignore_class` get loss 0 and are masked out of the reduction.

    >>> round(float(sparse_categorical_crossentropy([1], [[0.2, 0.8]])[0]), 4)
    0.2231
    """
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis=axis)
    class_axis = axis % y_pred.ndim
    expected = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
    if tuple(y_true.shape) != expected:
        raise ValueError(
            "sparse_categorical_crossentropy needs one integer label per prediction row: "
            f"y_true.shape should be {expected} (or {expected + (1,)}). Received: "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. For "
            "one-hot targets use categorical_crossentropy."
        )
    valid = None
    if ignore_class is not None:
        valid = y_true != jnp.asarray(ignore_class, y_true.dtype)
        y_true = jnp.where(valid, y_true, jnp.zeros_like(y_true))
        # Ignored rows become uniform (not zero) so no NaN appears even in unused branches.
        y_pred = jnp.where(jnp.expand_dims(valid, axis), y_pred, jnp.ones_like(y_pred))
    labels = jax.nn.one_hot(y_true.astype("int32"), y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
    res = -jnp.sum(labels * _log_probs(y_pred, from_logits, axis), axis=axis)
    if valid is not None:
        res = jnp.where(valid, res, jnp.zeros_like(res))
        set_keras_mask(res, valid)
    return res


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy for 0/1 targets.

    >>> import jax.numpy as jnp
    >>> loss = BinaryCrossentropy(from_logits=True)
    >>> round(float(loss(jnp.array([[1.0], [0.0]]), jnp.array([[2.0], [-2.0]]))), 4)
    0.1269
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )
        return config


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Focal binary cross-entropy.

    >>> import jax.numpy as jnp
    >>> loss = BinaryFocalCrossentropy(gamma=2.0)
    >>> round(float(loss(jnp.array([[1.0]]), jnp.array([[0.5]]))), 4)
    0.1733
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            apply_class_balancing=self.apply_class_balancing,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot targets.

    >>> import jax.numpy as jnp
    >>> loss = CategoricalCrossentropy()
    >>> round(float(loss(jnp.array([[0.0, 1.0]]), jnp.array([[0.2, 0.8]]))), 4)
    0.2231
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )
        return config


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Focal cross-entropy for one-hot targets.

    >>> import jax.numpy as jnp
    >>> loss = CategoricalFocalCrossentropy()
    >>> round(float(loss(jnp.array([[0.0, 1.0]]), jnp.array([[0.5, 0.5]]))), 4)
    0.0433
    """

    def __init__(
        self,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        config = Loss.get_config(self)
        config.update(
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
            alpha=self.alpha,
            gamma=self.gamma,
        )
        return config


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class labels; `ignore_class` labels are left out of the mean.

    >>> import jax.numpy as jnp
    >>> loss = SparseCategoricalCrossentropy(ignore_class=0)
    >>> round(float(loss(jnp.array([0, 1]), jnp.array([[0.5, 0.5], [0.2, 0.8]]))), 4)
    0.2231
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def get_config(self):
        config = Loss.get_config(self)
        config.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        return config
