"""The object paths under which Keras 3 stores weights (`layers/dense/vars/0`), for lamina objects.

Keras names each stateful object (a layer or an optimizer) by how it is reached from the model:

* a Sequential or Functional model lists its layers first, under `layers/`;
* then every attribute, in name order with private (`_x`) ones last, except the attributes that
  a bare `Layer` (or `Optimizer`) already has: `block/d1` is attribute `d1` of attribute `block`;
* inside a list, tuple or dict, an object is named by its snake-cased class name, numbered from
  the second on (`dense`, `dense_1`, ...), and a nested container by `container`, `container_1`;
* an object reached twice keeps its first path.

Walking lamina objects the same way gives the same paths, so files move both ways.

>>> import lamina as keras
>>> from lamina.saving.object_walk import walk
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2), keras.layers.Dense(1)])
>>> [path for path, _ in walk(model)]
['', 'layers/dense', 'layers/dense_1']
"""

import re

_SKIPSETS = {}
# lamina-only bookkeeping attributes of models that hold layers Keras does not reach this way.
_MODEL_EXTRAS = {
    "Sequential": {"_input_layer", "_stack", "_graph_inputs", "_graph_outputs", "_functional"},
    "Functional": {"_inputs", "_outputs", "_nodes", "_inputs_struct", "_outputs_struct",
                   "operations", "_operations"},
}


def is_saveable(obj):
    from lamina.layers.layer import Layer

    if isinstance(obj, Layer):
        return True
    return _is_optimizer(obj)


def _is_optimizer(obj):
    try:
        from lamina.optimizers.optimizer import Optimizer
    except ImportError:  # pragma: no cover - the optimizers package is optional while building
        return False
    return isinstance(obj, Optimizer)


def _obj_type(obj):
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if isinstance(obj, Sequential):
        return "Sequential"
    if isinstance(obj, Functional):
        return "Functional"
    if _is_optimizer(obj):
        return "Optimizer"
    return "Layer"


def _skipset(obj_type):
    if obj_type in _SKIPSETS:
        return _SKIPSETS[obj_type]
    if obj_type == "Optimizer":
        from lamina.optimizers.optimizer import Optimizer

        skip = set(dir(Optimizer(learning_rate=1.0)))
        skip.discard("variables")
    else:
        from lamina.layers.layer import Layer

        skip = set(dir(Layer()))
        skip |= _MODEL_EXTRAS.get(obj_type, set())
    _SKIPSETS[obj_type] = skip
    return skip


def model_layers(model):
    """A Sequential's or Functional's layers in Keras's order (the order of its paths)."""
    from lamina.models.functional import Functional

    if isinstance(model, Functional):
        from lamina.layers.layer import Layer
        from lamina.models.functional_config import keras_operation_order

        return [op for op in keras_operation_order(model._inputs, model._outputs) if isinstance(op, Layer)]
    return list(model.layers)


def _children(obj):
    obj_type = _obj_type(obj)
    if obj_type in ("Sequential", "Functional"):
        yield "layers", model_layers(obj)
    skip = _skipset(obj_type)
    for attr in sorted(dir(obj), key=lambda n: f"~{n}" if n.startswith("_") else n):
        if attr.startswith("__") or attr in skip:
            continue
        try:
            value = getattr(obj, attr)
        except Exception:  # noqa: BLE001 - a property may not be computable; Keras skips it too
            continue
        yield attr, value


def _join(path, name):
    return f"{path}/{name}" if path else name


def walk(root):
    """`[(path, object), ...]` for every saveable object under `root` (root's path is '')."""
    out, visited = [], set()
    _visit(root, "", out, visited)
    return out


def _visit(obj, path, out, visited):
    if id(obj) in visited:
        return
    visited.add(id(obj))
    out.append((path, obj))
    for attr, child in _children(obj):
        if is_saveable(child):
            _visit(child, _join(path, attr), out, visited)
        elif isinstance(child, (list, tuple, dict)):
            _visit_container(child, _join(path, attr), out, visited, set())


def _visit_container(container, path, out, visited, seen_containers):
    if id(container) in seen_containers:
        return
    seen_containers.add(id(container))
    items = list(container.values()) if isinstance(container, dict) else list(container)
    used = {}
    for item in items:
        if is_saveable(item):
            _visit(item, _join(path, _unique(path_name(type(item).__name__), used)), out, visited)
        elif isinstance(item, (list, tuple, dict)):
            _visit_container(item, _join(path, _unique("container", used)), out, visited, seen_containers)


def path_name(cls_name):
    """A class name as a path component: `LSTMCell` -> `lstm_cell` (Keras's exact rule)."""
    name = re.sub(r"\W+", "", cls_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name
