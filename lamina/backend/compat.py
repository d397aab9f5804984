"""The Keras 2 `keras.backend` functions that user code still calls (`K.mean(y_pred)`)."""

import jax.numpy as jnp

from lamina import config, ops
from lamina.backend import naming


def epsilon():
    return config.epsilon()


def set_epsilon(value):
    config.set_epsilon(value)


def floatx():
    return config.floatx()


def set_floatx(value):
    config.set_floatx(value)


def image_data_format():
    return config.image_data_format()


def set_image_data_format(value):
    config.set_image_data_format(value)


def backend():
    return "jax"


def clear_session():
    """Resets automatic names (`dense`, `dense_1`, ...) and global state."""
    naming.reset_uids()


def constant(value, dtype=None, shape=None, name=None):
    x = jnp.asarray(value, dtype=dtype or config.floatx())
    return jnp.broadcast_to(x, shape) if shape is not None else x


def variable(value, dtype=None, name=None):
    from lamina.backend.variable import Variable

    return Variable(value, dtype=dtype, name=name)


def mean(x, axis=None, keepdims=False):
    return ops.mean(x, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras name
    return ops.sum(x, axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return ops.max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return ops.min(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return ops.prod(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return ops.std(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return ops.var(x, axis=axis, keepdims=keepdims)


def square(x):
    return ops.square(x)


def sqrt(x):
    return ops.sqrt(ops.maximum(x, 0.0))


def abs(x):  # noqa: A001
    return ops.absolute(x)


def exp(x):
    return ops.exp(x)


def log(x):
    return ops.log(x)


def pow(x, a):  # noqa: A001
    return ops.power(x, a)


def clip(x, min_value, max_value):
    return ops.clip(x, min_value, max_value)


def maximum(x, y):
    return ops.maximum(x, y)


def minimum(x, y):
    return ops.minimum(x, y)


def dot(x, y):
    return ops.dot(x, y)


def argmax(x, axis=-1):
    return ops.argmax(x, axis=axis)


def argmin(x, axis=-1):
    return ops.argmin(x, axis=axis)


def equal(x, y):
    return ops.equal(x, y)


def cast(x, dtype):
    return ops.cast(x, dtype)


def round(x):  # noqa: A001
    return ops.round(x)


def sign(x):
    return ops.sign(x)


def softmax(x, axis=-1):
    return ops.softmax(x, axis=axis)


def sigmoid(x):
    return ops.sigmoid(x)


def relu(x, alpha=0.0, max_value=None):
    y = ops.relu(x) if alpha == 0.0 else ops.leaky_relu(x, alpha)
    return ops.minimum(y, max_value) if max_value is not None else y


def tanh(x):
    return ops.tanh(x)


def flatten(x):
    return ops.reshape(x, (-1,))


def reshape(x, shape):
    return ops.reshape(x, shape)


def concatenate(tensors, axis=-1):
    return ops.concatenate(tensors, axis=axis)


def expand_dims(x, axis=-1):
    return ops.expand_dims(x, axis)


def squeeze(x, axis):
    return ops.squeeze(x, axis)


def ones_like(x, dtype=None):
    return ops.ones_like(x, dtype=dtype)


def zeros_like(x, dtype=None):
    return ops.zeros_like(x, dtype=dtype)


def int_shape(x):
    return tuple(x.shape)


def shape(x):
    return ops.shape(x)


def ndim(x):
    return len(x.shape)


def dtype(x):
    return ops.dtype(x)


def get_value(x):
    return ops.convert_to_numpy(x)


def set_value(x, value):
    x.assign(value)


def eval(x):  # noqa: A001
    return ops.convert_to_numpy(x)


def binary_crossentropy(target, output, from_logits=False):
    return ops.binary_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return ops.categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return ops.sparse_categorical_crossentropy(target, output, from_logits=from_logits, axis=axis)

__all__ = [
    "abs",
    "argmax",
    "argmin",
    "backend",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "clear_session",
    "clip",
    "concatenate",
    "constant",
    "dot",
    "dtype",
    "epsilon",
    "equal",
    "eval",
    "exp",
    "expand_dims",
    "flatten",
    "floatx",
    "get_value",
    "image_data_format",
    "int_shape",
    "log",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "ndim",
    "ones_like",
    "pow",
    "prod",
    "relu",
    "reshape",
    "round",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "set_value",
    "shape",
    "sigmoid",
    "sign",
    "softmax",
    "sparse_categorical_crossentropy",
    "sqrt",
    "square",
    "squeeze",
    "std",
    "sum",
    "tanh",
    "var",
    "variable",
    "zeros_like",
]
