"""`Wrapper`: the base of layers that hold one other layer and change how it runs.

The wrapped layer is `self.layer`; it is built inside the wrapper (so its weights are named
`<wrapper>/<layer>/kernel`, as in Keras), and the config nests the wrapped layer's serialized
config under `"layer"`. Subclasses write `call` (and usually `compute_output_shape`).

>>> import numpy as np
>>> from lamina import layers
>>> class Doubled(layers.Wrapper):
...     def call(self, inputs):
...         return 2 * self.layer(inputs)
>>> d = Doubled(layers.Dense(2, kernel_initializer="ones", name="dense"), name="doubled")
>>> d(np.ones((1, 3))).tolist()
[[6.0, 6.0]]
>>> d.weights[0].path, d.get_config()["layer"]["class_name"]
('doubled/dense/kernel', 'Dense')
"""

from lamina.backend import dtype_policy as _policies
from lamina.layers.layer import Layer, _register


@_register
class Wrapper(Layer):
    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__}: `layer` must be a layer instance (e.g. Dense(8)) to wrap. "
                f"Received: layer={layer!r} of type {type(layer).__name__}."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            # Built through the layer's own entry point so its weights sit under this wrapper's
            # name and it remembers its build shape (for saving).
            self.layer._build_with_shapes(input_shape)

    def get_config(self):
        from lamina.layers import serialize

        return {**super().get_config(), "layer": serialize(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers import deserialize

        config = dict(config)
        layer = deserialize(config.pop("layer"), custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = _policies.get(config["dtype"])
        return cls(layer, **config)
