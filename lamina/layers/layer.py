"""`Layer`: the base of every layer and model.

A layer holds Variables and a `call`. Its weights are created lazily by `build(input_shape)` on
the first call, from the input *shape*. Calling it on arrays computes; calling it on symbolic
tensors (`keras.Input`) records a graph node.

>>> import numpy as np
>>> from lamina import layers
>>> layer = layers.Dense(3)
>>> layer.weights
[]
>>> y = layer(np.ones((1, 4)))
>>> [tuple(w.shape) for w in layer.weights]
[(4, 3), (3,)]
"""

import functools
import inspect

import jax
import numpy as np

from lamina import initializers as _initializers
from lamina.backend import dtype_policy as _policies
from lamina.backend import state as _state
from lamina.backend.keras_tensor import KerasTensor, any_symbolic_tensors
from lamina.backend.random import SeedGenerator
from lamina.backend.variable import Variable
from lamina.layers import call_args as _call_args
from lamina.ops.node import Node
from lamina.ops.operation import Operation
from lamina.saving.object_registry import register_builtin

_register = register_builtin("layers", "keras.layers")

# Keras 2 first-layer arguments that Keras 3 dropped; lamina accepts them all.
_SHAPE_KWARGS = ("input_shape", "input_dim", "batch_size", "batch_input_shape")


