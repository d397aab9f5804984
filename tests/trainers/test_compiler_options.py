"""Per-function XLA options: YNNPACK off for convolutional models' batch functions on CPU."""

import jax
import numpy as np
import pytest

from lamina import layers, models
from lamina.models import forward
from lamina.trainers import compiler_options


def _conv_model():
    return models.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])


def _dense_model():
    return models.Sequential([layers.Input((4,)), layers.Dense(2)])


@pytest.fixture
def on_cpu(monkeypatch):
    monkeypatch.setattr(jax, "default_backend", lambda: "cpu")
    monkeypatch.delenv("XLA_FLAGS", raising=False)


def test_conv_models_get_ynnpack_off_for_batches(on_cpu):
    assert compiler_options.for_model(_conv_model()) == compiler_options.YNN_OFF
    assert compiler_options.for_model(_conv_model(), batch=32) == compiler_options.YNN_OFF


def test_nested_conv_layers_count(on_cpu):
    inner = _conv_model()
    outer = models.Sequential([layers.Input((8, 8, 1)), inner, layers.Dense(1)])
    assert compiler_options.has_convolutions(outer)


def test_defaults_elsewhere(on_cpu, monkeypatch):
    assert compiler_options.for_model(_dense_model()) is None  # no convolutions
    assert compiler_options.for_model(_conv_model(), batch=1) is None  # YNNPACK wins at batch 1
    monkeypatch.setenv("XLA_FLAGS", "--xla_cpu_experimental_ynn_fusion_type=individual_dot")
    assert compiler_options.for_model(_conv_model()) is None  # the user's own setting wins
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    assert compiler_options.for_model(_conv_model()) is None


def test_fit_predict_and_call_compile_with_the_option(on_cpu, monkeypatch):
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
    assert seen and all(o == compiler_options.YNN_OFF for o in seen)
    seen.clear()
    model.predict(x[:1], verbose=0)  # one sample: XLA's defaults
    assert seen == [None]
    seen.clear()
    model(x[:16])
    assert seen == [compiler_options.YNN_OFF]


def test_results_do_not_depend_on_the_option(on_cpu, monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.random((16, 8, 8, 1), dtype=np.float32)
    model = _conv_model()
    with_option = np.asarray(model(x))
    monkeypatch.setattr(compiler_options, "for_model", lambda model, batch=None: None)
    forward.invalidate(model)
    np.testing.assert_allclose(with_option, np.asarray(model(x)), rtol=1e-5, atol=1e-6)
