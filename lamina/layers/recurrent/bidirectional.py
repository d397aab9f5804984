"""`Bidirectional`: runs a recurrent layer forwards and a copy of it backwards, then merges.

The wrapped layer is cloned twice from its config: `forward_<name>` and `backward_<name>` (with
`go_backwards` flipped), so the weights are `bidirectional/forward_lstm/lstm_cell/kernel`, ...,
as in Keras. The backward outputs are flipped back to input order before merging.

>>> import numpy as np
>>> from lamina import layers
>>> bi = layers.Bidirectional(layers.LSTM(4, return_sequences=True, name="lstm"), name="bidirectional")
>>> bi(np.ones((2, 5, 3))).shape
(2, 5, 8)
>>> bi.weights[0].path
'bidirectional/forward_lstm/lstm_cell/kernel'
"""

import jax.numpy as jnp

from lamina.backend import state as _state
from lamina.layers.layer import Layer, _register

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _clone(layer, name, **overrides):
    from lamina.layers import deserialize, serialize

    config = serialize(layer)
    config["config"]["name"] = name
    config["config"].update(overrides)
    return deserialize(config)


def _strip(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


@_register
class Bidirectional(Layer):
    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "Bidirectional: `layer` must be a recurrent layer instance (e.g. LSTM(...)). "
                f"Received: layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "Bidirectional: `backward_layer` must be a layer instance or None. "
                f"Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                "Bidirectional: `merge_mode` must be one of 'concat', 'sum', 'mul', 'ave' or None. "
                f"Received: merge_mode={merge_mode!r}"
            )
        super().__init__(weights=weights, **kwargs)
        self.forward_layer = _clone(layer, f"forward_{_strip(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _clone(layer, f"backward_{_strip(layer.name, 'backward_')}",
                                    go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_pair()
        # Merged sequences must not mix a real output with a repeated one at masked steps.
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = getattr(layer, "stateful", False)
        self.return_sequences = getattr(layer, "return_sequences", False)
        self.return_state = getattr(layer, "return_state", False)
        self.supports_masking = True

    def _check_pair(self):
        fwd, bwd = self.forward_layer, self.backward_layer
        if getattr(fwd, "go_backwards", False) == getattr(bwd, "go_backwards", False):
            raise ValueError(
                "Bidirectional: the forward and backward layers must have different `go_backwards`. "
                f"Received: forward go_backwards={getattr(fwd, 'go_backwards', False)}, backward "
                f"go_backwards={getattr(bwd, 'go_backwards', False)}. Pass backward_layer=...(go_backwards=True)."
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(fwd, attr, False), getattr(bwd, attr, False)
            if a != b:
                raise ValueError(
                    f"Bidirectional: the forward and backward layers must have the same `{attr}`. "
                    f"Received: {a} for the forward layer and {b} for the backward layer."
                )

    # ------------------------------------------------------------------ shapes
    def build(self, input_shape):
        with _state.name_scope(self.name, owner=self):
            for sub in (self.forward_layer, self.backward_layer):
                if not sub.built:
                    sub._build_with_shapes(tuple(input_shape))
        self.built = True

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        out = self.forward_layer.compute_output_shape(sequences_shape)
        states = ()
        if self.return_state:
            out, states = out[0], tuple(out[1:])
        if self.merge_mode == "concat":
            out = tuple(out[:-1]) + (None if out[-1] is None else 2 * out[-1],)
        if self.merge_mode is None:
            outs = (tuple(out), tuple(out))
            return outs + states + states if self.return_state else outs
        return (tuple(out),) + states + states if self.return_state else tuple(out)

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        out_mask = mask if self.return_sequences else None
        out_masks = [out_mask, out_mask] if self.merge_mode is None else [out_mask]
        if self.return_state:
            n_states = len(self.forward_layer.state_size) + len(self.backward_layer.state_size)
            return out_masks + [None] * n_states
        return out_masks if self.merge_mode is None else out_mask

    # ------------------------------------------------------------------ calling
    def call(self, sequences, initial_state=None, mask=None, training=None):
        fwd, bwd = self.forward_layer, self.backward_layer
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None:
            kwargs["mask"] = mask
        fwd_kwargs, bwd_kwargs = dict(kwargs), dict(kwargs)
        if initial_state is not None:
            initial_state = list(initial_state)
            if len(initial_state) % 2:
                raise ValueError(
                    f"Bidirectional '{self.name}': `initial_state` must list the forward states "
                    f"then the backward states (an even number). Received {len(initial_state)}."
                )
            half = len(initial_state) // 2
            fwd_kwargs["initial_state"] = initial_state[:half]
            bwd_kwargs["initial_state"] = initial_state[half:]
        y = fwd(sequences, **fwd_kwargs)
        y_rev = bwd(sequences, **bwd_kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        y = y.astype(self.compute_dtype)
        y_rev = y_rev.astype(self.compute_dtype)
        if self.return_sequences:
            y_rev = jnp.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = jnp.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = (y, y_rev)
        if self.return_state:
            return (output if self.merge_mode is None else (output,)) + states
        return output

    # ------------------------------------------------------------------ state
    @property
    def states(self):
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states) + tuple(self.backward_layer.states)
        return None

    def reset_state(self):
        if not self.stateful:
            raise AttributeError(
                f"Bidirectional '{self.name}' is not stateful, so it has no states to reset. Wrap a "
                "layer created with `stateful=True`."
            )
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        self.reset_state()

    # ------------------------------------------------------------------ config
    def get_config(self):
        from lamina.layers import serialize

        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize(self.forward_layer),
            "backward_layer": serialize(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.backend import dtype_policy
        from lamina.layers import deserialize

        config = dict(config)
        config["layer"] = deserialize(config["layer"], custom_objects=custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize(config["backward_layer"],
                                                   custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policy.get(config["dtype"])
        return cls(**config)
