"""Keras 3's serialized form of objects: `{"module", "class_name", "config", "registered_name"}`.

lamina writes the Keras module names (`keras.layers`, ...) so that Keras 3 can read lamina files and
lamina can read Keras files. Objects that define `get_build_config` / `get_compile_config` also
get `"build_config"` / `"compile_config"`, as Keras writes them.

>>> from lamina import layers
>>> from lamina.saving import serialize_keras_object, deserialize_keras_object
>>> config = serialize_keras_object(layers.Dense(3, name="d"))
>>> config["module"], config["class_name"], config["config"]["units"]
('keras.layers', 'Dense', 3)
>>> deserialize_keras_object(config).units
3
"""

import inspect
import threading
import types
import warnings

import numpy as np

from lamina.saving import class_lookup, object_registry
from lamina.saving.safe_mode import SafeModeScope, in_safe_mode, refuse_stored_code

_local = threading.local()


# ---------------------------------------------------------------------------------- serialize
def serialize_keras_object(obj):
    """The JSON-ready config of `obj` (layers, models, initializers, functions, arrays, ...)."""
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, (np.generic,)):
        return obj.item()
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(serialize_keras_object(o) for o in obj)
    if isinstance(obj, list):
        return [serialize_keras_object(o) for o in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    special = _serialize_value(obj)
    if special is not None:
        return special
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        from lamina.saving.function_code import dump_function

        warnings.warn(
            "The object being serialized includes a `lambda`. Loading it back requires "
            "`safe_mode=False`, since it runs code from the file. Prefer named functions "
            "registered with `@lamina.saving.register_keras_serializable()`.",
            stacklevel=2,
        )
        return {"class_name": "__lambda__", "config": dump_function(obj)}
    if inspect.isroutine(obj):
        return _serialize_function(obj)
    if isinstance(obj, type):
        return object_registry.get_registered_name(obj)
    return _serialize_instance(obj)


def _serialize_value(obj):
    from lamina.backend.keras_tensor import KerasTensor
    from lamina.backend.variable import Variable

    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {
            "class_name": "__slice__",
            "config": {
                "start": serialize_keras_object(obj.start),
                "stop": serialize_keras_object(obj.stop),
                "step": serialize_keras_object(obj.step),
            },
        }
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(obj, KerasTensor):
        history = obj._keras_history
        if history is not None:
            history = [history.operation.name, history.node_index, history.tensor_index]
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": obj.shape, "dtype": obj.dtype, "keras_history": history},
        }
    if isinstance(obj, np.ndarray):
        if obj.ndim == 0:
            return obj.item()
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": _dtype_name(obj.dtype)}}
    if isinstance(obj, Variable) or _is_jax_array(obj):
        value = np.asarray(obj)
        return {"class_name": "__tensor__", "config": {"value": value.tolist(), "dtype": _dtype_name(value.dtype)}}
    if isinstance(obj, np.dtype):
        return _dtype_name(obj)
    return None


def _is_jax_array(x):
    import jax

    return isinstance(x, jax.Array)


def _dtype_name(dtype):
    from lamina.backend.dtypes import standardize_dtype

    return standardize_dtype(dtype)


def _keras_module_of(module_name):
    """`lamina.losses.regression` -> `keras.losses` (lamina's packages mirror Keras's)."""
    parts = module_name.split(".")
    if len(parts) >= 2 and parts[0] == "lamina":
        return "keras." + parts[1]
    return None


def _serialize_function(fn):
    registered = object_registry.is_registered(fn)
    name = object_registry.get_registered_name(fn)
    builtin = getattr(fn, "_keras_module", None) is not None or (
        getattr(fn, "__module__", "") or ""
    ).startswith("lamina.")
    if builtin and not registered:
        # How Keras 3 writes its own functions (e.g. `keras.activations.relu`).
        return {"module": "builtins", "class_name": "function", "config": fn.__name__,
                "registered_name": "function"}
    module = getattr(fn, "__module__", None)
    return {
        "module": None if module == "__main__" else module,
        "class_name": "function",
        "config": name,
        "registered_name": name,
    }


