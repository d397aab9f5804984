"""Reading and setting an optimizer's learning rate from callbacks (a cheap Variable assign)."""

import numpy as np


def optimizers_of(model):
    """The model's optimizer(s) as (name or None, optimizer) pairs."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(
            "This callback changes the optimizer's learning rate, but the model has no optimizer. "
            "Call model.compile(optimizer=...) before fit()."
        )
    inner = getattr(optimizer, "optimizers", None)
    if isinstance(inner, (list, tuple)):
        return [(opt.name, opt) for opt in inner]
    return [(None, optimizer)]


def get_learning_rate(optimizer):
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            f"The optimizer {optimizer!r} has no `learning_rate` attribute, so a learning-rate "
            "callback cannot read or change it."
        )
    return float(np.asarray(optimizer.learning_rate))


def log_learning_rates(model, logs):
    """Adds `learning_rate` (or `learning_rate_<name>` per inner optimizer) to epoch logs."""
    for name, optimizer in optimizers_of(model):
        key = "learning_rate" if name is None else f"learning_rate_{name}"
        logs[key] = get_learning_rate(optimizer)
