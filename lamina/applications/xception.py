"""Xception (Chollet, 2017): depthwise-separable convolutions with residual connections.

Layer names, order and weights are Keras's, so Keras's weight files load.

>>> from lamina.applications import Xception
>>> Xception(weights=None, include_top=False, input_shape=(71, 71, 3)).output_shape
(None, 3, 3, 2048)
"""

from lamina import config, layers
from lamina.applications import imagenet_utils
from lamina.applications import weights as weights_lib
from lamina.models.functional import Functional

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"
WEIGHT_FILES = {
    True: ("xception_weights_tf_dim_ordering_tf_kernels.h5",
           _BASE + "xception_weights_tf_dim_ordering_tf_kernels.h5",
           "0a58e3b7378bc2990ea3b43d5981f1f6"),
    False: ("xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
            _BASE + "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "b0042744bf5b25fce3cb969f33bebb97"),
}


def _sep_bn(x, filters, name, axis):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=axis, name=f"{name}_bn")(x)


def _shortcut(x, filters, axis):
    # Unnamed on purpose: Keras gives these auto-names (conv2d, batch_normalization, ...).
    shortcut = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    return layers.BatchNormalization(axis=axis)(shortcut)


def _entry_block(x, block, filters, axis, first_relu=True):
    """Two separable convs then strided max pooling, plus a strided 1x1 conv shortcut."""
    residual = _shortcut(x, filters[1], axis)
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sep_bn(x, filters[0], f"block{block}_sepconv1", axis)
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sep_bn(x, filters[1], f"block{block}_sepconv2", axis)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Instantiates the Xception model (expects inputs prepared by `xception.preprocess_input`).

    Args:
        include_top: whether to include the classifier ("avg_pool" + "predictions").
        weights: None (random), 'imagenet' (downloaded once, hash checked) or a weights file path.
        input_tensor: optional `keras.Input` (or tensor built on one) to use as image input.
        input_shape: `(height, width, 3)`, at least 71x71; with include_top=True and ImageNet
            weights it must be `(299, 299, 3)`.
        pooling: with include_top=False: None (4D output), 'avg' or 'max' (global pooling).
        classes: number of classes (include_top=True, not with ImageNet weights).
        classifier_activation: activation of the "predictions" layer (None for logits).
        name: the model's name.

    >>> Xception(weights=None, classes=5, input_shape=(71, 71, 3)).output_shape
    (None, 5)
    """
    weights_lib.check_weights_argument(weights)
    weights_lib.check_imagenet_classes(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    x, inputs = weights_lib.image_input(input_tensor, input_shape)
    axis = 1 if config.image_data_format() == "channels_first" else -1

    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)

    x = _entry_block(x, 2, (128, 128), axis, first_relu=False)
    x = _entry_block(x, 3, (256, 256), axis)
    x = _entry_block(x, 4, (728, 728), axis)

    for block in range(5, 13):  # middle flow: 8 identical residual blocks
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _sep_bn(x, 728, f"block{block}_sepconv{i}", axis)
        x = layers.add([x, residual])

    x = _entry_block(x, 13, (728, 1024), axis)

    x = _sep_bn(x, 1536, "block14_sepconv1", axis)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sep_bn(x, 2048, "block14_sepconv2", axis)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    model = Functional(inputs, x, name=name)
    return weights_lib.load_weights(model, weights, lambda: WEIGHT_FILES[bool(include_top)])


def preprocess_input(x, data_format=None):
    """Scales pixels from [0, 255] to [-1, 1].

    >>> import numpy as np
    >>> preprocess_input(np.array([[[[0.0, 127.5, 255.0]]]], "float32"))[0, 0, 0].tolist()
    [-1.0, 0.0, 1.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """See `lamina.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
