"""Re-compiling a loaded model from the `"compile_config"` that Keras 3 stores in `.keras` files.

The config holds the optimizer, loss(es) and metrics serialized (strings like `"mse"` stay
strings). A model that defines `compile_from_config` does it itself; otherwise the objects are
deserialized here and passed to `model.compile(...)`.

>>> from lamina.saving.compile_io import deserialize_compile_config
>>> deserialize_compile_config({"loss": "mse", "metrics": ["mae"], "loss_weights": None})
{'loss': 'mse', 'metrics': ['mae'], 'loss_weights': None}
"""

import inspect
import warnings


def deserialize_compile_config(config, custom_objects=None):
    """The compile arguments with every serialized object turned back into an object."""
    from lamina.saving.serialization import deserialize_keras_object

    def one(v):
        # Already an object (deserialized by the caller): keep it.
        if v is None or isinstance(v, (str, int, float, bool, dict)):
            return deserialize_keras_object(v, custom_objects=custom_objects)
        if isinstance(v, (list, tuple)):
            return [one(e) for e in v]
        return v

    return {k: one(v) for k, v in config.items()}


def compile_from_config(model, config, custom_objects=None):
    """Compiles `model` as described by `config` and builds its optimizer's variables."""
    if not config:
        return
    own = getattr(type(model), "compile_from_config", None)
    if own is not None:
        # Objects, not dicts: Keras writes metric objects as configs, and a model's own
        # compile_from_config need not know every serialized form.
        model.compile_from_config(deserialize_compile_config(config, custom_objects))
    else:
        if not callable(getattr(model, "compile", None)):
            warnings.warn(
                f"The file has a compile config, but model '{getattr(model, 'name', model)}' has no "
                "compile() method; it is loaded uncompiled.",
                stacklevel=3,
            )
            return
        kwargs = deserialize_compile_config(config, custom_objects)
        try:
            accepted = inspect.signature(model.compile).parameters
        except (TypeError, ValueError):
            accepted = {}
        if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in accepted.values()):
            kwargs = {k: v for k, v in kwargs.items() if k in accepted}
        model.compile(**kwargs)
    build_optimizer(model)


def build_optimizer(model):
    """Creates the optimizer's slot variables now, so saved optimizer state can be loaded."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(optimizer, "built", True) or not getattr(model, "built", False):
        return
    if not hasattr(optimizer, "build"):
        return
    variables = list(model.trainable_variables)
    if variables:
        optimizer.build(variables)
