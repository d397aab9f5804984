"""`plot_model`: draw a model's layer graph (Graphviz DOT; rendered to an image by Graphviz).

Saving to a `.dot` file needs nothing extra. Images (`.png`, `.svg`, `.pdf`) are rendered by the
Graphviz `dot` program, which must be installed (`apt install graphviz`, `brew install graphviz`
or `conda install graphviz`).

>>> import lamina as keras
>>> model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2, name="out")])
>>> print(model_to_dot(model).splitlines()[0])
digraph G {
"""

import html
import os
import shutil
import subprocess

from lamina.backend.keras_tensor import KerasTensor


def _graph(model):
    """Returns (operations in topological order, edges as (from, to) pairs) of a built model."""
    try:
        outputs = model.outputs
    except (AttributeError, ValueError) as e:
        raise ValueError(
            f"plot_model: model '{getattr(model, 'name', model)}' has no layer graph yet. Build it "
            "first: start it with keras.Input(shape=...) or call it on data."
        ) from e
    order, edges, edge_ids, ops_seen, nodes_done = [], [], set(), set(), set()

    def visit(tensor):
        history = tensor._keras_history
        op = history.operation
        node = op._inbound_nodes[history.node_index]
        if id(node) in nodes_done:
            return
        nodes_done.add(id(node))
        for parent in node.input_tensors:
            parent_op = parent._keras_history.operation
            if (id(parent_op), id(op)) not in edge_ids:
                edge_ids.add((id(parent_op), id(op)))
                edges.append((parent_op, op))
            visit(parent)
        if id(op) not in ops_seen:
            ops_seen.add(id(op))
            order.append(op)

    for t in outputs:
        if isinstance(t, KerasTensor):
            visit(t)
    return order, edges


def _shape_text(tensors):
    shapes = [tuple(t.shape) for t in tensors if isinstance(t, KerasTensor)]
    if not shapes:
        return "?"
    return ", ".join(str(s) for s in shapes) if len(shapes) > 1 else str(shapes[0])


def _label(op, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    rows = [f"{op.name} ({type(op).__name__})" if show_layer_names else type(op).__name__]
    activation = getattr(op, "activation", None)
    if show_layer_activations and activation is not None:
        rows.append(f"activation: {getattr(activation, '__name__', activation)}")
    if show_trainable:
        rows.append(f"trainable: {getattr(op, 'trainable', '?')}")
    nodes = getattr(op, "_inbound_nodes", [])
    if show_shapes and nodes:
        node = nodes[0]
        if node.input_tensors:
            rows.append(f"input: {_shape_text(node.input_tensors)}")
        rows.append(f"output: {_shape_text(node.outputs)}")
    if show_dtype and nodes:
        rows.append(f"dtype: {', '.join(str(t.dtype) for t in nodes[0].outputs)}")
    cells = "".join(f"<TR><TD>{html.escape(str(r))}</TD></TR>" for r in rows)
    return f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0">{cells}</TABLE>>'


def model_to_dot(
    model,
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    subgraph=False,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """Returns the model's layer graph as Graphviz DOT source text (nested models are one box).

    >>> import lamina as keras
    >>> x = keras.Input(shape=(3,), name="x")
    >>> m = keras.Model(x, keras.layers.Dense(1, name="d")(x))
    >>> "x" in model_to_dot(m) and "->" in model_to_dot(m)
    True
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(
            f"plot_model: rankdir must be 'TB' (top to bottom) or 'LR' (left to right). "
            f"Received: rankdir={rankdir!r}"
        )
    ops, edges = _graph(model)
    ids = {id(op): f"n{i}" for i, op in enumerate(ops)}
    lines = [
        "digraph G {",
        f'  graph [rankdir={rankdir}, dpi={int(dpi)}, concentrate=true];',
        '  node [shape=plaintext, fontname="Helvetica"];',
    ]
    for op in ops:
        label = _label(op, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
        lines.append(f"  {ids[id(op)]} [label={label}];")
    for src, dst in edges:
        lines.append(f"  {ids[id(src)]} -> {ids[id(dst)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """Writes a drawing of `model`'s layer graph to `to_file` (`.dot`/`.gv`: DOT text; `.png`,
    `.svg`, `.pdf`, ...: rendered by Graphviz's `dot` program). Returns `to_file`.

    >>> import os, tempfile
    >>> import lamina as keras
    >>> m = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    >>> path = plot_model(m, os.path.join(tempfile.mkdtemp(), "m.dot"), show_shapes=True)
    >>> "(None, 1)" in open(path).read()
    True
    """
    source = model_to_dot(
        model,
        show_shapes=show_shapes,
        show_dtype=show_dtype,
        show_layer_names=show_layer_names,
        rankdir=rankdir,
        expand_nested=expand_nested,
        dpi=dpi,
        show_layer_activations=show_layer_activations,
        show_trainable=show_trainable,
    )
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1].lstrip(".").lower() or "png"
    if extension in ("dot", "gv"):
        with open(to_file, "w") as f:
            f.write(source)
        return to_file
    dot = shutil.which("dot")
    if dot is None:
        raise ImportError(
            f"plot_model: drawing a '.{extension}' image needs the Graphviz `dot` program, which was "
            "not found on PATH. Install Graphviz (`apt install graphviz`, `brew install graphviz` "
            "or `conda install graphviz`), or save the graph as text with to_file='model.dot'."
        )
    result = subprocess.run(
        [dot, f"-T{extension}", "-o", to_file], input=source.encode(), capture_output=True
    )
    if result.returncode != 0:
        raise ValueError(
            f"plot_model: Graphviz could not write '{to_file}' (format '{extension}'): "
            f"{result.stderr.decode(errors='replace').strip()}"
        )
    return to_file
