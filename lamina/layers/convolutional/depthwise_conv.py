"""`DepthwiseConv1D`, `DepthwiseConv2D`: one filter set per input channel.

The kernel (weight name `kernel`, as in Keras) has shape `kernel_size + (in_channels,
depth_multiplier)`; the output has `in_channels * depth_multiplier` channels.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.DepthwiseConv2D(3, depth_multiplier=2)
>>> layer(np.ones((1, 5, 5, 3))).shape
(1, 3, 3, 6)
>>> tuple(layer.kernel.shape)
(3, 3, 3, 2)
"""

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.convolutional.base_conv import (
    SpatialInput,
    check_positive_int,
    deserialize_nested,
)
from lamina.layers.layer import Layer, _register
from lamina.ops.conv import depthwise_conv as _depthwise_op


class BaseDepthwiseConv(SpatialInput, Layer):
    def __init__(self, rank, depth_multiplier, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        check_positive_int(type(self).__name__, "depth_multiplier", depth_multiplier)
        self.depth_multiplier = depth_multiplier
        self.kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = cu.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = cu.standardize_padding(padding)
        self.data_format = cu.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._in_channels = None

    def compute_output_shape(self, input_shape):
        self._check_input(input_shape)
        in_ch = input_shape[cu.channel_axis(self.data_format)]
        channels = None if in_ch is None else in_ch * self.depth_multiplier
        return cu.with_spatial(input_shape, self._output_spatial(input_shape), channels, self.data_format)

    def build(self, input_shape):
        self._check_input(input_shape)
        in_ch = input_shape[cu.channel_axis(self.data_format)]
        if in_ch is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the channel axis of the input must be known. "
                f"Received: input_shape={tuple(input_shape)}, data_format={self.data_format!r}"
            )
        self._output_spatial(input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (in_ch, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(in_ch * self.depth_multiplier,), initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        self._in_channels = in_ch

    def call(self, inputs):
        self._check_input(inputs.shape)
        self._output_spatial(inputs.shape)
        outputs = _depthwise_op.raw(
            inputs, self.kernel.value.astype(inputs.dtype), strides=self.strides, padding=self.padding,
            data_format=self.data_format, dilation_rate=self.dilation_rate,
        )
        return self.activation(self._add_bias(outputs))

    def get_config(self):
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }

    @classmethod
    def from_config(cls, config):
        config = deserialize_nested(
            config, ("depthwise_initializer", "bias_initializer"), ("depthwise_regularizer", "bias_regularizer"),
            ("depthwise_constraint", "bias_constraint"),
        )
        return super().from_config(config)


@_register
class DepthwiseConv1D(BaseDepthwiseConv):
    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            1, depth_multiplier, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )


@_register
class DepthwiseConv2D(BaseDepthwiseConv):
    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            2, depth_multiplier, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
            depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint, **kwargs,
        )
