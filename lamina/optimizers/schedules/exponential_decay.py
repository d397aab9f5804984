"""`ExponentialDecay`: `initial_learning_rate * decay_rate ** (step / decay_steps)`.

>>> from lamina.optimizers.schedules import ExponentialDecay
>>> schedule = ExponentialDecay(1.0, decay_steps=2, decay_rate=0.5, staircase=True)
>>> [float(schedule(s)) for s in range(4)]
[1.0, 1.0, 0.5, 0.5]
"""

import jax.numpy as jnp

from lamina.optimizers.schedules import learning_rate_schedule as _base


@_base.register
class ExponentialDecay(_base.LearningRateSchedule):
    """Decays by `decay_rate` every `decay_steps` steps (continuously, or in steps with
    `staircase=True`)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name="ExponentialDecay"):
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
        return initial * jnp.power(jnp.asarray(self.decay_rate, initial.dtype), p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }
