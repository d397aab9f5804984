"""`StackedRNNCells`: several cells run one after the other within each time step.

`RNN([cell_a, cell_b])` wraps its list in one. The state is the list of the cells' states; the
output is the last cell's output.

>>> import numpy as np
>>> from lamina import layers
>>> rnn = layers.RNN(layers.StackedRNNCells([layers.GRUCell(4), layers.LSTMCell(3)]))
>>> rnn(np.ones((2, 5, 6))).shape
(2, 3)
>>> rnn.cell.state_size
[4, [3, 3]]
"""

import inspect

import jax.numpy as jnp

from lamina.backend import state as _state
from lamina.layers.layer import Layer, _register


def validate_cell(cell, owner):
    if not callable(getattr(cell, "call", None)):
        raise ValueError(
            f"{owner}: a cell must have a `call(inputs, states)` method returning "
            f"`(output, new_states)`. Received: cell={cell!r}"
        )
    if getattr(cell, "state_size", None) is None:
        raise ValueError(
            f"{owner}: a cell must have a `state_size` attribute (an int, or a list of ints, one "
            f"per state tensor). Received: cell={cell!r} without one."
        )


def cell_output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


def call_cell(cell, inputs, states, training):
    """Calls a cell: a Layer through `__call__` (it resolves `training`), else its `call`."""
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    if "training" in inspect.signature(cell.call).parameters:
        return cell.call(inputs, states, training=training)
    return cell.call(inputs, states)


def build_cell(cell, step_input_shape):
    if isinstance(cell, Layer):
        if not cell.built:
            # Opens the cell's name scope: weights are `<rnn>/<cell>/kernel`, as in Keras.
            cell._build_with_shapes(tuple(step_input_shape))
    elif callable(getattr(cell, "build", None)) and not getattr(cell, "built", False):
        cell.build(tuple(step_input_shape))


def zero_states(cell, batch_size, dtype):
    init = getattr(cell, "get_initial_state", None)
    if init is not None:
        return init(batch_size=batch_size)
    size = cell.state_size
    if isinstance(size, (list, tuple)):
        return [jnp.zeros((batch_size, d), dtype) for d in size]
    return jnp.zeros((batch_size, size), dtype)


@_register
class StackedRNNCells(Layer):
    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError("StackedRNNCells: `cells` must be a non-empty list of RNN cells. Received: []")
        for cell in cells:
            validate_cell(cell, "StackedRNNCells")
        self.cells = cells

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        return [zero_states(c, batch_size, self.compute_dtype) for c in self.cells]

    def build(self, input_shape):
        shape = tuple(input_shape)
        with _state.name_scope(self.name, owner=self):
            for cell in self.cells:
                build_cell(cell, shape)
                shape = (shape[0], cell_output_size(cell))
        self.built = True

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            as_list = isinstance(cell_states, (list, tuple))
            inputs, out_states = call_cell(cell, inputs, list(cell_states) if as_list else [cell_states],
                                           training)
            if not isinstance(out_states, (list, tuple)):
                out_states = [out_states]
            new_states.append(list(out_states) if as_list else out_states[0])
        return inputs, new_states

    def get_config(self):
        from lamina.saving.serialization import serialize_keras_object

        return {**super().get_config(), "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers import deserialize

        config = dict(config)
        cells = [deserialize(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **_base_kwargs(config))


def _base_kwargs(config):
    from lamina.backend import dtype_policy

    config = dict(config)
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = dtype_policy.get(config["dtype"])
    return config
