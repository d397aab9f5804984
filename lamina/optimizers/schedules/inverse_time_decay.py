"""`InverseTimeDecay`: `initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

>>> from lamina.optimizers.schedules import InverseTimeDecay
>>> schedule = InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0)
>>> [float(schedule(s)) for s in range(3)]
[1.0, 0.5, 0.3333333432674408]
"""

import jax.numpy as jnp

from lamina.optimizers.schedules import learning_rate_schedule as _base


@_base.register
class InverseTimeDecay(_base.LearningRateSchedule):
    """1/t decay; with `staircase=True`, `step / decay_steps` is floored. Keras 2's optimizer
    argument `decay=d` equals `InverseTimeDecay(lr, decay_steps=1, decay_rate=d)`."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="InverseTimeDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _base.check_positive_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial = _base.initial_rate(self.initial_learning_rate)
        p = _base.as_float(step, initial.dtype) / jnp.asarray(self.decay_steps, initial.dtype)
        if self.staircase:
            p = jnp.floor(p)
        return initial / (1 + jnp.asarray(self.decay_rate, initial.dtype) * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
