"""`lamina.activations`: Keras 3 activation functions, by object or by name.

>>> from lamina import activations, ops
>>> activations.get("relu")(ops.convert_to_tensor([-1.0, 1.0])).tolist()
[0.0, 1.0]
"""

import jax
import jax.numpy as jnp

from lamina import ops
from lamina.utils.name_lookup import resolve


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    x = ops.convert_to_tensor(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return jax.nn.relu(x)
    neg = negative_slope * (x - threshold) if negative_slope else 0.0
    y = jnp.where(x >= threshold, x, 0.0)
    if max_value is not None:
        y = jnp.minimum(y, max_value)
    return jnp.where(x >= threshold, y, neg).astype(x.dtype)


def leaky_relu(x, negative_slope=0.2):
    return ops.leaky_relu(x, negative_slope)


def relu6(x):
    return ops.relu6(x)


def elu(x, alpha=1.0):
    return ops.elu(x, alpha)


def selu(x):
    return ops.selu(x)


def celu(x, alpha=1.0):
    return ops.celu(x, alpha)


def gelu(x, approximate=False):
    return ops.gelu(x, approximate)


def glu(x, axis=-1):
    return ops.glu(x, axis)


def softplus(x):
    return ops.softplus(x)


def softsign(x):
    return ops.softsign(x)


def silu(x):
    return ops.silu(x)


swish = silu


def sigmoid(x):
    return ops.sigmoid(x)


def hard_sigmoid(x):
    return ops.hard_sigmoid(x)


def hard_silu(x):
    return ops.hard_silu(x)


hard_swish = hard_silu


def exponential(x):
    return ops.exp(x)


def tanh(x):
    return ops.tanh(x)


def tanh_shrink(x):
    return ops.tanh_shrink(x)


def mish(x):
    return ops.mish(x)


def log_sigmoid(x):
    return ops.log_sigmoid(x)


def linear(x):
    return x


def softmax(x, axis=-1):
    x = ops.convert_to_tensor(x)
    if x.ndim <= 1:
        raise ValueError(
            "softmax activation needs an input of rank >= 2 (batch, classes). "
            f"Received an input of shape {x.shape}."
        )
    return jax.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return ops.log_softmax(x, axis)


def sparsemax(x, axis=-1):
    return ops.sparsemax(x, axis)


_FUNCTIONS = {
    f.__name__: f
    for f in (
        relu, leaky_relu, relu6, elu, selu, celu, gelu, glu, softplus, softsign, silu, sigmoid,
        hard_sigmoid, hard_silu, exponential, tanh, tanh_shrink, mish, log_sigmoid, linear,
        softmax, log_softmax, sparsemax,
    )
}
_FUNCTIONS.update({"swish": silu, "hard_swish": hard_silu})
for _f in _FUNCTIONS.values():
    _f._keras_module = "keras.activations"


def serialize(activation):
    """Activations serialize to their name, as in Keras 3 configs (`'relu'`)."""
    if activation is None:
        return "linear"
    for name, fn in _FUNCTIONS.items():
        if fn is activation and name not in ("swish", "hard_swish"):
            return name
    from lamina.saving.serialization import serialize_keras_object

    if hasattr(activation, "get_config"):
        return serialize_keras_object(activation)
    return serialize_keras_object(activation)


def deserialize(config, custom_objects=None):
    if isinstance(config, dict):
        name = config.get("config") if config.get("class_name") == "function" else None
        if name in _FUNCTIONS:
            return _FUNCTIONS[name]
        from lamina.saving.serialization import deserialize_keras_object

        return deserialize_keras_object(config, "activations", custom_objects, what="activation")
    return get(config)


def get(identifier):
    """Returns an activation function from a name, None (linear) or a callable."""
    return resolve(identifier, "activation", _FUNCTIONS, deserialize, make=lambda fn: fn, if_none=linear)


__all__ = sorted(_FUNCTIONS) + ["deserialize", "get", "serialize"]
