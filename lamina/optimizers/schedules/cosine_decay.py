"""`CosineDecay`: an optional linear warmup, then a half-cosine down to `alpha` times the peak.

>>> from lamina.optimizers.schedules import CosineDecay
>>> schedule = CosineDecay(0.0, decay_steps=2, warmup_target=1.0, warmup_steps=2)
>>> [round(float(schedule(s)), 4) for s in range(5)]
[0.0, 0.5, 1.0, 0.5, 0.0]
"""

import math

import jax.numpy as jnp

from lamina.optimizers.schedules import learning_rate_schedule as _base


@_base.register
class CosineDecay(_base.LearningRateSchedule):
    """Without `warmup_target`: decays `initial_learning_rate` over `decay_steps`. With it:
    rises linearly from `initial_learning_rate` to `warmup_target` over `warmup_steps`, then
    decays from `warmup_target`. The floor is `alpha` times the starting point of the decay."""

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _base.check_positive_steps("decay_steps", decay_steps)

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = step / decay_steps
        cosine = 0.5 * (1.0 + jnp.cos(jnp.asarray(math.pi, dtype) * fraction))
        return decay_from * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        initial = _base.initial_rate(self.initial_learning_rate)
        dtype = initial.dtype
        decay_steps = jnp.asarray(self.decay_steps, dtype)
        step = _base.as_float(step, dtype)
        if self.warmup_target is None:
            return self._decay(jnp.minimum(step, decay_steps), decay_steps, initial, dtype)
        target = jnp.asarray(self.warmup_target, dtype)
        warmup_steps = jnp.asarray(self.warmup_steps, dtype)
        step = jnp.minimum(step, decay_steps + warmup_steps)
        # Both branches are computed and one is selected, so a traced step needs no Python `if`.
        warmup = (target - initial) * (step / warmup_steps) + initial
        decayed = self._decay(step - warmup_steps, decay_steps, target, dtype)
        return jnp.where(step < warmup_steps, warmup, decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }
