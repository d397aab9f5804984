"""`CosineDecayRestarts` (SGDR): cosine decays that restart, each `t_mul` times longer and
`m_mul` times lower than the one before.

>>> from lamina.optimizers.schedules import CosineDecayRestarts
>>> schedule = CosineDecayRestarts(1.0, first_decay_steps=2, t_mul=1.0)
>>> [round(float(schedule(s)), 4) for s in range(4)]
[1.0, 0.5, 1.0, 0.5]
"""

import math

import jax.numpy as jnp

from lamina.optimizers.schedules import learning_rate_schedule as _base


@_base.register
class CosineDecayRestarts(_base.LearningRateSchedule):
    """Cosine decay with warm restarts; the floor is `alpha * initial_learning_rate`."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                 name="SGDRDecay"):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _base.check_positive_steps("first_decay_steps", first_decay_steps)

    def __call__(self, step):
        initial = _base.initial_rate(self.initial_learning_rate)
        dtype = initial.dtype
        alpha = jnp.asarray(self.alpha, dtype)
        t_mul = jnp.asarray(self._t_mul, dtype)
        m_mul = jnp.asarray(self._m_mul, dtype)
        fraction = _base.as_float(step, dtype) / jnp.asarray(self.first_decay_steps, dtype)
        if float(self._t_mul) == 1.0:
            restart = jnp.floor(fraction)
            fraction = fraction - restart
        else:
            # Periods grow geometrically: restart i begins at (1 - t_mul**i) / (1 - t_mul).
            restart = jnp.floor(jnp.log(1.0 - fraction * (1.0 - t_mul)) / jnp.log(t_mul))
            start = (1.0 - jnp.power(t_mul, restart)) / (1.0 - t_mul)
            fraction = (fraction - start) / jnp.power(t_mul, restart)
        cosine = 0.5 * jnp.power(m_mul, restart) * (
            1.0 + jnp.cos(jnp.asarray(math.pi, dtype) * fraction)
        )
        return initial * ((1 - alpha) * cosine + alpha)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }
