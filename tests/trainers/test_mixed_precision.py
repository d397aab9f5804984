"""Mixed precision: dtype policies, float32 variables, compute dtype, float16 loss scaling."""

import jax.numpy as jnp
import numpy as np
import pytest

import lamina as keras
from lamina import layers


@pytest.fixture
def policy():
    def set_policy(name):
        keras.config.set_dtype_policy(name)

    yield set_policy
    keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("name,compute", [("mixed_bfloat16", "bfloat16"), ("mixed_float16", "float16")])
def test_policy_keeps_float32_variables_and_computes_in_low_precision(keras3, policy, name, compute):
    policy(name)
    dense = layers.Dense(4)
    y = dense(np.ones((2, 3), "float32"))
    assert dense.kernel.dtype == "float32" and str(y.dtype) == compute
    assert dense.dtype_policy.name == name and dense.compute_dtype == compute
    keras3.config.set_dtype_policy(name)
    try:
        kd = keras3.layers.Dense(4)
        ky = kd(np.ones((2, 3), "float32"))
        assert str(ky.dtype) == str(y.dtype) and kd.kernel.dtype == dense.kernel.dtype
        kd.set_weights(dense.get_weights())
        np.testing.assert_allclose(np.asarray(kd(np.ones((2, 3)))).astype("float32"),
                                   np.asarray(dense(np.ones((2, 3)))).astype("float32"), rtol=1e-2)
    finally:
        keras3.config.set_dtype_policy("float32")


def test_mixed_bfloat16_model_trains(policy):
    policy("mixed_bfloat16")
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1, dtype="float32")])
    model.compile("adam", "mse")
    x = np.random.rand(128, 8).astype("float32")
    y = x.sum(1, keepdims=True)
    h = model.fit(x, y, epochs=10, batch_size=32, verbose=0).history
    assert h["loss"][-1] < h["loss"][0]
    assert all(v.dtype == "float32" for v in model.weights)


def test_mixed_float16_wraps_optimizer_in_loss_scaling(policy):
    policy("mixed_float16")
    model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1, dtype="float32")])
    model.compile("adam", "mse")
    assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    x = np.random.rand(128, 8).astype("float32")
    h = model.fit(x, x.sum(1, keepdims=True), epochs=10, batch_size=32, verbose=0).history
    assert h["loss"][-1] < h["loss"][0]


def test_loss_scale_optimizer_skips_non_finite_steps_and_halves_the_scale():
    v = keras.Variable(np.ones(3, "float32"), name="w")
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.5), initial_scale=8.0, dynamic_growth_steps=2)
    opt.build([v])
    opt.apply([jnp.array([np.inf, 1.0, 1.0])], [v])
    np.testing.assert_array_equal(v.numpy(), np.ones(3))  # skipped
    assert float(opt.dynamic_scale.numpy()) == 4.0
    opt.apply([jnp.full(3, 4.0)], [v])  # unscaled gradient 1.0 -> w = 1 - 0.5
    np.testing.assert_allclose(v.numpy(), np.full(3, 0.5))
    opt.apply([jnp.full(3, 4.0)], [v])  # second good step in a row: the scale doubles
    assert float(opt.dynamic_scale.numpy()) == 8.0
