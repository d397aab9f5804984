"""ResNet50/101/152 (He et al., 2015), v1 bottleneck blocks, layer for layer as in Keras.

>>> from lamina.applications import ResNet50
>>> ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3)).output_shape
(None, 1, 1, 2048)
"""

from lamina import config, layers
from lamina.applications import imagenet_utils
from lamina.applications import weights as weights_lib
from lamina.models.functional import Functional

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
# (with top, without top) md5 of the published files.
WEIGHTS_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
}
_BN_EPSILON = 1.001e-5


def _imagenet_file(weights_name, include_top):
    suffix = "" if include_top else "_notop"
    fname = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
    return fname, BASE_WEIGHTS_PATH + fname, WEIGHTS_HASHES[weights_name][0 if include_top else 1]


def _block(x, filters, axis, stride=1, conv_shortcut=True, name=None):
    """Bottleneck: 1x1 -> 3x3 -> 1x1 (4*filters), added to the (projected) input."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(axis=axis, epsilon=_BN_EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="SAME", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_BN_EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def _stack(x, filters, blocks, axis, stride1=2, name=None):
    x = _block(x, filters, axis, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = _block(x, filters, axis, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def ResNet(stack_blocks, weights_name, name, include_top=True, weights="imagenet",
           input_tensor=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax"):
    """A ResNet v1 with `stack_blocks` blocks in stages conv2..conv5, e.g. (3, 4, 6, 3)."""
    weights_lib.check_weights_argument(weights)
    weights_lib.check_imagenet_classes(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights,
    )
    x, inputs = weights_lib.image_input(input_tensor, input_shape)
    axis = 3 if config.image_data_format() == "channels_last" else 1

    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(x)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=_BN_EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, blocks) in enumerate(zip((64, 128, 256, 512), stack_blocks), 2):
        x = _stack(x, filters, blocks, axis, stride1=1 if stage == 2 else 2, name=f"conv{stage}")

    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    model = Functional(inputs, x, name=name)
    return weights_lib.load_weights(model, weights, lambda: _imagenet_file(weights_name, include_top))


def _variant(blocks, weights_name):
    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name=weights_name):
        return ResNet(blocks, weights_name, name, include_top=include_top, weights=weights,
                      input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                      classes=classes, classifier_activation=classifier_activation)

    build.__name__ = build.__qualname__ = {"resnet50": "ResNet50", "resnet101": "ResNet101",
                                           "resnet152": "ResNet152"}[weights_name]
    build.__doc__ = f"""Instantiates the {build.__name__} model (inputs from `resnet.preprocess_input`).

    Args:
        include_top: whether to include the classifier ("avg_pool" + "predictions").
        weights: None (random), 'imagenet' (downloaded once, hash checked) or a weights file path.
        input_tensor: optional `keras.Input` (or tensor built on one) to use as image input.
        input_shape: `(height, width, 3)`, at least 32x32; with include_top=True and ImageNet
            weights it must be `(224, 224, 3)`.
        pooling: with include_top=False: None (4D output), 'avg' or 'max' (global pooling).
        classes: number of classes (include_top=True, not with ImageNet weights).
        classifier_activation: activation of the "predictions" layer (None for logits).
        name: the model's name.

    >>> from lamina.applications import {build.__name__}
    >>> {build.__name__}(weights=None, classes=3, input_shape=(32, 32, 3)).output_shape
    (None, 3)
    """
    return build


ResNet50 = _variant((3, 4, 6, 3), "resnet50")
ResNet101 = _variant((3, 4, 23, 3), "resnet101")
ResNet152 = _variant((3, 8, 36, 3), "resnet152")


def preprocess_input(x, data_format=None):
    """Caffe-style preprocessing: RGB to BGR, then subtract the ImageNet channel means.

    >>> import numpy as np
    >>> preprocess_input(np.zeros((1, 1, 1, 3), "float32"))[0, 0, 0, 2].round(2)
    np.float32(-123.68)
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """See `lamina.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
