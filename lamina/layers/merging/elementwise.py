"""Elementwise merges: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`.

Each has a function form (`add([x1, x2])` is `Add()([x1, x2])`).

>>> import numpy as np
>>> from lamina import layers
>>> layers.Subtract()([np.full((1, 2), 5.0), np.ones((1, 2))]).tolist()
[[4.0, 4.0]]
>>> layers.maximum([np.array([[1.0, 4.0]]), np.array([[3.0, 2.0]])]).tolist()
[[3.0, 4.0]]
"""

import jax.numpy as jnp

from lamina.layers.layer import _register
from lamina.layers.merging.base_merge import Merge, check_list_of_shapes, expand_mask


@_register
class Add(Merge):
    """Sums a list of tensors of the same (or broadcastable) shape.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.Add()([np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3))]).tolist()[0]
    [3.0, 3.0, 3.0]
    """

    def _merge_function(self, inputs, masks):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


@_register
class Subtract(Merge):
    """`inputs[0] - inputs[1]`; takes exactly two tensors.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.Subtract()([np.ones((1, 2)), np.ones((1, 2))]).tolist()
    [[0.0, 0.0]]
    """

    def build(self, input_shape):
        check_list_of_shapes(self, input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received "
                f"{len(input_shape)}: input_shape={list(input_shape)}. To subtract more, chain "
                "Subtract layers or use Add on negated inputs."
            )
        super().build(input_shape)

    def _merge_function(self, inputs, masks):
        if len(inputs) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received {len(inputs)}."
            )
        return inputs[0] - inputs[1]


@_register
class Multiply(Merge):
    """Multiplies a list of tensors elementwise.

    Masked-out entries count as 1 in the product; if every input is masked, entries masked out
    in all inputs are 0 in the output.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.Multiply()([np.full((1, 2), 2.0), np.full((1, 2), 3.0)]).tolist()
    [[6.0, 6.0]]
    """

    def _merge_function(self, inputs, masks):
        all_masked = all(m is not None for m in masks)
        out, out_mask = None, None
        for x, m in zip(inputs, masks):
            if m is not None:
                m = expand_mask(m, x)
                x = jnp.where(m, x, jnp.ones((), x.dtype))
                if all_masked:
                    out_mask = m if out_mask is None else jnp.logical_or(out_mask, m)
            out = x if out is None else out * x
        if all_masked:
            out = jnp.where(out_mask, out, jnp.zeros((), out.dtype))
        return out


@_register
class Average(Merge):
    """The elementwise mean of a list of tensors.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.Average()([np.zeros((1, 2)), np.full((1, 2), 4.0)]).tolist()
    [[2.0, 2.0]]
    """

    def _merge_function(self, inputs, masks):
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / len(inputs)


def _masked_reduce(fn, inputs, masks):
    """Reduces pairwise with `fn`, where a masked-out entry takes the other operand's value.

    With no identity element for max/min, an entry masked in one operand simply copies the
    other; an entry masked in both keeps the first input's value.
    """
    out, out_mask = None, None
    for x, m in zip(inputs, masks):
        if m is not None:
            m = expand_mask(m, x)
        if out is None:
            out, out_mask = x, m
            continue
        if m is not None:
            x = jnp.where(m, x, out)
        if out_mask is not None:
            out = jnp.where(out_mask, out, x)
        out_mask = jnp.logical_or(out_mask, m) if m is not None and out_mask is not None else None
        out = fn(out, x)
    return out


@_register
class Maximum(Merge):
    """The elementwise maximum of a list of tensors.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.Maximum()([np.array([[1.0, 5.0]]), np.array([[2.0, 3.0]])]).tolist()
    [[2.0, 5.0]]
    """

    def _merge_function(self, inputs, masks):
        return _masked_reduce(jnp.maximum, inputs, masks)


@_register
class Minimum(Merge):
    """The elementwise minimum of a list of tensors.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.Minimum()([np.array([[1.0, 5.0]]), np.array([[2.0, 3.0]])]).tolist()
    [[1.0, 3.0]]
    """

    def _merge_function(self, inputs, masks):
        return _masked_reduce(jnp.minimum, inputs, masks)


def add(inputs, **kwargs):
    """Functional form of `Add`: `add([x1, x2])` is `Add()([x1, x2])`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.add([np.ones((1, 2)), np.ones((1, 2))]).tolist()
    [[2.0, 2.0]]
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.subtract([np.ones((1, 2)), np.ones((1, 2))]).tolist()
    [[0.0, 0.0]]
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.multiply([np.full((1, 2), 2.0), np.full((1, 2), 2.0)]).tolist()
    [[4.0, 4.0]]
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.average([np.zeros((1, 2)), np.full((1, 2), 2.0)]).tolist()
    [[1.0, 1.0]]
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.maximum([np.zeros((1, 2)), np.ones((1, 2))]).tolist()
    [[1.0, 1.0]]
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.minimum([np.zeros((1, 2)), np.ones((1, 2))]).tolist()
    [[0.0, 0.0]]
    """
    return Minimum(**kwargs)(inputs)
