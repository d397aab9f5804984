"""`set_random_seed`: one call that makes weight initialisation, dropout and shuffling repeatable.

>>> import lamina as keras
>>> keras.utils.set_random_seed(1)
>>> a = keras.layers.Dense(2)
>>> a.build((None, 3))
>>> keras.utils.set_random_seed(1)
>>> b = keras.layers.Dense(2)
>>> b.build((None, 3))
>>> bool((a.kernel.numpy() == b.kernel.numpy()).all())
True
"""

import random

import numpy as np

from lamina.backend import random as _backend_random


def set_random_seed(seed):
    """Seeds Python's `random`, NumPy's global generator and lamina's global seed.

    After this call, building the same model and training it the same way gives the same weights:
    initializers and `SeedGenerator`s created without an explicit seed derive theirs from it.

    Args:
        seed: a non-negative int.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"set_random_seed expects an integer seed. Received: seed={seed!r} "
            f"(of type {type(seed).__name__})"
        )
    if seed < 0:
        raise ValueError(
            f"set_random_seed expects a non-negative integer seed. Received: seed={seed}"
        )
    seed = int(seed)
    random.seed(seed)
    # NumPy's legacy global generator only takes 32-bit seeds.
    np.random.seed(seed % (2**32))
    _backend_random.set_global_seed(seed)


def get_random_seed():
    """The seed last given to `set_random_seed`, or None."""
    return _backend_random._GLOBAL_SEED
