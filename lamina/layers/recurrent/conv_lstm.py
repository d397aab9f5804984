"""`ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`: LSTMs whose transformations are convolutions.

Inputs are sequences of 1-, 2- or 3-D feature maps, `(batch, time, *spatial, channels)` (or
`(batch, time, channels, *spatial)` with `data_format="channels_first"`); the output and the
states `h`, `c` are feature maps of `filters` channels. The loop over time is `time_loop`; on
accelerators the input convolution of every step is computed as one convolution before it, so the
loop only runs the recurrent convolution and the gates.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.ConvLSTM2D(4, 3, padding="same", return_sequences=True)
>>> layer(np.ones((2, 3, 5, 5, 1))).shape
(2, 3, 5, 5, 4)
>>> [w.path for w in layer.weights]
['conv_lstm2d/conv_lstm_cell/kernel', 'conv_lstm2d/conv_lstm_cell/recurrent_kernel', 'conv_lstm2d/conv_lstm_cell/bias']
"""

import jax
import jax.numpy as jnp

from lamina import regularizers
from lamina.backend import naming
from lamina.backend import state as _state
from lamina.layers.layer import _register
from lamina.layers.recurrent import rnn as _rnn
from lamina.layers.recurrent.builtin_rnn import add_cell_properties
from lamina.layers.recurrent.conv_lstm_cell import ConvLSTMCell, step_layout
from lamina.layers.recurrent.rnn import RNN
from lamina.layers.recurrent.stacked_rnn_cells import build_cell
from lamina.layers.recurrent.time_loop import time_loop

_CELL_ARGS = (
    "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation",
    "recurrent_activation", "use_bias", "kernel_initializer", "recurrent_initializer",
    "bias_initializer", "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout",
)



def _hoist_input_conv():
    """Whether the input convolution runs once for all steps before the loop, or in each step.

    One large convolution suits accelerators. On CPU, measured (8 steps of 16x16x4 maps, 16
    filters): a training step costs the same either way, inference is up to 2x faster with a small
    convolution per step, so CPU keeps it in the loop.
    """
    return not _rnn._on_cpu()


