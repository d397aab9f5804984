"""`ConvLSTMCell`: one step of a convolutional LSTM (the cell of ConvLSTM1D/2D/3D).

Like `LSTMCell`, with the two matmuls replaced by convolutions: the input is convolved with
`kernel` (`kernel_size + (in_channels, 4 * filters)`, honouring strides, padding and dilation) and
the previous output `h` with `recurrent_kernel` (`kernel_size + (filters, 4 * filters)`, always
stride 1 and 'same' padding, so `h` keeps its spatial shape). Gates are side by side on the channel
axis in Keras's order (i, f, c, o). As for the built-in cells, the step is split in two: the input
convolution does not depend on the state, so the layer can run it once for all time steps.

>>> import numpy as np
>>> from lamina.layers.recurrent.conv_lstm_cell import ConvLSTMCell
>>> cell = ConvLSTMCell(2, filters=3, kernel_size=3, padding="same")
>>> h, (h2, c) = cell(np.ones((1, 5, 5, 2)), [np.zeros((1, 5, 5, 3))] * 2)
>>> h.shape, [tuple(w.shape) for w in cell.weights]
((1, 5, 5, 3), [(3, 3, 2, 12), (3, 3, 3, 12), (12,)])
"""

import jax
import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.backend import state as _state
from lamina.layers.convolutional import conv_utils as cu
from lamina.layers.layer import Layer
from lamina.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from lamina.layers.recurrent.lstm import _UnitForgetBias
from lamina.ops.conv import conv as _conv_op

_GATES = 4
_STEP_LAYOUTS = {
    1: ("(batch, steps, channels)", "(batch, channels, steps)"),
    2: ("(batch, height, width, channels)", "(batch, channels, height, width)"),
    3: ("(batch, depth, height, width, channels)", "(batch, channels, depth, height, width)"),
}


def step_layout(rank, data_format):
    """The layout of one time step's input, for error messages."""
    return _STEP_LAYOUTS[rank][0 if data_format == "channels_last" else 1]


