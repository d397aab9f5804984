"""`Normalization`: `(x - mean) / sqrt(variance)` per feature, statistics given or learned by `adapt`.

`axis` lists the axes that keep separate statistics (default the last; `None` for one scalar
mean and variance). `adapt(data)` computes them from a NumPy array or from an iterable of batches
(e.g. a list of arrays, a generator, a `PyDataset`; `(x, y)` tuples use `x`). `invert=True`
maps normalized values back. Adapted statistics are the non-trainable weights `mean`,
`variance` (and an unused `count`), as in Keras.

>>> import numpy as np
>>> from lamina import layers
>>> norm = layers.Normalization()
>>> norm.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
>>> np.asarray(norm(np.array([[2.0, 20.0]]))).tolist()
[[0.0, 0.0]]
"""

import itertools
import math

import jax.numpy as jnp
import numpy as np

from lamina import config
from lamina.layers.layer import Layer, _register


def _first_of(batch):
    return batch[0] if isinstance(batch, tuple) else batch


@_register
class Normalization(Layer):
    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        self.axis = tuple(axis)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: give both `mean` and `variance`, or neither (to learn them with "
                f"adapt()). Received: mean={mean!r}, variance={variance!r}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "Normalization: `mean` and `variance` must have the same shape. Received shapes "
                    f"{np.shape(mean)} and {np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"Normalization: `mean` has rank {np.ndim(mean)}, more than the {len(self.axis)} "
                    f"normalized axes (axis={self.axis})."
                )

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"Normalization: every `axis` must be in [-{ndim}, {ndim}) for inputs of rank {ndim}. "
                f"Received: axis={self.axis}"
            )
        keep = tuple(sorted(a % ndim for a in self.axis))
        for a in keep:
            if input_shape[a] is None:
                raise ValueError(
                    f"Normalization: axis {a} keeps its own statistics, so its size must be known. "
                    f"Received: input_shape={tuple(input_shape)}"
                )
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        self._stats_shape = tuple(input_shape[d] for d in keep)
        self._build_input_shape = tuple(input_shape)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stats_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32", initializer="zeros",
                                         trainable=False)
        else:
            self._fixed = tuple(self._broadcast_given(v, ndim) for v in (self.input_mean, self.input_variance))

    def _broadcast_given(self, value, ndim):
        value = np.asarray(value, dtype=np.float64)
        if value.ndim > 0:
            # A given vector lines up with the last kept axes.
            expanded = [1] * ndim
            for i in range(1, value.ndim + 1):
                expanded[self._keep_axis[-i]] = value.shape[-i]
            value = value.reshape(expanded)
        return np.broadcast_to(value, self._broadcast_shape)

    @property
    def mean(self):
        if not self.built:
            return None
        if self.input_mean is not None:
            return jnp.asarray(self._fixed[0], self.compute_dtype)
        return jnp.reshape(self.adapt_mean.value, self._broadcast_shape).astype(self.compute_dtype)

    @property
    def variance(self):
        if not self.built:
            return None
        if self.input_mean is not None:
            return jnp.asarray(self._fixed[1], self.compute_dtype)
        return jnp.reshape(self.adapt_variance.value, self._broadcast_shape).astype(self.compute_dtype)

    def adapt(self, data):
        """Sets `mean` and `variance` from `data`: an array, or an iterable of batches."""
        if isinstance(data, (np.ndarray, jnp.ndarray)):
            batches, shape = None, tuple(data.shape)
        elif hasattr(data, "__iter__"):
            it = iter(data)
            first = next(it, None)
            if first is None:
                raise ValueError(
                    "Normalization.adapt() received an empty iterable. Pass an array or at least one batch."
                )
            shape = tuple(np.shape(_first_of(first)))
            batches = itertools.chain([first], it)
        else:
            raise TypeError(
                "Normalization.adapt() expects a NumPy array or an iterable of batches. "
                f"Received: {type(data).__name__}"
            )
        if not self.built:
            self._build_with_shapes(shape)
        self._check_kept_axes(shape)
        if self.input_mean is not None:
            raise ValueError(
                "Normalization.adapt(): this layer was given a fixed `mean` and `variance`; create it "
                "without them to learn the statistics."
            )
        if batches is None:
            arr = np.asarray(data, dtype=np.float64)
            mean, var = arr.mean(axis=self._reduce_axis), arr.var(axis=self._reduce_axis)
        else:
            mean, var = self._streaming_moments(batches)
        self.adapt_mean.assign(np.asarray(mean, self.adapt_mean.dtype).reshape(self._stats_shape))
        self.adapt_variance.assign(np.asarray(var, self.adapt_variance.dtype).reshape(self._stats_shape))

    def _check_kept_axes(self, shape):
        for d in self._keep_axis:
            if len(shape) != len(self._build_input_shape) or shape[d] != self._build_input_shape[d]:
                raise ValueError(
                    f"Normalization: the layer was built for inputs of shape {self._build_input_shape}; "
                    f"adapt() received data of shape {shape}, which differs along a normalized axis."
                )

    def _streaming_moments(self, batches):
        # Pooled mean and variance, combined batch by batch (exact for any batch sizes).
        mean = np.zeros(self._stats_shape)
        var = np.zeros(self._stats_shape)
        total = 0
        for batch in batches:
            batch = np.asarray(_first_of(batch), dtype=np.float64)
            self._check_kept_axes(batch.shape)
            count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            b_mean, b_var = batch.mean(axis=self._reduce_axis), batch.var(axis=self._reduce_axis)
            total += count
            w = count / total
            new_mean = mean * (1 - w) + b_mean * w
            var = (var + (mean - new_mean) ** 2) * (1 - w) + (b_var + (b_mean - new_mean) ** 2) * w
            mean = new_mean
        return mean, var

    def call(self, inputs):
        x = jnp.asarray(inputs).astype(self.compute_dtype)
        mean, variance = self.mean, self.variance
        std = jnp.maximum(jnp.sqrt(variance), jnp.asarray(config.epsilon(), self.compute_dtype))
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        def plain(v):
            return np.asarray(v).tolist() if v is not None else None

        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": plain(self.input_mean), "variance": plain(self.input_variance)}
