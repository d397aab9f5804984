"""`BaseConv`: the shared machinery of `Conv1D`, `Conv2D` and `Conv3D`.

The kernel has Keras's layout `kernel_size + (in_channels // groups, filters)` and is applied with
`lamina.ops.conv` in the input's own layout (no transposes).

>>> import numpy as np
>>> from lamina import layers
>>> conv = layers.Conv2D(8, 3, padding="same")
>>> conv(np.ones((1, 5, 5, 2))).shape
(1, 5, 5, 8)
>>> [tuple(w.shape) for w in conv.weights]
[(3, 3, 2, 8), (8,)]
"""

import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.layer import Layer
from lamina.ops.conv import conv as _conv_op

_LAYOUTS = {
    1: ("(batch, steps, channels)", "(batch, channels, steps)"),
    2: ("(batch, height, width, channels)", "(batch, channels, height, width)"),
    3: ("(batch, depth, height, width, channels)", "(batch, channels, depth, height, width)"),
}


def layout(rank, data_format):
    return _LAYOUTS[rank][0 if data_format == "channels_last" else 1]


def deserialize_nested(config, initializer_keys, regularizer_keys, constraint_keys):
    """Turns the serialized nested objects of a conv config back into objects."""
    config = dict(config)
    for k in initializer_keys:
        if config.get(k) is not None:
            config[k] = initializers.get(config[k])
    for k in regularizer_keys + ("activity_regularizer",):
        config[k] = regularizers.get(config.get(k))
    for k in constraint_keys:
        config[k] = constraints.get(config.get(k))
    if "activation" in config:
        config["activation"] = activations.deserialize(config["activation"])
    return config


def check_positive_int(cls_name, name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(
            f"{cls_name}: `{name}` must be a positive int. Received: {name}={value!r}"
        )


class SpatialInput:
    """Input checks and bias addition shared by the convolution layer bases.

    Expects `rank`, `data_format`, `kernel_size`, `strides`, `padding`, `dilation_rate`,
    `_in_channels` (None until built) and `bias` on the layer.
    """

    def _check_input(self, input_shape):
        cu.check_ndim(self, input_shape, self.rank + 2, layout(self.rank, self.data_format))
        if self._in_channels is not None:
            cu.check_axis_value(self, input_shape, cu.channel_axis(self.data_format), self._in_channels)

    def _output_spatial(self, input_shape):
        spatial = cu.spatial_shape(input_shape, self.data_format)
        out = []
        for i, n in enumerate(spatial):
            m = cu.conv_output_length(n, self.kernel_size[i], self.strides[i], self.padding, self.dilation_rate[i])
            if m is not None and m <= 0:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': with padding='valid' the kernel "
                    f"(kernel_size={self.kernel_size}, dilation_rate={self.dilation_rate}) is larger than "
                    f"the input along spatial axis {i} (size {n}), so the output would be empty "
                    f"(computed output size would be zero or negative). Received: input_shape={tuple(input_shape)}. "
                    "Use padding='same', a smaller kernel_size, or a larger input."
                )
            out.append(m)
        return out

    def _add_bias(self, outputs):
        if self.bias is None:
            return outputs
        bias = self.bias.value.astype(outputs.dtype)
        if self.data_format == "channels_first":
            bias = jnp.reshape(bias, (-1,) + (1,) * self.rank)
        return outputs + bias


class BaseConv(SpatialInput, Layer):
    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        if lora_rank is not None:
            raise ValueError(f"{cls}: LoRA is not supported by lamina. Received: lora_rank={lora_rank}")
        self.rank = rank
        check_positive_int(cls, "filters", filters)
        check_positive_int(cls, "groups", groups)
        if filters % groups:
            raise ValueError(
                f"{cls}: `filters` must be divisible by `groups` (each group makes filters // groups "
                f"outputs). Received: filters={filters}, groups={groups}"
            )
        self.filters = filters
        self.groups = groups
        self.kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = cu.standardize_tuple(strides, rank, "strides")
        self.dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = cu.standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = cu.standardize_data_format(data_format)
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

    # -------------------------------------------------------------- shapes
    def compute_output_shape(self, input_shape):
        self._check_input(input_shape)
        return cu.with_spatial(input_shape, self._output_spatial(input_shape), self.filters, self.data_format)

    # -------------------------------------------------------------- weights
    def build(self, input_shape):
        self._check_input(input_shape)
        in_ch = input_shape[cu.channel_axis(self.data_format)]
        if in_ch is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the channel axis of the input must be known to create "
                f"the kernel. Received: input_shape={tuple(input_shape)}, data_format={self.data_format!r}"
            )
        if in_ch % self.groups:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the number of input channels must be divisible by "
                f"`groups`. Received: groups={self.groups}, input channels={in_ch} "
                f"(input_shape={tuple(input_shape)})."
            )
        self._output_spatial(input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (in_ch // self.groups, self.filters),
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

    # -------------------------------------------------------------- compute
    def convolution_op(self, inputs, kernel):
        return _conv_op.raw(
            inputs, kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def call(self, inputs):
        self._check_input(inputs.shape)
        self._output_spatial(inputs.shape)
        outputs = self.convolution_op(inputs, self.kernel.value.astype(inputs.dtype))
        return self.activation(self._add_bias(outputs))

    # -------------------------------------------------------------- config
    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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
