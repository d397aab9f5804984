"""CIFAR-100: 60,000 32x32 colour images in 100 fine classes grouped into 20 coarse ones.

>>> from lamina.datasets import cifar100
>>> (x_train, y_train), (x_test, y_test) = cifar100.load_data(label_mode="coarse")  # doctest: +SKIP
"""

import numpy as np

from lamina.datasets.cifar import BatchSource, channels_last
from lamina.utils import file_utils

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
SUBDIR = "cifar-100-python"


def load_data(label_mode="fine", path=None):
    """Loads CIFAR-100: uint8 images and integer labels.

    The original files are Python pickles; they are read with a restricted unpickler (arrays
    and plain data only) and only from the hash-checked download or from `path`.

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 superclasses).
        path: (lamina extension; Keras has no argument) a local copy, read offline: the
            `cifar-100-python.tar.gz` archive or its extracted `cifar-100-python` directory.
            Default: download once into `~/.lamina/datasets` (sha256 checked) and extract.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: images (N, 32, 32, 3) uint8 (channels-first if
        that is the global image data format), labels (N, 1) int64 as in Keras.

    >>> load_data(label_mode="medium")
    Traceback (most recent call last):
    ...
    ValueError: cifar100.load_data: `label_mode` must be 'fine' or 'coarse'. Received: label_mode='medium'
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f"cifar100.load_data: `label_mode` must be 'fine' or 'coarse'. Received: label_mode={label_mode!r}"
        )
    if path is None:
        try:
            path = file_utils.get_file(fname="cifar-100-python-target", origin=ORIGIN,
                                       extract=True, file_hash=FILE_HASH)
        except RuntimeError as e:
            raise RuntimeError(
                f"cifar100.load_data: could not download {ORIGIN} (no network access?). Download "
                f"it elsewhere and pass path='/path/to/cifar-100-python.tar.gz'. Details: {e}"
            ) from e
    key = f"{label_mode}_labels"
    with BatchSource(path, SUBDIR, "cifar100") as source:
        x_train, y_train = source.load("train", key)
        x_test, y_test = source.load("test", key)
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (channels_last(x_train), y_train), (channels_last(x_test), y_test)
