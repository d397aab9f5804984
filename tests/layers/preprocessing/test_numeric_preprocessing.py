"""Normalization, Rescaling, Discretization, CategoryEncoding, Resizing and CenterCrop vs Keras 3."""

import keras  # the oracle; tests/conftest.py selects its JAX backend
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)
IMAGES = (RNG.random((3, 6, 7, 2)) * 255).astype("float32")


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def _config_equal(lamina_layer, keras_layer):
    assert lamina_layer.get_config() == {**keras_layer.get_config(), "name": lamina_layer.name}


# ---------------------------------------------------------------- Normalization
@pytest.mark.parametrize("axis,shape", [(-1, (20, 3)), ((1, 2), (20, 3, 4)), (None, (20, 3)), (1, (20, 3, 4))])
def test_normalization_adapt_matches_keras(axis, shape):
    data = RNG.normal(2.0, 3.0, size=shape).astype("float32")
    ka, la = keras.layers.Normalization(axis=axis), layers.Normalization(axis=axis)
    ka.adapt(data)
    la.adapt(data)
    assert [tuple(w.shape) for w in la.weights] == [tuple(w.shape) for w in ka.weights]
    _close(la.get_weights()[0], ka.get_weights()[0])
    _close(la.get_weights()[1], ka.get_weights()[1])
    x = RNG.normal(size=shape).astype("float32")[:5]
    _close(la(x), ka(x))
    _config_equal(la, ka)


def test_normalization_adapt_from_batches_equals_whole_array():
    data = RNG.normal(1.0, 2.0, size=(23, 4)).astype("float32")
    whole, batched = layers.Normalization(), layers.Normalization()
    whole.adapt(data)
    batched.adapt((data[i:i + 5], None) for i in range(0, 23, 5))  # (x, y) batches use x
    _close(batched.get_weights()[0], whole.get_weights()[0])
    _close(batched.get_weights()[1], whole.get_weights()[1])
    _close(whole.get_weights()[0], data.mean(0))


@pytest.mark.parametrize("kwargs", [dict(mean=[1.0, 2.0, 3.0], variance=[4.0, 9.0, 1.0]),
                                    dict(mean=3.0, variance=2.0, axis=None),
                                    dict(mean=[1.0, 2.0, 3.0], variance=[4.0, 9.0, 1.0], invert=True)])
def test_normalization_fixed_statistics_match_keras(kwargs):
    x = RNG.normal(size=(4, 3)).astype("float32")
    ka, la = keras.layers.Normalization(**kwargs), layers.Normalization(**kwargs)
    _close(la(x), ka(x))
    assert la.weights == []
    _config_equal(la, ka)


def test_normalization_invert_undoes_adapted_normalization():
    data = RNG.normal(5.0, 2.0, size=(30, 3)).astype("float32")
    norm, inv = layers.Normalization(), layers.Normalization(invert=True)
    norm.adapt(data)
    inv.adapt(data)
    _close(inv(norm(data)), data, tol=1e-4)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    norm = layers.Normalization()
    norm.adapt(np.ones((4, 3), "float32"))
    with pytest.raises(ValueError, match="normalized axis"):
        norm.adapt(np.ones((4, 5), "float32"))


def test_normalization_statistics_are_read_at_call_time_in_compiled_models():
    model = lamina.Sequential([lamina.Input((2,)), layers.Normalization()])
    norm = model.layers[0]
    norm.adapt(np.array([[0.0, 0.0], [2.0, 4.0]], "float32"))
    _close(model(np.array([[1.0, 2.0]], "float32")), [[0.0, 0.0]])
    norm.adapt(np.array([[10.0, 0.0], [12.0, 4.0]], "float32"))
    _close(model(np.array([[11.0, 2.0]], "float32")), [[0.0, 0.0]])


# ---------------------------------------------------------------- Rescaling
@pytest.mark.parametrize("scale,offset", [(1 / 255.0, -1.0), ([1.0, 2.0], 0.5)])
def test_rescaling_matches_keras(scale, offset):
    ka, la = keras.layers.Rescaling(scale, offset), layers.Rescaling(scale, offset)
    _close(la(IMAGES), ka(IMAGES))
    _close(la(IMAGES.astype("uint8")), ka(IMAGES.astype("uint8")))
    _config_equal(la, ka)


# ---------------------------------------------------------------- Discretization
@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_fixed_boundaries_match_keras(mode):
    x = RNG.normal(size=(4, 3)).astype("float32")
    ka = keras.layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.7], output_mode=mode)
    la = layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.7], output_mode=mode)
    a, b = la(x), ka(x)
    assert a.dtype == b.dtype and a.shape == b.shape
    _close(a, b)
    x1 = x[:, :1]
    _close(la(x1), ka(x1))


