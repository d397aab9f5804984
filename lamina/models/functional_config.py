"""A functional model's config in Keras 3's format, and the model rebuilt from it.

The config lists every layer (and recorded op) of the graph in Keras's order, each with the calls
it received inside the model (`inbound_nodes`); a call's tensors are named by
`keras_history = [layer name, node index, tensor index]`:

    {"name", "trainable",
     "layers": [{"module", "class_name", "config", "registered_name", "build_config",
                 "name", "inbound_nodes": [{"args": [...], "kwargs": {...}}]}, ...],
     "input_layers": [["input_layer", 0, 0]], "output_layers": [["dense", 0, 0]]}

Node indices count only calls that belong to this model. In `input_layers`/`output_layers` (only
there) a nested functional model's calls count from 1, as Keras 3 writes and reads them.

>>> import lamina as keras
>>> x = keras.Input((3,), name="x")
>>> model = keras.Model(x, keras.layers.Dense(2, name="d")(x))
>>> config = model.get_config()
>>> [layer["name"] for layer in config["layers"]], config["output_layers"]
(['x', 'd'], ['d', 0, 0])
>>> from lamina.models import Functional
>>> Functional.from_config(config).output_shape
(None, 2)
"""

from lamina.backend.keras_tensor import KerasTensor


# ---------------------------------------------------------------------------------- graph order
def _history(tensor):
    h = tensor._keras_history
    if h is None:
        raise ValueError(f"Tensor {tensor!r} was not produced by a layer; it cannot be in a model.")
    return h


def _build_map(inputs, outputs):
    """Nodes from inputs to outputs (depth-first from the outputs) and each op's first visit."""
    input_ids = {id(t) for t in inputs}
    finished, order, op_index = set(), [], {}
    for out in outputs:
        stack = [(out, False)]
        while stack:
            tensor, expanded = stack.pop()
            h = _history(tensor)
            node = h.operation._inbound_nodes[h.node_index]
            if expanded:
                if id(node) not in finished:
                    finished.add(id(node))
                    order.append(node)
                continue
            if id(node) in finished:
                continue
            if not node.is_input and id(tensor) in input_ids:
                finished.add(id(node))
                continue
            op_index.setdefault(id(h.operation), len(op_index))
            stack.append((tensor, True))
            if not node.is_input:
                for t in reversed(node.input_tensors):
                    stack.append((t, False))
    return order, op_index


def graph_nodes_and_operations(inputs, outputs):
    """`(node ids in the graph, operations in Keras's order)` for the graph inputs -> outputs.

    Keras orders operations by depth (distance from the outputs, deepest first) and, within a
    depth, by when a depth-first walk from the outputs first meets them.
    """
    nodes, op_index = _build_map(inputs, outputs)
    in_graph = {id(n) for n in nodes}
    node_depth, op_depth, ops = {}, {}, {}
    for node in reversed(nodes):
        depth = node_depth.setdefault(id(node), 0)
        op = node.operation
        depth = max(depth, op_depth.get(id(op), 0))
        op_depth[id(op)] = depth
        ops[id(op)] = op
        node_depth[id(node)] = depth
        for parent in node.parent_nodes:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:
        h = _history(t)
        if id(h.operation) not in op_depth:
            node = h.operation._inbound_nodes[h.node_index]
            if node.is_input:
                op_depth[id(h.operation)] = 0
                op_index[id(h.operation)] = -1
                ops[id(h.operation)] = h.operation
                in_graph.add(id(node))
    ordered = sorted(ops.values(), key=lambda op: (-op_depth[id(op)], op_index[id(op)]))
    return in_graph, ordered


def keras_operation_order(inputs, outputs):
    """The operations of a functional graph in the order Keras 3 lists them (`model.layers`)."""
    return graph_nodes_and_operations(inputs, outputs)[1]


# ---------------------------------------------------------------------------------- to config
def _is_functional(op):
    from lamina.models.functional import Functional

    return isinstance(op, Functional)


