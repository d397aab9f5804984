"""`lamina.distribution`: data- and model-parallel training across devices and hosts (Keras 3 API).

Without a distribution everything runs on the default device. With one, `fit`, `evaluate` and
`predict` split each batch over the devices of a `DeviceMesh`, and keep each variable replicated
or split as the distribution says; XLA partitions the compiled step (JAX sharding).

>>> import numpy as np
>>> import lamina as keras
>>> from lamina import distribution
>>> distribution.set_distribution(distribution.DataParallel())  # all devices
>>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
>>> model.compile(optimizer="sgd", loss="mse")
>>> history = model.fit(np.ones((8, 4)), np.ones((8, 1)), batch_size=8, verbose=0)
>>> distribution.set_distribution(None)
"""

from lamina.distribution.devices import get_device_count, initialize, list_devices
from lamina.distribution.distributions import DataParallel, Distribution, ModelParallel
from lamina.distribution.global_state import distribution, set_distribution
from lamina.distribution.layout_map import LayoutMap
from lamina.distribution.mesh import DeviceMesh, TensorLayout
from lamina.distribution.placement import distribute_tensor, distribute_variable

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribute_variable",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
