"""`lamina.optimizers`: Keras 3 optimizers (SGD, Adam, RMSprop, ...) and `get`.

>>> from lamina import optimizers
>>> opt = optimizers.get("adam")
>>> type(opt).__name__, opt.get_config()["beta_1"]
('Adam', 0.9)
"""

import difflib

from lamina.optimizers import schedules
from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lion import Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer  # noqa: E402  (needs get())
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.sgd import SGD
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object

_ALL = [Adadelta, Adagrad, Adam, Adamax, AdamW, Ftrl, Lion, Nadam, Optimizer, RMSprop, SGD]
# Names are matched case-insensitively, as in Keras ('adam', 'RMSProp', 'sgd').
_BY_LOWER_NAME = {cls.__name__.lower(): cls for cls in _ALL}


def serialize(optimizer):
    """The Keras 3 dict form `{"module", "class_name", "config", "registered_name"}`.

    >>> serialize(SGD())["class_name"]
    'SGD'
    """
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """Rebuilds an optimizer from `serialize` output; built-in class names ignore case.

    >>> type(deserialize({"class_name": "adam", "config": {"learning_rate": 0.1}})).__name__
    'Adam'
    """
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        builtin = _BY_LOWER_NAME.get(config["class_name"].lower())
        custom = (custom_objects or {}).get(config["class_name"])
        if builtin is not None and custom is None and not config.get("registered_name"):
            config = dict(config, class_name=builtin.__name__)
    return deserialize_keras_object(config, "optimizers", custom_objects, what="optimizer")


def get(identifier):
    """Returns an optimizer from a name (`'adam'`), a serialized dict, or an instance.

    >>> type(get("RMSprop")).__name__
    'RMSprop'
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_LOWER_NAME.get(identifier.lower())
        if cls is None or cls is Optimizer:
            valid = sorted(name for name in _BY_LOWER_NAME if name != "optimizer")
            close = difflib.get_close_matches(identifier.lower(), valid, n=3)
            hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"Unknown optimizer: '{identifier}'.{hint} Valid names (case-insensitive) are: "
                f"{', '.join(valid)}. You can also pass an optimizer instance."
            )
        return cls()
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
        if isinstance(obj, Optimizer):
            return obj
    raise ValueError(
        "Could not interpret optimizer identifier: expected a name such as 'adam', a dict "
        "from `serialize`, or an Optimizer instance. "
        f"Received: {identifier!r}"
    )


__all__ = [
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "SGD",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
