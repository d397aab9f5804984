"""`Functional`: a model defined by a graph of layers called on `keras.Input` tensors.

>>> import lamina as keras
>>> from lamina import layers
>>> a, b = keras.Input(shape=(10,)), keras.Input(shape=(5,))
>>> merged = layers.Concatenate()([layers.Dense(4)(a), layers.Dense(2)(b)])
>>> model = keras.Model([a, b], layers.Dense(1)(merged))
>>> model.output_shape
(None, 1)
"""

import jax
import numpy as np

from lamina.backend.keras_tensor import KerasTensor
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model
from lamina.trainers.trainer import Trainer


def _is_kt(x):
    return isinstance(x, KerasTensor)


def _flatten(struct):
    return jax.tree_util.tree_leaves(struct, is_leaf=lambda x: _is_kt(x) or isinstance(x, Layer))


class Functional(Model):
    def __new__(cls, *args, **kwargs):
        return Layer.__new__(cls, *args, **kwargs)

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Layer.__init__(self, name=name, trainable=trainable, **kwargs)
        Trainer.__init__(self)
        self._init_graph(inputs, outputs)

    # ------------------------------------------------------------------ graph construction
    def _init_graph(self, inputs, outputs):
        if isinstance(inputs, dict):
            inputs = {k: inputs[k] for k in inputs}
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        flat_in = _flatten(inputs)
        flat_out = _flatten(outputs)
        for t in flat_out:
            if isinstance(t, Layer):
                raise ValueError(
                    f"Model outputs must be tensors, but a layer object was given: {t!r}. Call the "
                    f"layer on a tensor to get its output, e.g. `{type(t).__name__}(...)(x)` instead of "
                    f"`{type(t).__name__}(...)`."
                )
            if not _is_kt(t):
                raise ValueError(
                    "Model outputs must be symbolic tensors returned by layers called on keras.Input "
                    f"tensors. Received: {t!r}"
                )
        for t in flat_in:
            if not _is_kt(t):
                raise ValueError(
                    "Model inputs must be tensors created by keras.Input(...). "
                    f"Received: {t!r}"
                )
            if not isinstance(t._keras_history.operation, InputLayer):
                raise ValueError(
                    f"Model inputs must come from keras.Input(); tensor '{t.name}' is the output of "
                    f"layer '{t._keras_history.operation.name}'. Use the Input tensor itself."
                )
        seen = set()
        for t in flat_in:
            if id(t) in seen:
                raise ValueError(
                    f"Input tensor '{t.name}' appears twice in the model inputs. Each keras.Input may "
                    "be listed once; to feed the same data twice, create two Inputs."
                )
            seen.add(id(t))
        self._inputs = flat_in
        self._outputs = flat_out
        self._nodes = self._topological_nodes()
        layers = [op for op in self._layers_in_keras_order() if isinstance(op, Layer)]
        names = {}
        for layer in layers:
            if layer.name in names:
                raise ValueError(
                    f"The name '{layer.name}' is used by two layers in model '{self.name}'. All layer "
                    "names must be unique: pass a different `name=` to one of them."
                )
            names[layer.name] = layer
        object.__setattr__(self, "_tracking", False)
        self._layers = layers
        object.__setattr__(self, "_tracking", True)
        self.built = True
        self._build_shapes_dict = None

    def _topological_nodes(self):
        input_ids = {id(t) for t in self._inputs}
        order, visiting, done = [], set(), set()
        first_seen = {}  # operation id -> pre-order index: breaks ties as Keras does

        def visit(tensor, path_out):
            h = tensor._keras_history
            if h is None:
                raise ValueError(f"Tensor {tensor.name} was not produced by a layer; it cannot be in a model.")
            node = h.operation._inbound_nodes[h.node_index]
            if id(node) in done:
                return
            first_seen.setdefault(id(h.operation), len(first_seen))
            if id(tensor) in input_ids:
                done.add(id(node))
                order.append(node)
                return
            if node.is_input:
                raise ValueError(
                    f"Output '{path_out.name}' depends on the Input '{tensor.name}' (shape "
                    f"{tensor.shape}), which is not among the model inputs "
                    f"{[t.name for t in self._inputs]}. Add it to `inputs=`."
                )
            if id(node) in visiting:
                raise ValueError("The layer graph has a cycle; a functional model must be acyclic.")
            visiting.add(id(node))
            for t in node.input_tensors:
                visit(t, path_out)
            visiting.discard(id(node))
            done.add(id(node))
            order.append(node)

        for t in self._outputs:
            visit(t, t)
        used_inputs = {id(n.outputs[0]) for n in order if n.is_input}
        for t in self._inputs:
            if id(t) not in used_inputs:
                order.insert(0, t._keras_history.operation._inbound_nodes[t._keras_history.node_index])
                first_seen.setdefault(id(t._keras_history.operation), -1)
        self._first_seen = first_seen
        return order

    def _layers_in_keras_order(self):
        """Operations by decreasing depth from the outputs, ties by first visit (Keras's order).

        `model.layers`, and so `weights`/`get_weights`/`set_weights`, follow this order, which
        makes weight lists interchangeable with Keras's.
        """
        node_depth, op_depth = {}, {}
        in_graph = {id(n) for n in self._nodes}
        for node in reversed(self._nodes):
            depth = max(node_depth.setdefault(id(node), 0), op_depth.get(id(node.operation), 0))
            op_depth[id(node.operation)] = depth
            node_depth[id(node)] = depth
            for parent in node.parent_nodes:
                if id(parent) in in_graph:
                    node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
        ops, seen = [], set()
        for node in self._nodes:
            if id(node.operation) not in seen:
                seen.add(id(node.operation))
                ops.append(node.operation)
        ops.sort(key=lambda op: (-op_depth.get(id(op), 0), self._first_seen.get(id(op), 0)))
        return ops

    # ------------------------------------------------------------------ properties
    @property
    def inputs(self):
        return list(self._inputs)

    @property
    def outputs(self):
        return list(self._outputs)

    @property
    def input_names(self):
        return [t._keras_history.operation.name for t in self._inputs]

    @property
    def output_names(self):
        return [t._keras_history.operation.name for t in self._outputs]

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self._outputs]
        return shapes[0] if len(shapes) == 1 and not isinstance(self._outputs_struct, (list, tuple, dict)) else (
            shapes[0] if len(shapes) == 1 else shapes
        )

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    def _flat_layers(self):
        return [layer for layer in self._layers if not isinstance(layer, InputLayer)]

    # ------------------------------------------------------------------ running
    def _standardize_inputs(self, inputs):
        flat_in = self._inputs
        if isinstance(self._inputs_struct, dict) and isinstance(inputs, dict):
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(
                    f"Model '{self.name}' is missing inputs {missing}. Expected keys: "
                    f"{list(self._inputs_struct)}; received keys: {list(inputs)}."
                )
            values = [inputs[k] for k in self._inputs_struct]
        elif isinstance(inputs, dict):
            names = self.input_names
            unknown = [k for k in inputs if k not in names]
            if unknown:
                raise ValueError(
                    f"Model '{self.name}' received inputs keyed {unknown}, which are not input names. "
                    f"Input names: {names}."
                )
            values = [inputs[n] for n in names]
        elif isinstance(inputs, (list, tuple)):
            values = list(inputs)
        else:
            values = [inputs]
        if len(values) != len(flat_in):
            raise ValueError(
                f"Model '{self.name}' expects {len(flat_in)} input(s) "
                f"({', '.join(f'{n} {t.shape}' for n, t in zip(self.input_names, flat_in))}), "
                f"but received {len(values)}. Pass a list with one array per input."
            )
        for name, t, v in zip(self.input_names, flat_in, values):
            shape = tuple(np.shape(v)) if not hasattr(v, "shape") else tuple(v.shape)
            expected = t.shape
            # The batch axis is never checked, as in Keras: any batch size may be fed.
            if len(shape) != len(expected) or any(
                e is not None and s is not None and e != s for e, s in zip(expected[1:], shape[1:])
            ):
                raise ValueError(
                    f"Input '{name}' of model '{self.name}' expects shape {expected}, received "
                    f"shape {shape}. Reshape the data (the first axis is the batch)."
                )
        return values

    def call(self, inputs, training=None, mask=None):
        values = self._standardize_inputs(inputs)
        tensor_values = {}
        masks = {}
        for t, v in zip(self._inputs, values):
            tensor_values[id(t)] = v
        if mask is not None:
            for t, m in zip(self._inputs, mask if isinstance(mask, (list, tuple)) else [mask]):
                masks[id(t)] = m
        for node in self._nodes:
            if node.is_input:
                continue
            op = node.operation
            args, kwargs = node.fill_arguments(tensor_values)
            if isinstance(op, Layer):
                if op._call_has_mask and "mask" not in kwargs:
                    in_masks = [masks.get(id(t)) for t in node.input_tensors]
                    if any(m is not None for m in in_masks):
                        kwargs["mask"] = in_masks[0] if len(in_masks) == 1 else in_masks
                if op._call_mask_args:
                    _fill_argument_masks(op, node, kwargs, masks)
                if op._call_has_training and training is not None:
                    # The call's `training` wins over one recorded on the node (Keras files record
                    # training=True on augmentation layers; predict must still run in inference).
                    kwargs["training"] = training
                outputs = op(*args, **kwargs)
            else:
                outputs = op.call(*args, **kwargs)
            flat = jax.tree_util.tree_leaves(outputs)
            for t, v in zip(node.outputs, flat):
                tensor_values[id(t)] = v
            if isinstance(op, Layer) and (op.supports_masking or op._overrides("compute_mask")):
                in_masks = [masks.get(id(t)) for t in node.input_tensors]
                prev = in_masks[0] if len(in_masks) == 1 else (in_masks if any(m is not None for m in in_masks) else None)
                out_mask = op.compute_mask(args[0] if args else None, prev)
                if out_mask is not None:
                    out_masks = out_mask if isinstance(out_mask, (list, tuple)) else [out_mask] * len(node.outputs)
                    for t, m in zip(node.outputs, out_masks):
                        masks[id(t)] = m
        outputs = self._outputs_struct
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1 and _is_kt(outputs[0]):
            # Keras returns a single array for `Model(x, [y])`.
            outputs = outputs[0]
        return jax.tree_util.tree_map(lambda t: tensor_values[id(t)], outputs, is_leaf=_is_kt)

    def compute_output_spec(self, inputs, training=None, mask=None):
        return super().compute_output_spec(inputs)

    # ------------------------------------------------------------------ config
    def get_build_config(self):
        return {"input_shape": None}

    def get_config(self):
        from lamina.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


def _fill_argument_masks(layer, node, kwargs, masks):
    """Passes each tensor argument's mask as `<arg>_mask` where the layer's call takes one."""
    try:
        bound = layer._call_signature.bind_partial(*node.call_args, **node.call_kwargs).arguments
    except TypeError:
        return
    for arg, mask_name in layer._call_mask_args.items():
        if arg not in bound or bound.get(mask_name) is not None:
            continue  # no such argument in this call, or a mask given explicitly
        value = bound[arg]
        tensors = [t for t in jax.tree_util.tree_leaves(value, is_leaf=_is_kt) if _is_kt(t)]
        found = [masks.get(id(t)) for t in tensors]
        if any(m is not None for m in found):
            kwargs[mask_name] = found[0] if _is_kt(value) else found
