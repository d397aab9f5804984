"""VGG19 (Simonyan & Zisserman, 2015), layer for layer as in Keras so its weight files load.

>>> from lamina.applications import VGG19
>>> model = VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
>>> model.output_shape
(None, 1, 1, 512)
"""

from lamina.applications import imagenet_utils
from lamina.applications._vgg import build_vgg

_BASE = "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
WEIGHT_FILES = {
    True: ("vgg19_weights_tf_dim_ordering_tf_kernels.h5",
           _BASE + "vgg19_weights_tf_dim_ordering_tf_kernels.h5",
           "cbe5617147190e668d6c5d5026f83318"),
    False: ("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            _BASE + "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
            "253f8cb515780f3b799900260a226db6"),
}


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg19"):
    """Instantiates the VGG19 model (expects inputs prepared by `vgg19.preprocess_input`).

    Args:
        include_top: whether to include the 3 fully-connected layers at the top.
        weights: None (random), 'imagenet' (downloaded once, hash checked) or a weights file path.
        input_tensor: optional `keras.Input` (or tensor built on one) to use as image input.
        input_shape: `(height, width, 3)`, at least 32x32; with include_top=True and
            ImageNet weights it must be `(224, 224, 3)`.
        pooling: with include_top=False: None (4D output), 'avg' or 'max' (global pooling).
        classes: number of classes (include_top=True, not with ImageNet weights).
        classifier_activation: activation of the "predictions" layer (None for logits).
        name: the model's name.

    >>> model = VGG19(weights=None, classes=10, input_shape=(32, 32, 3))
    >>> model.output_shape
    (None, 10)
    """
    return build_vgg((2, 2, 4, 4, 4), name, WEIGHT_FILES, include_top, weights, input_tensor,
                     input_shape, pooling, classes, classifier_activation)


def preprocess_input(x, data_format=None):
    """Caffe-style preprocessing: RGB to BGR, then subtract the ImageNet channel means.

    >>> import numpy as np
    >>> preprocess_input(np.zeros((1, 1, 1, 3), "float32"))[0, 0, 0, 0].round(3)
    np.float32(-103.939)
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """See `lamina.applications.imagenet_utils.decode_predictions`."""
    return imagenet_utils.decode_predictions(preds, top=top)
