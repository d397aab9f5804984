"""Boston housing prices: 506 samples of 13 features, target the median home value (k$).

>>> from lamina.datasets import boston_housing
>>> (x_train, y_train), (x_test, y_test) = boston_housing.load_data()  # doctest: +SKIP
>>> x_train.shape                                                    # doctest: +SKIP
(404, 13)
"""

import numpy as np

from lamina.datasets import _files

ORIGIN = _files.TF_DATASETS + "boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston housing data, shuffled with `seed` and split as Keras does.

    Args:
        path: a file name inside the cache (downloaded once, sha256 checked), or the path of a
            local copy of `boston_housing.npz` (with a directory part), used as is.
        test_split: fraction of the data kept for testing, in [0, 1).
        seed: seed of the shuffle before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)` float64 arrays.

    >>> import os, tempfile, numpy as np
    >>> f = os.path.join(tempfile.mkdtemp(), "boston_housing.npz")
    >>> np.savez(f, x=np.arange(20.0).reshape(10, 2), y=np.arange(10.0))
    >>> (x_train, y_train), (x_test, y_test) = load_data(path=f, test_split=0.3)
    >>> x_train.shape, x_test.shape
    ((7, 2), (3, 2))
    """
    if not 0 <= test_split < 1:
        raise ValueError(
            f"boston_housing.load_data: `test_split` must be in [0, 1). Received: test_split={test_split}"
        )
    path = _files.resolve(path, "boston_housing.npz", ORIGIN, FILE_HASH, "boston_housing")
    with np.load(path, allow_pickle=False) as f:
        _files.check_keys(f, ("x", "y"), path, "boston_housing")
        x, y = f["x"], f["y"]
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
