"""`Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`: transposed ("de-") convolutions.

The kernel has Keras's layout `kernel_size + (filters, in_channels)`. With `padding="same"` and no
`output_padding`, the output is `strides` times larger than the input.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.Conv2DTranspose(4, 3, strides=2, padding="same")
>>> layer(np.ones((1, 5, 5, 2))).shape
(1, 10, 10, 4)
>>> tuple(layer.kernel.shape)
(3, 3, 4, 2)
"""

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import (
    SpatialInput,
    check_positive_int,
    deserialize_nested,
)
from lamina.layers.layer import Layer, _register
from lamina.ops.conv import conv_transpose as _conv_transpose_op
from lamina.ops.conv import conv_transpose_output_length


class BaseConvTranspose(SpatialInput, Layer):
    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        self.rank = rank
        check_positive_int(cls, "filters", filters)
        self.filters = filters
        self.kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = cu.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = cu.standardize_padding(padding)
        self.output_padding = None if output_padding is None else cu.standardize_tuple(
            output_padding, rank, "output_padding", allow_zero=True
        )
        self.data_format = cu.standardize_data_format(data_format)
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        f"{cls}: each `output_padding` value must be smaller than the matching `strides` "
                        f"value; axis {i} has output_padding={op}, strides={s}. Received: "
                        f"output_padding={self.output_padding}, strides={self.strides}"
                    )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{cls}: `strides > 1` cannot be combined with `dilation_rate > 1`. Received: "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}. Set one of them to 1."
            )
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._in_channels = None

    def compute_output_shape(self, input_shape):
        self._check_input(input_shape)
        spatial = cu.spatial_shape(input_shape, self.data_format)
        out_pad = self.output_padding or (None,) * self.rank
        out = [
            conv_transpose_output_length(
                n, self.kernel_size[i], self.strides[i], self.padding, out_pad[i], self.dilation_rate[i]
            )
            for i, n in enumerate(spatial)
        ]
        return cu.with_spatial(input_shape, out, self.filters, self.data_format)

    def build(self, input_shape):
        self._check_input(input_shape)
        in_ch = input_shape[cu.channel_axis(self.data_format)]
        if in_ch is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the channel axis of the input must be known to create "
                f"the kernel. Received: input_shape={tuple(input_shape)}, data_format={self.data_format!r}"
            )
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (self.filters, in_ch),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        self._in_channels = in_ch

    def call(self, inputs):
        self._check_input(inputs.shape)
        outputs = _conv_transpose_op.raw(
            inputs, self.kernel.value.astype(inputs.dtype), strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        return self.activation(self._add_bias(outputs))

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }

    @classmethod
    def from_config(cls, config):
        config = deserialize_nested(
            config, ("kernel_initializer", "bias_initializer"), ("kernel_regularizer", "bias_regularizer"),
            ("kernel_constraint", "bias_constraint"),
        )
        return super().from_config(config)


@_register
class Conv1DTranspose(BaseConvTranspose):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(
            1, filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


@_register
class Conv2DTranspose(BaseConvTranspose):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(
            2, filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


@_register
class Conv3DTranspose(BaseConvTranspose):
    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(
            3, filters, kernel_size, strides=strides, padding=padding, output_padding=output_padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )
