"""Fashion-MNIST: 70,000 28x28 grayscale images of 10 kinds of clothing, a drop-in MNIST.

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.

>>> from lamina.datasets import fashion_mnist
>>> (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()  # doctest: +SKIP
"""

import gzip
import os

import numpy as np

from lamina.datasets import _files

BASE = _files.TF_DATASETS
FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def _read(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data(path=None):
    """Loads Fashion-MNIST: `(x_train, y_train), (x_test, y_test)` as uint8 NumPy arrays.

    Args:
        path: (lamina extension; Keras has no argument) a local directory holding the four
            original `.gz` files (`train-labels-idx1-ubyte.gz`, `train-images-idx3-ubyte.gz`,
            `t10k-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`), read offline. Default:
            download them once into `~/.lamina/datasets/fashion-mnist`.

    Returns:
        `x_train` (60000, 28, 28), `y_train` (60000,), `x_test` (10000, 28, 28),
        `y_test` (10000,).
    """
    if path is not None:
        paths = [os.path.join(os.fspath(path), name) for name in FILES]
        for p in paths:
            if not os.path.exists(p):
                raise FileNotFoundError(
                    f"fashion_mnist.load_data: no file {p}. `path` must be a directory holding "
                    f"{', '.join(FILES)}."
                )
    else:
        # Keras publishes no hash for these files.
        paths = [_files.resolve(name, name, BASE + name, None, "fashion_mnist",
                                cache_subdir=os.path.join("datasets", "fashion-mnist"))
                 for name in FILES]
    y_train = _read(paths[0], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    y_test = _read(paths[2], 8)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
