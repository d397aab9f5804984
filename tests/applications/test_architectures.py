"""The application models have Keras 3's exact layers: names, order, classes, configs, weights.

Keras's models are built inside a non-initializing StatelessScope: their structure is complete
but no random weights are drawn, which keeps these comparisons fast.
"""

import json

import pytest

from lamina import applications
from lamina.backend import naming

keras = pytest.importorskip("keras")

CASES = [
    ("VGG16", dict(input_shape=(32, 32, 3))),
    ("VGG16", dict(include_top=False, input_shape=(32, 32, 3), pooling="avg")),
    ("VGG19", dict(include_top=False, input_shape=(32, 32, 3), pooling="max")),
    ("Xception", dict(input_shape=(71, 71, 3), classes=7, classifier_activation=None)),
    ("Xception", dict(include_top=False, input_shape=(None, None, 3), pooling="max")),
    ("ResNet50", dict(input_shape=(32, 32, 3))),
    ("ResNet50", dict(include_top=False, input_shape=(33, 35, 3), pooling="max")),
    ("ResNet101", dict(include_top=False, input_shape=(32, 32, 3))),
    ("MobileNetV2", dict(input_shape=(32, 32, 3))),
    ("MobileNetV2", dict(include_top=False, input_shape=(33, 33, 3), alpha=0.35, pooling="avg")),
    ("MobileNetV2", dict(input_shape=(96, 96, 3), alpha=1.4, classes=3)),
    ("EfficientNetB0", dict(input_shape=(32, 32, 3))),
    ("EfficientNetB0", dict(include_top=False, input_shape=(33, 32, 3), pooling="max")),
    ("EfficientNetB3", dict(include_top=False, input_shape=(32, 32, 3))),
]


def _norm(config):
    return json.loads(json.dumps(config))


def _build_pair(name, kwargs):
    keras.backend.clear_session()
    naming.reset_uids()
    with keras.StatelessScope(initialize_variables=False):
        kmodel = getattr(keras.applications, name)(weights=None, **kwargs)
    return kmodel, getattr(applications, name)(weights=None, **kwargs)


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_layers_weights_and_configs_as_keras(name, kwargs):
    kmodel, model = _build_pair(name, kwargs)
    assert model.name == kmodel.name
    assert [layer.name for layer in model.layers] == [layer.name for layer in kmodel.layers]
    assert [type(layer).__name__ for layer in model.layers] == [type(layer).__name__ for layer in kmodel.layers]
    assert [(w.path, tuple(w.shape), w.trainable) for w in model.weights] == [
        (w.path, tuple(w.shape), w.trainable) for w in kmodel.weights
    ]
    assert model.count_params() == kmodel.count_params()
    assert model.output_shape == kmodel.output_shape
    for layer, klayer in zip(model.layers, kmodel.layers):
        assert _norm(layer.get_config()) == _norm(klayer.get_config()), layer.name


def test_input_tensor_built_on_an_input_keeps_the_preceding_layers():
    def build(lib):
        inputs = lib.Input(shape=(32, 32, 3))
        x = lib.layers.Rescaling(2.0, name="scale")(inputs)
        return (lib.applications if lib is keras else applications).VGG16(
            weights=None, include_top=False, input_tensor=x
        )

    keras.backend.clear_session()
    with keras.StatelessScope(initialize_variables=False):
        kmodel = build(keras)
    import lamina

    model = build(lamina)
    assert [layer.name for layer in model.layers] == [layer.name for layer in kmodel.layers]
    assert model.layers[1].name == "scale"
    assert model.input_shape == kmodel.input_shape == (None, 32, 32, 3)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("VGG16", dict(weights="no/such/file.h5")),
        ("VGG16", dict(weights="imagenet", classes=10)),
        ("VGG16", dict(weights=None, input_shape=(16, 16, 3))),
        ("Xception", dict(weights=None, include_top=False, input_shape=(64, 64, 3))),
        ("ResNet50", dict(weights=None, include_top=True, input_shape=(None, None, 3))),
        ("ResNet50", dict(weights=None, input_shape=(32, 32))),
        ("MobileNetV2", dict(weights="imagenet", alpha=0.6, include_top=False)),
        ("EfficientNetB0", dict(weights="imagenet", include_top=True, input_shape=(64, 64, 3))),
    ],
)
def test_invalid_arguments_are_rejected_like_keras(name, kwargs):
    with pytest.raises(ValueError):
        with keras.StatelessScope(initialize_variables=False):
            getattr(keras.applications, name)(**kwargs)
    with pytest.raises(ValueError) as info:
        getattr(applications, name)(**kwargs)
    assert "Received" in str(info.value)


def test_pretrained_classifier_accepts_only_softmax_or_none(monkeypatch):
    # Validation happens before any download: no network is touched.
    monkeypatch.setattr(applications.weights, "fetch", lambda *a, **k: pytest.fail("downloaded"))
    with pytest.raises(ValueError, match="classifier_activation='relu'"):
        applications.Xception(weights="imagenet", classifier_activation="relu")


def test_module_level_exports_match_keras():
    for module in ("vgg16", "vgg19", "xception", "resnet", "resnet50", "mobilenet_v2", "efficientnet"):
        ours = getattr(applications, module)
        theirs = getattr(keras.applications, module)
        for fn in ("preprocess_input", "decode_predictions"):
            assert callable(getattr(ours, fn)) and callable(getattr(theirs, fn))
    for name in ("Xception", "VGG16", "VGG19", "ResNet50", "MobileNetV2", "EfficientNetB0"):
        assert callable(getattr(applications, name)) and hasattr(keras.applications, name)
