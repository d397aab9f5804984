"""`keras.applications.resnet50`: ResNet50 and its preprocessing (see `resnet`).

>>> from lamina.applications import resnet50
>>> resnet50.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3)).name
'resnet50'
"""

from lamina.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
