"""lamina: the Keras way of building and training neural networks, on JAX.

>>> import lamina as keras
>>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
>>> model.output_shape
(None, 2)
"""

from lamina import (
    activations,
    backend,
    config,
    constraints,
    initializers,
    ops,
    random,
    regularizers,
)
from lamina.backend.keras_tensor import KerasTensor
from lamina.backend.keras_tensor import _install_operators as _install_kt_operators
from lamina.backend.variable import Variable

_install_kt_operators()

from lamina import (  # noqa: E402
    callbacks,
    distribution,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    saving,
    utils,
)
from lamina.layers import Input, InputLayer, InputSpec, Layer  # noqa: E402
from lamina.models import Model, Sequential  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "Input",
    "InputSpec",
    "InputLayer",
    "KerasTensor",
    "Layer",
    "Model",
    "Sequential",
    "Variable",
    "activations",
    "applications",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "distribution",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "optimizers",
    "models",
    "ops",
    "random",
    "regularizers",
    "saving",
    "utils",
    "version",
]


def version():
    return __version__


def __getattr__(name):
    # `applications` and `datasets` are loaded on first use: they are large and most programs
    # never touch them, so `import lamina` stays fast.
    if name in ("applications", "datasets"):
        import importlib

        module = importlib.import_module(f"lamina.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'lamina' has no attribute {name!r}")