@pytest.mark.parametrize("num_bins,epsilon", [(4, 0.01), (5, 0.1), (3, 0.001)])
def test_discretization_adapt_learns_keras_boundaries(num_bins, epsilon):
    data = RNG.exponential(size=(300,)).astype("float32")
    batches = [data[:120], data[120:]]
    ka = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    # Keras's adapt() needs TensorFlow only to recognise tf.data; its summary steps do not.
    ka.reset_state()
    for b in batches:
        ka.update_state(b)
    ka.finalize_state()
    la = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    la.adapt(batches)
    _close(la.bin_boundaries, ka.bin_boundaries)
    _close(la(data), ka(data))
    _config_equal(la, ka)
    clone = layers.Discretization.from_config(la.get_config())
    assert clone.bin_boundaries == la.bin_boundaries


def test_discretization_argument_errors():
    with pytest.raises(ValueError, match="exactly one"):
        layers.Discretization()
    with pytest.raises(ValueError, match="fixed `bin_boundaries`"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(np.ones(3))


# ---------------------------------------------------------------- CategoryEncoding
CE_INPUTS = [np.array([1, 2, 3, 3]), np.array([[1, 2], [3, 3]]), np.array([[1], [2]]),
             np.array([[[1, 2], [3, 3]], [[0, 0], [1, 1]]]), np.array([[1, 5], [3, -1]])]


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("idx", range(len(CE_INPUTS)))
def test_category_encoding_matches_keras(mode, idx):
    x = CE_INPUTS[idx]
    ka, la = keras.layers.CategoryEncoding(4, mode), layers.CategoryEncoding(4, mode)
    a, b = la(x), ka(x)
    assert a.shape == b.shape
    _close(a, b)
    assert la.compute_output_shape(x.shape) == tuple(a.shape)
    _config_equal(la, ka)


def test_category_encoding_count_weights_match_keras():
    x, w = np.array([[1, 2], [3, 3]]), np.array([[0.5, 1.0], [2.0, 3.0]], "float32")
    _close(layers.CategoryEncoding(4, "count")(x, count_weights=w),
           keras.layers.CategoryEncoding(4, "count")(x, count_weights=w))
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(4, "one_hot")(x, count_weights=w)


# ---------------------------------------------------------------- Resizing / CenterCrop
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("kwargs", [{}, {"crop_to_aspect_ratio": True}, {"pad_to_aspect_ratio": True},
                                    {"antialias": True}])
def test_resizing_matches_keras(interpolation, kwargs):
    ka = keras.layers.Resizing(4, 5, interpolation=interpolation, **kwargs)
    la = layers.Resizing(4, 5, interpolation=interpolation, **kwargs)
    _close(la(IMAGES), ka(IMAGES), tol=1e-4)
    _config_equal(la, ka)


def test_resizing_area_keeps_block_means_and_uint8_dtype():
    out = layers.Resizing(3, 7, interpolation="area")(IMAGES)
    _close(out, IMAGES.reshape(3, 3, 2, 7, 1, 2).mean(axis=(2, 4)), tol=1e-3)
    u8 = IMAGES.astype("uint8")
    a, b = layers.Resizing(3, 4)(u8), keras.layers.Resizing(3, 4)(u8)
    assert a.dtype == b.dtype == np.uint8
    _close(a, b)


@pytest.mark.parametrize("hw", [(3, 4), (8, 5), (6, 7), (10, 12)])
def test_center_crop_matches_keras(hw):
    ka, la = keras.layers.CenterCrop(*hw), layers.CenterCrop(*hw)
    _close(la(IMAGES), ka(IMAGES), tol=1e-4)
    _close(la(IMAGES[0]), ka(IMAGES[0]), tol=1e-4)
    _config_equal(la, ka)


def test_image_layers_channels_first_and_symbolic_shapes():
    xc = np.transpose(IMAGES, (0, 3, 1, 2))
    kw = dict(data_format="channels_first")
    _close(layers.Resizing(4, 5, **kw)(xc), keras.layers.Resizing(4, 5, **kw)(xc), tol=1e-4)
    _close(layers.CenterCrop(4, 5, **kw)(xc), keras.layers.CenterCrop(4, 5, **kw)(xc))
    x = lamina.Input((6, 7, 2))
    assert layers.Resizing(3, 2)(x).shape == (None, 3, 2, 2)
    assert layers.CenterCrop(3, 2)(x).shape == (None, 3, 2, 2)
