"""Weight files written by real Keras 3 load into the lamina applications and give the same
predictions; `weights='imagenet'` downloads Keras's published file once (hash checked) and
explains what to do offline.

The "published" files here are produced by Keras in the published format (Keras 2 `.h5`
layout) for tiny input sizes, and served from `file://` URLs in place of Keras's.
"""

import hashlib
import os
import urllib.error
import urllib.request

import h5py
import numpy as np
import pytest

from lamina import applications
from lamina.applications import efficientnet, mobilenet_v2, vgg16

keras = pytest.importorskip("keras")


def _value(variable, rng):
    name, shape = variable.name, tuple(variable.shape)
    if name in ("gamma", "moving_variance", "variance"):
        return rng.uniform(0.5, 1.5, shape)
    if name == "count":
        return np.zeros(shape)
    if name in ("beta", "moving_mean", "mean", "bias"):
        return rng.normal(0.0, 0.1, shape)
    fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    return rng.normal(0.0, 1.0 / np.sqrt(fan_in), shape)


def keras_model(build, seed=0):
    """A Keras model with NumPy-drawn weights (Keras's own random init compiles one XLA program
    per weight shape, which takes minutes for these networks)."""
    from keras.src.backend.common.variables import initialize_all_variables

    keras.backend.clear_session()
    with keras.StatelessScope(initialize_variables=False):
        model = build()
    rng = np.random.default_rng(seed)
    for v in model.weights:
        value = _value(v, rng).astype(v.dtype)
        v._initializer = lambda shape, dtype, value=value: value
    initialize_all_variables()
    return model


def save_published_format(kmodel, path):
    """Writes `kmodel`'s weights in the layout of Keras's published ImageNet files."""
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, kmodel)
    return path


def md5(path):
    return hashlib.md5(open(path, "rb").read()).hexdigest()


def assert_same_predictions(model, kmodel, x):
    expected = np.asarray(kmodel.predict(x, verbose=0))
    got = np.asarray(model.predict(x, verbose=0))
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5 * scale)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty lamina cache and a downloader that counts calls and copies `file://` URLs only."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    calls = []
    real = urllib.request.urlretrieve

    def fake(url, filename=None, reporthook=None, data=None):
        calls.append(url)
        if not url.startswith("file://"):
            raise urllib.error.URLError("network is unreachable")
        return real(url, filename, reporthook)

    monkeypatch.setattr(urllib.request, "urlretrieve", fake)
    return calls


@pytest.fixture(scope="module")
def vgg_files(tmp_path_factory):
    """A Keras VGG16 (no top, 32x32) with its weights saved both as `.weights.h5` and in the
    published `.h5` layout, plus its predictions on a fixed batch."""
    folder = tmp_path_factory.mktemp("vgg")
    kmodel = keras_model(lambda: keras.applications.VGG16(weights=None, include_top=False,
                                                         input_shape=(32, 32, 3)))
    kmodel.save_weights(folder / "vgg16.weights.h5")
    save_published_format(kmodel, folder / "vgg16_notop.h5")
    x = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    return folder, x, np.asarray(kmodel.predict(x, verbose=0))


def _check(model, x, expected):
    got = np.asarray(model.predict(x, verbose=0))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5 * max(1.0, np.abs(expected).max()))


def test_keras3_weights_file_loads_by_path(vgg_files):
    folder, x, expected = vgg_files
    model = applications.VGG16(weights=str(folder / "vgg16.weights.h5"), include_top=False,
                               input_shape=(32, 32, 3))
    _check(model, x, expected)


def test_imagenet_weights_download_once_then_come_from_the_cache(vgg_files, offline, monkeypatch):
    folder, x, expected = vgg_files
    published = folder / "vgg16_notop.h5"
    fname = vgg16.WEIGHT_FILES[False][0]
    monkeypatch.setitem(vgg16.WEIGHT_FILES, False, (fname, published.as_uri(), md5(published)))

    model = applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    _check(model, x, expected)
    assert offline == [published.as_uri()]
    cached = os.path.join(os.environ["LAMINA_HOME"], "models", fname)
    assert md5(cached) == md5(published)

    again = applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert len(offline) == 1  # served from the cache
    np.testing.assert_array_equal(again.get_weights()[0], model.get_weights()[0])


