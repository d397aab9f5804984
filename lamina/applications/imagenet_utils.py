"""ImageNet helpers shared by the applications: `preprocess_input`, `decode_predictions`, and
the input-shape rules of the model builders.

>>> import numpy as np
>>> from lamina.applications import imagenet_utils
>>> x = np.full((1, 2, 2, 3), 255.0, dtype="float32")
>>> imagenet_utils.preprocess_input(x, mode="tf")[0, 0, 0].tolist()
[1.0, 1.0, 1.0]
"""

import json
import warnings

import numpy as np

from lamina import activations, config, ops
from lamina.applications.weights import fetch

CLASS_INDEX = None
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"
)
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"

_CAFFE_MEAN_BGR = [103.939, 116.779, 123.68]
_TORCH_MEAN = [0.485, 0.456, 0.406]
_TORCH_STD = [0.229, 0.224, 0.225]


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocesses a batch of images (values in [0, 255]) for an ImageNet model.

    Args:
        x: float NumPy array or tensor, 3D or 4D, with 3 colour channels. A float NumPy array
            is modified in place (as in Keras); pass `np.copy(x)` to keep the original.
        data_format: `"channels_last"` or `"channels_first"` (default: the global setting).
        mode: `"caffe"` (RGB to BGR, then subtract the ImageNet channel means), `"tf"` (scale to
            [-1, 1]) or `"torch"` (scale to [0, 1], then normalize with the ImageNet mean/std).

    Returns:
        The preprocessed float array or tensor.

    >>> import numpy as np
    >>> x = np.zeros((1, 1, 1, 3), dtype="float32")
    >>> np.round(preprocess_input(x)[0, 0, 0].astype("float64"), 3).tolist()
    [-103.939, -116.779, -123.68]
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError(
            f"preprocess_input: `mode` must be one of 'caffe', 'tf' or 'torch'. Received: mode={mode!r}"
        )
    if data_format is None:
        data_format = config.image_data_format()
    elif data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "preprocess_input: `data_format` must be 'channels_first' or 'channels_last'. "
            f"Received: data_format={data_format!r}"
        )
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_axis(ndim, data_format):
    if data_format == "channels_last":
        return ndim - 1
    return 0 if ndim == 3 else 1


def _preprocess_numpy(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(config.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    axis = _channel_axis(x.ndim, data_format)
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        # A reversed view: the in-place updates below still land in the caller's array, as in Keras.
        x = np.flip(x, axis=axis)
        mean, std = _CAFFE_MEAN_BGR, None
    shape = [1] * x.ndim
    shape[axis] = 3
    x -= np.asarray(mean, dtype=x.dtype).reshape(shape)
    if std is not None:
        x /= np.asarray(std, dtype=x.dtype).reshape(shape)
    return x


def _preprocess_tensor(x, data_format, mode):
    if mode == "tf":
        return x / 127.5 - 1.0
    ndim = len(x.shape)
    axis = _channel_axis(ndim, data_format)
    shape = [1] * ndim
    shape[axis] = 3
    if mode == "torch":
        x = x / 255.0
        mean = ops.reshape(ops.convert_to_tensor(np.asarray(_TORCH_MEAN), dtype=x.dtype), shape)
        std = ops.reshape(ops.convert_to_tensor(np.asarray(_TORCH_STD), dtype=x.dtype), shape)
        return (x - mean) / std
    x = ops.flip(x, axis=axis)
    mean = ops.reshape(ops.convert_to_tensor(np.asarray(_CAFFE_MEAN_BGR), dtype=x.dtype), shape)
    return x - mean


def decode_predictions(preds, top=5):
    """Turns ImageNet predictions into `(class_name, description, score)` tuples, best first.

    The class index (`imagenet_class_index.json`) is downloaded once into `~/.lamina/models`
    and its md5 hash checked; offline, the error says where to place the file by hand.

    Args:
        preds: array of shape `(samples, 1000)`.
        top: how many guesses to return per sample.

    Returns:
        One list of `top` tuples per sample.

    >>> import numpy as np
    >>> decode_predictions(np.zeros((1, 10)))
    Traceback (most recent call last):
    ...
    ValueError: decode_predictions expects a batch of ImageNet predictions, an array of shape (samples, 1000). Received an array of shape (1, 10).
    """
    global CLASS_INDEX
    shape = tuple(np.shape(preds))
    if len(shape) != 2 or shape[1] != 1000:
        raise ValueError(
            "decode_predictions expects a batch of ImageNet predictions, an array of shape "
            f"(samples, 1000). Received an array of shape {shape}."
        )
    if CLASS_INDEX is None:
        path = fetch(
            "imagenet_class_index.json", CLASS_INDEX_PATH, CLASS_INDEX_HASH,
            what="the ImageNet class index used by decode_predictions",
        )
        with open(path) as f:
            CLASS_INDEX = json.load(f)
    preds = np.asarray(ops.convert_to_numpy(preds))
    results = []
    for pred in preds:
        best = np.argsort(pred)[-top:][::-1]
        result = [tuple(CLASS_INDEX[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda t: t[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """Validates `input_shape` for a model builder, or picks the default one (Keras's rules)."""
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an "
                f"input_shape with {channels} input channels.",
                stacklevel=3,
            )
        default_shape = (
            (input_shape[0], default_size, default_size) if channels_first
            else (default_size, default_size, input_shape[-1])
        )
    else:
        default_shape = (3, default_size, default_size) if channels_first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "With include_top=True and weights='imagenet', `input_shape` must be "
                f"{default_shape} (the size the classifier was trained at). Received: "
                f"input_shape={tuple(input_shape)}. Use include_top=False for other sizes."
            )
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                "`input_shape` must be a tuple of three integers (height, width, channels). "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[0] if channels_first else input_shape[-1]
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                "The ImageNet weights expect 3 input channels. Received: "
                f"input_shape={input_shape}"
            )
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}. Received: input_shape={input_shape}"
            )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "With include_top=True the input size must be static. Received: "
            f"input_shape={input_shape}"
        )
    return input_shape


def correct_pad(inputs, kernel_size):
    """`((top, bottom), (left, right))` zero padding so a strided 'valid' conv matches TF's 'same'."""
    first = 2 if config.image_data_format() == "channels_first" else 1
    size = inputs.shape[first:first + 2]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained classifiers were trained with softmax: only `None`/`"softmax"` fit them."""
    if weights is None:
        return
    fn = activations.get(classifier_activation)
    if fn not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "With pretrained weights and include_top=True, `classifier_activation` must be None or "
            f"'softmax'. Received: classifier_activation={classifier_activation!r}"
        )
