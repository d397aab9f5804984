"""`SimpleRNNCell` and `SimpleRNN`: `h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.SimpleRNN(4, return_sequences=True)(np.ones((2, 5, 3))).shape
(2, 5, 4)
"""

import jax.numpy as jnp

from lamina.layers.layer import _register
from lamina.layers.recurrent.base_cell import BuiltinCell
from lamina.layers.recurrent.builtin_rnn import COMMON_CELL_ARGS, BuiltinRNN, add_cell_properties


@_register
class SimpleRNNCell(BuiltinCell):
    """One step of a fully connected recurrent layer (weights `kernel`, `recurrent_kernel`, `bias`).

    >>> import numpy as np
    >>> from lamina import layers
    >>> out, [h] = layers.SimpleRNNCell(2)(np.ones((1, 3)), [np.zeros((1, 2))])
    >>> out.shape
    (1, 2)
    """

    _gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(
            units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs,
        )
        self.state_size = self.units

    def _recurrent_step(self, projected, states, training=False):
        h = states[0]
        mask = self._state_mask(h, training)
        h_in = h * mask if mask is not None else h
        out = self.activation(projected + jnp.matmul(h_in, self._w(self.recurrent_kernel)))
        return out, [out]


@_register
@add_cell_properties
class SimpleRNN(BuiltinRNN):
    """A fully connected recurrent layer whose output is fed back as its next input state.

    >>> import numpy as np
    >>> from lamina import layers
    >>> out, state = layers.SimpleRNN(4, return_state=True)(np.ones((2, 5, 3)))
    >>> out.shape, state.shape
    ((2, 4), (2, 4))
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"
    cell_args = COMMON_CELL_ARGS

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, return_sequences=False,
                 return_state=False, go_backwards=False, stateful=False, unroll=False, seed=None,
                 **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            seed=seed,
        )
        super().__init__(
            cell_kwargs, activity_regularizer=activity_regularizer,
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs,
        )
