"""lamina: the Keras way of building and training neural networks, on JAX.

>>> import lamina as keras
>>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
>>> model.output_shape
(None, 2)
"""

from lamina import backend, config, ops
from lamina.backend.keras_tensor import _install_operators as _install_kt_operators

_install_kt_operators()

__version__ = "0.1.0"
