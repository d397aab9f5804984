"""Finding the lamina class or function that a serialized config names.

A config says `{"module": "keras.layers", "class_name": "Dense", "registered_name": ...}`. The
lookup order is Keras's: the user's objects first (`custom_objects`, open
`custom_object_scope`s, `register_keras_serializable` names), then the built-ins of the kind
that the Keras module names. Only lamina's own packages are ever imported while looking, so a
file cannot make lamina import arbitrary modules.

>>> from lamina.saving.class_lookup import resolve
>>> resolve({"module": "keras.layers", "class_name": "Dense", "config": {}}).__name__
'Dense'
"""

import importlib
import inspect

from lamina.saving import object_registry

# Keras module -> (registry kind, lamina module searched by name).
_MODULE_KINDS = {
    "keras.layers": ("layers", "lamina.layers"),
    "keras.initializers": ("initializers", "lamina.initializers"),
    "keras.regularizers": ("regularizers", "lamina.regularizers"),
    "keras.constraints": ("constraints", "lamina.constraints"),
    "keras.optimizers": ("optimizers", "lamina.optimizers"),
    "keras.optimizers.schedules": ("learning_rate_schedules", "lamina.optimizers.schedules"),
    "keras.losses": ("losses", "lamina.losses"),
    "keras.metrics": ("metrics", "lamina.metrics"),
    "keras.activations": ("activations", "lamina.activations"),
    "keras": ("models", "lamina"),
    "keras.models": ("models", "lamina.models"),
    "keras.src.models.functional": ("models", "lamina.models"),
    "keras.src.models.sequential": ("models", "lamina.models"),
    "keras.src.models.model": ("models", "lamina.models"),
    "keras.dtype_policies": ("dtype_policies", "lamina.backend.dtype_policy"),
    "keras.src.ops.numpy": ("ops", "lamina.ops"),
    "keras.src.ops.nn": ("ops", "lamina.ops"),
    "keras.src.ops.math": ("ops", "lamina.ops"),
    "keras.src.ops.core": ("ops", "lamina.ops"),
    "keras.src.ops.image": ("ops", "lamina.ops"),
    "keras.src.ops.linalg": ("ops", "lamina.ops"),
}
_KIND_MODULES = {kind: module for kind, module in _MODULE_KINDS.values()}
_KIND_MODULES["models"] = "lamina.models"
# Names that exist in Keras configs but are not exported under the module they name.
_SPECIAL = {
    "DTypePolicy": ("lamina.backend.dtype_policy", "DTypePolicy"),
    "FloatDTypePolicy": ("lamina.backend.dtype_policy", "DTypePolicy"),
    "Functional": ("lamina.models.functional", "Functional"),
}
# Config entries that are values, not classes.
SPECIAL_CLASS_NAMES = frozenset({
    "__keras_tensor__", "__tensor__", "__numpy__", "__bytes__", "__slice__", "__ellipsis__",
    "__lambda__", "__typespec__",
})


def kind_of_module(module):
    """The registry kind ('layers', ...) for a Keras module name, or None."""
    if not module:
        return None
    if module in _MODULE_KINDS:
        return _MODULE_KINDS[module][0]
    if module.startswith("keras.src."):
        # Internal Keras modules (`keras.src.layers.core.dense`): the package after `src`.
        part = module.split(".")[2]
        return part if part in _KIND_MODULES else None
    return None


def _lamina_attr(module_name, name):
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, name, None)


def user_object(config, custom_objects=None):
    """The user's class or function for this config, if the user provided one."""
    for key in (config.get("registered_name"), config.get("class_name")):
        if isinstance(key, str) and key:
            found = object_registry.get_registered_object(key, custom_objects)
            if found is not None:
                return found
    # A function config names the function in "config".
    if config.get("class_name") == "function" and isinstance(config.get("config"), str):
        name = config["config"]
        for key in (name, name.split(">")[-1]):
            found = object_registry.get_registered_object(key, custom_objects)
            if found is not None:
                return found
    return None


