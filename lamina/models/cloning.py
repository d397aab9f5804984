"""`clone_model`: a new model with the same architecture and freshly initialized weights.

Each layer is re-created by `clone_function` (default: `Layer.from_config(layer.get_config())`)
and the graph is rebuilt by calling the clones in the original order, so shared layers stay
shared (one clone called several times).

>>> import lamina as keras
>>> from lamina.models.cloning import clone_model
>>> x = keras.Input((3,))
>>> model = keras.Model(x, keras.layers.Dense(2, name="d")(x))
>>> clone = clone_model(model)
>>> clone.get_layer("d") is model.get_layer("d"), clone.output_shape
(False, (None, 2))
"""

import jax

from lamina.backend.keras_tensor import KerasTensor


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def _is_kt(x):
    return isinstance(x, KerasTensor)


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive=False,
                **kwargs):
    """Clones a Sequential, Functional or subclassed model (weights are not copied).

    Args:
        model: the model to clone.
        input_tensors: `keras.Input` tensors to build the clone on (instead of new ones).
        clone_function: `fn(layer) -> layer` making each new layer (e.g. to change a config).
        call_function: `fn(layer, *args, **kwargs)` calling each cloned layer in a functional
            graph (to wrap or replace calls).
        recursive: clone nested Sequential/Functional models with the same functions (by default
            `clone_function` receives the nested model itself).
    """
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    if kwargs:
        raise ValueError(f"clone_model() got unexpected arguments: {sorted(kwargs)}.")
    if isinstance(model, Sequential):
        return _clone_sequential(model, input_tensors, clone_function or _default_clone, recursive,
                                 call_function)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_function or _default_clone,
                                 call_function, recursive)
    if input_tensors is not None or clone_function is not None or call_function is not None:
        raise ValueError(
            "clone_model(): `input_tensors`, `clone_function` and `call_function` apply to "
            f"Sequential and functional models only; '{model.name}' is a subclassed "
            f"{type(model).__name__}. Call clone_model(model) without them."
        )
    return type(model).from_config(model.get_config())


def _cloner(clone_function, recursive, call_function):
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    def clone(layer):
        if recursive and isinstance(layer, (Sequential, Functional)):
            return clone_model(layer, clone_function=clone_function, call_function=call_function,
                               recursive=True)
        new = clone_function(layer)
        if new is None:
            raise ValueError(
                f"clone_model(): clone_function returned None for layer '{layer.name}'; it must "
                "return a layer (return the argument itself to reuse a layer)."
            )
        return new

    return clone


def _clone_sequential(model, input_tensors, clone_function, recursive, call_function):
    from lamina.layers.core.input_layer import InputLayer
    from lamina.models.sequential import Sequential

    clone = _cloner(clone_function, recursive, call_function)
    layers = [clone(layer) for layer in model.layers]
    if input_tensors is not None:
        tensors = input_tensors if isinstance(input_tensors, (list, tuple)) else [input_tensors]
        if len(tensors) != 1 or not _is_kt(tensors[0]):
            raise ValueError(
                "clone_model(): a Sequential model takes one input tensor (from keras.Input). "
                f"Received: input_tensors={input_tensors!r}"
            )
        return Sequential([tensors[0], *layers], name=model.name, trainable=model.trainable)
    head = []
    input_layer = getattr(model, "_input_layer", None)
    if isinstance(input_layer, InputLayer):
        head = [InputLayer.from_config(input_layer.get_config())]
    return Sequential(head + layers, name=model.name, trainable=model.trainable)


def _clone_functional(model, input_tensors, clone_function, call_function, recursive):
    from lamina.layers.core.input_layer import InputLayer
    from lamina.layers.layer import Layer
    from lamina.models.functional import Functional
    from lamina.models.functional_config import _build_map

    clone = _cloner(clone_function, recursive, call_function)
    tensors = {}
    if input_tensors is not None:
        given = jax.tree_util.tree_leaves(input_tensors, is_leaf=_is_kt)
        if len(given) != len(model._inputs) or not all(_is_kt(t) for t in given):
            raise ValueError(
                f"clone_model(): model '{model.name}' has {len(model._inputs)} inputs; "
                f"input_tensors must be that many keras.Input tensors. Received: {input_tensors!r}"
            )
        for old, new in zip(model._inputs, given):
            tensors[id(old)] = new
    else:
        for old in model._inputs:
            layer = old._keras_history.operation
            tensors[id(old)] = InputLayer.from_config(layer.get_config()).output
    clones = {}
    nodes, _ = _build_map(model._inputs, model._outputs)
    for node in nodes:
        if node.is_input or all(id(t) in tensors for t in node.outputs):
            continue
        op = node.operation
        args, kwargs = jax.tree_util.tree_map(
            lambda x: tensors[id(x)] if _is_kt(x) else x, (list(node.call_args), node.call_kwargs),
            is_leaf=_is_kt,
        )
        if isinstance(op, Layer):
            if id(op) not in clones:
                clones[id(op)] = clone(op)
            target = clones[id(op)]
            out = call_function(target, *args, **kwargs) if call_function else target(*args, **kwargs)
        else:
            out = type(op)(op.fn)(*args, **kwargs)
        flat = [t for t in jax.tree_util.tree_leaves(out, is_leaf=_is_kt) if _is_kt(t)]
        for old, new in zip(node.outputs, flat):
            tensors[id(old)] = new

    def remap(struct):
        return jax.tree_util.tree_map(lambda t: tensors[id(t)], struct, is_leaf=_is_kt)

    new_inputs = input_tensors if input_tensors is not None else remap(model._inputs_struct)
    return Functional(new_inputs, remap(model._outputs_struct), name=model.name,
                      trainable=model.trainable)
