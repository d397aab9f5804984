"""`PolynomialDecay`: from `initial_learning_rate` to `end_learning_rate` along `(1 - t) ** power`.

>>> from lamina.optimizers.schedules import PolynomialDecay
>>> schedule = PolynomialDecay(1.0, decay_steps=4, end_learning_rate=0.0)
>>> [float(schedule(s)) for s in (0, 2, 4, 8)]
[1.0, 0.5, 0.0, 0.0]
"""

import jax.numpy as jnp

from lamina.optimizers.schedules import learning_rate_schedule as _base


@_base.register
class PolynomialDecay(_base.LearningRateSchedule):
    """Reaches `end_learning_rate` after `decay_steps`; with `cycle=True` it restarts from a
    multiple of `decay_steps` instead of staying there."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _base.check_positive_steps("decay_steps", decay_steps)

    def __call__(self, step):
        initial = _base.initial_rate(self.initial_learning_rate)
        dtype = initial.dtype
        end = jnp.asarray(self.end_learning_rate, dtype)
        step = _base.as_float(step, dtype)
        decay_steps = jnp.asarray(self.decay_steps, dtype)
        if self.cycle:
            multiplier = jnp.where(step == 0, 1.0, jnp.ceil(step / decay_steps)).astype(dtype)
            decay_steps = decay_steps * multiplier
        else:
            step = jnp.minimum(step, decay_steps)
        p = step / decay_steps
        return (initial - end) * jnp.power(1 - p, jnp.asarray(self.power, dtype)) + end

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }
