"""`print_summary`: the table `Model.summary()` prints, character for character as Keras 3 prints it.

One row per layer (name and class, output shape, parameter count; for a functional model whose
graph is not a plain chain, also the layers each one is connected to), then the parameter totals
with their memory size.

>>> import lamina as keras
>>> from lamina import layers
>>> model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(2, name="d")], name="tiny")
>>> lines = []
>>> model.summary(print_fn=lines.append)
>>> print(lines[0].splitlines()[0])
Model: "tiny"
>>> print(lines[0].splitlines()[-3])
 Total params: 10 (40.00 B)
"""

import numbers
import os
import sys

from lamina.utils import summary_utils as su

_NUMBER = su.color(34)
_NONE = su.color(45)
_CLASS = su.color(33)
_YES = su.color(34, bold=True)
_NO = su.color(9, bold=True)


def _number(text, value):
    return text.append(str(value), _NONE if value is None else _NUMBER)


# --------------------------------------------------------------------------- output shapes
def _format_shape(shape):
    text = su.StyledText("(")
    for i, dim in enumerate(shape):
        if i:
            text.append(", ")
        _number(text, dim)
    return text.append(")")


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, numbers.Integral) for d in x)


def _format_structure(struct):
    """Shapes nested in lists/tuples/dicts, printed like `str()` of the structure without quotes."""
    if _is_shape(struct):
        return _format_shape(struct)
    text = su.StyledText()
    if isinstance(struct, dict):
        text.append("{")
        for i, (key, value) in enumerate(struct.items()):
            text.append((", " if i else "") + repr(key).replace("'", "") + ": ")
            _extend(text, _format_structure(value))
        return text.append("}")
    opening, closing = ("[", "]") if isinstance(struct, list) else ("(", ")")
    text.append(opening)
    for i, value in enumerate(struct):
        if i:
            text.append(", ")
        _extend(text, _format_structure(value))
    if isinstance(struct, tuple) and len(struct) == 1:
        text.append(",")
    return text.append(closing)


def _count_shapes(struct):
    if _is_shape(struct):
        return 1
    values = struct.values() if isinstance(struct, dict) else struct
    return sum(_count_shapes(v) for v in values)


def _extend(text, other):
    offset = len(text.plain)
    text.plain += other.plain
    text.spans += [(s + offset, e + offset, st) for s, e, st in other.spans]
    return text


