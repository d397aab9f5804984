"""`TimeDistributed`: applies a layer to every time step of `(batch, timesteps, ...)` inputs.

The batch and time axes are merged into one, the wrapped layer runs once on
`(batch * timesteps, ...)`, and the result is split back: one call, not a loop over steps. The
wrapped layer's weights are shared by all steps.

>>> import numpy as np
>>> from lamina import layers
>>> td = layers.TimeDistributed(layers.Dense(8, name="dense"), name="time_distributed")
>>> td(np.ones((2, 10, 16))).shape
(2, 10, 8)
>>> td.weights[0].path
'time_distributed/dense/kernel'
"""

import jax

from lamina.backend import state as _state
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer, _register


@_register
class TimeDistributed(Layer):
    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                "TimeDistributed: `layer` must be a layer instance (e.g. Dense(8)). "
                f"Received: layer={layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed '{self.name}' expects inputs of rank >= 3 (batch, timesteps, "
                f"...). Received: input_shape={input_shape}"
            )
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        with _state.name_scope(self.name, owner=self):
            if not self.layer.built:
                self.layer._build_with_shapes(self._child_shape(tuple(input_shape)))
        self.built = True

    def compute_output_shape(self, input_shape):
        child = self._child_shape(tuple(input_shape))
        try:
            out = self.layer.compute_output_shape(child)
        except NotImplementedError:
            out = self.layer.compute_output_spec(KerasTensor(child, dtype=self.compute_dtype)).shape
        return (out[0], input_shape[1]) + tuple(out[1:])

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        kwargs = {}
        if training is not None:
            kwargs["training"] = training
        if mask is not None and self.layer._call_has_mask:
            if mask.ndim < 2 or tuple(mask.shape[:2]) != (batch, steps):
                raise ValueError(
                    f"TimeDistributed '{self.name}': the mask must start with the input's (batch, "
                    f"timesteps) = ({batch}, {steps}). Received: mask.shape={tuple(mask.shape)}"
                )
            kwargs["mask"] = mask.reshape((batch * steps,) + tuple(mask.shape[2:]))
        outputs = self.layer(inputs.reshape((batch * steps,) + tuple(inputs.shape[2:])), **kwargs)
        return jax.tree_util.tree_map(lambda y: y.reshape((batch, steps) + tuple(y.shape[1:])),
                                      outputs)

    def get_config(self):
        from lamina.layers import serialize

        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.backend import dtype_policy
        from lamina.layers import deserialize

        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = dtype_policy.get(config["dtype"])
        return cls(layer, **config)
