"""Where class names in saved configs are looked up: built-ins by kind, plus user registrations.

>>> from lamina.saving import register_keras_serializable
>>> @register_keras_serializable(package="my_pkg")
... class MyThing:
...     def get_config(self):
...         return {}
>>> from lamina.saving.object_registry import get_registered_name
>>> get_registered_name(MyThing)
'my_pkg>MyThing'
"""

import inspect
import threading

_BUILTINS = {}  # kind -> {class_name: class}
_CUSTOM = {}  # registered name ('package>Name'), or any name the user adds -> class or function
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


def is_builtin(obj):
    """True for lamina's own registered classes (not for user subclasses of them)."""
    cls = obj if isinstance(obj, type) else type(obj)
    return "_keras_module" in cls.__dict__ and builtin_kind(cls) is not None


def builtin_kind(cls):
    for kind, table in _BUILTINS.items():
        if table.get(cls.__name__) is cls:
            return kind
    return None


def register_keras_serializable(package="Custom", name=None):
    """Registers a user class or function so saved files can name it (`'package>Name'`).

    >>> from lamina.saving import register_keras_serializable, get_registered_object
    >>> @register_keras_serializable(package="demo")
    ... def scaled_relu(x):
    ...     return x
    >>> get_registered_object("demo>scaled_relu") is scaled_relu
    True
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(
            "register_keras_serializable: `package` must be a string without '>'. "
            f"Received: package={package!r}"
        )

    def deco(cls):
        if isinstance(cls, type) and not hasattr(cls, "get_config"):
            raise ValueError(
                f"register_keras_serializable: class {cls.__name__} cannot be serialized: it has "
                "no `get_config()` method. Add one returning its constructor arguments."
            )
        key = f"{package}>{name or cls.__name__}"
        if key in _CUSTOM and _CUSTOM[key] is not cls:
            raise ValueError(
                f"register_keras_serializable: '{key}' is already registered to another object "
                f"({_CUSTOM[key]!r}). Use a different `package` or `name`."
            )
        _CUSTOM[key] = cls
        # Functions cannot carry it in a class __dict__; both kinds keep it as an attribute.
        cls._registered_name = key
        return cls

    return deco


def get_registered_name(obj):
    """The name a file records for `obj`: `'package>Name'` if registered, else its own name.

    >>> class Plain:
    ...     pass
    >>> get_registered_name(Plain)
    'Plain'
    """
    target = obj if isinstance(obj, type) or inspect.isroutine(obj) else type(obj)
    if isinstance(target, type):
        name = target.__dict__.get("_registered_name")
    else:
        name = getattr(target, "_registered_name", None)
    if name is not None and _CUSTOM.get(name) is target:
        return name
    return getattr(target, "__name__", None)


def is_registered(obj):
    """True if `obj` (a class or function) was registered by `register_keras_serializable`."""
    name = get_registered_name(obj)
    return name is not None and _CUSTOM.get(name) is obj


def get_registered_object(name, custom_objects=None, module_objects=None):
    """Finds what `name` refers to: open `custom_object_scope`s, then `custom_objects`, then the
    registrations, then `module_objects`; None if nothing matches.

    >>> get_registered_object("NotDefinedAnywhere") is None
    True
    """
    for scope in reversed(getattr(_local, "scopes", [])):
        if name in scope:
            return scope[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _CUSTOM:
        return _CUSTOM[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def get_custom_objects():
    """The global registry as a mutable dict: `get_custom_objects()['MyLayer'] = MyLayer` works.

    >>> from lamina.saving import get_custom_objects
    >>> isinstance(get_custom_objects(), dict)
    True
    """
    return _CUSTOM


def custom_objects_dict():
    merged = {}
    for scope in getattr(_local, "scopes", []):
        merged.update(scope)
    return merged


class CustomObjectScope:
    """`with CustomObjectScope({'MyLayer': MyLayer}):` makes names resolvable while loading.

    >>> from lamina.saving import CustomObjectScope, get_registered_object
    >>> class MyLayer:
    ...     pass
    >>> with CustomObjectScope({"MyLayer": MyLayer}):
    ...     get_registered_object("MyLayer") is MyLayer
    True
    """

    def __init__(self, custom_objects=None, *more):
        merged = dict(custom_objects or {})
        for extra in more:
            merged.update(extra or {})
        self.custom_objects = merged

    def __enter__(self):
        if not hasattr(_local, "scopes"):
            _local.scopes = []
        _local.scopes.append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _local.scopes.pop()
        return False


custom_object_scope = CustomObjectScope
