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
    # Automatic names (`dense_1`, ...) in both libraries must not depend on which tests ran
    # before in the same worker process (tests compare configs and summaries by name).
    import sys

    from lamina.backend import naming

    naming.reset_uids()
    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session(free_memory=False)
    yield


jax.config.update("jax_numpy_rank_promotion", "allow")
