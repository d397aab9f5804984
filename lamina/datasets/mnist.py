"""MNIST: 70,000 28x28 grayscale images of handwritten digits (60,000 train, 10,000 test).

>>> from lamina.datasets import mnist
>>> (x_train, y_train), (x_test, y_test) = mnist.load_data()  # doctest: +SKIP
>>> x_train.shape, x_train.dtype                              # doctest: +SKIP
((60000, 28, 28), dtype('uint8'))
"""

import numpy as np

from lamina.datasets import _files

ORIGIN = _files.TF_DATASETS + "mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Loads MNIST: `(x_train, y_train), (x_test, y_test)` as uint8 NumPy arrays.

    Args:
        path: a file name inside the cache (`~/.lamina/datasets`; downloaded once there, its
            sha256 checked), or the path of a local copy of `mnist.npz` (anything with a
            directory part, e.g. `"./mnist.npz"`), used as is, offline.

    Returns:
        `x_train` (60000, 28, 28), `y_train` (60000,), `x_test` (10000, 28, 28),
        `y_test` (10000,); pixels 0-255, labels 0-9.

    >>> import os, tempfile, numpy as np
    >>> f = os.path.join(tempfile.mkdtemp(), "mnist.npz")
    >>> z = np.zeros((2, 28, 28), "uint8")
    >>> np.savez(f, x_train=z, y_train=z[:, 0, 0], x_test=z, y_test=z[:, 0, 0])
    >>> (x_train, y_train), _ = load_data(path=f)
    >>> x_train.shape
    (2, 28, 28)
    """
    path = _files.resolve(path, "mnist.npz", ORIGIN, FILE_HASH, "mnist")
    with np.load(path, allow_pickle=False) as f:
        _files.check_keys(f, ("x_train", "y_train", "x_test", "y_test"), path, "mnist")
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
