"""`Node`: one call of an operation on symbolic tensors, the edge list of a functional graph."""

import collections

import jax

from lamina.backend.keras_tensor import KerasTensor

KerasHistory = collections.namedtuple("KerasHistory", ["operation", "node_index", "tensor_index"])


def _is_kt(x):
    return isinstance(x, KerasTensor)


class Node:
    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.outputs_structure = outputs
        self.outputs = [x for x in jax.tree_util.tree_leaves(outputs, is_leaf=_is_kt) if _is_kt(x)]
        self.input_tensors = [
            x for x in jax.tree_util.tree_leaves((self.call_args, self.call_kwargs), is_leaf=_is_kt) if _is_kt(x)
        ]
        self.is_input = not self.input_tensors
        self.parent_nodes = []
        for t in self.input_tensors:
            h = t._keras_history
            if h is not None:
                parent = h.operation._inbound_nodes[h.node_index]
                if parent not in self.parent_nodes:
                    self.parent_nodes.append(parent)
                h.operation._outbound_nodes.append(self)
        operation._inbound_nodes.append(self)
        node_index = len(operation._inbound_nodes) - 1
        for i, t in enumerate(self.outputs):
            t._keras_history = KerasHistory(operation, node_index, i)

    def fill_arguments(self, tensor_values):
        """Replaces each input KerasTensor by its value in `tensor_values` (keyed by id)."""
        def sub(x):
            return tensor_values[id(x)] if _is_kt(x) else x

        return jax.tree_util.tree_map(sub, (self.call_args, self.call_kwargs), is_leaf=_is_kt)

    def __repr__(self):
        return f"<Node operation={self.operation.name}, inputs={len(self.input_tensors)}>"
