"""Test set-up: real Keras 3 (the oracle) runs on its JAX backend; silent rank promotion fails."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1")

import jax  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def keras3():
    """Real Keras 3 (jax backend), imported lazily so tests that do not need it stay fast."""
    import keras

    assert keras.backend.backend() == "jax"
    return keras


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _fresh_names():
    from lamina.backend import naming

    naming.reset_uids()
    yield


jax.config.update("jax_numpy_rank_promotion", "allow")