@add_cell_properties
class ConvLSTM(RNN):
    """The shared N-D implementation; use `ConvLSTM1D`, `ConvLSTM2D` or `ConvLSTM3D`."""

    cell_args = _CELL_ARGS

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        if kwargs.get("name") is None:
            # Keras's automatic name; the generic snake-casing would give `conv_lst_m2d`.
            kwargs["name"] = naming.uniquify(f"conv_lstm{rank}d")
        cell = ConvLSTMCell(
            rank, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation,
            recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            name="conv_lstm_cell", dtype=kwargs.get("dtype"), _owner=type(self).__name__,
        )
        super().__init__(
            cell, return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful,
            activity_regularizer=activity_regularizer, **kwargs,
        )
        self.rank = rank

    # ------------------------------------------------------------------ shapes
    def _check_rank(self, shape):
        shape = tuple(shape)
        want = self.rank + 3
        if len(shape) == want:
            return
        layout = "(batch, time, " + step_layout(self.rank, self.data_format)[len("(batch, "):]
        hint = ""
        if 4 <= len(shape) <= 6:
            hint = (f" For inputs of rank {len(shape)} use ConvLSTM{len(shape) - 3}D; for a "
                    "sequence of one step, add a time axis of size 1 (`ops.expand_dims(x, 1)`).")
        raise ValueError(
            f"{type(self).__name__} '{self.name}' expects inputs of rank {want}, {layout}. "
            f"Received: input_shape={shape} (rank {len(shape)}).{hint}"
        )

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        self._check_rank(sequences_shape)
        batch, steps = sequences_shape[0], sequences_shape[1]
        state = self.cell.compute_output_shape((batch,) + sequences_shape[2:])[0]
        output = (batch, steps) + state[1:] if self.return_sequences else state
        if self.return_state:
            return output, state, state
        return output

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        return [output_mask, None, None] if self.return_state else output_mask

    # ------------------------------------------------------------------ building
    def build(self, input_shape):
        input_shape = tuple(input_shape)
        self._check_rank(input_shape)
        with _state.name_scope(self.name, owner=self):
            build_cell(self.cell, (input_shape[0],) + input_shape[2:])
            if self.stateful:
                self._make_state_variables(input_shape)
        self.built = True

    # ------------------------------------------------------------------ calling
    def call(self, sequences, initial_state=None, mask=None, training=False):
        self._check_rank(sequences.shape)
        self.cell.check_step_shape(sequences.shape[2:], sequences.shape)
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        dtype = self.compute_dtype
        states = self._initial_states(sequences, initial_state)
        states = [jnp.asarray(s).astype(dtype) for s in states]
        cell = self.cell
        if training:
            self._prepare_dropout(cell, sequences[:, 0], states)
        # Time-major: the loop slices steps off the leading axis.
        time_major = jnp.swapaxes(sequences, 0, 1)
        try:
            if _hoist_input_conv():
                loop_inputs = cell._input_projection(time_major, training, sequence=True)

                def step(z_t, s):
                    return cell._recurrent_step(z_t, s, training)

            else:
                loop_inputs = time_major

                def step(x_t, s):
                    return cell._recurrent_step(cell._input_projection(x_t, training), s, training)

            spec = jax.ShapeDtypeStruct(states[0].shape, dtype)
            last_output, outputs, final_states = time_loop(
                step, loop_inputs, states, self._initial_output(states, spec), mask=mask,
                go_backwards=self.go_backwards, unroll=self.unroll,
                zero_output_for_mask=self.zero_output_for_mask,
                return_sequences=self.return_sequences, time_major=True,
                output_is_first_state=True,
            )
        finally:
            self._reset_dropout(cell)
        if self.stateful:
            for var, value in zip(self._state_variables, final_states):
                var.assign(value)
        output = (outputs if self.return_sequences else last_output).astype(dtype)
        if self.return_state:
            return (output, *[s.astype(dtype) for s in final_states])
        return output

    # ------------------------------------------------------------------ config
    def get_config(self):
        config = {k: v for k, v in super().get_config().items() if k != "cell"}
        cell_config = self.cell.get_config()
        for k in ("name", "trainable", "dtype"):
            cell_config.pop(k, None)
        config.update(cell_config)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            from lamina.backend import dtype_policy

            config["dtype"] = dtype_policy.get(config["dtype"])
        return cls(**config)


def _own_args(frame_locals):
    """A subclass constructor's arguments (its `locals()`), flattened into keyword arguments."""
    args = {k: v for k, v in frame_locals.items() if k not in ("self", "kwargs", "__class__")}
    return {**args, **frame_locals["kwargs"]}


@_register
class ConvLSTM1D(ConvLSTM):
    """1D convolutional LSTM: inputs `(batch, time, steps, channels)`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> out, h, c = layers.ConvLSTM1D(3, 2, return_state=True)(np.ones((2, 4, 6, 1)))
    >>> out.shape, h.shape, c.shape
    ((2, 5, 3), (2, 5, 3), (2, 5, 3))
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        ConvLSTM.__init__(self, 1, **_own_args(locals()))


@_register
class ConvLSTM2D(ConvLSTM):
    """2D convolutional LSTM: inputs `(batch, time, height, width, channels)`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.ConvLSTM2D(4, (3, 3), strides=2, padding="same")(np.ones((1, 3, 6, 6, 2))).shape
    (1, 3, 3, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        ConvLSTM.__init__(self, 2, **_own_args(locals()))


@_register
class ConvLSTM3D(ConvLSTM):
    """3D convolutional LSTM: inputs `(batch, time, depth, height, width, channels)`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.ConvLSTM3D(2, 2)(np.ones((1, 2, 3, 3, 3, 1))).shape
    (1, 2, 2, 2, 2)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, **kwargs):
        ConvLSTM.__init__(self, 3, **_own_args(locals()))
