"""`PiecewiseConstantDecay`: `values[i]` while `boundaries[i-1] < step <= boundaries[i]`.

>>> from lamina.optimizers.schedules import PiecewiseConstantDecay
>>> schedule = PiecewiseConstantDecay(boundaries=[1, 3], values=[1.0, 0.5, 0.1])
>>> [round(float(schedule(s)), 2) for s in range(5)]
[1.0, 1.0, 0.5, 0.5, 0.1]
"""

import jax.numpy as jnp

from lamina.backend.variable import Variable
from lamina.optimizers.schedules import learning_rate_schedule as _base


@_base.register
class PiecewiseConstantDecay(_base.LearningRateSchedule):
    """A step function: `values` has one more entry than the increasing `boundaries`."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay needs exactly one more value than boundaries. Received: "
                f"boundaries={boundaries} (length {len(boundaries)}) and values={values} "
                f"(length {len(values)})."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = jnp.asarray(step.value if isinstance(step, Variable) else step)
        # Boundaries are compared in the step's dtype, as Keras does (float bounds vs int steps).
        bounds = [jnp.asarray(b).astype(step.dtype) for b in self.boundaries]
        values = [_base.initial_rate(v) for v in self.values]
        dtype = values[0].dtype
        result = (step <= bounds[0]).astype(dtype) * values[0]
        result = result + (step > bounds[-1]).astype(dtype) * values[-1]
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            result = result + ((step > low) & (step <= high)).astype(dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}
