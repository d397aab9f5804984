"""`preprocess_input` and `decode_predictions` against Keras 3."""

import hashlib
import json
import urllib.error
import urllib.request

import jax.numpy as jnp
import numpy as np
import pytest

from lamina import applications
from lamina.applications import imagenet_utils

keras = pytest.importorskip("keras")

FORMATS_AND_SHAPES = [
    ("channels_last", (2, 4, 5, 3)),
    ("channels_last", (4, 5, 3)),
    ("channels_first", (2, 3, 4, 5)),
    ("channels_first", (3, 4, 5)),
]


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format,shape", FORMATS_AND_SHAPES)
def test_preprocess_input_numpy_matches_keras(mode, data_format, shape, rng):
    x = rng.uniform(0, 255, shape).astype("float32")
    expected = keras.applications.imagenet_utils.preprocess_input(x.copy(), data_format, mode)
    got = imagenet_utils.preprocess_input(x.copy(), data_format, mode)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format,shape", [("channels_last", (2, 4, 5, 3)), ("channels_first", (2, 3, 4, 5)),
                                               ("channels_last", (4, 5, 3))])
def test_preprocess_input_tensor_matches_keras(mode, data_format, shape, rng):
    x = rng.uniform(0, 255, shape).astype("float32")
    expected = keras.applications.imagenet_utils.preprocess_input(jnp.asarray(x), data_format, mode)
    got = imagenet_utils.preprocess_input(jnp.asarray(x), data_format, mode)
    assert not isinstance(got, np.ndarray)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6, atol=1e-5)


def test_preprocess_input_overwrites_float_numpy_input_like_keras(rng):
    # Keras documents that float inputs are preprocessed in place; code relying on it must work.
    for mode in ("caffe", "tf", "torch"):
        x = rng.uniform(0, 255, (1, 2, 2, 3)).astype("float32")
        kx = x.copy()
        keras.applications.imagenet_utils.preprocess_input(kx, mode=mode)
        imagenet_utils.preprocess_input(x, mode=mode)
        np.testing.assert_allclose(x, kx, rtol=1e-6, atol=1e-5)


def test_integer_input_becomes_float_and_is_left_alone(rng):
    x = rng.integers(0, 256, (1, 2, 2, 3)).astype("uint8")
    before = x.copy()
    out = imagenet_utils.preprocess_input(x, mode="tf")
    expected = keras.applications.imagenet_utils.preprocess_input(before.copy(), mode="tf")
    assert out.dtype == np.float32 == expected.dtype
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(out, expected)


def test_preprocess_input_works_inside_a_functional_model(rng):
    import lamina

    inputs = lamina.Input(shape=(4, 4, 3))
    model = lamina.Model(inputs, applications.vgg16.preprocess_input(inputs))
    x = rng.uniform(0, 255, (2, 4, 4, 3)).astype("float32")
    expected = keras.applications.vgg16.preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(model(x)), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("module", ["vgg16", "vgg19", "xception", "resnet", "resnet50", "mobilenet_v2",
                                    "efficientnet"])
def test_each_family_uses_keras_preprocessing(module, rng):
    x = rng.uniform(0, 255, (2, 3, 3, 3)).astype("float32")
    expected = getattr(keras.applications, module).preprocess_input(x.copy())
    got = getattr(applications, module).preprocess_input(x.copy())
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-4)


def test_preprocess_input_rejects_unknown_mode_and_format():
    x = np.zeros((1, 2, 2, 3), "float32")
    with pytest.raises(ValueError, match="Received: mode='bgr'"):
        imagenet_utils.preprocess_input(x, mode="bgr")
    with pytest.raises(ValueError, match="Received: data_format='nhwc'"):
        imagenet_utils.preprocess_input(x, data_format="nhwc")


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    """A made-up 1000-class index served from a file:// URL with its real md5."""
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    path = tmp_path / "imagenet_class_index.json"
    path.write_text(json.dumps(index))
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_PATH", path.as_uri())
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_HASH", hashlib.md5(path.read_bytes()).hexdigest())
    return index


def test_decode_predictions_matches_keras(class_index, monkeypatch, rng):
    import keras.src.applications.imagenet_utils as kutils

    monkeypatch.setattr(kutils, "CLASS_INDEX", class_index)
    preds = rng.uniform(0, 1, (3, 1000)).astype("float32")
    expected = keras.applications.vgg16.decode_predictions(preds, top=4)
    got = applications.vgg16.decode_predictions(preds, top=4)
    assert got == expected
    assert [t[0] for t in got[0]] == [f"n{i:08d}" for i in np.argsort(preds[0])[::-1][:4]]
    assert applications.efficientnet.decode_predictions(jnp.asarray(preds), top=2) == \
        keras.applications.efficientnet.decode_predictions(preds, top=2)


def test_decode_predictions_downloads_the_class_index_once(class_index, monkeypatch, rng):
    calls = []
    real = urllib.request.urlretrieve
    monkeypatch.setattr(urllib.request, "urlretrieve", lambda url, *a, **k: calls.append(url) or real(url, *a, **k))
    preds = rng.uniform(0, 1, (1, 1000))
    imagenet_utils.decode_predictions(preds)
    imagenet_utils.decode_predictions(preds)
    assert calls == [imagenet_utils.CLASS_INDEX_PATH]


def test_decode_predictions_offline_says_where_to_place_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)

    def unreachable(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(urllib.request, "urlretrieve", unreachable)
    with pytest.raises(RuntimeError) as info:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    message = str(info.value)
    assert str(tmp_path / "models" / "imagenet_class_index.json") in message
    assert imagenet_utils.CLASS_INDEX_PATH in message and imagenet_utils.CLASS_INDEX_HASH in message


def test_decode_predictions_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"Received an array of shape \(2, 1000, 1\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 1000, 1)))
