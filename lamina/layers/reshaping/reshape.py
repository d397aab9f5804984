"""`Reshape`, `Permute` and `RepeatVector`: rearranging axes (the batch axis is kept).

>>> import numpy as np
>>> from lamina import layers
>>> layers.Reshape((3, 4))(np.ones((2, 12))).shape
(2, 3, 4)
"""

import math

import jax.numpy as jnp

from lamina.layers.layer import Layer, _register


@_register
class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        if sum(1 for d in target_shape if d == -1 or d is None) > 1:
            raise ValueError(
                f"Reshape: at most one axis of `target_shape` may be -1. Received: target_shape={target_shape}"
            )
        self.target_shape = target_shape
        self.built = True

    def _resolve(self, input_shape):
        rest = input_shape[1:]
        target = [(-1 if d is None else d) for d in self.target_shape]
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in target)
        total = math.prod(rest)
        known = math.prod(d for d in target if d != -1)
        if -1 in target:
            if known == 0 or total % known:
                raise ValueError(
                    f"Reshape '{self.name}': cannot reshape an input of shape {tuple(input_shape)} "
                    f"into {self.target_shape}: {total} elements do not divide into {known}."
                )
            target[target.index(-1)] = total // known
        elif known != total:
            raise ValueError(
                f"Reshape '{self.name}': an input of shape {tuple(input_shape)} has {total} elements "
                f"per sample, target_shape={self.target_shape} has {known}. They must match."
            )
        return tuple(target)

    def call(self, inputs):
        return jnp.reshape(inputs, (inputs.shape[0],) + self._resolve(tuple(inputs.shape)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolve(tuple(input_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


@_register
class Permute(Layer):
    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Permute: `dims` must be a permutation of 1..N (axis 0, the batch, stays). "
                f"Received: dims={self.dims}"
            )
        self.built = True

    def call(self, inputs):
        return jnp.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


@_register
class RepeatVector(Layer):
    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or n <= 0:
            raise ValueError(f"RepeatVector: `n` must be a positive int. Received: n={n!r}")
        self.n = n
        self.built = True

    def call(self, inputs):
        if inputs.ndim != 2:
            raise ValueError(
                f"RepeatVector '{self.name}' expects a 2D input (batch, features). Received: shape={tuple(inputs.shape)}"
            )
        return jnp.repeat(inputs[:, None, :], self.n, axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
