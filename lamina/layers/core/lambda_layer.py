"""`Lambda`: wraps a Python function as a layer, plus the safe-mode switch for loading one.

The output shape is inferred by tracing the function on shapes unless `output_shape` is given.
Saving stores a named function by name and a `lambda` as Python bytecode (Keras's format, so
Keras and lamina read each other's configs). Loading bytecode runs arbitrary code, so it is
refused unless safe mode is off: pass `safe_mode=False` to `from_config`, open
`SafeModeScope(False)`, or call `set_safe_mode(False)` / `enable_unsafe_deserialization()`.

>>> import numpy as np
>>> from lamina import layers
>>> layers.Lambda(lambda x: x * 2)(np.ones((1, 3))).tolist()
[[2.0, 2.0, 2.0]]
>>> layers.Lambda(lambda x: x[:, :2]).compute_output_shape((None, 5))
(None, 2)
"""

import base64
import builtins
import inspect
import marshal
import types

import jax
import numpy as np

from lamina.backend import symbolic as _symbolic
from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.layer import Layer, _register, _shape_to_spec
from lamina.saving import object_registry

# Safe mode lives in lamina.saving.safe_mode (one switch for every loader); re-exported here.
from lamina.saving.safe_mode import (  # noqa: E402, F401  (re-exported)
    SafeModeScope,
    enable_unsafe_deserialization,
    in_safe_mode,
    set_safe_mode,
)


# ------------------------------------------------------------------------ function (de)serializing
def _is_lambda(fn):
    return isinstance(fn, types.FunctionType) and fn.__name__ == "<lambda>"


def _registered_name(fn):
    name = getattr(fn, "_registered_name", None)
    if name is not None and object_registry.get_registered_object(name) is fn:
        return name
    return None


def serialize_function(fn):
    """Keras's config for a function: bytecode for a `lambda`, the name for a named function."""
    if _is_lambda(fn):
        code = base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii")
        closure = tuple(c.cell_contents for c in fn.__closure__) if fn.__closure__ else None
        return {
            "class_name": "__lambda__",
            "config": {"code": code, "defaults": fn.__defaults__, "closure": closure},
        }
    if inspect.isroutine(fn) or isinstance(fn, np.ufunc):
        return {
            "module": "builtins",
            "class_name": "function",
            "config": _registered_name(fn) or fn.__name__,
            "registered_name": "function",
        }
    if hasattr(fn, "get_config"):
        from lamina.saving.serialization import serialize_keras_object

        return serialize_keras_object(fn)
    raise TypeError(
        f"Lambda: cannot serialize the callable {fn!r} of type {type(fn).__name__}: only "
        "functions (def or lambda) and objects with get_config() can be saved. Wrap it in a "
        "def function."
    )


def _loader_globals():
    # Names a saved lambda may use: Keras configs often say `keras.ops...`.
    import lamina

    return {"__builtins__": builtins, "keras": lamina, "lamina": lamina, "ops": lamina.ops,
            "np": np, "jnp": jax.numpy, "jax": jax}


def _load_lambda(config, safe_mode, what):
    if safe_mode:
        raise ValueError(
            f"Refusing to deserialize the `{what}` of a `Lambda` layer: it is a Python lambda, "
            "saved as bytecode, and loading it would run arbitrary code. If you trust the source "
            "of this file, load it with `safe_mode=False` (or call "
            "`lamina.layers.core.lambda_layer.enable_unsafe_deserialization()`)."
        )
    code = marshal.loads(base64.decodebytes(config["code"].encode("ascii")))
    defaults = config.get("defaults")
    closure = config.get("closure")
    if closure is not None:
        closure = tuple(types.CellType(v) for v in closure)
    return types.FunctionType(
        code, _loader_globals(), code.co_name,
        tuple(defaults) if defaults is not None else None, closure,
    )


def _find_function(name, module, custom_objects):
    found = object_registry.get_registered_object(name, custom_objects)
    if found is not None:
        return found
    if module in ("builtins", None) or module.split(".")[0] in ("keras", "lamina"):
        from lamina import activations, ops

        for namespace in (activations, ops):
            fn = getattr(namespace, name, None)
            if callable(fn) and not isinstance(fn, type):
                return fn
    raise TypeError(
        f"Lambda: could not locate the function '{name}' (module '{module}'). Register it with "
        "`@lamina.saving.register_keras_serializable()`, or pass "
        f"`custom_objects={{'{name}': {name}}}` when loading."
    )


def deserialize_function(config, custom_objects=None, safe_mode=True, what="function"):
    """The inverse of `serialize_function` (refuses bytecode in safe mode)."""
    if callable(config) or config is None:
        return config
    if isinstance(config, str):
        return _find_function(config, "builtins", custom_objects)
    if isinstance(config, dict) and config.get("class_name") == "__lambda__":
        return _load_lambda(config["config"], safe_mode, what)
    if isinstance(config, dict) and config.get("class_name") == "function":
        return _find_function(config["config"], config.get("module"), custom_objects)
    if isinstance(config, dict) and "class_name" in config:
        from lamina.saving.serialization import deserialize_keras_object

        return deserialize_keras_object(config, "layers", custom_objects, what=what)
    raise ValueError(f"Lambda: cannot deserialize the `{what}` from {config!r}.")


