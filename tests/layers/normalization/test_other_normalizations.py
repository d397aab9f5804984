"""Layer/Group/Unit/RMS normalization against real Keras 3."""

import warnings

import numpy as np
import pytest
from layer_parity import assert_layer_matches

from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _x(*shape):
    return (RNG.normal(size=shape) * 2 + 0.5).astype("float32")


CASES = [
    ("LayerNormalization", {}, (4, 5)),
    ("LayerNormalization", {"axis": 1}, (2, 3, 4)),
    ("LayerNormalization", {"axis": [1, 2], "epsilon": 1e-5}, (2, 3, 4)),
    ("LayerNormalization", {"axis": [-1, 1], "center": False}, (2, 3, 4)),
    ("LayerNormalization", {"scale": False, "beta_initializer": "ones"}, (2, 3, 4)),
    ("LayerNormalization", {"rms_scaling": True}, (2, 3, 4)),
    ("LayerNormalization", {"rms_scaling": True, "axis": 1}, (2, 3, 4)),
    ("GroupNormalization", {"groups": 2}, (2, 5, 4)),
    ("GroupNormalization", {"groups": 1, "center": False}, (2, 3, 4)),
    ("GroupNormalization", {"groups": -1, "axis": 1}, (2, 4, 3)),
    ("GroupNormalization", {"groups": 3, "axis": 1, "scale": False}, (2, 6, 2, 2)),
    ("GroupNormalization", {"groups": 2, "gamma_initializer": "random_normal"}, (2, 2, 2, 4)),
    ("UnitNormalization", {}, (3, 4)),
    ("UnitNormalization", {"axis": [1, 2]}, (2, 3, 4)),
    ("UnitNormalization", {"axis": 1}, (2, 3, 4)),
    ("RMSNormalization", {}, (3, 4)),
    ("RMSNormalization", {"axis": [1, 2], "epsilon": 1e-3}, (2, 3, 4)),
]


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(CASES)])
def test_normalization_matches_keras(name, kwargs, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rms_scaling=True is deprecated (in both libraries)
        assert_layer_matches(keras, name, (), kwargs, _x(*shape))


def test_rms_scaling_warns_like_keras():
    with pytest.warns(UserWarning, match="deprecated"):
        layers.LayerNormalization(rms_scaling=True)


def test_layer_normalization_statistics_are_per_sample():
    x = _x(3, 6)
    y = np.asarray(layers.LayerNormalization(epsilon=0.0)(x))
    np.testing.assert_allclose(y.mean(axis=-1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=-1), 1.0, rtol=1e-4)


def test_unit_normalization_output_has_unit_norm():
    y = np.asarray(layers.UnitNormalization(axis=[1, 2])(_x(2, 3, 4)))
    np.testing.assert_allclose(np.sqrt((y**2).sum(axis=(1, 2))), 1.0, rtol=1e-5)


def test_group_normalization_with_one_group_per_channel_is_instance_normalization():
    x = _x(2, 5, 3)
    y = np.asarray(layers.GroupNormalization(groups=-1, epsilon=0.0)(x))
    np.testing.assert_allclose(y.mean(axis=1), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=1), 1.0, rtol=1e-4)


@pytest.mark.parametrize("make,shape,match", [
    (lambda: layers.GroupNormalization(groups=4), (2, 3), r"groups \(4\) cannot be more than the number of channels"),
    (lambda: layers.GroupNormalization(groups=2), (2, 3), "must be a multiple of the number of groups"),
    (lambda: layers.LayerNormalization(axis=2), (2, 3), "axis 2 is out of bounds"),
    (lambda: layers.UnitNormalization(axis=-3), (2, 3), "out of bounds"),
])
def test_bad_inputs_raise_clear_errors(make, shape, match):
    with pytest.raises(ValueError, match=match):
        make()(_x(*shape))


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(TypeError, match="axis"):
        layers.UnitNormalization(axis=1.5)
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)
