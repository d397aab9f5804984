"""`LSTMCell` and `LSTM`: long short-term memory, with Keras's gate order (i, f, c, o).

The state is `[h, c]` (output and carry). With `unit_forget_bias=True` (the default) the forget
gate's bias starts at 1, as Keras does.

>>> import numpy as np
>>> from lamina import layers
>>> lstm = layers.LSTM(4, name="lstm")
>>> lstm(np.ones((2, 5, 3))).shape
(2, 4)
>>> [w.path for w in lstm.weights]
['lstm/lstm_cell/kernel', 'lstm/lstm_cell/recurrent_kernel', 'lstm/lstm_cell/bias']
"""

import jax.numpy as jnp

from lamina import activations, initializers
from lamina.layers.layer import _register
from lamina.layers.recurrent.base_cell import BuiltinCell
from lamina.layers.recurrent.builtin_rnn import COMMON_CELL_ARGS, BuiltinRNN, add_cell_properties


class _UnitForgetBias:
    """The bias initializer with the forget-gate block set to ones."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype=None):
        u = self.units
        ones = initializers.get("ones")
        return jnp.concatenate([self.base((u,), dtype=dtype), ones((u,), dtype=dtype),
                                self.base((2 * u,), dtype=dtype)])


@_register
class LSTMCell(BuiltinCell):
    """One LSTM step; returns `h` and the new state `[h, c]`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> cell = layers.LSTMCell(2)
    >>> out, (h, c) = cell(np.ones((1, 3)), cell.get_initial_state(batch_size=1))
    >>> cell.state_size, out.shape
    ([2, 2], (1, 2))
    """

    _gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(
            units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def _bias_init(self):
        if self.unit_forget_bias:
            return _UnitForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def _recurrent_step(self, projected, states, training=False):
        h, c = states[0], states[1]
        mask = self._state_mask(h, training)
        h_in = h * mask if mask is not None else h
        z = projected + jnp.matmul(h_in, self._w(self.recurrent_kernel))
        # One split, not four slices: its gradient is one concatenate instead of four pads.
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        g = self.activation(z_c)
        o = self.recurrent_activation(z_o)
        c = f * c + i * g
        h = o * self.activation(c)
        return h, [h, c]

    def _config_head(self):
        return {**super()._config_head(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


@_register
@add_cell_properties
class LSTM(BuiltinRNN):
    """Long short-term memory layer (Hochreiter & Schmidhuber, 1997).

    >>> import numpy as np
    >>> from lamina import layers
    >>> seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(np.ones((2, 5, 3)))
    >>> seq.shape, h.shape, c.shape
    ((2, 5, 4), (2, 4), (2, 4))
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"
    cell_args = COMMON_CELL_ARGS + ("recurrent_activation", "unit_forget_bias")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False,
                 use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed,
        )
        super().__init__(
            cell_kwargs, activity_regularizer=activity_regularizer, use_cudnn=use_cudnn,
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs,
        )
