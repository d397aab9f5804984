"""Activation layers against real Keras 3, and every activation name of lamina.activations."""

import numpy as np
import pytest

from lamina import activations, layers

CASES = [
    ("ReLU", {}), ("ReLU", {"max_value": 1.5}), ("ReLU", {"negative_slope": 0.1, "threshold": 0.2}),
    ("LeakyReLU", {}), ("LeakyReLU", {"negative_slope": 0.05}), ("ELU", {"alpha": 0.7}),
    ("Softmax", {}), ("Softmax", {"axis": 1}), ("PReLU", {}), ("PReLU", {"shared_axes": [1]}),
]


@pytest.mark.parametrize("name,kwargs", CASES)
def test_matches_keras(keras3, name, kwargs):
    x = np.random.default_rng(0).normal(size=(3, 4, 5)).astype("float32")
    k = getattr(keras3.layers, name)(**kwargs)
    ky = np.asarray(k(x))
    lam = getattr(layers, name)(**kwargs)
    lam.build(x.shape)
    if k.weights:
        w = [np.random.default_rng(1).normal(size=v.shape).astype("float32") for v in k.weights]
        k.set_weights(w)
        ky = np.asarray(k(x))
        lam.set_weights(w)
    np.testing.assert_allclose(np.asarray(lam(x)), ky, rtol=1e-5, atol=1e-6)
    assert sorted(lam.get_config()) == sorted(k.get_config())


ACTIVATION_NAMES = ["relu", "sigmoid", "softmax", "tanh", "linear", "elu", "selu", "softplus", "softsign",
                    "swish", "silu", "gelu", "exponential", "hard_sigmoid", "hard_silu", "leaky_relu",
                    "relu6", "log_softmax", "mish", "celu", "log_sigmoid", "tanh_shrink"]


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_every_activation_name_matches_keras(keras3, name):
    x = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
    np.testing.assert_allclose(np.asarray(activations.get(name)(x)), np.asarray(keras3.activations.get(name)(x)),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(layers.Activation(name)(x)), np.asarray(keras3.layers.Activation(name)(x)),
                               rtol=1e-5, atol=1e-6)


def test_unknown_activation_suggests_close_name():
    with pytest.raises(ValueError, match="relu"):
        activations.get("rellu")


def _sparsemax_reference(z):
    """Euclidean projection of each row onto the probability simplex (Martins & Astudillo, 2016)."""
    out = np.zeros_like(z)
    for i, row in enumerate(z):
        s = np.sort(row)[::-1]
        cs = np.cumsum(s)
        k = np.arange(1, len(row) + 1)
        kz = k[1 + k * s > cs].max()
        tau = (cs[kz - 1] - 1) / kz
        out[i] = np.maximum(row - tau, 0)
    return out


def test_sparsemax_projects_onto_the_simplex_where_keras_does_not(keras3):
    x = np.array([[0.1, 1.2, -0.3, 0.5], [2.0, 1.9, -1.0, 0.0]], "float32")
    y = np.asarray(activations.sparsemax(x))
    np.testing.assert_allclose(y, _sparsemax_reference(x), atol=1e-6)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, atol=1e-6)
    # Keras 3.15.1's sparsemax does not sum to 1 here ([0, 0.25, 0, 0] for the first row): a bug.
    keras_y = np.asarray(keras3.activations.sparsemax(x))
    assert not np.allclose(keras_y.sum(axis=-1), 1.0)


@pytest.mark.parametrize("mask_kind", ["bool", "float", "broadcast"])
def test_softmax_mask_matches_keras_including_fully_masked_rows(keras3, mask_kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4, 5)).astype("float32")
    mask = rng.random((3, 4, 5)) > 0.4
    mask[1, 2, :] = False  # a fully masked row: zeros, not a uniform distribution
    if mask_kind == "float":
        mask = mask.astype("float32") * 0.9  # Keras keeps positions above 0.5
    elif mask_kind == "broadcast":
        mask = mask[:1, :1, :]
    ours = np.asarray(layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(ours, np.asarray(keras3.layers.Softmax()(x, mask=mask)), atol=1e-6)
    if mask_kind != "broadcast":
        assert np.all(ours[1, 2] == 0)


def test_softmax_fully_masked_float16_row_is_zero_not_nan():
    x = np.ones((1, 3), "float16")
    y = np.asarray(layers.Softmax(dtype="float16")(x, mask=np.array([[False, False, False]])))
    assert y.dtype == np.float16 and not np.isnan(y).any() and np.all(y == 0)


def test_softmax_mask_that_does_not_broadcast_is_explained():
    with pytest.raises(ValueError, match=r"Softmax 'sm'.*mask must broadcast.*inputs.shape=\(2, 5\), mask.shape=\(2, 4\)"):
        layers.Softmax(name="sm")(np.ones((2, 5), "float32"), mask=np.ones((2, 4), bool))