def _serialize_instance(obj):
    from lamina.ops.operation import FunctionOperation

    if isinstance(obj, FunctionOperation) and not hasattr(obj, "get_config"):
        # A recorded op keeps all of its arguments on its graph node; only the name is its own.
        return {"module": _class_identity(type(obj))[0], "class_name": type(obj).__name__,
                "config": {"name": obj.name}, "registered_name": type(obj).__name__}
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} of type {type(obj).__name__}: it has no `get_config()` "
            "method. Implement get_config() returning its constructor arguments (and "
            "register the class with @lamina.saving.register_keras_serializable())."
        )
    config = obj.get_config()
    if not isinstance(config, dict):
        raise TypeError(
            f"{type(obj).__name__}.get_config() must return a dict. Received: {config!r}"
        )
    module, class_name, registered = _class_identity(type(obj))
    if module == "__main__":
        module = None  # as Keras writes it: a script's classes have no importable module
    out = {
        "module": module,
        "class_name": class_name,
        "config": serialize_keras_object(config),
        "registered_name": registered,
    }
    add_build_and_compile_config(obj, out)
    return out


def _class_identity(cls):
    """(module, class_name, registered_name) as Keras writes them for `cls`."""
    from lamina.ops.operation import FunctionOperation

    if object_registry.is_registered(cls):
        return cls.__module__, cls.__name__, object_registry.get_registered_name(cls)
    if cls.__module__ == "lamina.models.functional" and cls.__name__ == "Functional":
        return "keras.src.models.functional", "Functional", "Functional"
    if issubclass(cls, FunctionOperation) and cls.__module__.startswith("lamina."):
        return f"keras.src.ops.{_op_submodule(cls)}", cls.__name__, cls.__name__
    if object_registry.is_builtin(cls):
        # A class may be saved under its Keras export name (GroupedQueryAttention is exported,
        # and written in configs, as GroupQueryAttention).
        return cls.__dict__["_keras_module"], cls.__dict__.get("_keras_class_name", cls.__name__), None
    if cls.__module__.startswith("lamina.") and class_lookup.builtin_object(
        {"class_name": cls.__name__, "module": _keras_module_of(cls.__module__)}
    ) is cls:
        return _keras_module_of(cls.__module__), cls.__name__, None
    if cls.__module__ == "lamina.backend.dtype_policy":
        return "keras", cls.__name__, None
    module = None if cls.__module__ == "__main__" else cls.__module__
    return module, cls.__name__, object_registry.get_registered_name(cls)


def _op_submodule(cls):
    """Which `keras.src.ops.<module>` holds the op a lamina graph operation class records."""
    from lamina import ops
    from lamina.backend.naming import to_snake_case

    fn = getattr(ops, to_snake_case(cls.__name__), None)
    module = getattr(fn, "__module__", "") or ""
    return module.split(".")[-1] if module.startswith("lamina.ops.") else "numpy"


def add_build_and_compile_config(obj, config):
    """Adds `"build_config"` / `"compile_config"` when the object has them (as Keras does)."""
    get_build = getattr(obj, "get_build_config", None)
    if callable(get_build):
        build = get_build()
        if build is not None:
            config["build_config"] = serialize_keras_object(build)
    get_compile = getattr(obj, "get_compile_config", None)
    if callable(get_compile):
        compile_config = get_compile()
        if compile_config is not None:
            config["compile_config"] = serialize_keras_object(compile_config)
    return config


# ---------------------------------------------------------------------------------- deserialize
class ObjectSharingScope:
    """Inside it, configs carrying the same `"shared_object_id"` deserialize to one object."""

    def __enter__(self):
        self._previous = getattr(_local, "shared", None)
        _local.shared = {}
        return self

    def __exit__(self, *exc):
        _local.shared = self._previous
        return False


def deserialize_keras_object(config, kind=None, custom_objects=None, what="object", safe_mode=True,
                             **kwargs):
    """Turns a serialized config back into an object.

    `kind` ('layers', 'initializers', ...) says where to look for a bare class name; configs that
    carry a Keras `"module"` find their kind themselves. As in Keras,
    `deserialize_keras_object(config, custom_objects)` (a dict second) also works.
    """
    if isinstance(kind, dict):
        custom_objects, kind = kind, None
    custom_objects = dict(custom_objects or {})
    custom_objects.update(kwargs.pop("module_objects", None) or {})
    if kwargs:
        raise TypeError(f"deserialize_keras_object() got unexpected arguments: {sorted(kwargs)}")
    with SafeModeScope(safe_mode if not _scoped_unsafe() else False):
        return _deserialize(config, kind, custom_objects, what)


def _scoped_unsafe():
    # An enclosing SafeModeScope(False) (e.g. load_model(safe_mode=False)) wins over the default.
    return not in_safe_mode()


