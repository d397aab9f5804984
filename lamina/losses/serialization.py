"""Keras 3's serialized form for losses and metrics, and the shared `get` logic.

Built-in objects serialize as Keras writes them (`"module": "keras.losses"` / `"keras.metrics"`),
and plain functions as `{"module": "builtins", "class_name": "function", ...}`, so configs move
between lamina and Keras 3 in both directions.

>>> from lamina.losses import MeanSquaredError, serialize
>>> serialize(MeanSquaredError())["class_name"]
'MeanSquaredError'
"""

import difflib
import inspect


def serialize_object(obj, keras_module):
    """`{"module", "class_name", "config", "registered_name"}` for `obj` (None stays None)."""
    if obj is None:
        return None
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        return {
            "module": "builtins",
            "class_name": "function",
            "config": obj.__name__,
            "registered_name": "function",
        }
    cls = type(obj)
    builtin = cls.__module__.split(".")[0] == "lamina"
    return {
        "module": keras_module if builtin else cls.__module__,
        "class_name": cls.__name__,
        "config": plain_config(obj.get_config()),
        "registered_name": None if builtin else cls.__name__,
    }


def plain_config(value):
    """Config values as JSON-friendly Python values (nested objects serialized)."""
    if isinstance(value, dict):
        return {k: plain_config(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_config(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    return value


def unknown_name_error(kind, name, valid_names):
    close = difflib.get_close_matches(str(name), valid_names, n=3)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(
        f"Could not interpret {kind} identifier: {name!r}.{hint} Valid names are: "
        f"{sorted(valid_names)}. Pass one of these, a {kind} instance, or a function "
        "`fn(y_true, y_pred)`."
    )


def deserialize_object(config, objects, kind, custom_objects=None, functions=None):
    """Rebuilds a loss/metric from a name or a serialized dict.

    `objects` maps names to the built-in classes and functions; `custom_objects` adds the user's.
    A class found by name is instantiated with its config (or with no arguments for a bare name).
    `functions` maps names to the functions a `{"class_name": "function"}` config may name
    (default: the functions among `objects`).
    """
    if config is None:
        return None
    table = dict(objects)
    table.update(custom_objects or {})
    if isinstance(config, str):
        if config not in table:
            raise unknown_name_error(kind, config, list(objects))
        found = table[config]
        return found() if inspect.isclass(found) else found
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Cannot deserialize {kind}: expected a name or a dict with 'class_name' and "
            f"'config'. Received: {config!r}"
        )
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":
        if functions is None:
            functions = {k: v for k, v in objects.items() if not inspect.isclass(v)}
        functions = {**functions, **(custom_objects or {})}
        if inner not in functions or inspect.isclass(functions[inner]):
            raise unknown_name_error(f"{kind} function", inner, list(functions))
        return functions[inner]
    registered = config.get("registered_name")
    for key in (registered, class_name):
        if key and key in table and inspect.isclass(table[key]):
            cls = table[key]
            break
    else:
        raise ValueError(
            f"Cannot deserialize {kind}: unknown class {class_name!r}. If it is your own class, "
            f"pass it in `custom_objects={{{class_name!r}: {class_name}}}`."
        )
    return cls.from_config(inner or {})


def get_object(identifier, objects, kind, base_class):
    """The shared body of `losses.get` and `metrics.get`."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize_object(identifier, objects, kind)
    elif isinstance(identifier, str):
        if identifier not in objects:
            raise unknown_name_error(kind, identifier, list(objects))
        obj = objects[identifier]
    else:
        obj = identifier
    if inspect.isclass(obj):
        return obj()
    if callable(obj) or isinstance(obj, base_class):
        return obj
    raise ValueError(
        f"Could not interpret {kind} identifier: {identifier!r}. Expected a name, a config dict, "
        f"a {base_class.__name__} instance or a function `fn(y_true, y_pred)`."
    )
