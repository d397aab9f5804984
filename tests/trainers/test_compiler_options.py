"""Per-function XLA options: YNNPACK off for convolutional models' training steps on CPU."""

import jax
import numpy as np
import pytest

from lamina import layers, models
from lamina.trainers import compiler_options


def _conv_model():
    return models.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])


def _dense_model():
    return models.Sequential([layers.Input((4,)), layers.Dense(2)])


@pytest.fixture
def on_cpu(monkeypatch):
    monkeypatch.setattr(jax, "default_backend", lambda: "cpu")
    monkeypatch.delenv("XLA_FLAGS", raising=False)


def test_conv_models_get_ynnpack_off(on_cpu):
    assert compiler_options.for_model(_conv_model()) == compiler_options.YNN_OFF


def test_nested_conv_layers_count(on_cpu):
    inner = _conv_model()
    outer = models.Sequential([layers.Input((8, 8, 1)), inner, layers.Dense(1)])
    assert compiler_options.has_convolutions(outer)


def test_defaults_elsewhere(on_cpu, monkeypatch):
    assert compiler_options.for_model(_dense_model()) is None  # no convolutions
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_experimental_ynn_fusion_type=individual_dot")
    assert compiler_options.for_model(_conv_model()) is None  # the user's own setting wins
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    assert compiler_options.for_model(_conv_model()) is None


def test_only_training_steps_get_the_option(on_cpu, monkeypatch):
    seen = []
    real = compiler_options.jit

    def recording_jit(fn, options):
        seen.append(options)
        return real(fn, options)

    monkeypatch.setattr(compiler_options, "jit", recording_jit)
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 8, 8, 1), dtype=np.float32), rng.random((40, 2), dtype=np.float32)
    model = _conv_model()
    model.compile("sgd", "mse")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert seen == [compiler_options.YNN_OFF]
    seen.clear()
    model.evaluate(x, y, batch_size=16, verbose=0)
    model.predict(x, batch_size=16, verbose=0)
    assert seen and all(o is None for o in seen)  # inference keeps XLA's defaults


def test_training_results_do_not_depend_on_the_option(on_cpu, monkeypatch):
    rng = np.random.default_rng(1)
    x, y = rng.random((32, 8, 8, 1), dtype=np.float32), rng.random((32, 2), dtype=np.float32)
    weights = []
    for options in (compiler_options.YNN_OFF, None):
        monkeypatch.setattr(compiler_options, "for_model", lambda model, o=options: o)
        model = _conv_model()
        if weights:
            model.set_weights(weights[0][0])
        start = model.get_weights()
        model.compile("sgd", "mse")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        weights.append((start, model.get_weights()))
    for a, b in zip(weights[0][1], weights[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
