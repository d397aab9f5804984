"""`lamina.optimizers.schedules`: learning rates that change with the optimizer step.

>>> from lamina.optimizers import SGD
>>> from lamina.optimizers.schedules import CosineDecay
>>> opt = SGD(learning_rate=CosineDecay(0.1, decay_steps=1000))
>>> round(float(opt.learning_rate), 4)
0.1
"""

from lamina.optimizers.schedules.cosine_decay import CosineDecay
from lamina.optimizers.schedules.cosine_decay_restarts import CosineDecayRestarts
from lamina.optimizers.schedules.exponential_decay import ExponentialDecay
from lamina.optimizers.schedules.inverse_time_decay import InverseTimeDecay
from lamina.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
    deserialize,
    serialize,
)
from lamina.optimizers.schedules.piecewise_constant_decay import PiecewiseConstantDecay
from lamina.optimizers.schedules.polynomial_decay import PolynomialDecay

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
