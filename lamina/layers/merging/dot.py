"""`Dot`: the per-sample dot product of two tensors along chosen axes.

For inputs `x` of shape `(b, *xs)` and `y` of shape `(b, *ys)`, the axes `axes[0]` of `x` and
`axes[1]` of `y` (same size) are summed over; the output keeps the rest of `x`'s axes, then the
rest of `y`'s (batch excluded). A result with no axis left besides the batch is `(b, 1)`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))]).tolist()
[[3.0], [3.0]]
>>> layers.Dot(axes=(1, 2))([np.ones((2, 3, 5)), np.ones((2, 4, 3))]).shape
(2, 5, 4)
"""

import jax
import jax.numpy as jnp

from lamina import config
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer, _register
from lamina.layers.merging.base_merge import _fmt, check_list_of_shapes


def l2_normalize(x, axis):
    """`x / max(||x||, epsilon)` along `axis`, with finite gradients at the zero vector."""
    eps = config.epsilon()
    sq = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    # Double `where` so the rsqrt branch never sees 0 (its gradient would be inf * 0 = nan).
    big = sq > eps * eps
    inv = jnp.where(big, jax.lax.rsqrt(jnp.where(big, sq, 1.0)), 1.0 / eps)
    return x * inv


def batch_dot(x, y, axes):
    """Contracts `x` axis `axes[0]` with `y` axis `axes[1]`, batched over axis 0."""
    a0, a1 = axes
    x = jnp.moveaxis(x, a0, -1)
    y = jnp.moveaxis(y, a1, 1)
    batch, k = x.shape[0], x.shape[-1]
    x_rest, y_rest = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    out = jnp.matmul(jnp.reshape(x, (batch, -1, k)), jnp.reshape(y, (batch, k, -1)))
    out_shape = (batch,) + x_rest + y_rest
    if len(out_shape) == 1:
        out_shape += (1,)
    return jnp.reshape(out, out_shape)


@_register
class Dot(Layer):
    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, bool) or not isinstance(axes, (int, list, tuple)):
            raise TypeError(
                "Dot: `axes` must be an int or a pair of ints (one axis per input). "
                f"Received: axes={axes!r}"
            )
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2:
                raise ValueError(
                    f"Dot: `axes` must contain two elements, one axis per input. Received: axes={axes!r}"
                )
            if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
                raise ValueError(f"Dot: the elements of `axes` must be ints. Received: axes={axes!r}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True

    def _resolve_axes(self, shape1, shape2):
        pair = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        resolved = []
        for a, shape in zip(pair, (shape1, shape2)):
            if not -len(shape) <= a < len(shape):
                raise ValueError(
                    f"Dot: axis {a} is out of range for an input of shape {tuple(shape)}. "
                    f"Received: axes={self.axes}"
                )
            a = a % len(shape)
            if a == 0:
                raise ValueError(
                    f"Dot: cannot take the dot product over axis 0, the batch axis. Received: "
                    f"axes={self.axes}, input shapes {tuple(shape1)} and {tuple(shape2)}. Pick "
                    "feature axes (>= 1)."
                )
            resolved.append(a)
        return resolved

    def _check(self, input_shape):
        check_list_of_shapes(self, input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of exactly 2 inputs. Received "
                f"{len(input_shape)}: input_shape={_fmt(list(input_shape))}"
            )
        shape1, shape2 = (tuple(s) for s in input_shape)
        for s in (shape1, shape2):
            if len(s) < 2:
                raise ValueError(
                    "Dot: each input needs a batch axis and at least one more. Received: input "
                    f"shapes {shape1} and {shape2}"
                )
        a0, a1 = self._resolve_axes(shape1, shape2)
        d0, d1 = shape1[a0], shape2[a1]
        if d0 is not None and d1 is not None and d0 != d1:
            raise ValueError(
                f"Dot: incompatible input shapes: axis {a0} of the first input has size {d0}, axis "
                f"{a1} of the second has size {d1}; they must be equal. Full input shapes: "
                f"{shape1}, {shape2}. Check `axes` (received axes={self.axes})."
            )
        if shape1[0] is not None and shape2[0] is not None and shape1[0] != shape2[0]:
            raise ValueError(
                f"Dot: inputs have different batch sizes. Received: input shapes {shape1} and {shape2}"
            )
        return shape1, shape2, (a0, a1)

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "A `Dot` layer should be called on a list of exactly 2 tensors. Received: "
                f"{type(inputs).__name__} of length {len(inputs) if isinstance(inputs, (list, tuple)) else 1}."
            )
        x1, x2 = inputs
        a0, a1 = self._resolve_axes(x1.shape, x2.shape)
        if self.normalize:
            x1 = l2_normalize(x1, a0)
            x2 = l2_normalize(x2, a1)
        return batch_dot(x1, x2, (a0, a1))

    def compute_output_shape(self, input_shape):
        shape1, shape2, (a0, a1) = self._check(input_shape)
        out = [d for i, d in enumerate(shape1) if i != a0] + [
            d for i, d in enumerate(shape2) if i not in (0, a1)
        ]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def compute_output_spec(self, inputs, **kwargs):
        if isinstance(inputs, (list, tuple)) and all(isinstance(x, KerasTensor) for x in inputs):
            return KerasTensor(self.compute_output_shape([x.shape for x in inputs]), dtype=self.compute_dtype)
        return super().compute_output_spec(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of `Dot`: `dot([x1, x2], axes=1)` is `Dot(axes=1)([x1, x2])`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.dot([np.ones((2, 3)), np.ones((2, 3))], axes=1).shape
    (2, 1)
    """
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
