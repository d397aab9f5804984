"""Where the built-in cells' input projection runs on CPU, and that the choice never shows."""

import numpy as np
import pytest

from lamina import layers
from lamina.layers.recurrent import rnn


def _cell(features, units):
    layer = layers.LSTM(units)
    layer.build((None, 5, features))
    return layer.cell


class _Seq:
    def __init__(self, batch, steps, features):
        self.shape = (batch, steps, features)


@pytest.mark.parametrize("batch,steps,features,units,training,expected", [
    (1, 100, 256, 128, False, True),    # inference, batch 1: one projection reads the kernel once
    (4, 100, 256, 128, False, True),
    (16, 20, 256, 128, False, False),   # larger batches: the in-loop product is cheaper
    (64, 100, 256, 128, False, False),  # ... even where the training size rule would hoist
    (1, 8, 16, 32, False, False),       # a tiny kernel: no gain from hoisting
    (1, 100, 256, 128, True, False),    # training keeps the size rule (backward pass costs)
    (64, 100, 1024, 256, True, True),   # a large training projection: hoisted
])
def test_cpu_rule(monkeypatch, batch, steps, features, units, training, expected):
    monkeypatch.setattr(rnn, "_on_cpu", lambda: True)
    assert rnn._hoist_projection(_cell(features, units), _Seq(batch, steps, features), training) is expected


def test_accelerators_always_hoist(monkeypatch):
    monkeypatch.setattr(rnn, "_on_cpu", lambda: False)
    assert rnn._hoist_projection(_cell(16, 32), _Seq(1, 8, 16), False) is True


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_inference_choice_gives_same_outputs(monkeypatch, kind, return_sequences):
    # The same weights through both paths at batch 1 (where inference hoists) and batch 16.
    x = np.random.default_rng(0).normal(size=(16, 12, 64)).astype("float32")
    layer = getattr(layers, kind)(32, return_sequences=return_sequences, return_state=True)
    monkeypatch.setattr(rnn, "_on_cpu", lambda: True)
    results = []
    for per_row in (0, 2**62):
        monkeypatch.setattr(rnn, "_CPU_HOIST_MIN_KERNEL_PER_ROW", per_row)
        results.append([np.asarray(t) for t in layer(x[:1])] + [np.asarray(t) for t in layer(x)])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
