"""`Sequential`: a plain stack of layers, each with one input and one output.

It is built as soon as its input shape is known (an `Input`, or `input_shape=`/`input_dim=` on the
first layer), and otherwise on its first call.

>>> import lamina as keras
>>> from lamina import layers
>>> model = keras.Sequential([layers.Dense(2, activation="relu"), layers.Dense(3), layers.Dense(4)])
>>> model.pop()
>>> len(model.layers)
2
"""

from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models import forward as _forward
from lamina.models.model import Model
from lamina.saving.object_registry import register_builtin


@register_builtin("models", "keras")
class Sequential(Model):
    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls, *args, **kwargs)

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._input_layer = None
        self._graph_inputs = None
        self._graph_outputs = None
        self._stack = []
        if layers is not None:
            if isinstance(layers, Layer) or not hasattr(layers, "__iter__"):
                raise TypeError(
                    "Sequential() takes a list of layers. Received: "
                    f"{layers!r}. Wrap it in a list: Sequential([layer])."
                )
            for layer in layers:
                self.add(layer, rebuild=False)
            self._maybe_rebuild()

    # ------------------------------------------------------------------ stack editing
    def add(self, layer, rebuild=True):
        """Appends a layer (or a `keras.Input`) to the stack."""
        if isinstance(layer, KerasTensor):
            h = layer._keras_history
            if h is None or not isinstance(h.operation, InputLayer):
                raise ValueError(
                    "Sequential.add() received a tensor that is not a keras.Input. Add layers, or "
                    f"start the model with keras.Input(shape=...). Received: {layer!r}"
                )
            layer = h.operation
        if not isinstance(layer, Layer):
            raise ValueError(
                "Sequential.add() only accepts layers (instances of lamina.layers.Layer). "
                f"Received: {layer!r} of type {type(layer).__name__}."
            )
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError(
                    "Sequential.add(): an Input can only be the first element of the model. "
                    f"Model '{self.name}' already has layers {[lyr.name for lyr in self._stack]}."
                )
            self._input_layer = layer
        else:
            if not self._stack and self._input_layer is None and layer._input_shape_arg is not None:
                # Keras 2 style `input_shape=` / `input_dim=` / `batch_input_shape=` on the first layer.
                self._input_layer = InputLayer(batch_shape=layer._input_shape_arg)
            for existing in self._stack:
                if existing.name == layer.name:
                    raise ValueError(
                        f"All layers added to a Sequential model should have unique names. Name "
                        f"'{layer.name}' is already the name of a layer in model '{self.name}'."
                    )
            self._stack.append(layer)
            self._track(layer)
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild=True):
        """Removes the last layer."""
        if not self._stack:
            raise IndexError(f"pop(): Sequential model '{self.name}' has no layers to remove.")
        layer = self._stack.pop()
        if layer in self._layers:
            self._layers.remove(layer)
        self.built = False
        self._graph_outputs = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self):
        _forward.invalidate(self)
        self.built = False
        self._graph_outputs = None
        if self._input_layer is not None and self._stack:
            self._build_with_shapes(self._input_layer.batch_shape)

    @property
    def layers(self):
        return list(self._stack)

    def _flat_layers(self):
        return list(self._stack)

    # ------------------------------------------------------------------ building
    def build(self, input_shape=None):
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(
                    f"Sequential model '{self.name}' cannot be built: its input shape is unknown. "
                    "Start it with keras.Input(shape=...) or call it on data first."
                )
            input_shape = self._input_layer.batch_shape
        if not self._stack:
            raise ValueError(f"Sequential model '{self.name}' has no layers to build.")
        input_shape = tuple(input_shape)
        if self._input_layer is None or tuple(self._input_layer.batch_shape) != input_shape:
            self._input_layer = InputLayer(batch_shape=input_shape, dtype=self._input_dtype())
        x = self._input_layer.output
        inputs = x
        for layer in self._stack:
            try:
                x = layer(x)
            except Exception as e:
                if isinstance(e, (ValueError, TypeError)) and layer.name in str(e):
                    raise
                raise type(e)(
                    f"Sequential model '{self.name}': layer '{layer.name}' ({type(layer).__name__}) "
                    f"failed on an input of shape {getattr(inputs, 'shape', None) if layer is self._stack[0] else 'shown above'}: {e}"
                ) from e
            if not isinstance(x, KerasTensor):
                raise ValueError(
                    "All layers in a Sequential model should have a single output tensor. Layer "
                    f"'{layer.name}' ({type(layer).__name__}) returns {type(x).__name__} of "
                    f"{len(x) if hasattr(x, '__len__') else '?'} outputs. Use the functional API "
                    "(keras.Model(inputs, outputs)) for layers with several outputs."
                )
        self._graph_inputs = [inputs]
        self._graph_outputs = [x]
        self.built = True

    def _input_dtype(self):
        return self._stack[0].compute_dtype if self._stack else None

    # ------------------------------------------------------------------ running
    def call(self, inputs, training=None, mask=None):
        x = inputs
        for layer in self._stack:
            kwargs = {}
            if layer._call_has_mask and mask is not None:
                kwargs["mask"] = mask
            if layer._call_has_training and training is not None:
                kwargs["training"] = training
            y = layer(x, **kwargs)
            if layer.supports_masking or layer._overrides("compute_mask"):
                mask = layer.compute_mask(x, mask)
            else:
                mask = None
            x = y
        return x

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._graph_outputs is not None and isinstance(inputs, KerasTensor):
            out = self._graph_outputs[0]
            expected = self._graph_inputs[0].shape
            if len(expected) == len(inputs.shape):
                batch = inputs.shape[0]
                return KerasTensor((batch,) + tuple(out.shape[1:]), dtype=out.dtype)
        return super().compute_output_spec(inputs)

    # ------------------------------------------------------------------ graph API
    def _require_graph(self, what):
        if self._graph_outputs is None:
            raise ValueError(
                f"Sequential model '{self.name}' has no defined {what} yet: its input shape is "
                "unknown. Start it with keras.Input(shape=...) (or input_shape= on the first "
                "layer), or call it on data first."
            )

    @property
    def inputs(self):
        self._require_graph("inputs")
        return list(self._graph_inputs)

    @property
    def outputs(self):
        self._require_graph("outputs")
        return list(self._graph_outputs)

    @property
    def input(self):
        self._require_graph("input")
        return self._graph_inputs[0]

    @property
    def output(self):
        self._require_graph("output")
        return self._graph_outputs[0]

    @property
    def input_shape(self):
        self._require_graph("input shape")
        return self._graph_inputs[0].shape

    @property
    def output_shape(self):
        self._require_graph("output shape")
        return self._graph_outputs[0].shape

    @property
    def input_names(self):
        return [self._input_layer.name] if self._input_layer is not None else []

    @property
    def output_names(self):
        return [self._stack[-1].name] if self._stack else []

    @property
    def weights(self):
        self._require_built("weights")
        return super().weights

    def _require_built(self, what):
        if not self.built and self._stack and any(not layer.built for layer in self._stack):
            raise ValueError(
                f"Sequential model '{self.name}' has not been built yet, so it has no {what}: its "
                "weights are created from the input shape. Start the model with "
                "keras.Input(shape=...) (or pass input_shape= to the first layer), or call the "
                "model on a batch of data first."
            )

    def get_config(self):
        from lamina.saving.serialization import serialize_keras_object

        layer_configs = []
        if self._input_layer is not None:
            layer_configs.append(serialize_keras_object(self._input_layer))
        for layer in self._stack:
            cfg = serialize_keras_object(layer)
            build = layer.get_build_config()
            if build is not None:
                cfg["build_config"] = build
            layer_configs.append(cfg)
        config = {**Layer.get_config(self), "layers": layer_configs}
        if self.built and self._graph_inputs is not None:
            config["build_input_shape"] = list(self._graph_inputs[0].shape)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers import deserialize as deserialize_layer

        config = dict(config)
        layer_configs = config.pop("layers")
        config.pop("build_input_shape", None)
        dtype = config.pop("dtype", None)
        model = cls(name=config.get("name"), trainable=config.get("trainable", True),
                    dtype=dtype if not isinstance(dtype, dict) else dtype["config"]["name"])
        for lc in layer_configs:
            layer = deserialize_layer(lc, custom_objects=custom_objects)
            model.add(layer, rebuild=False)
            if lc.get("build_config") and not layer.built and model._input_layer is None:
                layer.build_from_config(lc["build_config"])
        model._maybe_rebuild()
        return model
