"""Where class names in saved configs are looked up: built-ins by kind, plus user registrations.

>>> from lamina.saving import register_keras_serializable
>>> @register_keras_serializable(package="my_pkg")
... class MyThing:
...     pass
>>> from lamina.saving.object_registry import get_registered_name
>>> get_registered_name(MyThing)
'my_pkg>MyThing'
"""

import threading

_BUILTINS = {}  # kind -> {class_name: class}
_CUSTOM = {}  # registered name ('package>Name') -> class
_local = threading.local()


def register_builtin(kind, keras_module):
    """Class decorator for lamina's own classes: `kind` is 'layers', 'initializers', ..."""

    def deco(cls):
        _BUILTINS.setdefault(kind, {})[cls.__name__] = cls
        cls._keras_module = keras_module
        return cls

    return deco


def builtin(kind, name):
    return _BUILTINS.get(kind, {}).get(name)


def builtin_names(kind):
    return sorted(_BUILTINS.get(kind, {}))


def register_keras_serializable(package="Custom", name=None):
    """Registers a user class so saved files can name it (`'package>Name'`)."""

    def deco(cls):
        key = f"{package}>{name or cls.__name__}"
        if key in _CUSTOM and _CUSTOM[key] is not cls:
            raise ValueError(
                f"register_keras_serializable: '{key}' is already registered to another class "
                f"({_CUSTOM[key]!r}). Use a different `package` or `name`."
            )
        _CUSTOM[key] = cls
        cls._registered_name = key
        return cls

    return deco


def get_registered_name(obj):
    cls = obj if isinstance(obj, type) else type(obj)
    return getattr(cls, "_registered_name", None) if "_registered_name" in cls.__dict__ else None


def get_registered_object(name, custom_objects=None):
    for scope in reversed(getattr(_local, "scopes", [])):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return _CUSTOM.get(name)


def custom_objects_dict():
    merged = {}
    for scope in getattr(_local, "scopes", []):
        merged.update(scope)
    return merged


class CustomObjectScope:
    """`with CustomObjectScope({'MyLayer': MyLayer}):` makes names resolvable while loading."""

    def __init__(self, custom_objects):
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self):
        if not hasattr(_local, "scopes"):
            _local.scopes = []
        _local.scopes.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _local.scopes.pop()
        return False


custom_object_scope = CustomObjectScope
