"""`Merge`: the base of the layers that combine a list of tensors into one.

Elementwise merges (`Add`, `Multiply`, ...) broadcast their inputs like NumPy over the axes after
the batch axis; an input of lower rank first gets size-1 axes inserted right after the batch axis.
The output mask is the OR of the input masks when every input has one.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Add()([np.ones((2, 3)), np.ones((2, 1))]).shape
(2, 3)
"""

import jax.numpy as jnp

from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer


def _is_shape(s):
    return isinstance(s, (list, tuple)) and all(d is None or isinstance(d, int) for d in s)


def check_list_of_shapes(layer, input_shape, min_inputs=1):
    """Raises unless `input_shape` is a list of at least `min_inputs` shapes."""
    name = type(layer).__name__
    if (
        not isinstance(input_shape, (list, tuple))
        or not input_shape
        or not all(_is_shape(s) for s in input_shape)
    ):
        raise ValueError(
            f"The `{name}` layer should be called on a list of tensors, e.g. "
            f"`{name}()([x1, x2])`. Received: input_shape={_fmt(input_shape)}"
        )
    if len(input_shape) < min_inputs:
        raise ValueError(
            f"The `{name}` layer should be called on a list of at least {min_inputs} inputs. "
            f"Received {len(input_shape)}: input_shape={_fmt(input_shape)}"
        )


def _fmt(shape):
    if isinstance(shape, list):
        return "[" + ", ".join(_fmt(s) for s in shape) + "]"
    if isinstance(shape, tuple) and shape and isinstance(shape[0], (list, tuple)):
        return "(" + ", ".join(_fmt(s) for s in shape) + ")"
    return str(tuple(shape)) if isinstance(shape, (list, tuple)) else repr(shape)


def broadcast_shapes(layer, shape1, shape2, all_shapes):
    """NumPy broadcasting of two shapes (no batch axis) where `None` stays unknown."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    out = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise ValueError(
                f"`{type(layer).__name__}` layer '{layer.name}': inputs have incompatible shapes "
                f"(sizes {i} and {j} cannot be broadcast). Received: input shapes "
                f"{_fmt(list(all_shapes))}. Elementwise merges need equal sizes, or size 1, on "
                "every axis after the batch axis."
            )
    return tuple(out)


class Merge(Layer):
    """Combines a list of tensors elementwise; subclasses define `_merge_function(inputs, masks)`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs, masks):
        raise NotImplementedError

    def build(self, input_shape):
        check_list_of_shapes(self, input_shape)
        self.compute_output_shape(input_shape)
        self.built = True

    def call(self, inputs, mask=None):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"The `{type(self).__name__}` layer should be called on a list of tensors. "
                f"Received: inputs of shape {getattr(inputs, 'shape', None)} (not a list)."
            )
        inputs = list(inputs)
        masks = list(mask) if isinstance(mask, (list, tuple)) else [None] * len(inputs)
        ranks = [x.ndim for x in inputs]
        top = max(ranks)
        # Lower-rank inputs get size-1 axes after the batch axis, so (b, d) meets (b, t, d). Their
        # masks no longer line up with the features and are dropped, as in Keras.
        for i, x in enumerate(inputs):
            if x.ndim < top:
                inputs[i] = jnp.reshape(x, (x.shape[0],) + (1,) * (top - x.ndim) + tuple(x.shape[1:]))
                masks[i] = None
        return self._merge_function(inputs, masks)

    def compute_output_shape(self, input_shape):
        check_list_of_shapes(self, input_shape)
        batches = {s[0] for s in input_shape if s} - {None}
        if len(batches) > 1:
            raise ValueError(
                f"`{type(self).__name__}` layer '{self.name}' cannot merge tensors with different "
                f"batch sizes. Received: input shapes {_fmt(list(input_shape))}"
            )
        out = tuple(input_shape[0][1:])
        for s in input_shape[1:]:
            out = broadcast_shapes(self, out, tuple(s[1:]), input_shape)
        return (batches.pop() if batches else None,) + out

    def compute_output_spec(self, inputs, **kwargs):
        if isinstance(inputs, (list, tuple)) and all(isinstance(x, KerasTensor) for x in inputs):
            shape = self.compute_output_shape([x.shape for x in inputs])
            return KerasTensor(shape, dtype=self.compute_dtype)
        return super().compute_output_spec(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(
                f"`{type(self).__name__}.compute_mask`: `mask` should be a list with one mask (or "
                f"None) per input. Received: mask of type {type(mask).__name__}"
            )
        if isinstance(inputs, (list, tuple)) and len(mask) != len(inputs):
            raise ValueError(
                f"`{type(self).__name__}.compute_mask`: `inputs` and `mask` should have the same "
                f"length. Received: {len(inputs)} inputs and {len(mask)} masks."
            )
        if any(m is None for m in mask):
            return None
        out = jnp.asarray(mask[0], dtype=bool)
        for m in mask[1:]:
            out = jnp.logical_or(out, m)
        return out


def expand_mask(mask, x):
    """A (batch, ...) mask broadcast over the trailing feature axis of `x`."""
    mask = jnp.asarray(mask, dtype=bool)
    while mask.ndim < x.ndim:
        mask = mask[..., None]
    return jnp.broadcast_to(mask, x.shape)
