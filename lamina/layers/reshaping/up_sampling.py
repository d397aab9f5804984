"""`UpSampling1D`/`2D`/`3D`: repeat steps/pixels/voxels `size` times along each spatial axis.

`UpSampling2D` also interpolates (`interpolation="bilinear"`, `"bicubic"`, `"lanczos3"`,
`"lanczos5"`) instead of repeating (`"nearest"`, the default).

>>> import numpy as np
>>> from lamina import layers
>>> layers.UpSampling1D(2)(np.array([[[1.0], [2.0]]]))[0, :, 0].tolist()
[1.0, 1.0, 2.0, 2.0]
>>> layers.UpSampling2D((2, 3), interpolation="bilinear")(np.ones((1, 4, 4, 3))).shape
(1, 8, 12, 3)
"""

import jax
import jax.numpy as jnp

from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import layout
from lamina.layers.layer import Layer, _register

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")


class BaseUpSampling(Layer):
    rank = None

    def __init__(self, size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = cu.standardize_data_format(data_format)
        self.size = size
        self.built = True

    def _sizes(self):
        return self.size if isinstance(self.size, tuple) else (self.size,)

    def compute_output_shape(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))
        spatial = [
            None if n is None else n * s for n, s in zip(cu.spatial_shape(input_shape, self.data_format), self._sizes())
        ]
        channels = input_shape[cu.channel_axis(self.data_format)]
        return cu.with_spatial(tuple(input_shape), spatial, channels, self.data_format)

    def call(self, inputs):
        cu.check_ndim(self, inputs.shape, self.rank + 2, layout(self.rank, self.data_format))
        first = 1 if self.data_format == "channels_last" else 2
        x = inputs
        for i, s in enumerate(self._sizes()):
            x = jnp.repeat(x, s, axis=first + i)
        return x


@_register
class UpSampling1D(BaseUpSampling):
    rank = 1

    def __init__(self, size=2, **kwargs):
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"UpSampling1D: `size` must be an int. Received: size={size!r} of type {type(size).__name__}")
        if size <= 0:
            raise ValueError(f"UpSampling1D: `size` must be a positive int. Received: size={size}")
        super().__init__(size, "channels_last", **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


@_register
class UpSampling2D(BaseUpSampling):
    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(cu.standardize_tuple(size, 2, "size"), data_format, **kwargs)
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"UpSampling2D: `interpolation` must be one of {list(_INTERPOLATIONS)}. "
                f"Received: interpolation={interpolation!r}"
            )

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        cu.check_ndim(self, inputs.shape, 4, layout(2, self.data_format))
        shape = self.compute_output_shape(inputs.shape)
        # Half-pixel-centred resampling, the convention Keras's image resize uses.
        return jax.image.resize(inputs, shape, method=self.interpolation, antialias=False).astype(inputs.dtype)

    def get_config(self):
        return {
            **super().get_config(), "size": self.size, "data_format": self.data_format,
            "interpolation": self.interpolation,
        }


@_register
class UpSampling3D(BaseUpSampling):
    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(cu.standardize_tuple(size, 3, "size"), data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