class ConvLSTMCell(Layer, DropoutRNNCell):
    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        # Errors name the layer the user created (ConvLSTM2D), not this internal cell.
        owner = kwargs.pop("_owner", None) or type(self).__name__
        super().__init__(**kwargs)
        self._owner = owner
        if rank not in (1, 2, 3):
            raise ValueError(f"{owner}: `rank` must be 1, 2 or 3. Received: rank={rank!r}")
        self.rank = rank
        if not isinstance(filters, int) or isinstance(filters, bool) or filters <= 0:
            raise ValueError(
                f"{owner}: `filters` must be a positive int (the number of output channels). "
                f"Received: filters={filters!r}"
            )
        self.filters = filters
        try:
            self.kernel_size = cu.standardize_tuple(kernel_size, rank, "kernel_size")
            self.strides = cu.standardize_tuple(strides, rank, "strides")
            self.dilation_rate = cu.standardize_tuple(dilation_rate, rank, "dilation_rate")
            self.padding = cu.standardize_padding(padding)
            self.data_format = cu.standardize_data_format(data_format)
        except ValueError as e:
            raise ValueError(f"{owner}: {e}") from None
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{owner}: `strides > 1` cannot be combined with `dilation_rate > 1`. Received: "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}. Set one of them to 1."
            )
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.unit_forget_bias = unit_forget_bias
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        # The states' shapes depend on the input's spatial shape; Keras marks that with -1.
        self.state_size = -1
        self.spatial_dims = None
        self.input_dim = None

    # ------------------------------------------------------------------ shapes
    @property
    def _channel_axis(self):
        return -1 if self.data_format == "channels_last" else 1

    def _output_spatial(self, spatial, input_shape):
        out = []
        for i, n in enumerate(spatial):
            m = cu.conv_output_length(n, self.kernel_size[i], self.strides[i], self.padding,
                                      self.dilation_rate[i])
            if m is not None and m <= 0:
                raise ValueError(
                    f"{self._owner}: with padding='valid' the kernel (kernel_size="
                    f"{self.kernel_size}, dilation_rate={self.dilation_rate}) is larger than the "
                    f"input along spatial axis {i} (size {n}), so the output would be empty. "
                    f"Received: input_shape={tuple(input_shape)}. Use padding='same', a smaller "
                    "kernel_size, or a larger input."
                )
            out.append(m)
        return tuple(out)

    def compute_output_shape(self, inputs_shape, states_shape=None):
        """The shape of `h` (and `c`) for a step input of shape `inputs_shape`."""
        shape = tuple(inputs_shape)
        spatial = self._output_spatial(cu.spatial_shape(shape, self.data_format), shape)
        out = cu.with_spatial(shape, spatial, self.filters, self.data_format)
        return out, [out, out]

    # ------------------------------------------------------------------ weights
    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"{self._owner}: each time step must have shape "
                f"{step_layout(self.rank, self.data_format)} (rank {self.rank + 2}). Received: "
                f"step shape {input_shape}."
            )
        spatial = cu.spatial_shape(input_shape, self.data_format)
        if None in spatial:
            raise ValueError(
                f"{self._owner}: the spatial axes of the input must be known (the states are "
                f"tensors of a fixed spatial shape). Received: step shape {input_shape}, "
                f"data_format={self.data_format!r}. Give them in `keras.Input(shape=...)`."
            )
        in_ch = input_shape[self._channel_axis]
        if in_ch is None:
            raise ValueError(
                f"{self._owner}: the channel axis of the input must be known to create the kernel. "
                f"Received: step shape {input_shape}, data_format={self.data_format!r}."
            )
        self._output_spatial(spatial, input_shape)
        with _state.name_scope(self.name, owner=self):
            self._make_weights(in_ch)
        self.spatial_dims = tuple(spatial)
        self.input_dim = in_ch
        self.built = True

    def _make_weights(self, in_ch):
        width = _GATES * self.filters
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (in_ch, width),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=self.kernel_size + (self.filters, width),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            init = self.bias_initializer
            if self.unit_forget_bias:
                init = _UnitForgetBias(self.bias_initializer, self.filters)
            self.bias = self.add_weight(
                name="bias", shape=(width,), initializer=init, regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def _w(self, var):
        value = var.value
        return value if value.dtype == self.compute_dtype else value.astype(self.compute_dtype)

    def _step_shape(self):
        """One time step's shape without the batch axis, as built."""
        if self.data_format == "channels_last":
            return self.spatial_dims + (self.input_dim,)
        return (self.input_dim,) + self.spatial_dims

    def check_step_shape(self, step_shape, received_shape):
        """Raises unless a time step (without batch) has the shape this cell was built for."""
        if tuple(step_shape) != self._step_shape():
            raise ValueError(
                f"{self._owner} was built for time steps of shape {self._step_shape()} "
                f"({step_layout(self.rank, self.data_format)[len('(batch, '):]}, received "
                f"inputs of shape {tuple(received_shape)}. The states have a fixed spatial "
                "shape: create a new layer for inputs of another shape."
            )

    def get_initial_state(self, batch_size=None):
        shape = self.compute_output_shape((batch_size,) + self._step_shape())[0]
        return [jnp.zeros(shape, self.compute_dtype), jnp.zeros(shape, self.compute_dtype)]

    # ------------------------------------------------------------------ dropout
    def _new_mask(self, like, rate):
        # One mask per gate, stacked on a leading axis, as Keras draws them.
        return super()._new_mask(jax.ShapeDtypeStruct((_GATES,) + tuple(like.shape), like.dtype), rate)

    # ------------------------------------------------------------------ the step
    def _per_gate_conv(self, x, kernel, **conv_args):
        """`conv(x, kernel)`; with dropout, `x` is one masked input per gate, each convolved
        with its gate's quarter of the kernel."""
        if not isinstance(x, list):
            return _conv_op.raw(x, kernel, data_format=self.data_format, **conv_args)
        # Four convolutions, not one grouped convolution of the four side by side: on CPU the
        # grouped one made a training step 2.4x slower (measured, 16x16 maps, 16 filters).
        kernels = jnp.split(kernel, _GATES, axis=-1)
        return jnp.concatenate(
            [_conv_op.raw(xg, k, data_format=self.data_format, **conv_args)
             for xg, k in zip(x, kernels)],
            axis=self._channel_axis,
        )

    def _input_projection(self, inputs, training=False, sequence=False):
        """The input convolution plus bias, for one step `(batch, ...)` or a whole time-major
        sequence `(time, batch, ...)` (time folded into the batch: one convolution for all steps)."""
        if inputs.ndim != self.rank + 2 + int(sequence):
            raise ValueError(
                f"{self._owner}: each time step must have shape "
                f"{step_layout(self.rank, self.data_format)}. Received inputs of shape "
                f"{tuple(inputs.shape)}."
            )
        lead = inputs.shape[:2] if sequence else inputs.shape[:1]
        # A sequence comes time-major; the user gave it batch-major.
        received = (lead[1], lead[0]) + inputs.shape[2:] if sequence else inputs.shape
        self.check_step_shape(inputs.shape[len(lead):], received)
        masks = self._input_mask(inputs[0] if sequence else inputs, training)

        def fold(a):
            return jnp.reshape(a, (-1,) + a.shape[len(lead):])

        # The same mask at every step: it broadcasts over the time axis.
        x = fold(inputs) if masks is None else [fold(inputs * m) for m in masks]
        z = self._per_gate_conv(
            x, self._w(self.kernel), strides=self.strides, padding=self.padding,
            dilation_rate=self.dilation_rate,
        )
        z = jnp.reshape(z, tuple(lead) + z.shape[1:])
        if self.bias is None:
            return z
        bias = self._w(self.bias)
        if self.data_format == "channels_first":
            bias = jnp.reshape(bias, (-1,) + (1,) * self.rank)
        return z + bias

    def _recurrent_step(self, projected, states, training=False):
        h, c = states[0], states[1]
        masks = self._state_mask(h, training)
        h_in = h if masks is None else [h * m for m in masks]
        z = projected + self._per_gate_conv(
            h_in, self._w(self.recurrent_kernel), strides=1, padding="same", dilation_rate=1
        )
        z_i, z_f, z_c, z_o = jnp.split(z, _GATES, axis=self._channel_axis)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        o = self.recurrent_activation(z_o)
        c = f * c + i * self.activation(z_c)
        h = o * self.activation(c)
        return h, [h, c]

    def call(self, inputs, states, training=False):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        if len(states) != 2:
            raise ValueError(
                f"{self._owner}: the cell's state is [h, c] (two tensors). Received "
                f"{len(states)} state tensor(s)."
            )
        return self._recurrent_step(self._input_projection(inputs, training), states, training)

    # ------------------------------------------------------------------ config
    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
