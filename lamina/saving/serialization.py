"""Keras 3's serialized form of objects: `{"module", "class_name", "config", "registered_name"}`.

lamina writes the Keras module names (`keras.layers`, ...) so that Keras 3 can read lamina files and
lamina can read Keras files.
"""

import difflib
import inspect

from lamina.saving import object_registry


def serialize_keras_object(obj):
    if obj is None:
        return None
    if isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(o) for o in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v) for k, v in obj.items()}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        registered = object_registry.get_registered_name(obj)
        return {
            "module": getattr(obj, "_keras_module", obj.__module__),
            "class_name": "function",
            "config": registered or obj.__name__,
            "registered_name": registered or obj.__name__,
        }
    registered = object_registry.get_registered_name(obj)
    module = getattr(type(obj), "_keras_module", None)
    if module is None or registered is not None:
        module = type(obj).__module__
    return {
        "module": module,
        "class_name": type(obj).__name__,
        "config": obj.get_config(),
        "registered_name": registered,
    }


def deserialize_keras_object(config, kind, custom_objects=None, what="object"):
    """Turns a serialized dict (or a bare class name) back into an object of `kind`."""
    if config is None:
        return None
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            f"Cannot deserialize {what}: expected a dict with 'class_name' and 'config'. "
            f"Received: {config!r}"
        )
    class_name = config["class_name"]
    inner = config.get("config", {})
    registered = config.get("registered_name")
    cls = None
    for key in (registered, class_name):
        if key:
            cls = object_registry.get_registered_object(key, custom_objects)
            if cls is not None:
                break
    if cls is None:
        cls = object_registry.builtin(kind, class_name)
    if cls is None:
        known = object_registry.builtin_names(kind)
        close = difflib.get_close_matches(class_name, known, n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise ValueError(
            f"Unknown {what} class '{class_name}'.{hint} If it is your own class, decorate it with "
            "`@lamina.saving.register_keras_serializable()` or pass "
            f"`custom_objects={{'{class_name}': {class_name}}}`."
        )
    if class_name == "function":
        return cls
    if hasattr(cls, "from_config"):
        return cls.from_config(inner)
    return cls(**inner)
