"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks with linear bottlenecks.

Layer names, order and weights are Keras's, so Keras's weight files load.

>>> from lamina.applications import MobileNetV2
>>> MobileNetV2(weights=None, include_top=False, input_shape=(32, 32, 3)).output_shape
(None, 1, 1, 1280)
"""

import warnings

from lamina import config, layers
from lamina.applications import imagenet_utils
from lamina.applications import weights as weights_lib
from lamina.models.functional import Functional

BASE_WEIGHT_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_IMAGENET_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
_IMAGENET_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0..16.
_BLOCKS = (
    [(16, 1, 1)] + [(24, 2, 6), (24, 1, 6)] + [(32, 2, 6)] + [(32, 1, 6)] * 2
    + [(64, 2, 6)] + [(64, 1, 6)] * 3 + [(96, 1, 6)] * 3
    + [(160, 2, 6)] + [(160, 1, 6)] * 2 + [(320, 1, 6)]
)


def _make_divisible(v, divisor, min_value=None):
    """Rounds a channel count to a multiple of `divisor`, never dropping it by more than 10%."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _bn(x, name, axis):
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id, axis):
    in_channels = inputs.shape[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                          activation=None, name=f"{prefix}expand")(x)
        x = _bn(x, f"{prefix}expand_BN", axis)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = _bn(x, f"{prefix}depthwise_BN", axis)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_BN", axis)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor):
    """The ImageNet checkpoint size implied by the requested input (224 if none matches)."""
    if input_shape is not None:
        shape = tuple(input_shape)
    elif input_tensor is not None and hasattr(input_tensor, "shape") and len(input_tensor.shape) == 4:
        shape = tuple(input_tensor.shape[1:])
    else:
        return 224
    rows, cols = (shape[1], shape[2]) if config.image_data_format() == "channels_first" else shape[:2]
    return rows if rows == cols and rows in _IMAGENET_SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax",
                name=None):
    """Instantiates the MobileNetV2 model (expects inputs from `mobilenet_v2.preprocess_input`).

    Args:
        input_shape: `(height, width, 3)`, at least 32x32.
        alpha: width multiplier: < 1 thins every layer, > 1 widens it. ImageNet weights exist
            for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4.
        include_top: whether to include the classifier (global pooling + "predictions").
        weights: None (random), 'imagenet' (downloaded once) or a weights file path.
        input_tensor: optional `keras.Input` (or tensor built on one) to use as image input.
        pooling: with include_top=False: None (4D output), 'avg' or 'max' (global pooling).
        classes: number of classes (include_top=True, not with ImageNet weights).
        classifier_activation: activation of the "predictions" layer (None for logits).
        name: the model's name (default `mobilenetv2_{alpha:.2f}_{rows}`).

    >>> MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None, classes=4).name
    'mobilenetv2_0.35_32'
    """
    weights_lib.check_weights_argument(weights)
    weights_lib.check_imagenet_classes(weights, include_top, classes)
    if input_shape is not None and input_tensor is not None and hasattr(input_tensor, "shape"):
        t_shape = tuple(input_tensor.shape[1:])
        if len(t_shape) == 3 and t_shape != tuple(input_shape):
            raise ValueError(
                "MobileNetV2: `input_shape` and the shape of `input_tensor` differ. Received: "
                f"input_shape={tuple(input_shape)}, input_tensor.shape={tuple(input_tensor.shape)}"
            )
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=_default_size(input_shape, input_tensor), min_size=32,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights,
    )
    rows, cols = (input_shape[1], input_shape[2]) if config.image_data_format() == "channels_first" \
        else input_shape[:2]
    if weights == "imagenet":
        if alpha not in _IMAGENET_ALPHAS:
            raise ValueError(
                "ImageNet weights exist for alpha in 0.35, 0.5, 0.75, 1.0, 1.3, 1.4 only. "
                f"Received: alpha={alpha}"
            )
        if rows != cols or rows not in _IMAGENET_SIZES:
            rows = 224
            warnings.warn(
                "`input_shape` is undefined or non-square, or its size is not one of 96, 128, 160, "
                "192, 224: loading the weights for input size (224, 224) as the default.",
                stacklevel=2,
            )
    x, inputs = weights_lib.image_input(input_tensor, input_shape)
    axis = 1 if config.image_data_format() == "channels_first" else -1

    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(x)
    x = _bn(x, "bn_Conv1", axis)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id, axis=axis)
    last_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _bn(x, "Conv_1_bn", axis)
    x = layers.ReLU(6.0, name="out_relu")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = Functional(inputs, x, name=name)

    def imagenet_file():
        suffix = "_no_top" if not include_top else ""
        fname = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}{suffix}.h5"
        return fname, BASE_WEIGHT_PATH + fname, None  # Keras publishes no hash for these

    return weights_lib.load_weights(model, weights, imagenet_file)


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1].

    >>> import numpy as np
    >>> preprocess_input(np.array([[[[255.0, 0.0, 127.5]]]], "float32"))[0, 0, 0].tolist()
    [1.0, -1.0, 0.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """See `lamina.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