def _serialize_value(value):
    if isinstance(value, (np.ndarray, jax.Array)):
        arr = np.asarray(value)
        return {"class_name": "__numpy__", "config": {"value": arr.tolist(), "dtype": str(arr.dtype)}}
    if isinstance(value, dict):
        return {k: _serialize_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_serialize_value(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    from lamina.saving.serialization import serialize_keras_object

    return serialize_keras_object(value)


def _deserialize_value(value, custom_objects):
    if isinstance(value, dict):
        if value.get("class_name") == "__numpy__":
            return np.asarray(value["config"]["value"], dtype=value["config"]["dtype"])
        if "class_name" in value and "config" in value:
            return deserialize_function(value, custom_objects, safe_mode=True, what="arguments")
        return {k: _deserialize_value(v, custom_objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_deserialize_value(v, custom_objects) for v in value]
    return value


# ---------------------------------------------------------------------------------------- shapes
def _is_single_shape(s):
    return isinstance(s, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer)) for d in s)


def _map_shapes(fn, shapes):
    if _is_single_shape(shapes):
        return fn(tuple(shapes))
    if isinstance(shapes, dict):
        return {k: _map_shapes(fn, v) for k, v in shapes.items()}
    return type(shapes)(_map_shapes(fn, s) for s in shapes)


def _first_shape(shapes):
    if _is_single_shape(shapes):
        return tuple(shapes)
    values = shapes.values() if isinstance(shapes, dict) else shapes
    return _first_shape(next(iter(values)))


def _to_tuples(shape):
    if isinstance(shape, list):
        return tuple(_to_tuples(s) for s in shape)
    return shape


def _arg_names(fn):
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


@_register
class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer.

    Args:
        function: called on the layer's inputs (it may also take `mask` and `training`).
        output_shape: the output shape without the batch axis (a tuple, or a list of them for
            several outputs), or a function of the full input shape. Inferred when omitted.
        mask: `None` (outputs are unmasked), a function `(inputs, mask) -> mask`, or a fixed
            mask array.
        arguments: extra keyword arguments for `function`.

    >>> import lamina as keras
    >>> x = keras.Input(shape=(4,))
    >>> keras.layers.Lambda(lambda t, k: t[:, :k], arguments={"k": 3})(x).shape
    (None, 3)
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(
                f"Lambda: `function` must be callable. Received: function={function!r} of type "
                f"{type(function).__name__}"
            )
        if output_shape is not None and not callable(output_shape):
            output_shape = _to_tuples(output_shape)
            if not isinstance(output_shape, tuple):
                raise TypeError(
                    "Lambda: `output_shape` must be a tuple (without the batch axis), a list of "
                    f"them, or a function of the input shape. Received: output_shape={output_shape!r}"
                )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        self._output_shape = output_shape
        names = _arg_names(function)
        self._fn_expects_training_arg = "training" in names
        self._fn_expects_mask_arg = "mask" in names
        self.built = True

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def _trace(self, inputs, **kwargs):
        try:
            return _symbolic.compute_output_spec(self.call, inputs, **kwargs)
        except Exception as e:
            raise NotImplementedError(
                f"Lambda '{self.name}': could not infer the output shape by tracing the function "
                f"({type(e).__name__}: {e}). Fix the function, or pass `output_shape=` (the "
                "shape without the batch axis) to this Lambda layer."
            ) from e

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            specs = _map_shapes(lambda s: KerasTensor(s, dtype=self.compute_dtype), input_shape)
            out = self._trace(specs)
            return jax.tree_util.tree_map(lambda t: t.shape, out, is_leaf=lambda t: isinstance(t, KerasTensor))
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = _first_shape(input_shape)[0]
        return _map_shapes(lambda s: (batch,) + s, self._output_shape)

    def compute_output_spec(self, inputs, mask=None, training=None):
        if self._output_shape is None:
            if mask is None and self._fn_expects_mask_arg and isinstance(inputs, KerasTensor) and inputs.ndim >= 2:
                # Symbolic tensors carry no mask; trace with the usual (batch, steps) mask shape so
                # a function that reads its mask can still be shape-inferred.
                mask = KerasTensor(inputs.shape[:-1], dtype="bool")
            kwargs = {k: v for k, v in (("mask", mask), ("training", training)) if v is not None}
            return self._trace(inputs, **kwargs)
        shapes = jax.tree_util.tree_map(
            lambda t: t.shape, inputs, is_leaf=lambda t: isinstance(t, KerasTensor)
        )
        return _shape_to_spec(self.compute_output_shape(shapes), self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = {**super().get_config(), "function": serialize_function(self.function)}
        if self._output_shape is not None:
            config["output_shape"] = (
                serialize_function(self._output_shape) if callable(self._output_shape) else self._output_shape
            )
        if self.mask is not None:
            config["mask"] = serialize_function(self.mask) if callable(self.mask) else _serialize_value(self.mask)
        config["arguments"] = _serialize_value(self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        """Rebuilds the layer; bytecode (saved lambdas) loads only when safe mode is off."""
        config = dict(config)
        safe = in_safe_mode() if safe_mode is None else bool(safe_mode)
        config["function"] = deserialize_function(config["function"], custom_objects, safe, "function")
        if "output_shape" in config:
            out = config["output_shape"]
            if isinstance(out, dict):
                config["output_shape"] = deserialize_function(out, custom_objects, safe, "output_shape")
            else:
                config["output_shape"] = _to_tuples(out)
        if "mask" in config:
            m = config["mask"]
            if isinstance(m, dict) and m.get("class_name") in ("__lambda__", "function"):
                config["mask"] = deserialize_function(m, custom_objects, safe, "mask")
            else:
                config["mask"] = _deserialize_value(m, custom_objects)
        if "arguments" in config:
            config["arguments"] = _deserialize_value(config["arguments"], custom_objects)
        return super().from_config(config)