def functional_config(model):
    """`model.get_config()` of a functional model, in Keras 3's format."""
    from lamina.saving.serialization import serialize_keras_object

    node_ids, operations = graph_nodes_and_operations(model._inputs, model._outputs)
    new_index = {}
    for op in operations:
        kept = 0
        for node in op._inbound_nodes:
            if id(node) in node_ids:
                new_index[id(node)] = kept
                kept += 1

    def tensor_ref(tensor, io=False):
        h = _history(tensor)
        node = h.operation._inbound_nodes[h.node_index]
        if id(node) not in new_index:
            raise ValueError(
                f"Model '{model.name}': tensor '{tensor.name}' comes from a call of layer "
                f"'{h.operation.name}' that is not part of the model's graph."
            )
        offset = 1 if io and _is_functional(h.operation) else 0
        return [h.operation.name, new_index[id(node)] + offset, h.tensor_index]

    def serialize_arg(value):
        if isinstance(value, KerasTensor):
            return {
                "class_name": "__keras_tensor__",
                "config": {"shape": list(value.shape), "dtype": value.dtype,
                           "keras_history": tensor_ref(value)},
            }
        if isinstance(value, (list, tuple)):
            return [serialize_arg(v) for v in value]
        if isinstance(value, dict):
            return {k: serialize_arg(v) for k, v in value.items()}
        return serialize_keras_object(value)

    layer_configs = []
    for op in operations:
        entry = serialize_keras_object(op)
        entry["name"] = op.name
        entry["inbound_nodes"] = [
            {"args": serialize_arg(list(node.call_args)), "kwargs": serialize_arg(node.call_kwargs)}
            for node in op._inbound_nodes
            if id(node) in node_ids and not node.is_input
        ]
        layer_configs.append(entry)

    def structure(value):
        if isinstance(value, KerasTensor):
            return tensor_ref(value, io=True)
        if isinstance(value, dict):
            return {k: structure(v) for k, v in value.items()}
        return [structure(v) for v in value]

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": structure(model._inputs_struct),
        "output_layers": structure(model._outputs_struct),
    }


# ---------------------------------------------------------------------------------- from config
class _Pending(Exception):
    """A call whose input tensors do not exist yet (their layer's call comes later)."""