class Layer(Operation):
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        original = cls.__dict__.get("build")
        if original is not None and not getattr(original, "_marks_built", False):
            # `layer.build(shape)` called directly (as Keras users do) must name the weights
            # under the layer and mark it built, exactly as a first call would.
            @functools.wraps(original)
            def build(self, *args, **kw):
                with _state.name_scope(self.name, owner=self):
                    result = original(self, *args, **kw)
                self.built = True
                if self._build_shapes_dict is None and args and not kw:
                    self._build_shapes_dict = {"input_shape": args[0]}
                return result

            build._marks_built = True
            cls.build = build

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Remembered for the automatic get_config of user layers that do not write one.
        obj._init_arguments = (args, dict(kwargs))
        return obj

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        self._tracking = False
        self._input_shape_arg = _pop_shape_kwargs(type(self).__name__, kwargs)
        self._initial_weights = kwargs.pop("weights", None)
        if kwargs:
            raise ValueError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}. "
                "Check the spelling against the layer's documented arguments."
            )
        super().__init__(name=name)
        self._dtype_policy = _policies.get(dtype)
        self.autocast = autocast
        self._trainable = bool(trainable)
        self.built = False
        self._trainable_variables = []
        self._non_trainable_variables = []
        self._layers = []
        self._seed_generators = []
        self._metrics = []
        self._losses = []
        self._regularized = []
        self._build_shapes_dict = None
        self.supports_masking = getattr(self, "supports_masking", False)
        from lamina import regularizers as _regularizers

        self.activity_regularizer = _regularizers.get(activity_regularizer)
        self._call_signature = inspect.signature(self.call)
        params = self._call_signature.parameters
        self._call_has_training = "training" in params
        self._call_has_mask = "mask" in params
        # `<arg>_mask` parameters: a functional model fills them with the masks of `<arg>`'s tensors.
        self._call_mask_args = {n[:-5]: n for n in params if n.endswith("_mask") and n[:-5] in params}
        self._tracking = True

    # ------------------------------------------------------------------ attribute tracking
    def __setattr__(self, name, value):
        if getattr(self, "_tracking", False) and not name.startswith("__"):
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value):
        if isinstance(value, Layer):
            if value is not self and not _contains(self._layers, value):
                self._layers.append(value)
        elif isinstance(value, SeedGenerator):
            if not _contains(self._seed_generators, value):
                self._seed_generators.append(value)
        elif isinstance(value, Variable):
            if not _contains(self._trainable_variables, value) and not _contains(self._non_trainable_variables, value):
                (self._trainable_variables if value.trainable else self._non_trainable_variables).append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, (Layer, SeedGenerator)):
                    self._track(v)
        elif isinstance(value, dict):
            for v in value.values():
                if isinstance(v, (Layer, SeedGenerator)):
                    self._track(v)
        elif _is_metric(value) and not _contains(self._metrics, value):
            self._metrics.append(value)

    def __delattr__(self, name):
        value = getattr(self, name, None)
        object.__delattr__(self, name)
        if isinstance(value, Layer) and value in self._layers:
            self._layers.remove(value)

    # ------------------------------------------------------------------ weights
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        overwrite_with_gradient=False,
        name=None,
    ):
        """Creates a Variable owned by this layer (path `<layer name>/<name>`)."""
        from lamina import constraints as _constraints
        from lamina import regularizers as _regularizers

        shape = () if shape is None else tuple(shape)
        for d in shape:
            if d is None or (isinstance(d, (int, np.integer)) and d < 0):
                raise ValueError(
                    f"Layer '{self.name}': cannot create weight '{name}' with an unknown or negative "
                    f"dimension. Received: shape={shape}. The layer's input shape must be fully known "
                    "along the axes its weights depend on."
                )
        dtype = dtype or self._dtype_policy.variable_dtype
        # A frozen layer creates frozen variables (also when frozen before it is built).
        trainable = bool(trainable) and self.trainable
        if initializer is None:
            initializer = "glorot_uniform" if "float" in str(dtype) else "zeros"
        init = _initializers.get(initializer)
        with _state.name_scope(self.name, owner=self):
            var = Variable(
                init, shape=shape, dtype=dtype, trainable=trainable, autocast=autocast,
                aggregation=aggregation, name=name,
            )
        var.constraint = _constraints.get(constraint)
        var.regularizer = _regularizers.get(regularizer)
        var.overwrite_with_gradient = overwrite_with_gradient
        if var.regularizer is not None:
            self._regularized.append(var)
        object.__setattr__(self, "_tracking", False)
        (self._trainable_variables if trainable else self._non_trainable_variables).append(var)
        object.__setattr__(self, "_tracking", True)
        return var

    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True,
                     regularizer=None, constraint=None, name=None):
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               autocast=autocast, regularizer=regularizer, constraint=constraint, name=name)

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def _flat_layers(self):
        return list(self._layers)

    @property
    def weights(self):
        out, seen = [], set()
        for v in self._trainable_variables + self._non_trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._flat_layers():
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self):
        out, seen = [], set()

        def add(v):
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)

        for v in self._trainable_variables + self._non_trainable_variables:
            add(v)
        for sg in self._seed_generators:
            add(sg.state)
        for m in self._metrics:
            for v in m.variables:
                add(v)
        for layer in self._flat_layers():
            for v in layer.variables:
                add(v)
        return out

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.variables if id(v) not in trainable]

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' set_weights(): expected {len(own)} arrays "
                f"({[tuple(v.shape) for v in own]}), received {len(weights)} "
                f"({[tuple(np.shape(w)) for w in weights]})."
            )
        for v, w in zip(own, weights):
            if tuple(np.shape(w)) != tuple(v.shape):
                raise ValueError(
                    f"Layer '{self.name}' set_weights(): weight '{v.path}' has shape {tuple(v.shape)}, "
                    f"received an array of shape {tuple(np.shape(w))}."
                )
        for v, w in zip(own, weights):
            v.assign(w)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"Layer '{self.name}' is not built yet, so it has no weights to count. Call it on "
                "an input (or build it with `layer.build(input_shape)`) first."
            )
        return int(sum(np.prod(v.shape) for v in self.weights))

    # ------------------------------------------------------------------ dtype
    @property
    def dtype_policy(self):
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._dtype_policy = _policies.get(value)

    @property
    def dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def input_dtype(self):
        return self.compute_dtype

    # ------------------------------------------------------------------ losses
    def add_loss(self, loss):
        """Adds a scalar loss term computed in `call` (collected into `model.losses`)."""
        self._losses.append(loss)

    @property
    def losses(self):
        out = list(self._losses)
        for v in self._regularized:
            out.append(v.regularizer(v.value))
        for layer in self._flat_layers():
            out.extend(layer.losses)
        return out

    def _clear_losses(self):
        self._losses = []
        for layer in self._flat_layers():
            layer._clear_losses()

    @property
    def metrics(self):
        out = list(self._metrics)
        for layer in self._flat_layers():
            out.extend(layer.metrics)
        return out

    # ------------------------------------------------------------------ building
    def build(self, input_shape=None):
        self.built = True

    def _build_from_args(self, args, kwargs):
        """Builds from the shapes of the call arguments (never from data)."""
        shapes = _call_args.shapes_for_build(self, args, kwargs)
        self._build_with_shapes(shapes)

    def _build_with_shapes(self, shapes):
        with _state.name_scope(self.name, owner=self):
            if isinstance(shapes, dict) and shapes.get("__by_name__"):
                named = {k: v for k, v in shapes.items() if k != "__by_name__"}
                self.build(**named)
                self._build_shapes_dict = named
            else:
                self.build(shapes)
                self._build_shapes_dict = {"input_shape": shapes}
        self.built = True
        if self._initial_weights is not None:
            weights, self._initial_weights = self._initial_weights, None
            self.set_weights(weights)

    def compute_output_shape(self, *args, **kwargs):
        raise NotImplementedError

    def _overrides(self, method):
        return getattr(type(self), method) is not getattr(Layer, method)

    def compute_output_spec(self, *args, **kwargs):
        if self._overrides("compute_output_shape") and len(args) == 1 and not kwargs.get("mask"):
            x = args[0]
            if isinstance(x, KerasTensor):
                shape = self.compute_output_shape(x.shape)
                return _shape_to_spec(shape, self.compute_dtype)
        return super().compute_output_spec(*args, **kwargs)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask if self.supports_masking else None

    # ------------------------------------------------------------------ calling
    def __call__(self, *args, **kwargs):
        # 1. Arrays in: NumPy and Python numbers become JAX arrays in the compute dtype.
        if args:
            args = (_call_args.convert_inputs(args[0], self.compute_dtype if self.autocast else None),) + args[1:]
            spec = self.__dict__.get("input_spec")
            if spec is not None:
                # A layer that declares what it accepts rejects other inputs before any work.
                from lamina.layers.input_spec import assert_input_compatibility

                assert_input_compatibility(spec, args[0], self.name)

        # 2. Symbolic inputs: record a node in the graph; shapes only.
        if any_symbolic_tensors(args, kwargs):
            return self._symbolic_call(*args, **kwargs)

        # 3. Build from the input shapes on first call.
        if not self.built:
            self._build_from_args(args, kwargs)

        # 4. Resolve `training`: explicit argument, else the enclosing call's, else the default.
        outer = _state.get_call_context()
        training = kwargs.get("training")
        if training is None and outer is not None:
            training = outer.training
        if self._call_has_training:
            if training is not None:
                kwargs["training"] = training
            else:
                kwargs.pop("training", None)
        else:
            kwargs.pop("training", None)
        if not self._call_has_mask:
            kwargs.pop("mask", None)

        # 5. Run `call` with this context visible to nested layers.
        if outer is None:
            self._clear_losses()
        ctx = _state.CallContext(training=training)
        _state.push_call_context(ctx)
        policy = self._dtype_policy
        # Mixed precision: float32 variables are read in the compute dtype inside call.
        autocast = _state.AutocastScope(policy.compute_dtype if (
            self.autocast and policy.compute_dtype != policy.variable_dtype) else None)
        try:
            with _state.name_scope(self.name, owner=self), autocast:
                outputs = self.call(*args, **kwargs)
        finally:
            _state.pop_call_context()

        # 6. Activity regularization on the outputs.
        if self.activity_regularizer is not None:
            for y in jax.tree_util.tree_leaves(outputs):
                self.add_loss(self.activity_regularizer(y) / y.shape[0])
        return outputs

    def _symbolic_call(self, *args, **kwargs):
        if not self.built:
            self._build_from_args(args, kwargs)
        if not self._call_has_training:
            kwargs.pop("training", None)
        if not self._call_has_mask:
            kwargs.pop("mask", None)
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(
            f"Layer {type(self).__name__} has no call() method. Subclasses of Layer must "
            "implement call(self, inputs)."
        )

    def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
        """Runs `call` with the given variable values; returns `(outputs, new_non_trainable)`."""
        mapping = list(zip(self.trainable_variables, trainable_variables)) + list(
            zip(self.non_trainable_variables, non_trainable_variables)
        )
        with _state.StatelessScope(mapping) as scope:
            outputs = self(*args, **kwargs)
            losses = list(self.losses)
        # `compute_loss` called after this (the Keras 3 JAX custom-step pattern) must see the
        # losses computed from these variable values, not from the Variables' stored values.
        object.__setattr__(self, "_losses_override", losses)
        new_nt = [
            scope.get_current_value(v) if scope.get_current_value(v) is not None else v.value
            for v in self.non_trainable_variables
        ]
        if return_losses:
            return outputs, new_nt, losses
        return outputs, new_nt

    # ------------------------------------------------------------------ config
    def get_config(self):
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": _policies.serialize(self._dtype_policy),
        }
        if type(self).get_config is Layer.get_config and type(self).__init__ is not Layer.__init__:
            # A user layer without get_config: use its constructor arguments if they are plain data.
            args, kwargs = self._init_arguments
            if args:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} has positional constructor arguments and no "
                    "get_config(). Implement get_config() returning its constructor arguments."
                )
            extra = {k: v for k, v in kwargs.items() if k not in config}
            for k, v in extra.items():
                if not _is_plain(v):
                    raise NotImplementedError(
                        f"Layer {type(self).__name__} cannot be serialized automatically: argument "
                        f"{k}={v!r} is not plain data. Implement get_config()."
                    )
            config.update(extra)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = _policies.get(config["dtype"])
        return cls(**config)

    def get_build_config(self):
        if self._build_shapes_dict is None:
            return None
        d = self._build_shapes_dict
        if list(d) == ["input_shape"]:
            return {"input_shape": _shape_to_list(d["input_shape"])}
        return {"shapes_dict": {k: _shape_to_list(v) for k, v in d.items()}}

    def build_from_config(self, config):
        if not config:
            return
        if "input_shape" in config:
            self._build_with_shapes(_list_to_shape(config["input_shape"]))
        elif "shapes_dict" in config:
            shapes = {k: _list_to_shape(v) for k, v in config["shapes_dict"].items()}
            shapes["__by_name__"] = True
            self._build_with_shapes(shapes)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _pop_shape_kwargs(cls_name, kwargs):
    given = {k: kwargs.pop(k) for k in _SHAPE_KWARGS if k in kwargs}
    if not given:
        return None
    if "batch_input_shape" in given:
        shape = given["batch_input_shape"]
        if shape is None:
            return None
        return tuple(shape)
    if "input_dim" in given and given["input_dim"] is not None:
        dim = given["input_dim"]
        if not isinstance(dim, (int, np.integer)) or dim <= 0:
            raise ValueError(f"{cls_name}: `input_dim` must be a positive int. Received: input_dim={dim!r}")
        shape = (int(dim),)
    elif given.get("input_shape") is not None:
        shape = given["input_shape"]
        if isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        shape = tuple(shape)
    else:
        return None
    return (given.get("batch_size"),) + shape


