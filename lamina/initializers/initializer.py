"""Initializers: callables `(shape, dtype) -> array` with Keras 3 names, defaults and configs.

>>> from lamina import initializers
>>> initializers.get("glorot_uniform")((4, 3)).shape
(4, 3)
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.backend.random import SeedGenerator, draw_seed, numpy_rng
from lamina.saving.object_registry import register_builtin

_register = register_builtin("initializers", "keras.initializers")


class Initializer:
    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, dtype).")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())


def _seed_of(seed):
    if seed is None or isinstance(seed, (int, np.integer)):
        return seed
    if isinstance(seed, SeedGenerator):
        return seed
    raise ValueError(f"Initializer seed must be an int, a SeedGenerator or None. Received: seed={seed!r}")


class _Random(Initializer):
    def __init__(self, seed=None):
        self.seed = _seed_of(seed)
        # An int seed gives the same values at every call, as Keras does: a fixed initial key.
        self._count = 0

    def _key(self):
        if isinstance(self.seed, (int, np.integer)):
            return draw_seed(int(self.seed))
        return draw_seed(self.seed)

    def _rng(self):
        """NumPy generator for the draw (None when seeded by a SeedGenerator: use `_key`)."""
        if isinstance(self.seed, SeedGenerator):
            return None
        return numpy_rng(self.seed)

    def get_config(self):
        return {"seed": self.seed if not isinstance(self.seed, SeedGenerator) else None}


@_register
class Zeros(Initializer):
    def __call__(self, shape, dtype=None):
        return jnp.zeros(shape, standardize_dtype(dtype))


@_register
class Ones(Initializer):
    def __call__(self, shape, dtype=None):
        return jnp.ones(shape, standardize_dtype(dtype))


@_register
class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return jnp.broadcast_to(jnp.asarray(self.value, standardize_dtype(dtype)), shape)

    def get_config(self):
        v = self.value
        return {"value": v.tolist() if hasattr(v, "tolist") else v}


@_register
class RandomNormal(_Random):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        dt = standardize_dtype(dtype)
        return jnp.asarray(self.mean + self.stddev * _normal(self, shape), dt)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


@_register
class RandomUniform(_Random):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        dt = standardize_dtype(dtype)
        return jnp.asarray(_uniform(self, shape, self.minval, self.maxval), dt)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


@_register
class TruncatedNormal(_Random):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        dt = standardize_dtype(dtype)
        return jnp.asarray(self.mean + self.stddev * _truncated(self, shape), dt)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


def _normal(init, shape):
    rng = init._rng()
    if rng is None:
        return np.asarray(jax.random.normal(init._key(), shape))
    return rng.standard_normal(shape, dtype=np.float32)


def _uniform(init, shape, lo, hi):
    rng = init._rng()
    if rng is None:
        return np.asarray(jax.random.uniform(init._key(), shape, minval=lo, maxval=hi))
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def _truncated(init, shape):
    """Unit normal truncated to [-2, 2] (out-of-range draws are redrawn)."""
    rng = init._rng()
    if rng is None:
        return np.asarray(jax.random.truncated_normal(init._key(), -2.0, 2.0, shape))
    x = rng.standard_normal(shape, dtype=np.float32)
    bad = np.abs(x) > 2.0
    while bad.any():
        x[bad] = rng.standard_normal(int(bad.sum()), dtype=np.float32)
        bad = np.abs(x) > 2.0
    return x


def compute_fans(shape):
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


@_register
class VarianceScaling(_Random):
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be positive. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                "VarianceScaling: `mode` must be 'fan_in', 'fan_out' or 'fan_avg'. "
                f"Received: mode={mode!r}"
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(
                "VarianceScaling: `distribution` must be 'uniform', 'truncated_normal' or "
                f"'untruncated_normal'. Received: distribution={distribution!r}"
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        dt = standardize_dtype(dtype)
        if self.input_axes is not None or self.output_axes is not None:
            fan_in = math.prod(shape[a] for a in (self.input_axes or ())) or 1
            fan_out = math.prod(shape[a] for a in (self.output_axes or ())) or 1
        else:
            fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            # 0.8796... is the stddev of a unit normal truncated to [-2, 2].
            x = math.sqrt(scale) / 0.87962566103423978 * _truncated(self, shape)
        elif self.distribution == "untruncated_normal":
            x = math.sqrt(scale) * _normal(self, shape)
        else:
            limit = math.sqrt(3.0 * scale)
            x = _uniform(self, shape, -limit, limit)
        return jnp.asarray(x, dt)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            **super().get_config(),
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


def _preset(name, scale, mode, distribution):
    def __init__(self, seed=None, input_axes=None, output_axes=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": VarianceScaling.get_config(self)["seed"], "input_axes": self.input_axes,
                "output_axes": self.output_axes}

    cls = type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                          "__doc__": f"VarianceScaling({scale}, {mode!r}, {distribution!r})."})
    cls.__module__ = __name__
    return _register(cls)


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal")


@_register
class Orthogonal(_Random):
    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        dt = standardize_dtype(dtype)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2. Received: shape={shape}")
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        flat = (max(rows, cols), min(rows, cols))
        a = np.asarray(_normal(self, flat), np.float64)
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return jnp.asarray(self.gain * q.reshape(shape), dt)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


@_register
class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2D shape. Received: shape={shape}")
        return self.gain * jnp.eye(*shape, dtype=standardize_dtype(dtype))

    def get_config(self):
        return {"gain": self.gain}


IdentityInitializer = Identity