def _deserialize(config, kind, custom_objects, what):
    if config is None:
        return None
    if isinstance(config, str):
        if kind is None:
            found = object_registry.get_registered_object(config, custom_objects)
            return found if found is not None else config
        config = {"class_name": config, "config": {}}
    if isinstance(config, (bool, int, float)):
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(c, None, custom_objects, what) for c in config]
    if not isinstance(config, dict):
        raise ValueError(f"Cannot deserialize {what}: unexpected value {config!r}.")
    if "class_name" not in config or "config" not in config:
        if kind is not None and "class_name" in config:
            config = {**config, "config": config.get("config", {})}
        else:
            return {k: _deserialize(v, None, custom_objects, what) for k, v in config.items()}
    shared_id = config.get("shared_object_id")
    shared = getattr(_local, "shared", None)
    if shared_id is not None and shared is not None and shared_id in shared:
        return shared[shared_id]
    obj = _deserialize_config(config, kind, custom_objects, what)
    if shared_id is not None and shared is not None:
        shared[shared_id] = obj
    return obj


def _deserialize_config(config, kind, custom_objects, what):
    class_name = config["class_name"]
    inner = config.get("config")
    value = _deserialize_value(class_name, inner, custom_objects)
    if value is not _NOT_A_VALUE:
        return value
    if class_name == "function":
        fn = class_lookup.resolve(config, kind, custom_objects)
        if fn is None:
            raise _unknown_error(config, kind, what)
        return fn
    module_kind = class_lookup.kind_of_module(config.get("module"))
    effective_kind = module_kind or kind
    cls = class_lookup.user_object(config, custom_objects)
    if cls is None and effective_kind in ("losses", "metrics"):
        return _deserialize_loss_or_metric(config, effective_kind, custom_objects)
    if cls is None:
        cls = class_lookup.builtin_object(config, effective_kind)
    if cls is None:
        raise _unknown_error(config, effective_kind, what)
    if not inspect.isclass(cls):
        return cls
    with object_registry.CustomObjectScope(custom_objects):
        obj = _from_config(cls, inner or {}, custom_objects)
    build_config = config.get("build_config")
    if build_config and hasattr(obj, "build_from_config") and not getattr(obj, "built", True):
        obj.build_from_config(build_config)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(obj, "compile"):
        from lamina.saving.compile_io import compile_from_config

        compile_from_config(obj, compile_config)
    return obj


def _from_config(cls, inner, custom_objects):
    from_config = getattr(cls, "from_config", None)
    if from_config is None:
        return cls(**inner)
    try:
        params = inspect.signature(from_config).parameters
    except (TypeError, ValueError):
        params = {}
    if "custom_objects" in params:
        return from_config(inner, custom_objects=custom_objects)
    return from_config(inner)


def _deserialize_loss_or_metric(config, kind, custom_objects):
    import importlib

    package = importlib.import_module(f"lamina.{kind}")
    return package.deserialize(config, custom_objects=custom_objects)


_NOT_A_VALUE = object()


def _deserialize_value(class_name, inner, custom_objects):
    if class_name == "__numpy__":
        return np.array(inner["value"], dtype=inner.get("dtype"))
    if class_name == "__tensor__":
        import jax.numpy as jnp

        return jnp.asarray(np.array(inner["value"], dtype=inner.get("dtype")))
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__slice__":
        return slice(inner.get("start"), inner.get("stop"), inner.get("step"))
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__keras_tensor__":
        from lamina.backend.keras_tensor import KerasTensor

        return KerasTensor(tuple(inner["shape"]), dtype=inner.get("dtype", "float32"))
    if class_name == "__lambda__":
        from lamina.saving.function_code import load_function

        if in_safe_mode():
            raise refuse_stored_code("a saved lambda")
        return load_function(inner.get("value", inner))
    return _NOT_A_VALUE


def _unknown_error(config, kind, what):
    import difflib

    class_name = config.get("class_name")
    name = config.get("config") if class_name == "function" else class_name
    registered = config.get("registered_name")
    known = object_registry.builtin_names(kind) if kind else []
    close = difflib.get_close_matches(str(name), known, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    label = registered if isinstance(registered, str) and ">" in registered else name
    return ValueError(
        f"Unknown {what} '{label}' (module {config.get('module')!r}).{hint} If it is your own "
        f"{'function' if class_name == 'function' else 'class'}, decorate it with "
        "`@lamina.saving.register_keras_serializable()` or pass "
        f"`custom_objects={{'{name}': {name}}}`."
    )
