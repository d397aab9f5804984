"""`Model`: a layer that can be trained (`compile`/`fit`/`evaluate`/`predict`) and saved.

`Model(inputs, outputs)` builds a functional model; subclassing `Model` and writing `call` makes a
subclassed one.

>>> import lamina as keras
>>> inputs = keras.Input(shape=(3,))
>>> model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
>>> type(model).__name__
'Functional'
"""

from lamina.backend import state as _state
from lamina.backend.keras_tensor import any_symbolic_tensors
from lamina.layers.layer import Layer
from lamina.models import forward as _forward
from lamina.saving.object_registry import register_builtin
from lamina.trainers.trainer import Trainer


@register_builtin("models", "keras")
class Model(Trainer, Layer):
    def __new__(cls, *args, **kwargs):
        functional_args = len(args) >= 2 or ("inputs" in kwargs and "outputs" in kwargs) or (
            len(args) == 1 and "outputs" in kwargs
        )
        if functional_args:
            from lamina.models.functional import Functional
            from lamina.models.sequential import Sequential

            if cls is Model:
                return Functional.__new__(Functional, *args, **kwargs)
            assert Sequential  # subclasses decide in __init__ (see below), as Keras does
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs):
            # `super().__init__(inputs, outputs)` in a Model subclass: a functional model that keeps
            # the subclass's methods (train_step, compute_loss, ...), as in Keras.
            from lamina.models.functional import Functional

            object.__setattr__(self, "__class__", _functional_subclass(type(self)))
            Functional.__init__(self, *args, **kwargs)
            return
        if args:
            raise TypeError(
                f"{type(self).__name__}: Model() got unexpected positional arguments {args!r}. A "
                "functional model is keras.Model(inputs, outputs); a subclassed model calls "
                "super().__init__() with keyword arguments only (name=, trainable=, dtype=)."
            )
        trainable = kwargs.pop("trainable", True)
        name = kwargs.pop("name", None)
        dtype = kwargs.pop("dtype", None)
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    def __call__(self, *args, **kwargs):
        # Concrete arrays outside any trace go through a cached jitted forward: one compiled call
        # instead of one dispatch per op.
        if (
            args
            and self.built
            and not _state.in_stateless_scope()
            and _state.get_call_context() is None
            and not any_symbolic_tensors(args, kwargs)
            and _forward.eligible(args, kwargs)
        ):
            return _forward.call(self, args, kwargs)
        return Layer.__call__(self, *args, **kwargs)

    def _eager_call(self, *args, **kwargs):
        return Layer.__call__(self, *args, **kwargs)

    def get_layer(self, name=None, index=None):
        """Returns a layer by `name` or by `index` (into `model.layers`)."""
        if index is not None and name is not None:
            raise ValueError(
                f"get_layer(): give either `name` or `index`, not both. Received: name={name!r}, index={index}"
            )
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"get_layer(): model '{self.name}' has {len(layers)} layers, index={index} is out of range."
                )
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"get_layer(): no layer named '{name}' in model '{self.name}'. Layer names: "
                f"{[layer.name for layer in layers]}"
            )
        raise ValueError("get_layer(): give a `name` or an `index`.")

    @property
    def layers(self):
        return list(self._layers)

    def reset_states(self):
        """Resets every stateful layer's states (Keras 2's `model.reset_states()`)."""
        stack = list(self._flat_layers())
        while stack:
            layer = stack.pop()
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()
            stack.extend(layer._flat_layers())

    reset_state = reset_states

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Prints a table of the layers, their output shapes and parameter counts."""
        from lamina.models.sequential import Sequential
        from lamina.models.summary import print_summary

        if isinstance(self, Sequential) and not self.built:
            raise ValueError(
                f"Sequential model '{self.name}' has not been built yet, so summary() has no "
                "shapes or weights to show: weights are created from the input shape. Start the "
                "model with keras.Input(shape=...) (or pass input_shape= to the first layer), or "
                "call the model on a batch of data first."
            )
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def build(self, input_shape=None):
        if self._overrides("call") and input_shape is not None:
            # A subclassed model is built by tracing `call` on shapes: each sublayer builds itself
            # as the trace reaches it.
            from lamina.backend.symbolic import compute_output_spec

            self.built = True
            _state.push_call_context(_state.CallContext(training=False))
            try:
                compute_output_spec(self.call, _specs_from_shape(input_shape))
            finally:
                _state.pop_call_context()
        self.built = True

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        from lamina.saving.saving_api import save_model

        save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None):
        from lamina.saving.saving_api import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        from lamina.saving.saving_api import load_weights

        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs):
        import json

        from lamina.saving.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def get_config(self):
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        if {"layers", "input_layers", "output_layers"} <= set(config):
            # A functional config (e.g. Model.from_config(model.get_config())).
            from lamina.models.functional import Functional
            from lamina.models.functional_config import functional_from_config

            return functional_from_config(Functional if cls is Model else cls, config, custom_objects)
        return super().from_config(config)


_FUNCTIONAL_SUBCLASSES = {}


def _functional_subclass(cls):
    from lamina.models.functional import Functional

    sub = _FUNCTIONAL_SUBCLASSES.get(cls)
    if sub is None:
        sub = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
        _FUNCTIONAL_SUBCLASSES[cls] = sub
    return sub


def _specs_from_shape(input_shape):
    from lamina.backend.keras_tensor import KerasTensor

    if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(input_shape[0], (list, tuple)):
        return [KerasTensor(tuple(s)) for s in input_shape]
    return KerasTensor(tuple(input_shape))
