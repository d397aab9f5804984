"""CIFAR-10: 60,000 32x32 colour images in 10 classes (50,000 train, 10,000 test).

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.

>>> from lamina.datasets import cifar10
>>> (x_train, y_train), (x_test, y_test) = cifar10.load_data()  # doctest: +SKIP
>>> x_train.shape, y_train.shape                              # doctest: +SKIP
((50000, 32, 32, 3), (50000, 1))
"""

import numpy as np

from lamina.datasets.cifar import BatchSource, channels_last
from lamina.utils import file_utils

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
SUBDIR = "cifar-10-batches-py"


def load_data(path=None):
    """Loads CIFAR-10: uint8 images and labels.

    The original batches are Python pickles; they are read with a restricted unpickler (arrays
    and plain data only) and only from the hash-checked download or from `path`.

    Args:
        path: (lamina extension; Keras has no argument) a local copy, read offline: the
            `cifar-10-python.tar.gz` archive or its extracted `cifar-10-batches-py` directory.
            Default: download once into `~/.lamina/datasets` (sha256 checked) and extract.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: images (N, 32, 32, 3) (channels-first if that is
        the global image data format), labels (N, 1), all uint8.
    """
    if path is None:
        try:
            path = file_utils.get_file(fname="cifar-10-batches-py-target", origin=ORIGIN,
                                       extract=True, file_hash=FILE_HASH)
        except RuntimeError as e:
            raise RuntimeError(
                f"cifar10.load_data: could not download {ORIGIN} (no network access?). Download "
                "it elsewhere and pass path='/path/to/cifar-10-python.tar.gz'. Details: "
                f"{e}"
            ) from e
    with BatchSource(path, SUBDIR, "cifar10") as source:
        batches = [source.load(f"data_batch_{i}") for i in range(1, 6)]
        x_test, y_test = source.load("test_batch")
    x_train = np.concatenate([b[0] for b in batches]).astype("uint8")
    y_train = np.concatenate([np.asarray(b[1]) for b in batches]).astype("uint8").reshape(-1, 1)
    x_test = np.asarray(x_test).astype("uint8")
    y_test = np.asarray(y_test).astype("uint8").reshape(-1, 1)
    return (channels_last(x_train), y_train), (channels_last(x_test), y_test)

