"""`RNN`: runs a cell over the time axis of `(batch, timesteps, features)` inputs.

The cell is any object with `call(inputs, states) -> (output, new_states)` and `state_size` (an int
or a list of ints), optionally `output_size` and `get_initial_state(batch_size)`; a list of cells
is stacked. The time loop is one `jax.lax.scan` (or unrolled with `unroll=True`), so the layer
traces into a single compiled loop under `jit`.

>>> import numpy as np
>>> from lamina import layers, ops
>>> class MinimalCell(layers.Layer):
...     def __init__(self, units, **kwargs):
...         super().__init__(**kwargs)
...         self.units = self.state_size = units
...     def build(self, input_shape):
...         self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
...     def call(self, inputs, states):
...         h = ops.matmul(inputs, self.kernel) + states[0]
...         return h, [h]
>>> layers.RNN(MinimalCell(4), return_sequences=True)(np.ones((2, 7, 3))).shape
(2, 7, 4)
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import state as _state
from lamina.backend.variable import Variable
from lamina.layers.layer import Layer, _register
from lamina.layers.recurrent.base_cell import BuiltinCell
from lamina.layers.recurrent.dropout_rnn_cell import DropoutRNNCell
from lamina.layers.recurrent.stacked_rnn_cells import (
    StackedRNNCells,
    build_cell,
    call_cell,
    cell_output_size,
    validate_cell,
    zero_states,
)
from lamina.layers.recurrent.time_loop import time_loop

# On CPU, projecting all steps' inputs in one matmul before the loop pays only for large
# projections (training step, measured: ~1.4x faster at 200M multiply-adds per batch, even at
# ~60M, 1.4-1.9x slower at 10M and below); on accelerators one large matmul is always better
# than a small one per step.
_CPU_HOIST_MIN_MACS = 2**26
# Without a backward pass, a small batch makes every in-loop projection a matrix-vector product
# that re-reads the whole kernel per step; one projection up front reads it once. Measured on
# inference (time x features x units, batch): hoisting wins at (100x256x128, 1 and 4) and
# (50x64x64, 1) by 1.2-1.6x and loses at (8x16x32, 1), (50x64x64, 4), (100x256x128, 16 and 64)
# by 1.1-2x: it pays from about 16K kernel entries per batch row, whatever the size rule for
# training says.
_CPU_HOIST_MIN_KERNEL_PER_ROW = 2**14


def _on_cpu():
    return jax.default_backend() == "cpu"


def _hoist_projection(cell, sequences, training):
    if not _on_cpu():
        return True
    batch, steps, features = sequences.shape[0], sequences.shape[1], sequences.shape[-1]
    width = cell.kernel.shape[-1]
    if not training:
        return features * width >= _CPU_HOIST_MIN_KERNEL_PER_ROW * batch
    return batch * steps * features * width >= _CPU_HOIST_MIN_MACS


_RNN_KEYS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
             "zero_output_for_mask")


@_register
class RNN(Layer):
    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        validate_cell(cell, type(self).__name__)
        state_size = cell.state_size
        if not isinstance(state_size, (int, list, tuple)):
            raise ValueError(
                f"{type(self).__name__}: the cell's `state_size` must be an int or a list of ints "
                f"(one per state tensor). Received: state_size={state_size!r}"
            )
        # The batch size a stateful layer keeps states for, when given on the layer itself.
        batch_input_shape = kwargs.get("batch_input_shape")
        self._batch_size_arg = kwargs.get("batch_size") or (
            batch_input_shape[0] if batch_input_shape else None
        )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None
        self._state_variables = []
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)

    # ------------------------------------------------------------------ shapes
    def _output_size(self):
        size = cell_output_size(self.cell)
        if isinstance(size, (list, tuple)) and not isinstance(self.cell, StackedRNNCells):
            size = size[0]
        return size

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        size = self._output_size()
        extra = tuple(size) if isinstance(size, (list, tuple)) else (size,)
        output_shape = (batch, length) + extra if self.return_sequences else (batch,) + extra
        if not self.return_state:
            return output_shape
        states = []
        for s in self.state_size:
            if isinstance(s, (list, tuple)):
                states.append([(batch, d) for d in s])
            else:
                states.append((batch, s))
        return (output_shape, *states)

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    # ------------------------------------------------------------------ building and state
    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape (batch, timesteps, "
                f"features). Received: input_shape={input_shape}. For a single sequence, add a "
                "batch axis; for one feature per step, add a last axis of size 1."
            )
        with _state.name_scope(self.name, owner=self):
            build_cell(self.cell, (input_shape[0],) + input_shape[2:])
            if self.stateful:
                self._make_state_variables(input_shape)
        self.built = True

    def _make_state_variables(self, input_shape):
        batch = input_shape[0] if input_shape[0] is not None else self._batch_size_arg
        if batch is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' is stateful, so it keeps one state per "
                "sample from batch to batch and needs a fixed batch size, but its input batch size "
                f"is unknown (input shape {input_shape}). Give the batch size: "
                "`batch_input_shape=(batch, timesteps, features)` on the first layer, or "
                "`keras.Input(batch_shape=(batch, timesteps, features))`."
            )
        if self.states is not None and self._state_variables[0].shape[0] == batch:
            self.reset_state()
            return
        template = self.get_initial_state(batch)
        leaves, treedef = jax.tree_util.tree_flatten(template)
        variables = [
            Variable(np.zeros(leaf.shape), dtype=self.variable_dtype, trainable=False,
                     name="rnn_state" if i == 0 else f"rnn_state_{i}")
            for i, leaf in enumerate(leaves)
        ]
        self._state_variables = variables
        self.states = jax.tree_util.tree_unflatten(treedef, variables)

    @property
    def variables(self):
        # The states of a stateful layer travel with the other variables (so a compiled step
        # reads and updates them) but are not weights: get_weights() stays as in Keras.
        out = list(Layer.variables.fget(self))
        out.extend(v for v in self._state_variables if not any(v is o for o in out))
        return out

    def get_initial_state(self, batch_size):
        states = zero_states(self.cell, batch_size, self.compute_dtype)
        return list(states) if isinstance(states, (list, tuple)) else [states]

    def reset_state(self, states=None):
        """Zeroes the states of a stateful layer, or sets them to `states` (arrays)."""
        if not self.stateful or self.states is None:
            if not self.stateful:
                raise AttributeError(
                    f"{type(self).__name__} '{self.name}' is not stateful, so it has no states to "
                    "reset. Create it with `stateful=True` to keep states across batches."
                )
            return
        if states is None:
            for v in self._state_variables:
                v.assign(jnp.zeros(v.shape, v.dtype))
            return
        values = jax.tree_util.tree_leaves(states if isinstance(states, (list, tuple)) else [states])
        if len(values) != len(self._state_variables):
            raise ValueError(
                f"{type(self).__name__} '{self.name}'.reset_state(): expected "
                f"{len(self._state_variables)} state arrays, received {len(values)}."
            )
        for v, value in zip(self._state_variables, values):
            if tuple(np.shape(value)) != tuple(v.shape):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}'.reset_state(): state '{v.path}' has shape "
                    f"{tuple(v.shape)}, received an array of shape {tuple(np.shape(value))}."
                )
            v.assign(value)

    def reset_states(self, states=None):
        """Alias of `reset_state` (the Keras 2 name)."""
        self.reset_state(states)

    # ------------------------------------------------------------------ calling
    def _initial_states(self, sequences, initial_state):
        batch = sequences.shape[0]
        if self.stateful:
            if self._state_variables and self._state_variables[0].shape[0] != batch:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}' is stateful with states for batches of "
                    f"{self._state_variables[0].shape[0]} samples, but received a batch of {batch} "
                    f"(inputs of shape {tuple(sequences.shape)}). Feed batches of exactly that size "
                    "(e.g. fit(..., batch_size=...) with a sample count divisible by it)."
                )
        template = self.get_initial_state(batch)
        if initial_state is None:
            if self.stateful:
                return jax.tree_util.tree_map(lambda v: v.value, self.states)
            return template
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        leaves = jax.tree_util.tree_leaves(
            initial_state, is_leaf=lambda x: isinstance(x, Variable)
        )
        expected, treedef = jax.tree_util.tree_flatten(template)
        if len(leaves) != len(expected):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects {len(expected)} initial state "
                f"tensor(s) (state_size={self.state_size}); received {len(leaves)}."
            )
        values = []
        for got, want in zip(leaves, expected):
            got = got.value if isinstance(got, Variable) else jnp.asarray(got)
            if tuple(got.shape) != tuple(want.shape):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': an initial state has shape "
                    f"{tuple(got.shape)}, expected {tuple(want.shape)} (batch, state size)."
                )
            values.append(got)
        return jax.tree_util.tree_unflatten(treedef, values)

    def _prepare_dropout(self, cell, step_input_like, states):
        if isinstance(cell, StackedRNNCells):
            like = step_input_like
            for c, s in zip(cell.cells, states):
                self._prepare_dropout(c, like, s)
                size = cell_output_size(c)
                like = jnp.zeros((like.shape[0], size), like.dtype)
        elif isinstance(cell, DropoutRNNCell):
            if cell.dropout > 0:
                cell.get_dropout_mask(step_input_like)
            if cell.recurrent_dropout > 0:
                cell.get_recurrent_dropout_mask(jax.tree_util.tree_leaves(states)[0])

    def _reset_dropout(self, cell):
        if isinstance(cell, StackedRNNCells):
            for c in cell.cells:
                self._reset_dropout(c)
        elif isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expects inputs of shape (batch, timesteps, "
                f"features). Received: inputs.shape={tuple(sequences.shape)}"
            )
        if isinstance(mask, (list, tuple)):
            mask = mask[0] if mask else None
        dtype = self.compute_dtype
        states = self._initial_states(sequences, initial_state)
        states = jax.tree_util.tree_map(lambda s: jnp.asarray(s).astype(dtype), states)
        cell = self.cell
        if training:
            self._prepare_dropout(cell, sequences[:, 0], states)
        # Time-major from here on: the loop slices time steps off the leading axis.
        time_major = jnp.swapaxes(sequences, 0, 1)
        try:
            if isinstance(cell, BuiltinCell) and _hoist_projection(cell, sequences, training):
                # Inputs are projected for all steps at once; the loop only does the recurrence.
                loop_inputs = cell._input_projection(time_major, training, sequence=True)

                def step(x_t, s):
                    return cell._recurrent_step(x_t, s, training)

            else:
                loop_inputs = time_major

                def step(x_t, s):
                    return call_cell(cell, x_t, s, training)

            if isinstance(cell, BuiltinCell):
                out_spec = jax.ShapeDtypeStruct((sequences.shape[0], cell.units), dtype)
            else:
                out_spec = jax.eval_shape(lambda x, s: step(x, s)[0], time_major[0], states)
            last_output, outputs, final_states = time_loop(
                step, loop_inputs, states, self._initial_output(states, out_spec), mask=mask,
                go_backwards=self.go_backwards, unroll=self.unroll,
                zero_output_for_mask=self.zero_output_for_mask,
                return_sequences=self.return_sequences, time_major=True,
                output_is_first_state=isinstance(cell, BuiltinCell),
            )
        finally:
            self._reset_dropout(cell)
        if self.stateful:
            for var, value in zip(self._state_variables, jax.tree_util.tree_leaves(final_states)):
                var.assign(value)
        output = (outputs if self.return_sequences else last_output).astype(dtype)
        if self.return_state:
            return (output, *final_states)
        return output

    def _initial_output(self, states, spec):
        # A masked first step repeats "the previous output". Keras takes it to be the first state
        # (of the last cell, when stacked; the output for the built-in cells) in its scan loop, and
        # zeros in its unrolled loop; both are kept so results match Keras in either mode.
        if self.unroll:
            return jnp.zeros(spec.shape, spec.dtype)
        last = states[-1] if isinstance(self.cell, StackedRNNCells) else states
        first = jax.tree_util.tree_leaves(last)[0]
        if tuple(first.shape) == tuple(spec.shape):
            return first.astype(spec.dtype)
        return jnp.zeros(spec.shape, spec.dtype)

    # ------------------------------------------------------------------ config
    def get_config(self):
        from lamina.saving.serialization import serialize_keras_object

        config = {**super().get_config(), **{k: getattr(self, k) for k in _RNN_KEYS}}
        config["cell"] = serialize_keras_object(self.cell)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers import deserialize

        config = dict(config)
        cell = deserialize(config.pop("cell"), custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            from lamina.backend import dtype_policy

            config["dtype"] = dtype_policy.get(config["dtype"])
        return cls(cell, **config)
