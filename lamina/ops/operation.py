"""`Operation`: anything that can be called on arrays or on symbolic tensors.

Layers and ops share this: called on arrays it computes; called on `KerasTensor`s it records a
`Node` and returns symbolic outputs whose shapes come from `compute_output_spec`.
"""

from lamina.backend import naming
from lamina.backend.keras_tensor import any_symbolic_tensors
from lamina.backend.symbolic import compute_output_spec
from lamina.ops.node import Node


class Operation:
    def __init__(self, name=None):
        if name is None:
            name = naming.uniquify(naming.to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"{type(self).__name__}: `name` must be a string without '/'. Received: name={name!r}"
            )
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_spec(self, *args, **kwargs):
        return compute_output_spec(self.call, *args, **kwargs)

    # The graph API shared by layers and ops.
    def _get_node_attr(self, attr, node_index=0):
        if not self._inbound_nodes:
            raise AttributeError(
                f"{type(self).__name__} '{self.name}' has never been called on a symbolic tensor, so "
                f"it has no `{attr}`. Call it on a `keras.Input(...)` (or build the model that holds "
                "it with a known input shape) first."
            )
        node = self._inbound_nodes[node_index]
        values = node.input_tensors if attr == "input" else node.outputs
        return values[0] if len(values) == 1 else values

    @property
    def input(self):
        return self._get_node_attr("input")

    @property
    def output(self):
        return self._get_node_attr("output")


class FunctionOperation(Operation):
    """An op function recorded in a graph, e.g. `ops.add(x, y)` on symbolic tensors."""

    def __init__(self, fn, name=None):
        self.fn = fn
        super().__init__(name=name or naming.uniquify(fn.__name__.strip("_")))

    def call(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


_OP_CLASSES = {}


def op_class(fn):
    """One Operation subclass per op function, named like Keras's (`add` -> `Add`)."""
    cls = _OP_CLASSES.get(fn.__name__)
    if cls is None:
        cname = "".join(p.capitalize() for p in fn.__name__.strip("_").split("_"))
        cls = type(cname, (FunctionOperation,), {})
        _OP_CLASSES[fn.__name__] = cls
    return cls
