"""`LearningRateSchedule`: a learning rate that is a function of the optimizer step.

>>> from lamina.optimizers.schedules import ExponentialDecay
>>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> round(float(schedule(10)), 6)
0.05
"""

import jax.numpy as jnp

from lamina import config as _config
from lamina.backend.variable import Variable
from lamina.saving.object_registry import register_builtin
from lamina.saving.serialization import deserialize_keras_object, serialize_keras_object

register = register_builtin("learning_rate_schedules", "keras.optimizers.schedules")


@register
class LearningRateSchedule:
    """Base class: subclasses implement `__call__(step)` and `get_config()`.

    >>> class HalfEveryStep(LearningRateSchedule):
    ...     def __init__(self, initial_learning_rate):
    ...         self.initial_learning_rate = initial_learning_rate
    ...     def __call__(self, step):
    ...         return self.initial_learning_rate * 0.5 ** step
    ...     def get_config(self):
    ...         return {"initial_learning_rate": self.initial_learning_rate}
    >>> HalfEveryStep(1.0)(2)
    0.25
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` to be "
            "serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def as_float(x, dtype=None):
    """`x` (a number, array or Variable such as the step counter) as a float array."""
    if isinstance(x, Variable):
        x = x.value
    return jnp.asarray(x).astype(dtype or _config.floatx())


def initial_rate(value):
    """The schedule's initial rate as an array; its dtype is the dtype of the whole schedule."""
    if isinstance(value, Variable):
        return value.value
    array = jnp.asarray(value)
    return array if jnp.issubdtype(array.dtype, jnp.floating) else array.astype(_config.floatx())


def check_positive_steps(arg, value):
    if value <= 0:
        raise ValueError(f"Argument `{arg}` must be > 0. Received: {arg}={value!r}")


def serialize(learning_rate_schedule):
    """The Keras 3 dict form of a schedule (`{"module", "class_name", "config", ...}`)."""
    return serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """Rebuilds a schedule from `serialize` output (or a bare class name with a config)."""
    return deserialize_keras_object(
        config, "learning_rate_schedules", custom_objects, what="learning rate schedule"
    )
