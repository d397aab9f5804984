"""`SeparableConv1D`, `SeparableConv2D`: a depthwise convolution, then a 1x1 convolution.

Weights, in Keras's order: `depthwise_kernel` (`kernel_size + (in_channels, depth_multiplier)`),
`pointwise_kernel` (`(1,) * rank + (in_channels * depth_multiplier, filters)`), `bias`.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.SeparableConv2D(8, 3, padding="same")
>>> layer(np.ones((1, 5, 5, 3))).shape
(1, 5, 5, 8)
>>> [w.path.split("/")[-1] for w in layer.weights]
['depthwise_kernel', 'pointwise_kernel', 'bias']
"""

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import (
    SpatialInput,
    check_positive_int,
    deserialize_nested,
)
from lamina.layers.layer import Layer, _register
from lamina.ops.conv import separable_conv as _separable_op


class BaseSeparableConv(SpatialInput, Layer):
    def __init__(self, rank, depth_multiplier, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        self.rank = rank
        check_positive_int(cls, "depth_multiplier", depth_multiplier)
        check_positive_int(cls, "filters", filters)
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self.kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = cu.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = cu.standardize_padding(padding)
        self.data_format = cu.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._in_channels = None

    def compute_output_shape(self, input_shape):
        self._check_input(input_shape)
        return cu.with_spatial(input_shape, self._output_spatial(input_shape), self.filters, self.data_format)

    def build(self, input_shape):
        self._check_input(input_shape)
        in_ch = input_shape[cu.channel_axis(self.data_format)]
        if in_ch is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the channel axis of the input must be known. "
                f"Received: input_shape={tuple(input_shape)}, data_format={self.data_format!r}"
            )
        self._output_spatial(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (in_ch, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1,) * self.rank + (in_ch * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
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
        self._output_spatial(inputs.shape)
        outputs = _separable_op.raw(
            inputs, self.depthwise_kernel.value.astype(inputs.dtype),
            self.pointwise_kernel.value.astype(inputs.dtype), strides=self.strides, padding=self.padding,
            data_format=self.data_format, dilation_rate=self.dilation_rate,
        )
        return self.activation(self._add_bias(outputs))

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }

    @classmethod
    def from_config(cls, config):
        config = deserialize_nested(
            config, ("depthwise_initializer", "pointwise_initializer", "bias_initializer"),
            ("depthwise_regularizer", "pointwise_regularizer", "bias_regularizer"),
            ("depthwise_constraint", "pointwise_constraint", "bias_constraint"),
        )
        return super().from_config(config)


@_register
class SeparableConv1D(BaseSeparableConv):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 depth_multiplier=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            1, depth_multiplier, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            depthwise_initializer=depthwise_initializer, pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint, **kwargs,
        )


@_register
class SeparableConv2D(BaseSeparableConv):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            2, depth_multiplier, filters, kernel_size, strides=strides, padding=padding,
            data_format=data_format, dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            depthwise_initializer=depthwise_initializer, pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer, depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint, **kwargs,
        )
