"""`lamina.applications`: Keras's pretrained image models, layer for layer, so Keras's weight files
(the published ImageNet `.h5` files and any `.weights.h5` saved by Keras 3) load into them.

`weights="imagenet"` downloads the published file once into `~/.lamina/models` (hash checked);
`weights=None` builds a randomly initialized model; a path loads that file.

>>> from lamina import applications
>>> model = applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
>>> model.output_shape
(None, 1, 1, 512)
"""

from lamina.applications import (
    efficientnet,
    imagenet_utils,
    mobilenet_v2,
    resnet,
    resnet50,
    vgg16,
    vgg19,
    xception,
)
from lamina.applications.efficientnet import (
    EfficientNetB0,
    EfficientNetB1,
    EfficientNetB2,
    EfficientNetB3,
    EfficientNetB4,
    EfficientNetB5,
    EfficientNetB6,
    EfficientNetB7,
)
from lamina.applications.mobilenet_v2 import MobileNetV2
from lamina.applications.resnet import ResNet50, ResNet101, ResNet152
from lamina.applications.vgg16 import VGG16
from lamina.applications.vgg19 import VGG19
from lamina.applications.xception import Xception

__all__ = [
    "EfficientNetB0", "EfficientNetB1", "EfficientNetB2", "EfficientNetB3", "EfficientNetB4",
    "EfficientNetB5", "EfficientNetB6", "EfficientNetB7", "MobileNetV2", "ResNet50", "ResNet101",
    "ResNet152", "VGG16", "VGG19", "Xception", "efficientnet", "imagenet_utils", "mobilenet_v2",
    "resnet", "resnet50", "vgg16", "vgg19", "xception",
]