def _output_shape_text(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    build_shapes = getattr(layer, "_build_shapes_dict", None)
    if not nodes and not build_shapes:
        return su.StyledText("?")
    if nodes:
        # The layer's latest call is the one shown, as in Keras.
        shapes = [_format_shape(t.shape) for t in nodes[-1].outputs]
        if len(shapes) == 1:
            return shapes[0]
        text = su.StyledText("[")
        for i, shape in enumerate(shapes):
            if i:
                text.append(", ")
            _extend(text, shape)
        return text.append("]")
    try:
        output_shape = layer.output_shape
    except AttributeError:
        pass
    except Exception:
        return su.StyledText("?")
    else:
        return _format_shape(output_shape)
    try:
        shapes = layer.compute_output_shape(**build_shapes)
    except NotImplementedError:
        return su.StyledText("?")
    if _count_shapes(shapes) == 1 and not _is_shape(shapes):
        while not _is_shape(shapes):
            shapes = next(iter(shapes.values() if isinstance(shapes, dict) else shapes))
    return _format_structure(shapes)


# --------------------------------------------------------------------------- functional graphs
class _Graph:
    """The nodes and operations of a functional model, grouped by depth as Keras groups them."""

    def __init__(self, inputs, outputs):
        input_ids = {id(t) for t in inputs}
        ordered, finished, in_progress, op_index = [], set(), set(), {}

        def visit(tensor):
            history = tensor._keras_history
            if history is None or history.operation is None:
                return
            op = history.operation
            node = op._inbound_nodes[history.node_index]
            if id(node) in finished:
                return
            if not node.is_input and id(tensor) in input_ids:
                finished.add(id(node))
                return
            if id(node) in in_progress:
                raise ValueError(f"The layer graph has a cycle through '{op.name}'.")
            op_index.setdefault(op, len(op_index))
            in_progress.add(id(node))
            if not node.is_input:
                for t in node.input_tensors:
                    visit(t)
            finished.add(id(node))
            in_progress.discard(id(node))
            ordered.append(node)

        for t in outputs:
            visit(t)

        # Depth = longest path to an output; an operation used at several depths takes the deepest.
        in_graph = {id(n) for n in ordered}
        node_depth, op_depth, by_id = {}, {}, {id(n): n for n in ordered}
        for node in reversed(ordered):
            depth = max(node_depth.setdefault(id(node), 0), op_depth.get(node.operation, 0))
            op_depth[node.operation] = depth
            node_depth[id(node)] = depth
            for parent in node.parent_nodes:
                if id(parent) in in_graph:
                    node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
        for t in inputs:
            history = t._keras_history
            if history is not None and history.operation not in op_depth:
                node = history.operation._inbound_nodes[history.node_index]
                if node.is_input:
                    op_depth[history.operation] = 0
                    op_index[history.operation] = -1
                    node_depth[id(node)] = 0
                    by_id[id(node)] = node

        self.nodes_by_depth = {}
        for node_id, depth in node_depth.items():
            self.nodes_by_depth.setdefault(depth, []).append(by_id[node_id])
        ops_by_depth = {}
        for op, depth in op_depth.items():
            ops_by_depth.setdefault(depth, []).append(op)
        self.operations = []
        for depth in sorted(ops_by_depth, reverse=True):
            self.operations += sorted(ops_by_depth[depth], key=lambda op: op_index[op])
        self.node_ids = set(node_depth)

    def is_chain(self):
        """True when every depth holds one single-input node and no layer is called twice."""
        seen = set()
        for nodes in self.nodes_by_depth.values():
            if len(nodes) > 1 or (len(nodes) == 1 and len(nodes[0].input_tensors) > 1):
                return False
            seen.update(id(n) for n in nodes)
        for op in self.operations:
            if sum(id(n) in seen for n in op._inbound_nodes) > 1:
                return False
        return True


# --------------------------------------------------------------------------- rows
def _connections(layer, relevant_ids):
    text = su.StyledText()
    for node in layer._inbound_nodes:
        if relevant_ids and id(node) not in relevant_ids:
            continue  # a call made outside this model
        for tensor in node.input_tensors:
            op, node_index, tensor_index = tensor._keras_history
            if text.plain:
                text.append(", ")
            text.append(f"{op.name}[")
            _number(text, node_index)
            text.append("][")
            _number(text, tensor_index)
            text.append("]")
    return text if text.plain else su.StyledText("-")


def _weights(obj, attr="weights"):
    try:
        return list(getattr(obj, attr))
    except ValueError:
        # An unbuilt Sequential refuses to list its weights; it has none to count.
        return []


def _param_text(layer):
    if not hasattr(layer, "built"):
        return su.StyledText("0", _NUMBER)
    if not layer.built:
        return su.StyledText("0", _NUMBER).append(" (unbuilt)")
    return su.StyledText(f"{layer.count_params():,}", _NUMBER)


def _row(layer, prefix, relevant_ids, show_connections, show_trainable):
    name = su.StyledText(f"{prefix}{layer.name} (").append(type(layer).__name__, _CLASS).append(")")
    fields = [name, _output_shape_text(layer), _param_text(layer)]
    if show_connections:
        fields.append(_connections(layer, relevant_ids))
    if show_trainable:
        if hasattr(type(layer), "weights") and _weights(layer):
            fields.append(su.StyledText("Y", _YES) if layer.trainable else su.StyledText("N", _NO))
        else:
            fields.append(su.StyledText("-", su.BOLD))
    return fields


def _rows(layer, level, expand_nested, **fields):
    prefix = "   " * level + "└ " if level else ""
    rows = [_row(layer, prefix, **fields)]
    nested = getattr(layer, "layers", None) if expand_nested else None
    if nested:
        for sub in nested:
            rows += _rows(sub, level + 1, expand_nested, **fields)
    return rows


# --------------------------------------------------------------------------- the summary
def _totals_line(label, count, size):
    return (
        su.StyledText(f" {label} params: ", su.BOLD)
        .append(f"{count:,}", _NUMBER)
        .append(f" ({su.readable_memory_size(size)})")
    )


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Prints a table of `model`'s layers: output shapes, parameter counts, connections.

    Args:
        model: a built or unbuilt `Model` (unbuilt layers show `?` and `0 (unbuilt)`).
        line_length: table width in characters; defaults to 88 (108 with the `Connected to`
            column, +12 with `show_trainable`), capped at the terminal width minus 4.
        positions: right edge of each column as a fraction of `line_length`.
        print_fn: called once with the whole summary text; defaults to printing to stdout.
        expand_nested: also list the layers of nested models, indented under them.
        show_trainable: add a `Trainable` column (Y/N, `-` for layers without weights).
        layer_range: two layer names (or regexes): the first and last layers to list.

    Example:

    >>> import lamina as keras
    >>> model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, name="out")])
    >>> text = []
    >>> print_summary(model, print_fn=text.append)
    >>> "out (Dense)" in text[0]
    True
    """
    from lamina.models.functional import Functional
    from lamina.utils import io_utils

    if not print_fn and not io_utils.is_interactive_logging_enabled():
        print_fn = io_utils.print_msg

    relevant_ids = set()
    if isinstance(model, Functional):
        graph = _Graph(model.inputs, model.outputs)
        layers = graph.operations
        sequential_like = graph.is_chain()
        relevant_ids = graph.node_ids
    else:
        # Sequential and subclassed models are listed as a plain sequence of layers.
        layers = model.layers
        sequential_like = True

    if sequential_like:
        default_line_length = 88
        positions = positions or [0.45, 0.80, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #"]
        alignment = ["left", "left", "right"]
    else:
        default_line_length = 108
        positions = positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        alignment = ["left", "left", "right", "left"]
    if show_trainable:
        default_line_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        alignment.append("center")
    if len(positions) < len(header):
        raise ValueError(
            f"summary(): `positions` needs one entry per column ({len(header)}: {header}). "
            f"Received: positions={list(positions)}"
        )

    default_line_length = min(default_line_length, su.default_terminal_columns() - 4)
    line_length = line_length or default_line_length
    widths, current = [], 0
    for pos in positions[: len(header)]:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError(
                "Insufficient console width to print summary. A column would be "
                f"{width} characters wide (line_length={line_length}, positions={list(positions)}); "
                "pass a larger `line_length` or widen the terminal."
            )
        widths.append(width)
        current += width

    lo, hi = su.layer_index_bounds(layers, layer_range)
    rows = []
    for layer in layers[lo:hi]:
        rows += _rows(layer, 0, expand_nested, relevant_ids=relevant_ids,
                      show_connections=not sequential_like, show_trainable=show_trainable)

    trainable = _weights(model, "trainable_weights")
    non_trainable = _weights(model, "non_trainable_weights")
    optimizer = getattr(model, "optimizer", None) if getattr(model, "compiled", False) else None
    optimizer_vars = list(optimizer.variables) if optimizer and getattr(optimizer, "built", False) else None
    totals = [
        ("Trainable", su.count_params(trainable), su.weight_memory_size(trainable)),
        ("Non-trainable", su.count_params(non_trainable), su.weight_memory_size(non_trainable)),
    ]
    if optimizer_vars is not None:
        totals.append(("Optimizer", su.count_params(optimizer_vars), su.weight_memory_size(optimizer_vars)))
    totals.insert(0, ("Total", sum(t[1] for t in totals), sum(t[2] for t in totals)))

    # Captured text (print_fn) is plain; stdout gets colours when it is a terminal.
    terminal = False if print_fn else su.stdout_is_terminal()
    width = su.console_width(terminal)
    table = su.render_table(
        [su.StyledText(h) for h in header], rows, widths, alignment, line_length,
        ascii_only=su.ascii_only(),
    )
    lines = su.text_lines(su.StyledText(f'Model: "{model.name}"', su.BOLD), width)
    lines += [su.fit_line(line, width, pad=False) for line in table]
    for label, count, size in totals:
        lines += su.text_lines(_totals_line(label, count, size), width)
    text = su.to_string(lines, su.color_system(terminal), no_color=os.environ.get("NO_COLOR", "") != "")

    if print_fn is io_utils.print_msg:
        print_fn(text, line_break=False)
    elif print_fn:
        print_fn(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