def _is_ref(value):
    return (
        isinstance(value, (list, tuple))
        and len(value) in (3, 4)
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def functional_from_config(cls, config, custom_objects=None):
    """Rebuilds a functional model (of class `cls`) from `functional_config` output.

    Shared layers are called once per recorded call, in an order where every call's inputs
    exist; nested models are rebuilt from their own configs.
    """
    from lamina.saving.object_registry import CustomObjectScope

    with CustomObjectScope(custom_objects or {}):
        return _from_config(cls, config, custom_objects)


def _from_config(cls, config, custom_objects):
    from lamina.saving.serialization import deserialize_keras_object

    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(
                f"Functional.from_config(): the config has no '{key}' entry, so it does not "
                f"describe a functional model. Received keys: {sorted(config)}"
            )
    created = {}  # layer name -> Layer, or the config of a recorded op
    outputs_by_call = {}  # layer name -> [outputs of each call, in order]
    pending = {}
    for entry in config["layers"]:
        name = entry.get("name") or entry.get("config", {}).get("name")
        if name in created:
            raise ValueError(f"Functional.from_config(): two layers are named '{name}'.")
        if _is_op_config(entry):
            created[name] = entry
        else:
            layer_config = {k: v for k, v in entry.items() if k not in ("name", "inbound_nodes")}
            layer = deserialize_keras_object(layer_config, "layers", custom_objects, what="layer")
            created[name] = layer
        outputs_by_call[name] = []
        if _is_input_layer(created[name]):
            outputs_by_call[name].append([created[name].output])
        pending[name] = list(entry.get("inbound_nodes") or [])

    def lookup(ref, io=False):
        name, node_index, tensor_index = ref[0], ref[1], ref[2]
        if name not in created:
            raise ValueError(
                f"Functional.from_config(): a call refers to layer '{name}', which is not in the "
                f"config's layers {sorted(created)}."
            )
        if io and _is_functional(created[name]):
            node_index -= 1
        calls = outputs_by_call[name]
        if node_index >= len(calls):
            raise _Pending()
        return calls[node_index][tensor_index]

    def resolve(value):
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                return lookup(value["config"]["keras_history"])
            if "class_name" in value and "config" in value:
                return deserialize_keras_object(value, custom_objects=custom_objects)
            return {k: resolve(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            # In-memory Keras configs keep tuples where JSON has lists (a call's `args`).
            return type(value)(resolve(v) for v in value)
        return value

    def call(name, node_data):
        if isinstance(node_data, dict):
            args = resolve(node_data.get("args", []))
            kwargs = resolve(node_data.get("kwargs", {}))
        else:  # Keras 2 format: [[layer, node, tensor, kwargs], ...]
            tensors = [lookup(ref) for ref in node_data]
            kwargs = resolve(node_data[0][3]) if node_data and len(node_data[0]) > 3 else {}
            args = [tensors[0] if len(tensors) == 1 else tensors]
        target = created[name]
        if isinstance(target, dict):
            out = _call_op(target, args, kwargs)
        else:
            out = target(*args, **kwargs)
        import jax

        flat = [t for t in jax.tree_util.tree_leaves(out, is_leaf=lambda x: isinstance(x, KerasTensor))
                if isinstance(t, KerasTensor)]
        outputs_by_call[name].append(flat)

    while any(pending.values()):
        progress = False
        for entry in config["layers"]:
            name = entry.get("name") or entry.get("config", {}).get("name")
            queue = pending[name]
            while queue:
                try:
                    call(name, queue[0])
                except _Pending:
                    break
                queue.pop(0)
                progress = True
        if not progress:
            stuck = sorted(n for n, q in pending.items() if q)
            raise ValueError(
                "Functional.from_config(): cannot rebuild the graph: the calls of layers "
                f"{stuck} wait for tensors that no layer in the config produces."
            )

    def structure(value):
        if _is_ref(value):
            try:
                return lookup(value, io=True)
            except _Pending:
                raise ValueError(
                    f"Functional.from_config(): model input/output {value} refers to a call that "
                    "the config does not contain."
                ) from None
        if isinstance(value, dict):
            return {k: structure(v) for k, v in value.items()}
        return [structure(v) for v in value]

    inputs = structure(config["input_layers"])
    outputs = structure(config["output_layers"])
    # Keras 2 wrote single-tensor models as one-element lists.
    if isinstance(inputs, list) and len(inputs) == 1 and not _is_ref(config["input_layers"]) and _keras2(config):
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1 and _keras2(config):
        outputs = outputs[0]
    model = cls(inputs=inputs, outputs=outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model


def _keras2(config):
    return any("module" not in entry for entry in config["layers"])


def _is_input_layer(obj):
    from lamina.layers.core.input_layer import InputLayer

    return isinstance(obj, InputLayer)


def _is_op_config(entry):
    module = entry.get("module") or ""
    return module.startswith("keras.src.ops.")


def _call_op(entry, args, kwargs):
    """Records a Keras op (`Add`, `GetItem`, ...) on the rebuilt graph by calling lamina's op."""
    from lamina import ops
    from lamina.saving.object_walk import path_name

    op_name = path_name(entry["class_name"])
    fn = getattr(ops, op_name, None)
    if fn is None:
        raise ValueError(
            f"Functional.from_config(): the config uses the op '{entry['class_name']}' "
            f"(ops.{op_name}), which lamina does not have."
        )
    # Keras keeps an op's static arguments (e.g. `axis`) in its config, lamina in the call.
    extra = {k: v for k, v in (entry.get("config") or {}).items() if k != "name"}
    if op_name == "get_item" and len(args) == 2 and isinstance(args[1], list):
        args = [args[0], tuple(args[1])]
    out = fn(*args, **{**extra, **kwargs})
    first = out
    while isinstance(first, (list, tuple)):
        first = first[0]
    if isinstance(first, KerasTensor) and first._keras_history is not None:
        first._keras_history.operation.name = entry.get("name", first._keras_history.operation.name)
    return out
