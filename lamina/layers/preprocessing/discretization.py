"""`Discretization`: buckets numbers by `bin_boundaries` (or by quantiles learned with `adapt`).

Bucket `i` holds values in `[boundaries[i-1], boundaries[i])`. With `num_bins`, `adapt(data)`
picks boundaries at approximate quantiles (Keras's summary algorithm, tolerance `epsilon`), so
both libraries learn the same boundaries from the same data. `output_mode` encodes the bucket
indices ("int", "one_hot", "multi_hot", "count").

>>> import numpy as np
>>> from lamina import layers
>>> layers.Discretization(bin_boundaries=[0.0, 1.0])(np.array([-0.5, 0.5, 1.5])).tolist()
[0, 1, 2]
"""

import jax.numpy as jnp
import numpy as np

from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer, _register
from lamina.layers.preprocessing.encoding import OUTPUT_MODES, encode_categorical, encoded_shape


def _summarize(values, epsilon):
    # Every step-th sorted value, each standing for `step` values.
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size * epsilon, 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def _compress(summary, epsilon):
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    cum_percents = cum / cum[-1]
    bins = np.interp(percents, cum_percents, summary[0])
    cum = np.interp(percents, cum_percents, cum)
    weights = cum - np.concatenate((np.array([0]), cum[:-1]))
    return np.stack((bins, weights)).astype("float32")


def _merge(a, b, epsilon):
    merged = np.concatenate((a, b), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return _compress(merged, epsilon)


@_register
class Discretization(Layer):
    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("Discretization: `sparse=True` is not supported by lamina (JAX has no sparse "
                             "tensors here). Received: sparse=True")
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Discretization: `output_mode` must be one of {OUTPUT_MODES}. "
                             f"Received: output_mode={output_mode!r}")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization: `num_bins` must be >= 0. Received: num_bins={num_bins}")
        if (num_bins is None) == (bin_boundaries is None):
            raise ValueError(
                "Discretization: give exactly one of `bin_boundaries` (fixed buckets) and `num_bins` "
                f"(learned with adapt()). Received: bin_boundaries={bin_boundaries}, num_bins={num_bins}"
            )
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else np.array([[], []], dtype="float32")
        self.built = True

    @property
    def output_dtype(self):
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data, steps=None):
        """Learns `num_bins - 1` quantile boundaries from an array or an iterable of batches."""
        if self.num_bins is None:
            raise ValueError(
                "Discretization.adapt(): this layer has fixed `bin_boundaries`; create it with "
                "`num_bins` to learn them."
            )
        self.reset_state()
        if hasattr(data, "__iter__") and not isinstance(data, (np.ndarray, jnp.ndarray)):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            self.update_state(data)
        self.finalize_state()

    def update_state(self, data):
        data = np.asarray(data).astype("float32")
        self.summary = _merge(_summarize(data, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is not None:
            self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = np.array([[], []], dtype="float32")

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "Discretization: no bin boundaries yet. Pass `bin_boundaries` or call adapt() before "
                "using the layer."
            )
        x = jnp.asarray(inputs)
        boundaries = jnp.asarray(self.bin_boundaries, dtype=jnp.result_type(x.dtype, jnp.float32))
        indices = jnp.searchsorted(boundaries, x, side="right").astype("int32")
        return encode_categorical(indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype)

    def compute_output_shape(self, input_shape):
        depth = len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins
        return encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_spec(self, inputs, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name,
                "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config.pop("trainable", None)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return super().from_config(config)
