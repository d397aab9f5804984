"""Adaptive pooling layers against Keras 3: outputs, gradients, configs, shapes, training, files, errors."""

import inspect

import numpy as np
import pytest
from layer_parity import assert_layer_matches

import lamina
from lamina import layers

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
NAMES = [f"Adaptive{mode}Pooling{rank}D" for mode in ("Average", "Max") for rank in (1, 2, 3)]


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


# (input shape, constructor kwargs): uneven bins (7->3, 10->4), even (8->8), 5->1 and upsampling.
CASES = {
    1: [((2, 7, 3), {"output_size": 3}), ((2, 3, 10), {"output_size": (4,), "data_format": "channels_first"}),
        ((2, 5, 2), {"output_size": [8]})],
    2: [((2, 7, 10, 3), {"output_size": (3, 4)}), ((2, 3, 8, 5), {"output_size": (8, 1), "data_format": "channels_first"})],
}
# 3D gradients compile slowly on CPU: one case per mode (tests/ops/test_adaptive_pool.py has more).
GRID = [(mode, rank, shape, kwargs) for mode in ("Average", "Max") for rank, cases in CASES.items()
        for shape, kwargs in cases] + [
    ("Average", 3, (1, 7, 4, 5, 2), {"output_size": (3, 2, 1)}),
    ("Max", 3, (1, 2, 5, 6, 4), {"output_size": 2, "data_format": "channels_first"}),
]


@pytest.mark.parametrize("mode,rank,shape,kwargs", GRID)
def test_matches_keras(mode, rank, shape, kwargs):
    # Outputs, input gradients, get_config/from_config (both ways) and the symbolic output shape.
    assert_layer_matches(keras, f"Adaptive{mode}Pooling{rank}D", (), kwargs, _x(*shape))


@pytest.mark.parametrize("name", NAMES)
def test_signature_and_config_keys_match_keras(name):
    ours, theirs = getattr(layers, name), getattr(keras.layers, name)
    assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters)
    rank = int(name[-2])
    config = ours(2).get_config()
    assert sorted(config) == sorted(theirs(2).get_config())
    assert config["output_size"] == (2,) * rank and config["data_format"] == "channels_last"
    clone = ours.from_config({**config, "output_size": [3] * rank})  # a list, as JSON gives back
    assert clone.output_size == (3,) * rank


@pytest.mark.parametrize("name", NAMES)
def test_symbolic_shapes(name):
    rank = int(name[-2])
    inputs = lamina.Input((None,) * rank + (3,))
    assert getattr(layers, name)(2)(inputs).shape == (None,) + (2,) * rank + (3,)
    first = getattr(layers, name)(4, data_format="channels_first")
    assert first.compute_output_shape((None, 3) + (None,) * rank) == (None, 3) + (4,) * rank


def test_jitted_call_matches_eager():
    import jax

    layer = layers.AdaptiveMaxPooling2D((3, 2))
    x = _x(2, 7, 5, 3)
    np.testing.assert_allclose(np.asarray(jax.jit(layer)(x)), np.asarray(layer(x)))


def test_sequential_fit_and_keras_file_round_trip(tmp_path):
    model = lamina.Sequential([
        lamina.Input((None, None, 2)),
        layers.Conv2D(4, 3, padding="same"),
        layers.AdaptiveMaxPooling2D((3, 2)),
        layers.AdaptiveAveragePooling2D(1, name="squeeze"),
        layers.Flatten(),
        layers.Dense(1),
    ])
    model.compile(optimizer="sgd", loss="mse")
    x, y = _x(4, 9, 7, 2), _x(4, 1)
    before = np.asarray(model.layers[0].kernel.numpy()).copy()
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert not np.allclose(before, np.asarray(model.layers[0].kernel.numpy()))
    # Any input size gives the same output size.
    assert model.predict(_x(1, 12, 5, 2), verbose=0).shape == (1, 1)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = lamina.saving.load_model(tmp_path / "m.keras")
    assert loaded.layers[1].get_config()["output_size"] == (3, 2)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    # The same file loads in Keras 3 and gives the same predictions.
    theirs = keras.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)), expected, rtol=1e-5, atol=1e-5)


def test_keras_file_loads_here(tmp_path):
    inputs = keras.Input((6, 2))
    outputs = keras.layers.AdaptiveMaxPooling1D(4, data_format="channels_first")(
        keras.layers.AdaptiveAveragePooling1D(3)(inputs)
    )
    model = keras.Model(inputs, outputs)
    model.save(tmp_path / "k.keras")
    ours = lamina.saving.load_model(tmp_path / "k.keras")
    assert [type(layer).__name__ for layer in ours.layers[1:]] == ["AdaptiveAveragePooling1D", "AdaptiveMaxPooling1D"]
    x = _x(2, 6, 2)
    np.testing.assert_allclose(np.asarray(ours(x)), np.asarray(model(x)), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name,output_size,error,match,keras_checks", [
    # Keras raises ValueError for a 1D length mismatch and TypeError for 2D/3D; the types are kept.
    ("AdaptiveAveragePooling1D", (2, 2), ValueError, r"AdaptiveAveragePooling1D: `output_size` must be an int .* \(2 values\)", True),
    ("AdaptiveMaxPooling2D", (2, 2, 2), TypeError, r"\(height, width\) tuple of 2 positive ints.*\(3 values\)", True),
    ("AdaptiveAveragePooling3D", [4], TypeError, r"\(depth, height, width\) tuple .* Pass 3 sizes", True),
    ("AdaptiveMaxPooling3D", "2", TypeError, r"Received: output_size='2' of type str", True),
    # Keras does not check these at construction (see the next test).
    ("AdaptiveMaxPooling1D", 0, ValueError, r"every size must be >= 1. Received: output_size=0", False),
    ("AdaptiveAveragePooling2D", (3, -1), ValueError, r"every size must be >= 1. Received: output_size=\(3, -1\)", False),
    ("AdaptiveAveragePooling2D", (2.0, 2), TypeError, r"AdaptiveAveragePooling2D: `output_size` must be", False),
])
def test_bad_output_size(name, output_size, error, match, keras_checks):
    with pytest.raises(error, match=match):
        getattr(layers, name)(output_size)
    if keras_checks:
        # The same exception type as Keras 3, for code that catches it.
        with pytest.raises(error):
            getattr(keras.layers, name)(output_size)


def test_keras_accepts_non_positive_output_size_until_called():
    # Keras 3.15.1 does not check the sizes: 0 fails later with a bare ZeroDivisionError.
    with pytest.raises(ZeroDivisionError):
        keras.layers.AdaptiveAveragePooling2D(0)(np.ones((1, 4, 4, 1), "float32"))
    with pytest.raises(ValueError, match=">= 1"):
        layers.AdaptiveAveragePooling2D(0)


def test_bad_data_format_and_input_rank():
    with pytest.raises(ValueError, match="data_format"):
        layers.AdaptiveMaxPooling2D(2, data_format="NHWC")
    with pytest.raises(ValueError, match=r"expected ndim=4, found ndim=3.*\(batch, height, width, channels\)"):
        layers.AdaptiveMaxPooling2D(2)(_x(2, 8, 3))
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=4"):
        layers.AdaptiveAveragePooling1D(2).compute_output_shape((None, 8, 8, 3))