def test_imagenet_download_with_the_wrong_hash_is_refused(vgg_files, offline, monkeypatch):
    folder, _, _ = vgg_files
    published = folder / "vgg16_notop.h5"
    fname = vgg16.WEIGHT_FILES[False][0]
    monkeypatch.setitem(vgg16.WEIGHT_FILES, False, (fname, published.as_uri(), "0" * 32))
    with pytest.raises(ValueError, match="hash"):
        applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert not os.path.exists(os.path.join(os.environ["LAMINA_HOME"], "models", fname))


def test_offline_imagenet_weights_say_where_to_put_the_file(offline):
    fname, url, file_hash = vgg16.WEIGHT_FILES[False]
    with pytest.raises(RuntimeError) as info:
        applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    message = str(info.value)
    target = os.path.join(os.environ["LAMINA_HOME"], "models", fname)
    assert url in message and target in message and file_hash in message
    assert "network" in message
    assert offline == [url]


def test_a_file_placed_by_hand_in_the_cache_is_used_offline(vgg_files, offline, monkeypatch):
    folder, x, expected = vgg_files
    published = folder / "vgg16_notop.h5"
    fname, url, _ = vgg16.WEIGHT_FILES[False]
    monkeypatch.setitem(vgg16.WEIGHT_FILES, False, (fname, url, md5(published)))
    target = os.path.join(os.environ["LAMINA_HOME"], "models", fname)
    os.makedirs(os.path.dirname(target))
    with open(published, "rb") as src, open(target, "wb") as dst:
        dst.write(src.read())
    model = applications.VGG16(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert offline == []
    _check(model, x, expected)


def test_mobilenet_v2_published_format_loads_as_imagenet_weights(tmp_path, offline, monkeypatch):
    def build(lib):
        return lib.MobileNetV2(weights=None, alpha=0.35, include_top=False,
                               input_shape=(96, 96, 3))

    kmodel = keras_model(lambda: build(keras.applications))
    save_published_format(kmodel, tmp_path / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5")
    monkeypatch.setattr(mobilenet_v2, "BASE_WEIGHT_PATH", tmp_path.as_uri() + "/")
    model = applications.MobileNetV2(weights="imagenet", alpha=0.35, include_top=False,
                                     input_shape=(96, 96, 3))
    assert offline == [(tmp_path / "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5").as_uri()]
    x = np.random.default_rng(2).uniform(-1, 1, (2, 96, 96, 3)).astype("float32")
    assert_same_predictions(model, kmodel, x)


def test_efficientnet_keras3_weights_give_keras_predictions(tmp_path):
    def build(lib):
        return lib.EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)

    kmodel = keras_model(lambda: build(keras.applications))
    kmodel.save_weights(tmp_path / "b0.weights.h5")
    model = applications.EfficientNetB0(weights=str(tmp_path / "b0.weights.h5"),
                                        input_shape=(32, 32, 3), classes=10)
    x = np.random.default_rng(3).uniform(0, 255, (2, 32, 32, 3)).astype("float32")
    assert_same_predictions(model, kmodel, x)


def test_efficientnet_imagenet_adds_keras_extra_rescaling(tmp_path, offline, monkeypatch):
    kmodel = keras_model(lambda: keras.applications.EfficientNetB0(
        weights=None, include_top=False, input_shape=(32, 32, 3)))
    save_published_format(kmodel, tmp_path / "efficientnetb0_notop.h5")
    monkeypatch.setattr(efficientnet, "BASE_WEIGHTS_PATH", tmp_path.as_uri() + "/")
    monkeypatch.setitem(efficientnet.WEIGHTS_HASHES, "b0", ("unused", md5(tmp_path / "efficientnetb0_notop.h5")))
    model = applications.EfficientNetB0(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    names = [layer.name for layer in model.layers]
    assert names[1:4] == ["rescaling", "normalization", "rescaling_1"]
    np.testing.assert_allclose(model.get_layer("rescaling_1").scale,
                               [1 / np.sqrt(s) for s in efficientnet.IMAGENET_STDDEV_RGB])
    for layer in kmodel.layers:
        for w, kw in zip(model.get_layer(layer.name).get_weights(), layer.get_weights()):
            np.testing.assert_array_equal(w, kw)
