"""`Concatenate`: joins a list of tensors along one axis.

All inputs must have the same rank and the same sizes on every other axis.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Concatenate(axis=1)([np.zeros((2, 3)), np.ones((2, 4))]).shape
(2, 7)
>>> layers.concatenate([np.zeros((2, 3)), np.ones((2, 4))]).shape
(2, 7)
"""

import jax.numpy as jnp

from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer, _register
from lamina.layers.merging.base_merge import _fmt, check_list_of_shapes


@_register
class Concatenate(Layer):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"Concatenate: `axis` must be an int. Received: axis={axis!r}")
        self.axis = axis
        self.supports_masking = True

    def _check_shapes(self, input_shape):
        check_list_of_shapes(self, input_shape)
        shapes = [tuple(s) for s in input_shape]
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                f"A `Concatenate` layer requires inputs of the same rank. Received: input_shape="
                f"{_fmt(shapes)} (ranks {[len(s) for s in shapes]}). Reshape the inputs (e.g. with "
                "layers.Reshape) so they have the same number of axes."
            )
        rank = ranks.pop()
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenate: axis={self.axis} is out of range for inputs of rank {rank}. "
                f"Received: input_shape={_fmt(shapes)}"
            )
        axis = self.axis % rank
        for d in range(rank):
            if d == axis:
                continue
            sizes = {s[d] for s in shapes} - {None}
            if len(sizes) > 1:
                raise ValueError(
                    f"A `Concatenate` layer requires inputs with matching shapes except for the "
                    f"concatenation axis (axis={self.axis}), but axis {d} has sizes "
                    f"{sorted(sizes)}. Received: input_shape={_fmt(shapes)}. Concatenate along "
                    f"the axis where they differ, or reshape/crop the inputs to match."
                )
        return shapes, axis

    def build(self, input_shape):
        self._check_shapes(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of tensors. Received: inputs of "
                f"shape {getattr(inputs, 'shape', None)} (not a list)."
            )
        return jnp.concatenate(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        shapes, axis = self._check_shapes(input_shape)
        # The first input's sizes win on the other axes, as in Keras.
        out = list(shapes[0])
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def compute_output_spec(self, inputs, **kwargs):
        if isinstance(inputs, (list, tuple)) and all(isinstance(x, KerasTensor) for x in inputs):
            return KerasTensor(self.compute_output_shape([x.shape for x in inputs]), dtype=self.compute_dtype)
        return super().compute_output_spec(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or not isinstance(inputs, (list, tuple)):
            raise ValueError(
                "Concatenate.compute_mask: `inputs` and `mask` should be lists with one entry per "
                f"input. Received: inputs of type {type(inputs).__name__}, mask of type "
                f"{type(mask).__name__}"
            )
        if len(mask) != len(inputs):
            raise ValueError(
                "Concatenate.compute_mask: `inputs` and `mask` should have the same length. "
                f"Received: {len(inputs)} inputs and {len(mask)} masks."
            )
        if all(m is None for m in mask):
            return None
        # Unmasked inputs count as all-valid; each mask is widened to its input's full shape so
        # masks can be joined along any axis, then reduced over the feature axis.
        full = []
        for x, m in zip(inputs, mask):
            shape = tuple(x.shape)
            if m is None:
                full.append(jnp.ones(shape, dtype=bool))
                continue
            m = jnp.asarray(m, dtype=bool)
            if m.ndim < len(shape):
                m = jnp.broadcast_to(m[..., None], shape)
            full.append(m)
        return jnp.any(jnp.concatenate(full, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: `concatenate([x1, x2])` is `Concatenate()([x1, x2])`.

    >>> import lamina as keras
    >>> a, b = keras.Input(shape=(3,)), keras.Input(shape=(4,))
    >>> keras.layers.concatenate([a, b]).shape
    (None, 7)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