def _shape_to_spec(shape, dtype):
    if isinstance(shape, (list, tuple)) and shape and all(
        isinstance(s, (list, tuple)) or s is None for s in shape
    ) and any(isinstance(s, (list, tuple)) for s in shape):
        return type(shape)(_shape_to_spec(s, dtype) for s in shape)
    if isinstance(shape, dict):
        return {k: _shape_to_spec(v, dtype) for k, v in shape.items()}
    return KerasTensor(tuple(shape), dtype=dtype)


def _shape_to_list(shape):
    if isinstance(shape, dict):
        return {k: _shape_to_list(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_shape_to_list(s) for s in shape]
    return list(shape) if shape is not None else None


def _list_to_shape(value):
    if isinstance(value, dict):
        return {k: _list_to_shape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and isinstance(value[0], (list, tuple)):
        return [_list_to_shape(v) for v in value]
    return tuple(value) if value is not None else None


def _contains(items, x):
    # Identity, not ==: Variables compare elementwise.
    return any(e is x for e in items)


def _is_metric(value):
    # Duck-typed so the layer base does not import the metrics package.
    t = type(value)
    return hasattr(t, "update_state") and hasattr(t, "result") and hasattr(t, "reset_state") and not isinstance(
        value, type
    )


def _is_plain(v):
    if v is None or isinstance(v, (str, int, float, bool)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_plain(e) for e in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_plain(e) for k, e in v.items())
    return False