def builtin_object(config, kind=None):
    """lamina's own class (or, for 'function' configs, function) for this config, or None."""
    class_name = config.get("class_name")
    module = config.get("module")
    kind = kind or kind_of_module(module)
    if class_name == "function":
        return _builtin_function(config.get("config"), module, kind)
    if not isinstance(class_name, str):
        return None
    if class_name in _SPECIAL and (kind in (None, "models", "dtype_policies") or module == "keras"):
        return _lamina_attr(*_SPECIAL[class_name])
    kinds = [kind] if kind else list(_KIND_MODULES)
    for k in kinds:
        found = object_registry.builtin(k, class_name)
        if found is not None:
            return found
    for k in kinds:
        module_name = _KIND_MODULES.get(k)
        if module_name is None:
            continue
        if k == "ops":
            return _op_class(class_name)
        found = _lamina_attr(module_name, class_name)
        if inspect.isclass(found):
            return found
    if kind is None and class_name in _SPECIAL:
        return _lamina_attr(*_SPECIAL[class_name])
    return None


def _builtin_function(name, module, kind):
    if not isinstance(name, str):
        return None
    kinds = [kind] if kind else ["activations", "losses", "metrics"]
    for k in kinds:
        module_name = _KIND_MODULES.get(k)
        if module_name is None:
            continue
        found = _lamina_attr(module_name, name)
        if callable(found) and not inspect.isclass(found):
            return found
    return None


def _op_class(class_name):
    """The graph operation class for a Keras op name (`'Add'` -> the class recording `ops.add`)."""
    from lamina import ops
    from lamina.backend.naming import to_snake_case
    from lamina.ops.operation import op_class

    fn = getattr(ops, to_snake_case(class_name), None)
    if fn is None or not callable(fn):
        return None
    return op_class(fn)


def resolve(config, kind=None, custom_objects=None):
    """The class or function for a serialized config; None if nothing matches."""
    found = user_object(config, custom_objects)
    if found is not None:
        return found
    return builtin_object(config, kind)


def missing_objects(config, custom_objects=None, kind=None):
    """Every class/function a config names that cannot be resolved, as `(name, where)` pairs.

    Walks the whole config (nested layers, initializers, losses, ...) without building anything,
    so one error can list everything the user must provide.

    >>> missing_objects({"module": "keras.layers", "class_name": "Dense",
    ...                  "config": {"name": "d", "kernel_regularizer": {
    ...                      "module": "my_lib", "class_name": "MyReg", "config": {}}}})
    [('MyReg', "Dense 'd'")]
    """
    missing = []
    _scan(config, custom_objects, kind, "the model", missing)
    seen, unique = set(), []
    for name, where in missing:
        if name not in seen:
            seen.add(name)
            unique.append((name, where))
    return unique


def lambdas_in(config):
    """Descriptions of every stored lambda (bytecode) in a config."""
    found = []
    _find_lambdas(config, "the model", found)
    return found


def _describe(config, where):
    inner = config.get("config")
    name = inner.get("name") if isinstance(inner, dict) else None
    if isinstance(name, str):
        return f"{config.get('class_name')} '{name}'"
    return where


def _scan(value, custom_objects, kind, where, missing):
    if isinstance(value, (list, tuple)):
        for v in value:
            _scan(v, custom_objects, kind, where, missing)
        return
    if not isinstance(value, dict):
        return
    class_name = value.get("class_name")
    if not isinstance(class_name, str) or "config" not in value:
        for v in value.values():
            _scan(v, custom_objects, None, where, missing)
        return
    if class_name in SPECIAL_CLASS_NAMES:
        return
    if resolve(value, kind if not value.get("module") else None, custom_objects) is None:
        name = value.get("config") if class_name == "function" else class_name
        registered = value.get("registered_name")
        if isinstance(registered, str) and ">" in registered:
            name = registered
        missing.append((str(name), where))
        return
    inner_where = _describe(value, where)
    for k, v in value.items():
        if k in ("config", "build_config", "compile_config"):
            _scan(v, custom_objects, None, inner_where, missing)


def _find_lambdas(value, where, found):
    if isinstance(value, (list, tuple)):
        for v in value:
            _find_lambdas(v, where, found)
    elif isinstance(value, dict):
        if value.get("class_name") == "__lambda__":
            found.append(where)
            return
        if isinstance(value.get("class_name"), str):
            where = _describe(value, where)
        for v in value.values():
            _find_lambdas(v, where, found)
