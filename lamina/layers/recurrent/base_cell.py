"""What the built-in cells (SimpleRNNCell, GRUCell, LSTMCell) share.

Each holds `kernel` (inputs -> gates), `recurrent_kernel` (previous output -> gates) and `bias`,
with the gates side by side along the last axis in Keras's order. A cell's step is split in two:
`_input_projection` (inputs @ kernel + input bias) does not depend on the state, so the RNN layer
computes it for all time steps at once, as one large matmul before the loop, and the loop only
runs `_recurrent_step`. `call(inputs, states)` is the two composed, for one step.

>>> import numpy as np
>>> from lamina import layers
>>> cell = layers.LSTMCell(3)
>>> h, (h2, c) = cell(np.ones((2, 5)), [np.zeros((2, 3)), np.zeros((2, 3))])
>>> h.shape, [tuple(w.shape) for w in cell.weights]
((2, 3), [(5, 12), (3, 12), (12,)])
"""

import jax.numpy as jnp

from lamina import activations, constraints, initializers, regularizers
from lamina.backend import state as _state
from lamina.layers.layer import Layer
from lamina.layers.recurrent.dropout_rnn_cell import DropoutRNNCell


def check_units(units, owner):
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(
            f"{owner}: `units` must be a positive int (the size of the output and state). "
            f"Received: units={units!r}"
        )
    return units


class BuiltinCell(Layer, DropoutRNNCell):
    """Base of the built-in cells; subclasses set `_gates` and write the recurrent step."""

    _gates = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        # Keras's `implementation` (1 or 2) picks a matmul layout; the results are the same.
        self.implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.units = check_units(units, type(self).__name__)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._init_dropout(dropout, recurrent_dropout, seed)
        self.output_size = self.units

    # ------------------------------------------------------------------ weights
    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_init(self):
        return self.bias_initializer

    def build(self, input_shape):
        # Also right when `build` is called directly: the weights get the cell's path prefix.
        with _state.name_scope(self.name, owner=self):
            self._make_weights(tuple(input_shape))
        self.built = True

    def _make_weights(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': the last axis of the input (the number of "
                f"features per step) must be known. Received: input_shape={tuple(input_shape)}"
            )
        width = self._gates * self.units
        self.kernel = self.add_weight(
            name="kernel", shape=(in_dim, width), initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel", shape=(self.units, width),
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=self._bias_shape(), initializer=self._bias_init(),
                regularizer=self.bias_regularizer, constraint=self.bias_constraint,
            )
        self.input_dim = in_dim

    def _w(self, var):
        value = var.value
        return value if value.dtype == self.compute_dtype else value.astype(self.compute_dtype)

    def _input_bias(self):
        return self._w(self.bias) if self.bias is not None else None

    # ------------------------------------------------------------------ the step
    def _input_projection(self, inputs, training=False, sequence=False):
        """`inputs @ kernel + input bias`, for one step `(batch, features)` or a whole
        time-major sequence `(time, batch, features)`."""
        if inputs.shape[-1] != self.input_dim:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' was built for {self.input_dim} input features "
                f"per step, received inputs of shape {tuple(inputs.shape)}."
            )
        step_like = inputs[0] if sequence else inputs
        mask = self._input_mask(step_like, training)
        if mask is not None:
            inputs = inputs * mask  # the same mask at every step (it broadcasts over time)
        z = jnp.matmul(inputs, self._w(self.kernel))
        bias = self._input_bias()
        return z if bias is None else z + bias

    def _recurrent_step(self, projected, states, training=False):
        raise NotImplementedError

    def call(self, inputs, states, training=False):
        single = not isinstance(states, (list, tuple))
        states = [states] if single else list(states)
        output, new_states = self._recurrent_step(
            self._input_projection(inputs, training), states, training
        )
        if single and len(new_states) == 1:
            return output, new_states[0]
        return output, new_states

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [jnp.zeros((batch_size, d), self.compute_dtype) for d in sizes]

    # ------------------------------------------------------------------ config
    def _config_head(self):
        return {"units": self.units, "activation": activations.serialize(self.activation)}

    def _config_tail(self):
        return {}

    def get_config(self):
        return {
            **super().get_config(),
            **self._config_head(),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            **self._config_tail(),
            "seed": self.seed,
        }
