"""`GRUCell` and `GRU`: the gated recurrent unit, with Keras's gate order (z, r, h).

With `reset_after=True` (the default, as in Keras 3 and cuDNN) the reset gate multiplies the
recurrent projection after the matmul, and the bias has shape `(2, 3 * units)`: row 0 for the
input projection, row 1 for the recurrent one. With `reset_after=False` it multiplies the previous
state before the matmul and the bias has shape `(3 * units,)`.

>>> import numpy as np
>>> from lamina import layers
>>> gru = layers.GRU(4)
>>> gru(np.ones((2, 5, 3))).shape, tuple(gru.cell.bias.shape)
((2, 4), (2, 12))
"""

import jax.numpy as jnp

from lamina import activations
from lamina.layers.layer import _register
from lamina.layers.recurrent.base_cell import BuiltinCell
from lamina.layers.recurrent.builtin_rnn import COMMON_CELL_ARGS, BuiltinRNN, add_cell_properties


@_register
class GRUCell(BuiltinCell):
    """One GRU step: `h = z * h_prev + (1 - z) * candidate`.

    >>> import numpy as np
    >>> from lamina import layers
    >>> out, [h] = layers.GRUCell(2, reset_after=False)(np.ones((1, 3)), [np.zeros((1, 2))])
    >>> out.shape
    (1, 2)
    """

    _gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, reset_after=True,
                 seed=None, **kwargs):
        super().__init__(
            units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)
        self.state_size = self.units

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_bias(self):
        if self.bias is None:
            return None
        bias = self._w(self.bias)
        return bias[0] if self.reset_after else bias

    def _recurrent_step(self, projected, states, training=False):
        h = states[0]
        u = self.units
        mask = self._state_mask(h, training)
        h_in = h * mask if mask is not None else h
        rk = self._w(self.recurrent_kernel)
        # Splits, not slices, inside the loop: their gradients are concatenates, not pads.
        x_z, x_r, x_h = jnp.split(projected, 3, axis=-1)
        if self.reset_after:
            inner = jnp.matmul(h_in, rk)
            if self.bias is not None:
                inner = inner + self._w(self.bias)[1]
            r_z, r_r, r_h = jnp.split(inner, 3, axis=-1)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            candidate = self.activation(x_h + r * r_h)
        else:
            r_z, r_r = jnp.split(jnp.matmul(h_in, rk[:, :2 * u]), 2, axis=-1)
            z = self.recurrent_activation(x_z + r_z)
            r = self.recurrent_activation(x_r + r_r)
            candidate = self.activation(x_h + jnp.matmul(r * h_in, rk[:, 2 * u:]))
        out = z * h + (1 - z) * candidate
        return out, [out]

    def _config_head(self):
        return {**super()._config_head(),
                "recurrent_activation": activations.serialize(self.recurrent_activation)}

    def _config_tail(self):
        return {"reset_after": self.reset_after}


@_register
@add_cell_properties
class GRU(BuiltinRNN):
    """Gated recurrent unit layer (Cho et al., 2014).

    >>> import numpy as np
    >>> from lamina import layers
    >>> layers.GRU(4, reset_after=False, return_sequences=True)(np.ones((2, 5, 3))).shape
    (2, 5, 4)
    """

    cell_class = GRUCell
    cell_name = "gru_cell"
    cell_args = COMMON_CELL_ARGS + ("recurrent_activation", "reset_after")

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, reset_after=True,
                 use_cudnn="auto", **kwargs):
        cell_kwargs = dict(
            units=units, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
            dropout=dropout, recurrent_dropout=recurrent_dropout, reset_after=reset_after,
            seed=seed,
        )
        super().__init__(
            cell_kwargs, activity_regularizer=activity_regularizer, use_cudnn=use_cudnn,
            return_sequences=return_sequences, return_state=return_state,
            go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs,
        )
