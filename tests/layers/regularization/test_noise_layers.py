"""SpatialDropout, GaussianNoise, GaussianDropout, AlphaDropout and ActivityRegularization."""

import jax
import numpy as np
import pytest
from layer_parity import assert_layer_matches

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


INFERENCE_CASES = [
    ("SpatialDropout1D", (0.5,), {}, (2, 4, 3)),
    ("SpatialDropout2D", (0.3,), {"data_format": "channels_first"}, (2, 3, 4, 4)),
    ("SpatialDropout3D", (0.3,), {"seed": 3}, (1, 2, 2, 2, 3)),
    ("GaussianNoise", (0.2,), {"seed": 1}, (2, 5)),
    ("GaussianDropout", (0.4,), {}, (2, 5)),
    ("AlphaDropout", (0.2,), {"noise_shape": (None, 1)}, (2, 5)),
    ("ActivityRegularization", (), {"l1": 0.1, "l2": 0.01}, (2, 5)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", INFERENCE_CASES)
def test_inference_is_identity_and_api_matches_keras(name, args, kwargs, shape):
    x = _x(*shape)
    _, lam = assert_layer_matches(keras, name, args, kwargs, x)
    np.testing.assert_array_equal(np.asarray(lam(x)), x)


@pytest.mark.parametrize("name,rank,fmt", [
    ("SpatialDropout1D", 1, "channels_last"), ("SpatialDropout2D", 2, "channels_last"),
    ("SpatialDropout2D", 2, "channels_first"), ("SpatialDropout3D", 3, "channels_last"),
])
def test_spatial_dropout_drops_whole_channels(name, rank, fmt):
    rate = 0.5
    kwargs = {} if rank == 1 else {"data_format": fmt}
    layer = getattr(layers, name)(rate, seed=7, **kwargs)
    shape = (8,) + (3,) * rank + (16,) if fmt == "channels_last" else (8, 16) + (3,) * rank
    y = np.asarray(layer(np.ones(shape, "float32"), training=True))
    spatial = tuple(range(1, rank + 1)) if fmt == "channels_last" else tuple(range(2, rank + 2))
    # Every (sample, channel) map is either all zeros or all 1 / (1 - rate).
    per_map_min, per_map_max = y.min(axis=spatial), y.max(axis=spatial)
    np.testing.assert_array_equal(per_map_min, per_map_max)
    assert set(np.unique(per_map_min)) <= {0.0, 1.0 / (1 - rate)}
    assert 0.3 < (per_map_min == 0).mean() < 0.7


def test_spatial_dropout_rejects_wrong_rank():
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layers.SpatialDropout2D(0.5)(_x(2, 3, 4), training=True)


def test_gaussian_noise_statistics():
    x = np.full((200, 50), 3.0, "float32")
    y = np.asarray(layers.GaussianNoise(0.5, seed=0)(x, training=True))
    assert abs((y - x).mean()) < 0.02
    assert abs((y - x).std() - 0.5) < 0.02


def test_gaussian_dropout_statistics():
    rate = 0.3
    y = np.asarray(layers.GaussianDropout(rate, seed=0)(np.ones((200, 50), "float32"), training=True))
    assert abs(y.mean() - 1.0) < 0.02
    assert abs(y.std() - np.sqrt(rate / (1 - rate))) < 0.02


def test_alpha_dropout_keeps_mean_and_variance_of_standard_inputs():
    rate = 0.2
    x = _x(400, 50)
    y = np.asarray(layers.AlphaDropout(rate, seed=0)(x, training=True))
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    sat = -alpha * scale
    a = ((1 - rate) * (1 + rate * sat**2)) ** -0.5
    b = -a * sat * rate
    kept = np.isclose(y, a * x + b, atol=1e-5)
    dropped = np.isclose(y, a * sat + b, atol=1e-5)
    assert (kept | dropped).all()
    assert abs(dropped.mean() - rate) < 0.02
    assert abs(y.mean()) < 0.03 and abs(y.std() - 1.0) < 0.03


def test_activity_regularization_loss_matches_keras():
    x = _x(4, 3)
    ours, theirs = layers.ActivityRegularization(0.1, 0.2), keras.layers.ActivityRegularization(0.1, 0.2)
    ours(x)
    theirs(x)
    np.testing.assert_allclose([float(v) for v in ours.losses], [float(v) for v in theirs.losses], rtol=1e-5)
    expected = (0.1 * np.abs(x).sum() + 0.2 * np.square(x).sum()) / x.shape[0]
    np.testing.assert_allclose(float(ours.losses[0]), expected, rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: layers.SpatialDropout1D(0.5, seed=1), lambda: layers.GaussianNoise(0.3, seed=1),
    lambda: layers.GaussianDropout(0.3, seed=1), lambda: layers.AlphaDropout(0.3, seed=1),
])
def test_fresh_noise_at_every_jitted_step(make):
    layer = make()
    x = np.ones((4, 5, 6), "float32")
    nt = [v.value for v in layer.non_trainable_variables]
    step = jax.jit(lambda nt: layer.stateless_call([], nt, x, training=True))
    y1, nt = step(nt)
    y2, _ = step(nt)
    assert not np.array_equal(np.asarray(y1), np.asarray(y2))


def test_noise_layers_in_a_model_only_act_in_training():
    model = lamina.Sequential([lamina.Input(shape=(4, 3)), layers.SpatialDropout1D(0.5, seed=0),
                               layers.GaussianNoise(0.1, seed=0)])
    x = _x(2, 4, 3)
    np.testing.assert_array_equal(np.asarray(model(x)), x)
    assert not np.allclose(np.asarray(model(x, training=True)), x)


@pytest.mark.parametrize("make,match", [
    (lambda: layers.SpatialDropout2D(1.5), "rate"),
    (lambda: layers.GaussianNoise(-0.1), "stddev"),
    (lambda: layers.GaussianDropout(2), "rate"),
    (lambda: layers.AlphaDropout(-1), "rate"),
    (lambda: layers.SpatialDropout3D(0.5, data_format="NDHWC"), "data_format"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()
