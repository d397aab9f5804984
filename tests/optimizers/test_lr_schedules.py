"""Learning rate schedules against Keras 3: values over steps, under jit, and configs."""

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

from lamina.backend import Variable
from lamina.optimizers import schedules

CASES = [
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.5)),
    ("ExponentialDecay",
     dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.5, staircase=True)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.2, decay_steps=2, decay_rate=0.7)),
    ("InverseTimeDecay",
     dict(initial_learning_rate=0.2, decay_steps=2, decay_rate=0.7, staircase=True)),
    ("PiecewiseConstantDecay", dict(boundaries=[2, 5, 9], values=[1.0, 0.5, 0.25, 0.1])),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=6)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=4, end_learning_rate=0.01,
                             power=0.5, cycle=True)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=8)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=8, alpha=0.2)),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=6, alpha=0.1,
                         warmup_target=0.3, warmup_steps=4)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=3)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=3, t_mul=1.0,
                                 m_mul=0.5, alpha=0.1)),
]
IDS = [f"{name}-{i}" for i, (name, _) in enumerate(CASES)]
STEPS = np.arange(0, 16)


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_values_match_keras(name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    want = np.array([float(theirs(int(s))) for s in STEPS])
    got = np.array([float(ours(int(s))) for s in STEPS])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    # Traced int32 steps (the optimizer's counter inside a jitted step) give the same values.
    traced = jax.jit(jax.vmap(ours))(jnp.asarray(STEPS, "int32"))
    np.testing.assert_allclose(np.asarray(traced), want, rtol=1e-5, atol=1e-7)
    # And so does the step counter Variable itself.
    assert float(ours(Variable(np.int32(5), dtype="int32", name="it"))) == pytest.approx(want[5])


@pytest.mark.parametrize("name, kwargs", CASES, ids=IDS)
def test_config_and_serialization_match_keras(name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert schedules.serialize(ours) == keras.optimizers.schedules.serialize(theirs)
    restored = schedules.deserialize(keras.optimizers.schedules.serialize(theirs))
    assert type(restored) is type(ours) and restored.get_config() == ours.get_config()


@pytest.mark.parametrize("make", [
    lambda: schedules.ExponentialDecay(0.1, 0, 0.5),
    lambda: schedules.InverseTimeDecay(0.1, -1, 0.5),
    lambda: schedules.PolynomialDecay(0.1, 0),
    lambda: schedules.CosineDecay(0.1, 0),
    lambda: schedules.CosineDecayRestarts(0.1, 0),
    lambda: schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5]),
])
def test_invalid_arguments_raise(make):
    with pytest.raises(ValueError, match="Received"):
        make()


def test_base_class_requires_call_and_unknown_class_is_reported():
    with pytest.raises(NotImplementedError, match="__call__"):
        schedules.LearningRateSchedule()(0)
    with pytest.raises(ValueError, match="ExponentialDecai"):
        schedules.deserialize({"class_name": "ExponentialDecai", "config": {}})
