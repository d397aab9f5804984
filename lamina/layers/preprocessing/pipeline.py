"""`Pipeline`: applies a list of layers one after the other.

Unlike `Sequential` it is a plain layer (not a model): it has no `fit`, accepts whatever its first
layer accepts, and passes each layer's mask and the `training` flag on to the next.

>>> import numpy as np
>>> from lamina import layers
>>> from lamina.layers.preprocessing.pipeline import Pipeline
>>> pipe = Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=1.0)])
>>> pipe(np.array([1.0, 2.0])).tolist()
[3.0, 5.0]
"""

from lamina.layers.layer import Layer, _register


@_register
class Pipeline(Layer):
    """Applies `layers` in order; `training` (default True) and masks flow through them."""

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise ValueError(
                "Pipeline: `layers` must be a list of Layer instances. Received: "
                f"layers={layers!r}. Wrap plain functions in `keras.layers.Lambda` first."
            )
        self._pipeline_layers = list(layers)
        self.built = True

    @property
    def layers(self):
        return self._pipeline_layers

    def __call__(self, inputs, **kwargs):
        from lamina.backend.keras_tensor import any_symbolic_tensors
        from lamina.layers.preprocessing.encoding import is_string_data

        if is_string_data(inputs) and not any_symbolic_tensors((inputs,)):
            # Text cannot become a JAX array: hand it straight to the first layer, as Keras does.
            return self.call(inputs, **kwargs)
        return super().__call__(inputs, **kwargs)

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {}
            if layer._call_has_mask:
                kwargs["mask"] = mask
            if layer._call_has_training and training is not None:
                kwargs["training"] = training
            layer_inputs, outputs = outputs, layer(outputs, **kwargs)
            mask = layer.compute_mask(layer_inputs, mask)
        return outputs

    def compute_output_shape(self, input_shape):
        for layer in self._pipeline_layers:
            input_shape = layer.compute_output_shape(input_shape)
        return input_shape

    def compute_output_spec(self, inputs, training=True, mask=None):
        # Traced through `call`, so layers without compute_output_shape still work.
        from lamina.ops.operation import Operation

        return Operation.compute_output_spec(self, inputs, training=training)

    def get_config(self):
        from lamina.saving.serialization import serialize_keras_object

        return {"layers": [serialize_keras_object(x) for x in self._pipeline_layers], "name": self.name}

    @classmethod
    def from_config(cls, config):
        from lamina.saving.serialization import deserialize_keras_object

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "Pipeline: the config must hold a `layers` key with a list of serialized layers. "
                f"Received: layers={layers!r}."
            )
        config = {**config, "layers": [x if isinstance(x, Layer) else deserialize_keras_object(x, "layers")
                                       for x in layers]}
        return cls(**config)
