"""Layer math: functions of `(params, x)`, NHWC/NWC layouts as in Keras's channels_last."""

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

EPSILON = 1e-7  # Keras's backend epsilon, used by its clipped cross-entropies.


def glorot(rng, shape):
    """Glorot-uniform kernel drawn with NumPy (as Keras's fan-in/fan-out rule, receptive field included)."""
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return jnp.asarray(rng.uniform(-limit, limit, shape).astype("float32"))


def dense_params(rng, n_in, n_out):
    return {"w": glorot(rng, (n_in, n_out)), "b": jnp.zeros((n_out,), "float32")}


def conv_params(rng, kernel, n_in, n_out):
    return {"w": glorot(rng, tuple(kernel) + (n_in, n_out)), "b": jnp.zeros((n_out,), "float32")}


def lstm_params(rng, n_in, units):
    # Bias with the forget-gate slice at 1 (Keras's unit_forget_bias); gate order i, f, c, o.
    b = np.zeros((4 * units,), "float32")
    b[units:2 * units] = 1.0
    q, _ = np.linalg.qr(rng.normal(size=(4 * units, units)))
    return {"w": glorot(rng, (n_in, 4 * units)), "u": jnp.asarray(q.T.astype("float32")), "b": jnp.asarray(b)}


def dense(p, x):
    return x @ p["w"] + p["b"]


def conv(p, x, padding="VALID"):
    nd = x.ndim - 2
    spec = ("NWC", "WIO", "NWC") if nd == 1 else ("NHWC", "HWIO", "NHWC")
    y = lax.conv_general_dilated(x, p["w"], (1,) * nd, padding, dimension_numbers=spec)
    return y + p["b"]


def max_pool(x, size):
    nd = x.ndim - 2
    window = (1,) + (size,) * nd + (1,)
    return lax.reduce_window(x, -jnp.inf, lax.max, window, window, "VALID")


def dropout(x, rate, key, training):
    if not training:
        return x
    keep = jax.random.bernoulli(key, 1.0 - rate, x.shape)
    return jnp.where(keep, x / (1.0 - rate), 0.0)


def lstm(p, x, return_sequences=False):
    """Keras's LSTM (sigmoid gates, tanh cell); the input projection is done for all steps at once."""
    units = p["u"].shape[0]
    zx = jnp.swapaxes(x @ p["w"] + p["b"], 0, 1)  # (time, batch, 4 * units)

    def step(carry, z):
        h, c = carry
        z = z + h @ p["u"]
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), h

    zeros = jnp.zeros((x.shape[0], units), x.dtype)
    (h, _), hs = lax.scan(step, (zeros, zeros), zx)
    return jnp.swapaxes(hs, 0, 1) if return_sequences else h


def categorical_crossentropy(y, p):
    p = p / jnp.sum(p, axis=-1, keepdims=True)
    p = jnp.clip(p, EPSILON, 1.0 - EPSILON)
    return -jnp.sum(y * jnp.log(p), axis=-1)


def binary_crossentropy(y, p):
    p = jnp.clip(p, EPSILON, 1.0 - EPSILON)
    return jnp.mean(-(y * jnp.log(p) + (1.0 - y) * jnp.log(1.0 - p)), axis=-1)


def accuracy_count(kind, y, p):
    """Number of correct predictions (Keras's categorical / binary 'accuracy')."""
    if kind == "categorical":
        return jnp.sum(jnp.argmax(y, -1) == jnp.argmax(p, -1)).astype("float32")
    return jnp.sum((p > 0.5).astype("float32") == y).astype("float32") / y.shape[-1]
