"""Helpers for the recurrent-layer tests (a uniquely named module: every test folder has a conftest)."""

import numpy as np


def copy_weights(keras_layer, lamina_layer):
    """Gives `lamina_layer` the weights of `keras_layer` (same order and shapes as Keras)."""
    lamina_layer.set_weights([np.asarray(w) for w in keras_layer.get_weights()])


def as_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def assert_same(keras_out, lamina_out, rtol=1e-5, atol=1e-5):
    k, lo = as_list(keras_out), as_list(lamina_out)
    assert len(k) == len(lo), (len(k), len(lo))
    for a, b in zip(k, lo):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=rtol, atol=atol)


def set_projection(monkeypatch, hoisted):
    """Puts the input projection inside the time loop, or hoisted before it, for one test.

    lamina picks one by backend and size (hoisted on accelerators and for large layers on CPU);
    both must give the same results, so tests exercise both whatever the machine.
    """
    from lamina.layers.recurrent import rnn

    monkeypatch.setattr(rnn, "_on_cpu", lambda: True)
    monkeypatch.setattr(rnn, "_CPU_HOIST_MIN_MACS", 0 if hoisted else 2**62)
    monkeypatch.setattr(rnn, "_CPU_HOIST_MIN_KERNEL_PER_ROW", 0 if hoisted else 2**62)

