"""`lamina.datasets`: Keras's small datasets, with Keras's `load_data` signatures and results.

Each file is downloaded once into `~/.lamina/datasets` (or `$LAMINA_HOME/datasets`) with its
hash checked; offline, the error says where to put a copy by hand, and a `path=` pointing at a
local copy (anything with a directory part, e.g. `"./mnist.npz"`) is read directly.

>>> from lamina import datasets
>>> datasets.reuters.get_label_names()[0]
'cocoa'
"""

from lamina.datasets import (
    boston_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

__all__ = ["boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist", "reuters"]
